package program

import (
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// timeFindings are validation rules whose errors come from the passing of
// time rather than from bad data: an overdue listing is the clock's own
// business, and must not stop the clock that removes it.
var timeFindings = map[string]bool{policy.RuleBeta2: true}

// Decide returns where every application stands and the plan of a
// scheduled run on in.Now. It reads nothing but in, and returns the same
// output for the same input.
func Decide(in Input) ([]Status, Plan) {
	statuses := make([]Status, 0, len(in.Files))
	plan := Plan{Now: in.Now, Actions: []Action{}}
	open := indexOpen(in.Open)
	for i := range in.Files {
		st, actions := decideOne(&in.Files[i], in, open)
		statuses = append(statuses, st)
		plan.Actions = append(plan.Actions, actions...)
	}
	sortStatuses(statuses)
	sortActions(plan.Actions)
	return statuses, plan
}

// openKey identifies a bot pull request by what it is for.
type openKey struct {
	kind ActionKind
	slug string
}

func indexOpen(prs []OpenPR) map[openKey]OpenPR {
	m := make(map[openKey]OpenPR, len(prs))
	for _, pr := range prs {
		m[openKey{pr.Kind, pr.Slug}] = pr
	}
	return m
}

// decision is the working state for one application.
type decision struct {
	in   Input
	file *application.File
	app  *application.Application
	// installs is the count the application is shown with: the live one
	// when there is one, else the recorded one.
	installs *Installs
	// counts are every count known, live first, for proving a threshold:
	// a recorded count that reached it inside the window stays proof
	// however the live count moves afterwards.
	counts  []*Installs
	open    map[openKey]OpenPR
	actions []Action
	// partial is true when the file failed the schema and app holds only
	// its clock inputs (program and listing).
	partial bool
	// clocks are the application's running clocks, as plan was given them.
	clocks []Deadline
	// waiting is true when the install window has lapsed and the install
	// source has not yet counted the application on or after its end: no
	// removal is decided, and one already open stays open.
	waiting bool
}

func decideOne(f *application.File, in Input, open map[openKey]OpenPR) (Status, []Action) {
	st := Status{Slug: f.Slug, Deadlines: []Deadline{}, Valid: true}
	var bad []application.Finding
	for _, x := range f.Findings {
		if x.Severity != application.SeverityError {
			continue
		}
		st.Errors++
		if !timeFindings[x.Rule] {
			st.Valid = false
		}
		if clockInput(x) {
			bad = append(bad, x)
		}
	}
	clock := f.ClockInputs()
	if clock == nil {
		st.Valid, st.Skipped = false, true
		why := "its stage, dates or installs cannot be read"
		for _, x := range f.Findings {
			if x.Severity == application.SeverityError && under(x.Path, "program") {
				why = x.Path + ": " + x.Message
				break
			}
		}
		st.Next = fmt.Sprintf("%s: %s (%s; see validate); nothing is planned until then", ActNow, why, application.Plural(st.Errors, "error"))
		return st, nil
	}
	d := &decision{in: in, file: f, app: f.App, open: open}
	if d.app == nil {
		// The file failed the schema elsewhere: its clocks run on the parts
		// that passed, and nothing else of it is read.
		d.app, d.partial = &application.Application{Program: clock.Program, Listing: clock.Listing}, true
	}
	d.installs, d.counts = d.installCounts()
	st.Stage = clock.Program.Stage
	st.Installs = d.installs
	st.Deadlines = d.deadlines()
	st.Next = d.next(st.Deadlines)
	if len(bad) > 0 {
		// Invalid clock inputs: nothing is decided from them, and open bot
		// pull requests are left alone too.
		st.Skipped = true
		st.Next = fmt.Sprintf("%s: %s: %s (%s; see validate); nothing is planned until then",
			ActNow, bad[0].Path, bad[0].Message, application.Plural(st.Errors, "error"))
		return st, nil
	}
	if !st.Valid {
		st.Next = fmt.Sprintf("%s; fix %s (see validate)", st.Next, application.Plural(st.Errors, "error"))
		if len(st.Deadlines) > 0 {
			st.Next += ": its clocks run regardless"
		}
	}
	d.plan(st.Deadlines)
	st.Held = d.held()
	return st, d.actions
}

// ActNow begins the next step of a file whose clock inputs cannot be read
// or are invalid: the plan skips it, so a person must fix it on main.
const ActNow = "act now: fix this file on main"

// clockInput reports whether an error finding is about what the clocks
// read: the program-owned part of the file. Install counts are the
// engine's own business — a count dated after the day is ignored, and one
// below the minimum is a reviewer's — so they stop no clock.
func clockInput(x application.Finding) bool {
	return under(x.Path, "program") && !under(x.Path, "program.installs")
}

// under reports whether the field path is field or a field inside it.
func under(path, field string) bool {
	return path == field || strings.HasPrefix(path, field+".")
}

// plan adds the actions the application's state demands today. Nothing
// is planned for a removed application, not even closing a stale pull
// request: the reviewer who removed it owns what is left.
func (d *decision) plan(deadlines []Deadline) {
	p := d.app.Program
	if p.Stage == application.StageRemoved {
		return
	}
	d.clocks = deadlines
	switch p.Stage {
	case application.StageBeta:
		d.planBeta(deadlines)
	case application.StageCertification:
		// Connect cert-6 launches a certification that passed its steps:
		// one whose steps are incomplete waits, and its status says why.
		if launch, ok := p.ScheduledLaunch(); ok && d.in.Now >= launch && d.held() == "" {
			d.add(Action{
				Kind: KindLaunch, Reason: "launch-date", Due: *p.LaunchDate, Rule: policy.RuleCert6,
				Dates:    d.dates("approvedAt", "launchDate"),
				Evidence: fmt.Sprintf("certification approved on %s; launch date %s has come", p.ApprovedAt, p.LaunchDate),
			})
		}
	}
	d.reconcileOpen()
}

func (d *decision) planBeta(deadlines []Deadline) {
	cfg := d.in.Config
	// Promotion: the threshold reached while no clock has lapsed.
	var lapsed *Deadline
	for i := range deadlines {
		if deadlines[i].Lapsed() {
			lapsed = &deadlines[i]
			break
		}
	}
	windowEnd := installWindowEnd(deadlines)
	if lapsed != nil && lapsed.Kind == DeadlineInstallWindow {
		if _, ok := d.endCount(lapsed.Due); !ok {
			// The install window lapsed first, and the source has not
			// counted the application since it ended: no evidence of too
			// few. A listing that lapsed later is not waited on: it needs
			// no count.
			for _, dl := range deadlines {
				if dl.Kind == DeadlineListingInfo && dl.Lapsed() {
					d.planRemoval(dl)
					return
				}
			}
			d.waiting = true
			return
		}
	}
	if proof := d.proof(windowEnd); lapsed == nil && proof != nil {
		// Due is the day the count was taken: the day the threshold was
		// known to be reached.
		d.add(Action{
			Kind: KindPromote, Reason: "installs-reached", Due: proof.AsOf, Rule: policy.RuleBeta6,
			Dates: d.dates("acceptedAt", "listingPublishedAt"), Installs: proof,
			Evidence: fmt.Sprintf("%s reached the %d needed for certification", countEvidence(proof), cfg.CertificationInstalls),
		})
		return
	}
	if lapsed != nil {
		d.planRemoval(*lapsed)
		return
	}
	for _, dl := range deadlines {
		if dl.Met {
			continue
		}
		if before, late, ok := reminderDue(dl.DaysLeft, d.clockLength(dl.Kind), cfg); ok {
			d.planReminder(dl, before, late)
		}
	}
}

// installWindowEnd is the last day of the running install window, or nil
// while the listing is unpublished and no window runs.
func installWindowEnd(deadlines []Deadline) *application.Date {
	for _, dl := range deadlines {
		if dl.Kind == DeadlineInstallWindow {
			return &dl.Due
		}
	}
	return nil
}

// clockLength is how many days a clock of kind runs.
func (d *decision) clockLength(kind string) int {
	if kind == DeadlineListingInfo {
		return d.in.Config.ListingDueDays
	}
	return d.in.Config.InstallWindowDays
}

func (d *decision) planRemoval(dl Deadline) {
	p := d.app.Program
	cfg := d.in.Config
	a := Action{Kind: KindOpenRemovalPR, Due: dl.Due}
	switch dl.Kind {
	case DeadlineListingInfo:
		a.Reason, a.Rule = ReasonListingOverdue, policy.RuleBeta2
		a.Dates = d.dates("acceptedAt")
		a.Evidence = fmt.Sprintf("accepted into beta on %s; listing information was due on %s (%s) and still lacks %s",
			p.AcceptedAt, dl.Due, application.Plural(cfg.ListingDueDays, "day"), strings.Join(d.app.Listing.Missing(), ", "))
	case DeadlineInstallWindow:
		a.Reason, a.Rule = ReasonInstallWindowLapsed, policy.RuleBeta7
		a.Dates = d.dates("acceptedAt", "listingPublishedAt")
		a.Installs, _ = d.endCount(dl.Due)
		a.Evidence = fmt.Sprintf("listing published on %s; the %d-day window ended on %s with %s",
			p.ListingPublishedAt, cfg.InstallWindowDays, dl.Due, d.windowEvidence(a.Installs, dl.Due))
		if a.Installs != nil && a.Installs.AsOf < dl.Due {
			// The last count was taken before the window ended: the
			// reviewer who merges the removal should know it is not the
			// count at the end.
			a.Evidence += fmt.Sprintf("; that count was taken %s before the window ended, so confirm the count at its end before merging",
				application.Plural(a.Installs.AsOf.DaysUntil(dl.Due), "day"))
		}
	}
	d.add(a)
}

// windowEvidence says what a lapsed install window ended with, from the
// comparison that lapsed it: no count, a count below the threshold, or a
// count that reached it only after the window ended.
func (d *decision) windowEvidence(c *Installs, end application.Date) string {
	threshold := d.in.Config.CertificationInstalls
	if c == nil {
		return fmt.Sprintf("%s, and no count of %d taken by then", d.noCount(), threshold)
	}
	switch m := d.measure(c, &end); {
	case m.reached && !m.inTime:
		return fmt.Sprintf("no count of %d taken by then: %s reached %d %s after it ended",
			threshold, countEvidence(c), threshold, application.Plural(end.DaysUntil(c.AsOf), "day"))
	case m.reached:
		// Not a lapse: a decision that removes on it contradicts itself.
		return fmt.Sprintf("%s, which reached %d in time", countEvidence(c), threshold)
	}
	return fmt.Sprintf("%s, below %d", countEvidence(c), threshold)
}

func (d *decision) planReminder(dl Deadline, before, late int) {
	a := Action{Kind: KindRemind, Reason: dl.Kind, Due: dl.Due, DaysBefore: before, DaysLate: late}
	switch dl.Kind {
	case DeadlineListingInfo:
		a.Rule = policy.RuleBeta1
		a.Dates = d.dates("acceptedAt")
		a.Evidence = fmt.Sprintf("listing information is due on %s, %s; still missing: %s",
			dl.Due, a.InDays(), strings.Join(d.app.Listing.Missing(), ", "))
	case DeadlineInstallWindow:
		a.Rule = policy.RuleBeta5
		a.Dates = d.dates("listingPublishedAt")
		a.Installs = d.installs
		a.Evidence = fmt.Sprintf("the install window ends on %s, %s; %s of the %d needed",
			dl.Due, a.InDays(), d.installEvidence(), d.in.Config.CertificationInstalls)
		if d.installs == nil {
			a.Evidence = fmt.Sprintf("the install window ends on %s, %s; %s, and %d are needed",
				dl.Due, a.InDays(), d.installEvidence(), d.in.Config.CertificationInstalls)
		}
	}
	d.add(a)
}

// reconcileOpen compares today's actions with the bot's open pull
// requests: an action whose pull request is already open is done, and an
// open pull request that no action wants any more is closed (a removal
// for installs that turn out to have reached the threshold in time, a
// removal whose due date moved, a promotion the application moved past).
// A removal for an overdue listing stays open once its due date has
// passed, even when the listing comes afterwards: it came too late.
func (d *decision) reconcileOpen() {
	slug := d.file.Slug
	stillWanted := map[ActionKind]bool{}
	kept := d.actions[:0]
	for _, a := range d.actions {
		if pr, ok := d.open[openKey{a.Kind, slug}]; ok && samePurpose(pr, a) {
			stillWanted[a.Kind] = true
			continue
		}
		kept = append(kept, a)
	}
	d.actions = kept
	for _, kind := range prKinds {
		pr, ok := d.open[openKey{kind, slug}]
		if !ok || stillWanted[kind] {
			continue
		}
		if kind == KindOpenRemovalPR && pr.Reason != ReasonListingOverdue && pr.Reason != ReasonInstallWindowLapsed {
			continue // a reviewer's termination is theirs to close, never the clocks'
		}
		if kind == KindOpenRemovalPR && pr.Reason == ReasonInstallWindowLapsed && d.waiting {
			continue // no new count is no reason to take the removal back
		}
		if kind == KindOpenRemovalPR && pr.Reason == ReasonListingOverdue && d.listingLapsed() && !d.suppliedInTime() {
			// Connect beta-2 removes a beta that did not supply its listing
			// within the days given; one supplied after the removal was
			// opened came too late. A reviewer may still close it. One
			// known to have been supplied in time was never overdue.
			continue
		}
		rule, why := closeReason(kind, pr, d)
		d.add(Action{
			Kind: KindClosePR, Reason: reasonConditionNoLongerMet, Due: d.in.Now, Rule: rule, PR: pr.Number,
			Dates: d.dates("acceptedAt", "listingPublishedAt"), Installs: d.installs, Evidence: why,
		})
	}
}

// samePurpose reports whether an open pull request already carries out a.
func samePurpose(pr OpenPR, a Action) bool {
	if pr.Kind != a.Kind || a.Kind == KindRemind {
		return false
	}
	return a.Kind != KindOpenRemovalPR || pr.Reason == "" || pr.Reason == a.Reason
}

// closeReason explains why an open bot pull request no longer applies.
func closeReason(kind ActionKind, pr OpenPR, d *decision) (rule, why string) {
	p := d.app.Program
	switch kind {
	case KindOpenRemovalPR:
		switch pr.Reason {
		case ReasonListingOverdue:
			if d.listingDue() == nil {
				break // no listing clock runs any more: the stage says why
			}
			if d.suppliedInTime() && !d.app.Listing.Complete() {
				return policy.RuleBeta2, fmt.Sprintf("removal #%d was for an overdue listing; the listing was supplied by its due date %s, and what it lacks now (%s) is an error to fix, not a removal",
					pr.Number, d.listingDue().Due, strings.Join(d.app.Listing.Missing(), ", "))
			}
			return policy.RuleBeta2, fmt.Sprintf("removal #%d was for an overdue listing; the listing information is now complete", pr.Number)
		case ReasonInstallWindowLapsed:
			return policy.RuleBeta7, fmt.Sprintf("removal #%d was for a lapsed install window; %s reaches the %d needed",
				pr.Number, d.installEvidence(), d.in.Config.CertificationInstalls)
		}
		return policy.RuleBeta8, fmt.Sprintf("removal #%d no longer applies: the application is %s", pr.Number, p.Stage)
	case KindPromote:
		return policy.RuleBeta6, fmt.Sprintf("promotion #%d no longer applies: the application is %s with %s", pr.Number, p.Stage, d.installEvidence())
	default:
		if steps := d.incompleteSteps(); p.Stage == application.StageCertification && steps != "" {
			return policy.RuleCert6, fmt.Sprintf("launch #%d no longer applies: the certification steps are incomplete: %s", pr.Number, steps)
		}
		return policy.RuleCert6, fmt.Sprintf("launch #%d no longer applies: the application is %s", pr.Number, p.Stage)
	}
}

// add completes an action with the application's slug and the clause.
func (d *decision) add(a Action) {
	a.Slug = d.file.Slug
	if r, ok := policy.Lookup(a.Rule); ok {
		a.Clause = r.Sentence
	}
	d.actions = append(d.actions, a)
}

// dates returns the named program dates the application has.
func (d *decision) dates(names ...string) map[string]application.Date {
	p := d.app.Program
	all := map[string]*application.Date{
		"acceptedAt": p.AcceptedAt, "listingPublishedAt": p.ListingPublishedAt,
		"approvedAt": p.ApprovedAt, "launchDate": p.LaunchDate,
	}
	out := map[string]application.Date{}
	for _, n := range names {
		if v := all[n]; v != nil {
			out[n] = *v
		}
	}
	return out
}

func (d *decision) installEvidence() string {
	if d.installs == nil {
		return d.noCount()
	}
	return countEvidence(d.installs)
}

// noCount is the evidence of an application with no usable count: every
// count it has is dated after the day.
func (d *decision) noCount() string {
	return fmt.Sprintf("no usable install count (none dated on or before %s)", d.in.Now)
}

func countEvidence(c *Installs) string {
	return fmt.Sprintf("installs %d as of %s (%s)", c.Count, c.AsOf, c.Source)
}
