package apply

import (
	"fmt"
	"sort"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// Title is an action pull request's title.
func Title(a program.Action, app *application.Application) string {
	name := app.Integration.Name
	switch a.Kind {
	case program.KindOpenRemovalPR:
		return fmt.Sprintf("Remove %s (%s) from the program: %s", name, a.Slug, a.Reason)
	case program.KindPromote:
		return fmt.Sprintf("Promote %s (%s) to certification", name, a.Slug)
	}
	return fmt.Sprintf("Launch %s (%s) as a partner", name, a.Slug)
}

// Body is an action pull request's description: who, what, the clause in
// the policy's own words, the dates and the evidence, and the maintainers
// mentioned so they hear of it.
func Body(a program.Action, app *application.Application) string {
	var b strings.Builder
	what := map[string]string{
		program.KindOpenRemovalPR: "proposes removing",
		program.KindPromote:       "proposes promoting to certification",
		program.KindLaunch:        "proposes launching as a certified partner",
	}[a.Kind]
	fmt.Fprintf(&b, "connectbot %s **%s** by %s (`applications/%s.cue`).\n\n", what, mdEscape(app.Integration.Name), mdEscape(app.Company.Name), a.Slug)
	fmt.Fprintf(&b, "**Why:** %s.\n\n", mdEscape(a.Evidence))
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
	var who []string
	for _, m := range app.Maintainers {
		who = append(who, "@"+m)
	}
	fmt.Fprintf(&b, "Maintainers: %s. A reviewer merges this pull request to carry it out, or closes it to decide otherwise; connectbot does not open it again for the same deadline.\n", strings.Join(who, ", "))
	return b.String()
}

// mdEscape keeps an application's text from becoming markup.
func mdEscape(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "*", "\\*", "_", "\\_", "`", "'", "@", "@\u200b", "\n", " ").Replace(s)
}
