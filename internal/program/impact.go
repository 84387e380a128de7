package program

import (
	"fmt"
	"slices"
	"sort"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// ImpactDays is how far ahead a change to program.cue is compared, in
// days from now: far enough to cover a whole install window at the seed's
// 90 days. It is a horizon for the reader, not a rule of the program, so
// it is not part of program.cue.
const ImpactDays = 90

// Outcome is where the clocks take an application over a horizon: the
// first action other than a reminder, and the day it is first planned.
type Outcome struct {
	Kind   ActionKind       `json:"kind,omitempty"`
	Reason string           `json:"reason,omitempty"`
	On     application.Date `json:"on,omitempty"`
}

// String says the outcome in words: "removal (listing-overdue) on 2026-12-11".
func (o Outcome) String() string {
	if o.Kind == "" {
		return "nothing"
	}
	words := map[ActionKind]string{KindOpenRemovalPR: "removal", KindPromote: "promotion", KindLaunch: "launch", KindClosePR: "a pull request closed"}[o.Kind]
	if o.Reason != "" && o.Kind == KindOpenRemovalPR {
		words += " (" + o.Reason + ")"
	}
	return fmt.Sprintf("%s on %s", words, o.On)
}

// Affected is one application a configuration change affects.
type Affected struct {
	Slug string `json:"slug"`
	// Before and After are the outcomes under the base and the proposed
	// configuration.
	Before Outcome `json:"before"`
	After  Outcome `json:"after"`
	// Deadlines are due dates that move: kind → [before, after].
	Deadlines map[string][2]application.Date `json:"deadlines,omitempty"`
	// Valid says whether the application passes under each configuration.
	ValidBefore bool `json:"validBefore"`
	ValidAfter  bool `json:"validAfter"`
	// SkippedAfter is true when, under the proposed configuration, the
	// application's clock inputs are invalid and the plan skips it.
	SkippedAfter bool `json:"skippedAfter,omitempty"`
	// How says it in one line.
	How string `json:"how"`
}

// Judge re-judges files under a configuration; the policy rules supply it.
type Judge func(files []application.File, cfg application.Config, now application.Date) []application.File

// Rejudge is the Judge of the policy rules: it applies every rule under
// cfg to copies of freshly loaded files, so each configuration sees the
// files as the loader left them and the caller's files stay untouched.
func Rejudge(files []application.File, cfg application.Config, now application.Date) []application.File {
	out := make([]application.File, len(files))
	for i, f := range files {
		f.Findings = slices.Clone(f.Findings)
		out[i] = f
	}
	policy.Check(out, cfg, now)
	return out
}

// Impact compares the program under two configurations for every day from
// now over the next days: which applications end somewhere else, when,
// whose deadlines move, and who passes or fails validation because of the
// change. Applications no change touches are left out.
func Impact(files []application.File, base, proposed application.Config, judge Judge, now application.Date, days int) []Affected {
	before := outcomes(judge(files, base, now), base, now, days)
	after := outcomes(judge(files, proposed, now), proposed, now, days)
	var out []Affected
	for _, slug := range sortedKeys(before) {
		b, a := before[slug], after[slug]
		x := Affected{Slug: slug, Before: b.outcome, After: a.outcome, ValidBefore: b.valid, ValidAfter: a.valid, SkippedAfter: a.skipped}
		for kind, due := range b.due {
			if due2, ok := a.due[kind]; ok && due2 != due {
				if x.Deadlines == nil {
					x.Deadlines = map[string][2]application.Date{}
				}
				x.Deadlines[kind] = [2]application.Date{due, due2}
			}
		}
		if x.Before == x.After && x.Deadlines == nil && x.ValidBefore == x.ValidAfter {
			continue
		}
		x.How = how(x)
		out = append(out, x)
	}
	return out
}

type projection struct {
	outcome Outcome
	due     map[string]application.Date
	valid   bool
	skipped bool
}

// outcomes runs the engine day by day and records each application's
// first non-reminder action and its deadlines as of now.
func outcomes(files []application.File, cfg application.Config, now application.Date, days int) map[string]projection {
	out := map[string]projection{}
	statuses, _ := Decide(Input{Files: files, Config: cfg, Now: now})
	for _, s := range statuses {
		p := projection{due: map[string]application.Date{}, valid: s.Valid, skipped: s.Skipped}
		for _, d := range s.Deadlines {
			p.due[d.Kind] = d.Due
		}
		out[s.Slug] = p
	}
	for day := now; day < now.AddDays(days); day++ {
		_, plan := Decide(Input{Files: files, Config: cfg, Now: day})
		for _, a := range plan.Actions {
			p := out[a.Slug]
			if a.Kind == KindRemind || p.outcome.Kind != "" {
				continue
			}
			p.outcome = Outcome{Kind: a.Kind, Reason: a.Reason, On: day}
			out[a.Slug] = p
		}
	}
	return out
}

func how(x Affected) string {
	switch {
	case x.ValidBefore && !x.ValidAfter && x.SkippedAfter:
		return fmt.Sprintf("%s: fails validation under the change; the plan would skip it", x.Slug)
	case x.ValidBefore && !x.ValidAfter && x.Before == x.After:
		return fmt.Sprintf("%s: fails validation under the change; its clocks still run", x.Slug)
	case x.ValidBefore && !x.ValidAfter:
		return fmt.Sprintf("%s: fails validation under the change; its clocks still run: %s instead of %s", x.Slug, x.After, x.Before)
	case !x.ValidBefore && x.ValidAfter:
		return fmt.Sprintf("%s: passes validation under the change", x.Slug)
	case x.Before != x.After:
		return fmt.Sprintf("%s: %s instead of %s", x.Slug, x.After, x.Before)
	}
	kinds := make([]string, 0, len(x.Deadlines))
	for k := range x.Deadlines {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	d := x.Deadlines[kinds[0]]
	return fmt.Sprintf("%s: %s due %s instead of %s", x.Slug, kinds[0], d[1], d[0])
}

func sortedKeys(m map[string]projection) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
