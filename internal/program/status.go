package program

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// next says in words what comes next for an application.
func (d *decision) next(deadlines []Deadline) string {
	p := d.app.Program
	cfg := d.in.Config
	if pr, ok := d.openFor(); ok {
		return fmt.Sprintf("%s pull request #%d is open", pr.Kind, pr.Number)
	}
	switch p.Stage {
	case application.StageApplied:
		if d.installs == nil {
			return "awaiting review; " + d.noCount()
		}
		stage := AcceptanceStage(d.installs.Count, cfg)
		if stage == "" {
			return fmt.Sprintf("awaiting review; %s, below the %d needed to be accepted", application.Plural(d.installs.Count, "install"), cfg.MinInstalls)
		}
		return fmt.Sprintf("awaiting review; with %s it enters %s when accepted", application.Plural(d.installs.Count, "install"), stage)
	case application.StageBeta:
		for _, dl := range deadlines {
			if dl.Lapsed() {
				if _, ok := d.endCount(dl.Due); dl.Kind == DeadlineInstallWindow && !ok {
					return fmt.Sprintf("%s lapsed on %s: removal waits for the install source to count %s on or after %s",
						dl.Kind, dl.Due, d.file.Slug, dl.Due)
				}
				return fmt.Sprintf("%s lapsed on %s: removal", dl.Kind, dl.Due)
			}
		}
		if proof := d.proof(installWindowEnd(deadlines)); proof != nil {
			return promoteNext(proof, d.installs)
		}
		for _, dl := range deadlines {
			if dl.Met {
				continue
			}
			switch dl.Kind {
			case DeadlineListingInfo:
				return fmt.Sprintf("supply listing information by %s (%s)", dl.Due, application.DaysLeft(dl.DaysLeft))
			case DeadlineInstallWindow:
				now := "none counted"
				if d.installs != nil {
					now = fmt.Sprintf("now %d", d.installs.Count)
				}
				return fmt.Sprintf("reach %s by %s (%s; %s)", application.Plural(cfg.CertificationInstalls, "install"), dl.Due, application.DaysLeft(dl.DaysLeft), now)
			}
		}
		return "program team publishes the listing page"
	case application.StageCertification:
		return d.nextInCertification()
	case application.StagePartner:
		if p.LaunchDate != nil {
			return fmt.Sprintf("partner since %s", p.LaunchDate)
		}
		return "partner"
	case application.StageRemoved:
		if r := p.Removed; r != nil {
			return fmt.Sprintf("removed on %s (%s)", r.At, r.Reason)
		}
		return "removed"
	}
	return ""
}

// promoteNext is the next step of a beta the plan promotes on proof. A
// proof other than the count shown (a recorded count that reached the
// threshold in time, shown beside a lower live one) is named with its day
// and source, so the status says what the plan rests on.
func promoteNext(proof, shown *Installs) string {
	next := fmt.Sprintf("promote to certification: %s reached", application.Plural(proof.Count, "install"))
	if shown == nil || *proof != *shown {
		next += fmt.Sprintf(" as of %s (%s)", proof.AsOf, proof.Source)
	}
	return next
}

func (d *decision) nextInCertification() string {
	p := d.app.Program
	steps := d.incompleteSteps()
	if held := d.held(); held != "" {
		return held
	}
	if launch, ok := p.ScheduledLaunch(); ok && d.in.Now >= launch {
		return fmt.Sprintf("launch: the launch date %s has come", launch)
	}
	switch {
	case steps != "":
		return steps
	case p.ApprovedAt == nil:
		return "awaiting the product team's approval"
	case p.LaunchDate == nil:
		return "program team sets a launch date"
	}
	return fmt.Sprintf("launch on %s (%s)", p.LaunchDate, application.DaysLeft(d.in.Now.DaysUntil(*p.LaunchDate)))
}

// incompleteSteps says what a certification must still do before it may
// launch — submit its materials (application.MissingMaterials, as the
// certification rules read them), then address product review's open
// feedback — or "" when every step is complete. A file that failed the
// schema has no materials to read: its steps are not known complete.
// held says why a clock that has come plans nothing, or "": a
// certification's launch date has come but its steps are incomplete
// (Connect cert-6 launches one that passed them).
func (d *decision) held() string {
	p := d.app.Program
	if p.Stage != application.StageCertification {
		return ""
	}
	launch, ok := p.ScheduledLaunch()
	if !ok || d.in.Now < launch {
		return ""
	}
	if steps := d.incompleteSteps(); steps != "" {
		return fmt.Sprintf("launch on %s waits for the certification steps: %s", launch, steps)
	}
	return ""
}

func (d *decision) incompleteSteps() string {
	if d.partial {
		return "the file fails the schema, so its certification materials cannot be read"
	}
	if d.app.CertificationStepsComplete() {
		return ""
	}
	if missing := d.app.MissingMaterials(); len(missing) > 0 {
		names := make([]string, len(missing))
		for i, m := range missing {
			names[i] = m.Name
		}
		return "submit " + strings.Join(names, ", ") + " for the technical review"
	}
	return fmt.Sprintf("address %s of product review", application.Plural(len(d.app.Program.OpenFeedback()), "feedback item"))
}

// openFor returns the application's open bot pull request, if any.
func (d *decision) openFor() (OpenPR, bool) {
	for _, kind := range prKinds {
		if pr, ok := d.open[openKey{kind, d.file.Slug}]; ok {
			return pr, true
		}
	}
	return OpenPR{}, false
}

// AcceptanceStage is the stage an application with this many installs
// enters when a reviewer accepts it: beta from minInstalls, certification
// straight away from certificationInstalls, or "" when it cannot be
// accepted yet.
func AcceptanceStage(installs int, cfg application.Config) application.Stage {
	switch {
	case installs >= cfg.CertificationInstalls:
		return application.StageCertification
	case installs >= cfg.MinInstalls:
		return application.StageBeta
	}
	return ""
}

// Nearest returns the application's nearest unmet deadline, if any.
func (s Status) Nearest() (Deadline, bool) {
	for _, d := range s.Deadlines {
		if !d.Met {
			return d, true
		}
	}
	return Deadline{}, false
}

// sortStatuses orders applications by urgency: files the plan must skip
// first (a person must act now), then the nearest unmet deadline (lapsed
// ones before the rest), then applications with errors, then the rest by
// stage along the lifecycle; ties by slug, which is unique, so the order
// is total.
func sortStatuses(ss []Status) {
	const none = 1 << 30
	type keyed struct {
		days, stage int
		s           *Status
	}
	keys := make([]keyed, len(ss))
	for i := range ss {
		k := keyed{days: none, s: &ss[i]}
		switch d, ok := ss[i].Nearest(); {
		case ss[i].Skipped:
			k.days = -none // act now: a person must fix the file
		case ok:
			k.days = d.DaysLeft
		case !ss[i].Valid:
			k.days = none - 1
		default:
			k.stage = slices.Index(application.Stages, ss[i].Stage) + 1 // 0 for a stage of no known rank
		}
		keys[i] = k
	}
	slices.SortFunc(keys, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.days, b.days), cmp.Compare(a.stage, b.stage), strings.Compare(a.s.Slug, b.s.Slug))
	})
	sorted := make([]Status, len(ss))
	for i, k := range keys {
		sorted[i] = *k.s
	}
	copy(ss, sorted)
}

// kindOrder puts the actions of a run in the order they are carried out:
// closing before opening, removals before promotions.
var kindOrder = map[ActionKind]int{
	KindClosePR: 0, KindOpenRemovalPR: 1, KindPromote: 2, KindLaunch: 3, KindRemind: 4,
}

// sortActions orders a plan deterministically: by kind, due date, slug,
// reason and pull request, a total order.
func sortActions(as []Action) {
	slices.SortFunc(as, func(a, b Action) int {
		return cmp.Or(
			cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
			cmp.Compare(a.Due, b.Due),
			strings.Compare(a.Slug, b.Slug),
			strings.Compare(a.Reason, b.Reason),
			cmp.Compare(a.PR, b.PR),
		)
	})
}
