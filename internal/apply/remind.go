package apply

import (
	"context"
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// trackingIssues finds applications' tracking issues, listing them once
// per run.
type trackingIssues struct {
	x      *Executor
	bySlug map[string]int
}

func trackingMarker(slug string) string { return "<!-- connectbot:tracking " + slug + " -->" }

// find returns the tracking issue of slug, opening it if there is none.
func (t *trackingIssues) find(ctx context.Context, a program.Action) (int, bool, error) {
	if t.bySlug == nil {
		if err := t.list(ctx); err != nil {
			return 0, false, err
		}
	}
	if n, ok := t.bySlug[a.Slug]; ok {
		return n, false, nil
	}
	app, _, err := t.x.application(t.x.baseSHA(), a.Slug)
	if err != nil {
		return 0, false, err
	}
	body := fmt.Sprintf("%s\nconnectbot posts the deadlines of **%s** (%s) here: reminders before each one.\n\nMaintainers: %s.\n",
		trackingMarker(a.Slug), markdown.Escape(app.App.Integration.Name), markdown.Code(application.PathOf(a.Slug)), mentions(app.App))
	is, err := t.x.Forge.CreateIssue(ctx, IssueTitle(app.App), report.FitComment(body), program.LabelTracking)
	if err != nil {
		// Read back: another run may have opened it, or GitHub may have
		// opened it before answering with an error. Only an issue GitHub
		// shows counts.
		if lerr := t.list(ctx); lerr == nil {
			if n, ok := t.bySlug[a.Slug]; ok {
				return n, false, nil
			}
		}
		return 0, false, fmt.Errorf("open the tracking issue: %w", err)
	}
	t.bySlug[a.Slug] = is.Number
	return is.Number, true, nil
}

// list reads every tracking issue, open or closed, into bySlug.
func (t *trackingIssues) list(ctx context.Context) error {
	issues, err := t.x.Forge.ListIssues(ctx, "all", program.LabelTracking)
	if err != nil {
		return err
	}
	t.bySlug = map[string]int{}
	for _, is := range issues {
		for line := range strings.SplitSeq(is.Body, "\n") {
			if s, ok := strings.CutPrefix(line, "<!-- connectbot:tracking "); ok {
				t.bySlug[strings.TrimSuffix(s, " -->")] = is.Number
			}
		}
	}
	return nil
}

// Track opens the tracking issue of an application if it has none, as on
// its acceptance, and returns its number. The base branch must already
// hold the application.
func (x *Executor) Track(ctx context.Context, slug string) (int, error) {
	if err := x.Git.Fetch(ctx); err != nil {
		return 0, err
	}
	n, _, err := (&trackingIssues{x: x}).find(ctx, program.Action{Slug: slug})
	return n, err
}

// remind posts a reminder on the application's tracking issue, once.
func (x *Executor) remind(ctx context.Context, a program.Action, t *trackingIssues) (Result, error) {
	n, opened, err := t.find(ctx, a)
	if err != nil {
		return Result{}, err
	}
	// The marker names the reminder day, not the day it goes out: a
	// reminder caught up on a later day is the same reminder, posted once.
	marker := fmt.Sprintf("<!-- connectbot:remind %s %s %s %d -->", a.Slug, a.Reason, a.Due, a.DaysBefore)
	what := map[string]string{
		program.DeadlineListingInfo:   "Listing information",
		program.DeadlineInstallWindow: "The install window",
	}[a.Reason]
	f, _, err := x.application(x.baseSHA(), a.Slug)
	if err != nil {
		return Result{PR: n}, err
	}
	fix, err := x.fix(a, f.App)
	if err != nil {
		return Result{PR: n}, err
	}
	// The maintainers of the day: one added since the tracking issue was
	// opened is subscribed to nothing there.
	body := fmt.Sprintf("%s\n**%s: due %s, %s.** %s.\n\n> %s\n>\n> — `%s`\n\nMaintainers: %s.\n", marker, what, a.Due,
		a.InDays(), markdown.Escape(a.Evidence), a.Clause, a.Rule, mentions(f.App)) + remindFix[a.Reason] + fix.Markdown()
	posted, err := x.commentOnce(ctx, n, marker, body)
	if err != nil {
		return Result{PR: n}, err
	}
	if !posted {
		return Result{Action: a, Status: AlreadyDone, PR: n, Detail: fmt.Sprintf("reminder already on #%d", n)}, nil
	}
	detail := fmt.Sprintf("reminded on #%d", n)
	if opened {
		detail = fmt.Sprintf("opened tracking issue #%d and reminded", n)
	}
	return Result{Action: a, Status: Done, PR: n, Detail: detail}, nil
}

// remindFix says, before the fix, what a reminder asks of the integrator.
var remindFix = map[string]string{
	program.DeadlineListingInfo: "",
	program.DeadlineInstallWindow: "\nInstalls are counted by the program: nothing in your file changes them. " +
		"Your listing is what customers see of the integration, and you can change it at any time:\n",
}

// fix is how to do what reminder a asks: its step's form, the file in
// GitHub's web editor on the base branch, and the snippet of the listing
// with the file's own values.
func (x *Executor) fix(a program.Action, app *application.Application) (report.Fix, error) {
	snippet, err := catalog.FixSnippet(app, []string{"listing"}, nil)
	if err != nil {
		return report.Fix{}, err
	}
	return report.Fix{Path: application.PathOf(a.Slug), Slug: a.Slug, Step: program.StepListing, Snippet: snippet,
		Links: report.Links{Repo: x.Web, Branch: x.Base}}, nil
}
