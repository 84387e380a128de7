package apply

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/plaintext"
	"github.com/connectbot/connectbot/internal/program"
)

// Title is an action pull request's title: one line, within GitHub's
// limit of 256 characters. An integration name too long for it is cut,
// so that the slug and the reason always show.
func Title(a program.Action, app *application.Application) string {
	format := "Launch %s (%s) as a partner"
	args := []any{a.Slug}
	switch a.Kind {
	case program.KindOpenRemovalPR:
		format = "Remove %s (%s) from the program: %s"
		args = append(args, plaintext.Line(a.Reason))
	case program.KindPromote:
		format = "Promote %s (%s) to certification"
	}
	room := plaintext.TitleMax - utf8.RuneCountInString(fmt.Sprintf(format, append([]any{""}, args...)...))
	name := plaintext.Cut(app.Integration.Name, room)
	return plaintext.Cut(fmt.Sprintf(format, append([]any{name}, args...)...), plaintext.TitleMax)
}

// IssueTitle is the title of an application's tracking issue: one line,
// within GitHub's limit of 256 characters.
func IssueTitle(app *application.Application) string {
	const suffix = ": program deadlines"
	return plaintext.Cut(app.Integration.Name, plaintext.TitleMax-utf8.RuneCountInString(suffix)) + suffix
}

// Message is the commit message of an action's change: a subject of at
// most 72 characters naming the file's slug, then the pull request's
// title and the evidence, without control characters.
func Message(a program.Action, app *application.Application) string {
	subject := plaintext.Cut(fmt.Sprintf("connectbot: %s %s (%s)", a.Kind.Verb(), a.Slug, a.Reason), plaintext.SubjectMax)
	return subject + "\n\n" + Title(a, app) + "\n\n" + plaintext.Text(a.Evidence) + "\n"
}

// Body is an action pull request's description: who, what, the clause in
// the policy's own words, the dates and the evidence, and the maintainers
// mentioned so they hear of it.
func Body(a program.Action, app *application.Application) string {
	var b strings.Builder
	what := map[program.ActionKind]string{
		program.KindOpenRemovalPR: "proposes removing",
		program.KindPromote:       "proposes promoting to certification",
		program.KindLaunch:        "proposes launching as a certified partner",
	}[a.Kind]
	fmt.Fprintf(&b, "connectbot %s **%s** by %s (%s).\n\n", what, markdown.Escape(app.Integration.Name), markdown.Escape(app.Company.Name), markdown.Code(application.PathOf(a.Slug)))
	fmt.Fprintf(&b, "**Why:** %s.\n\n", markdown.Escape(a.Evidence))
	fmt.Fprintf(&b, "> %s\n>\n> — `%s`\n\n", a.Clause, a.Rule)
	if len(a.Dates) > 0 {
		names := make([]string, 0, len(a.Dates))
		for n := range a.Dates {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString("| date | |\n|---|---|\n")
		for _, n := range names {
			fmt.Fprintf(&b, "| %s | %s |\n", n, a.Dates[n])
		}
		fmt.Fprintf(&b, "| due | %s |\n\n", a.Due)
	}
	if a.Installs != nil {
		fmt.Fprintf(&b, "Installs: %d as of %s (%s).\n\n", a.Installs.Count, a.Installs.AsOf, a.Installs.Source)
	}
	fmt.Fprintf(&b, "Maintainers: %s. A reviewer merges this pull request to carry it out, or closes it to decide otherwise; connectbot does not open it again for the same deadline.\n", mentions(app))
	return b.String()
}

// mentions names the application's maintainers as GitHub mentions, so
// each hears of what connectbot writes: "@a, @b".
func mentions(app *application.Application) string {
	who := make([]string, len(app.Maintainers))
	for i, m := range app.Maintainers {
		who[i] = "@" + m
	}
	return strings.Join(who, ", ")
}
