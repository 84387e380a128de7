package program

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// Ownership rule ids: who may change what (DESIGN.md "Ownership of fields").
const (
	RuleMaintainer   = "ownership/maintainer"
	RuleProgramOwned = "ownership/program-owned"
	RuleRename       = "ownership/rename-or-delete"
	RuleOutside      = "ownership/outside-applications"
)

// File change statuses, as GitHub reports them for a pull request's files.
const (
	FileAdded    = "added"
	FileModified = "modified"
	FileRemoved  = "removed"
	FileRenamed  = "renamed"
)

// FileChange is one file a pull request touches, with its values at the
// base and the head commits. For an application file, Base and Head are
// the judged files (nil where the file does not exist on that side).
type FileChange struct {
	Path         string
	PreviousPath string
	Status       string
	Base, Head   *application.File
}

// IsApplication reports whether the change is to an application file.
func (c FileChange) IsApplication() bool {
	return isApplicationPath(c.Path) || (c.PreviousPath != "" && isApplicationPath(c.PreviousPath))
}

func isApplicationPath(p string) bool {
	return strings.HasPrefix(p, "applications/") && strings.HasSuffix(p, ".cue") && strings.Count(p, "/") == 1
}

// Author is who opened a pull request, as the ownership rules see them.
type Author struct {
	Login string
	// Bot is true for connectbot itself.
	Bot bool
}

// Ownership checks a pull request against the ownership rules: an
// integrator may touch only files whose maintainers (at the base) list
// them, a new file must list its author, nothing under program may change
// (compared by value, so formatting tricks do not help), renames and
// deletions need a reviewer, and files outside applications/ are flagged
// for one. Reviewers of the base configuration and the bot may change
// anything. It returns findings per path, and whether a reviewer must look.
func Ownership(author Author, changes []FileChange, cfg application.Config) (map[string][]application.Finding, bool) {
	out := map[string][]application.Finding{}
	if author.Bot || slices.Contains(cfg.Reviewers, author.Login) {
		return out, false
	}
	needsReview := false
	flag := func(path, rule string, sev application.Severity, at application.Pos, format string, args ...any) {
		out[path] = append(out[path], application.Finding{
			Rule: rule, Severity: sev, Message: fmt.Sprintf(format, args...), Line: at.Line, Column: at.Column,
		})
	}
	for _, c := range changes {
		if !c.IsApplication() {
			needsReview = true
			flag(c.Path, RuleOutside, application.SeverityWarning, application.Pos{Line: 1, Column: 1},
				"%s is outside applications/: a reviewer must look at this change", c.Path)
			continue
		}
		switch c.Status {
		case FileRemoved, FileRenamed:
			needsReview = true
			flag(c.Path, RuleRename, application.SeverityError, application.Pos{Line: 1, Column: 1},
				"%s an application needs a reviewer: only the program team renames or deletes application files", verb(c.Status))
			continue
		}
		if c.Base == nil {
			checkNewFile(c, author, flag)
			continue
		}
		if c.Base.App == nil {
			// A broken file on the base branch names no maintainers to trust.
			needsReview = true
			flag(c.Path, RuleMaintainer, application.SeverityError, application.Pos{Line: 1, Column: 1},
				"%s does not load on the base branch, so its maintainers are unknown: a reviewer must make this change", c.Path)
			continue
		}
		if !isMaintainer(c.Base.App, author.Login) {
			flag(c.Path, RuleMaintainer, application.SeverityError, locate(c.Head, "maintainers"),
				"@%s is not a maintainer of %s (maintainers: %s): only they may change it",
				author.Login, c.Path, strings.Join(c.Base.App.Maintainers, ", "))
		}
		if c.Head != nil && c.Head.App != nil && !reflect.DeepEqual(c.Base.App.Program, c.Head.App.Program) {
			for _, field := range changedProgramFields(c.Base.App.Program, c.Head.App.Program) {
				flag(c.Path, RuleProgramOwned, application.SeverityError, locate(c.Head, "program."+field),
					"program.%s is owned by the program: only reviewers and connectbot change it", field)
			}
		}
	}
	return out, needsReview
}

// locate finds path in f, which may be missing.
func locate(f *application.File, path string) application.Pos {
	if f == nil {
		return application.Pos{Line: 1, Column: 1}
	}
	return f.Locate(path)
}

func checkNewFile(c FileChange, author Author, flag func(string, string, application.Severity, application.Pos, string, ...any)) {
	if c.Head == nil || c.Head.App == nil {
		return // the schema findings say what is wrong; nothing to compare
	}
	app := c.Head.App
	if !isMaintainer(app, author.Login) {
		flag(c.Path, RuleMaintainer, application.SeverityError, c.Head.Locate("maintainers"),
			"a new application must list its author: add %q to maintainers", author.Login)
	}
	// A new application states its installs; everything else in program is
	// the program's to set.
	want := application.ProgramState{Stage: application.StageApplied, Installs: app.Program.Installs}
	for _, field := range changedProgramFields(want, app.Program) {
		flag(c.Path, RuleProgramOwned, application.SeverityError, c.Head.Locate("program."+field),
			"a new application sets only program.stage: \"applied\" and program.installs; program.%s is set by the program", field)
	}
}

func isMaintainer(app *application.Application, login string) bool {
	for _, m := range app.Maintainers {
		if strings.EqualFold(m, login) {
			return true
		}
	}
	return false
}

// changedProgramFields names the program fields whose values differ.
func changedProgramFields(a, b application.ProgramState) []string {
	var out []string
	ta := reflect.TypeOf(a)
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range ta.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			name, _, _ := strings.Cut(ta.Field(i).Tag.Get("json"), ",")
			out = append(out, name)
		}
	}
	return out
}

func verb(status string) string {
	if status == FileRemoved {
		return "deleting"
	}
	return "renaming"
}

// Transition is what an approval records in an application's program part.
type Transition struct {
	Slug string `json:"slug"`
	// From and To are the stages; equal when only a date is recorded.
	From application.Stage `json:"from"`
	To   application.Stage `json:"to"`
	// Set names the dates recorded: acceptedAt, listingPublishedAt, approvedAt.
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
//
// Every transition appends a history row naming the approver and the pull
// request.
func OnApproval(c FileChange, cfg application.Config, approver string, pr int, now application.Date) (Transition, bool) {
	if c.Head == nil || c.Head.App == nil || c.Status == FileRemoved {
		return Transition{}, false
	}
	app := c.Head.App
	p := app.Program
	t := Transition{Slug: c.Head.Slug, From: p.Stage, To: p.Stage}
	switch {
	case c.Base == nil && p.Stage == application.StageApplied:
		to := AcceptanceStage(p.Installs.Count, cfg)
		if to == "" {
			return Transition{}, false
		}
		t.To, t.Set = to, []string{"acceptedAt"}
		p.Stage, p.AcceptedAt = to, &now
		t.Rule = "connect/beta-1"
		t.Why = fmt.Sprintf("accepted with %d installs as of %s: enters %s", p.Installs.Count, p.Installs.AsOf, to)
		if to == application.StageCertification {
			t.Rule = "connect/cert-1"
		}
	case p.Stage == application.StageBeta && p.ListingPublishedAt == nil && app.Listing.Complete() &&
		(c.Base == nil || c.Base.App == nil || !c.Base.App.Listing.Complete() || c.Base.App.Program.ListingPublishedAt == nil):
		t.Set = []string{"listingPublishedAt"}
		p.ListingPublishedAt = &now
		t.Rule = "connect/beta-5"
		t.Why = fmt.Sprintf("listing information approved: the listing is published and the %d-day install window starts", cfg.InstallWindowDays)
	case p.Stage == application.StageCertification && p.ApprovedAt == nil && certificationReady(app):
		t.Set = []string{"approvedAt"}
		p.ApprovedAt = &now
		t.Rule = "connect/cert-5"
		t.Why = "certification review approved: every feedback item is addressed"
	default:
		return Transition{}, false
	}
	p.History = append(slices.Clone(p.History), application.HistoryRow{
		Date: now, Stage: t.To, By: approver, Ref: fmt.Sprintf("#%d", pr),
	})
	t.Program = p
	return t, true
}

// certificationReady reports whether a certification has every material
// and no open feedback.
func certificationReady(app *application.Application) bool {
	c := app.Certification
	return app.Integration.AppID != "" && c != nil && c.DemoVideoURL != "" && len(c.SalesAssets) > 0 &&
		len(app.Program.OpenFeedback()) == 0
}
