package program

import (
	"fmt"
	"slices"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// Transition is what an approval records in an application's program part.
type Transition struct {
	Slug string `json:"slug"`
	// From and To are the stages; equal when only a date is recorded.
	From application.Stage `json:"from"`
	To   application.Stage `json:"to"`
	// Set names what is recorded: a date (acceptedAt, listingPublishedAt,
	// approvedAt), or "history" alone for a change of stage the pull
	// request itself proposes.
	Set []string `json:"set"`
	// Rule is the clause the transition follows.
	Rule string `json:"rule"`
	// Why says it in words.
	Why string `json:"why"`
	// Program is the program part to write.
	Program application.ProgramState `json:"-"`
}

// OnApproval returns the transition an authorised approval of a pull
// request records for one application file, or false when the approval
// only merges the change. The table:
//
//	new file, stage applied, installs ≥ certificationInstalls → certification, acceptedAt (Connect certification)
//	new file, stage applied, installs ≥ minInstalls           → beta, acceptedAt (Connect beta)
//	beta, listing complete at head, not yet published          → listingPublishedAt (beta-4, beta-5)
//	certification with App ID, video, assets, no open feedback,
//	  not yet approved                                         → approvedAt (certification 4, 5)
//	a change of stage the pull request proposes, not a removal → history (the stage's clause)
//
// Every transition appends a history row naming the approver, the pull
// request and head, the commit whose comment showed the reviewer checklist
// the approval was given on (every change with a transition shows it).
//
// The dates it records, and the history row's, are the day the approval
// was submitted (RecordDay: never after now, never before the record's
// last day), not the day connectbot acts on it: an approval whose
// delivery was lost, taken up by a reconcile days later, starts its
// clocks on the day it was given. An approval without a time is dated now.
//
// Acceptance rests on AcceptanceCount — the live source's count when
// program.cue names one — and records the count it rested on. live are
// the source's counts by slug (nil without a source).
func OnApproval(c FileChange, cfg application.Config, approval Review, pr int, head string, now application.Date, live map[string]Installs) (Transition, bool) {
	if c.Head == nil || c.Head.App == nil || c.Status == ChangeDelete {
		return Transition{}, false
	}
	app := c.Head.App
	p := app.Program
	day := now
	if !approval.SubmittedAt.IsZero() {
		day = RecordDay(application.DateOf(approval.SubmittedAt), now, p)
	}
	t := Transition{Slug: c.Head.Slug, From: p.Stage, To: p.Stage}
	switch {
	case c.Base == nil && p.Stage == application.StageApplied:
		count, problem := AcceptanceCount(c.Head.Slug, p.Installs, cfg, live, now)
		if problem != "" {
			return Transition{}, false
		}
		to := AcceptanceStage(count.Count, cfg)
		if to == "" {
			return Transition{}, false
		}
		t.To, t.Set = to, []string{"acceptedAt"}
		p.Stage, p.AcceptedAt = to, &day
		p.Installs = application.Installs{Count: count.Count, AsOf: count.AsOf}
		t.Rule = policy.RuleBeta1
		t.Why = fmt.Sprintf("accepted with %s: enters %s", acceptanceWords(count), to)
		if to == application.StageCertification {
			t.Rule = policy.RuleCert1
		}
	case p.Stage == application.StageBeta && p.ListingPublishedAt == nil && app.Listing.Complete() &&
		(c.Base == nil || c.Base.App == nil || !c.Base.App.Listing.Complete() || c.Base.App.Program.ListingPublishedAt == nil):
		t.Set = []string{"listingPublishedAt"}
		p.ListingPublishedAt = &day
		t.Rule = policy.RuleBeta5
		t.Why = fmt.Sprintf("listing information approved: the listing is published and the %d-day install window starts", cfg.InstallWindowDays)
	case p.Stage == application.StageCertification && p.ApprovedAt == nil && certificationReady(app):
		t.Set = []string{"approvedAt"}
		p.ApprovedAt = &day
		t.Rule = policy.RuleCert5
		t.Why = "certification review approved: every feedback item is addressed"
	case c.Base != nil && c.Base.App != nil && c.Base.App.Program.Stage != p.Stage && p.Stage != application.StageRemoved:
		// A stage change the pull request itself proposes (connectbot's
		// promotion or launch, or a reviewer's own): the approval and
		// the checklist it was given on join the history.
		t.From, t.Set = c.Base.App.Program.Stage, []string{"history"}
		t.Rule = policy.StageRules[p.Stage]
		t.Why = fmt.Sprintf("the change of stage from %s to %s is approved", t.From, p.Stage)
	default:
		return Transition{}, false
	}
	p.History = append(slices.Clone(p.History), application.HistoryRow{
		Date: day, Stage: t.To, By: approval.Author, Ref: fmt.Sprintf("#%d", pr), Checklist: head,
	})
	t.Program = p
	return t, true
}

// ShowsChecklist reports whether the pull-request comment shows the
// reviewer checklist for a change: a new application, a change of stage
// other than a removal, or a change whose approval records a transition
// (a listing published, a certification approved). A removal, a deleted
// file and an ordinary update show none.
func ShowsChecklist(c FileChange, cfg application.Config, now application.Date) bool {
	if c.Status == ChangeAffected || c.Status == ChangeDelete || c.Head == nil || c.Head.App == nil {
		return false
	}
	stage := c.Head.App.Program.Stage
	switch {
	case stage == application.StageRemoved:
		return false
	case c.Base == nil:
		return true
	case c.Base.App != nil && c.Base.App.Program.Stage != stage:
		return true
	}
	_, records := OnApproval(c, cfg, Review{}, 0, "", now, nil)
	return records
}

// certificationReady reports whether a certification has every material
// and no open feedback.
func certificationReady(app *application.Application) bool {
	c := app.Certification
	return app.Integration.AppID != "" && c != nil && c.DemoVideoURL != "" && len(c.SalesAssets) > 0 &&
		len(app.Program.OpenFeedback()) == 0
}

// AcceptanceCount returns the install count that acceptance into the
// program rests on (Connect req-4): the live source's count for slug when
// program.cue names a source, else the count the file records. Only a
// count taken on or before now is evidence; without one, problem says why.
func AcceptanceCount(slug string, recorded application.Installs, cfg application.Config, live map[string]Installs, now application.Date) (count Installs, problem string) {
	if cfg.InstallsSource != nil {
		c, ok := live[slug]
		switch {
		case !ok:
			return Installs{}, fmt.Sprintf("the installs source has no count for %s", slug)
		case c.AsOf > now:
			return Installs{}, fmt.Sprintf("the installs source's count for %s is dated %s, after today (%s)", slug, c.AsOf, now)
		}
		return c, ""
	}
	if recorded.AsOf > now {
		return Installs{}, fmt.Sprintf("the recorded count is dated %s, after today (%s)", recorded.AsOf, now)
	}
	return Installs{Count: recorded.Count, AsOf: recorded.AsOf, Source: SourceRecorded}, ""
}

// acceptanceWords says a count acceptance rests on, and where it is from.
func acceptanceWords(c Installs) string {
	return fmt.Sprintf("%s as of %s (%s)", application.Plural(c.Count, "install"), c.AsOf, c.Source)
}
