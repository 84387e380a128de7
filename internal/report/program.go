package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// Status is the result of `connectbot status`, shaped as its JSON
// contract: {"now","applications":[{"slug","stage","installs","deadlines":[{"kind","due","daysLeft","met"}],"next"}]}.
type Status struct {
	Now          application.Date `json:"now"`
	Applications []program.Status `json:"applications"`
}

// WriteJSON writes the status as one newline-terminated JSON document.
func (s Status) WriteJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(s)
}

// urgentDays is how close a deadline must be for the text table to colour it.
const urgentDays = 7

// WriteText writes one row per application, most urgent first: slug,
// stage, installs with their date, the nearest unmet deadline with the days
// left, and the next step. With color, deadlines within a week are red.
func (s Status) WriteText(w io.Writer, color bool) error {
	rows := [][]string{{"APPLICATION", "STAGE", "INSTALLS", "DEADLINE", "DUE", "LEFT", "NEXT"}}
	urgent := []bool{false}
	for _, a := range s.Applications {
		installs, deadline, due, left := "-", "-", "-", "-"
		if a.Installs != nil {
			installs = fmt.Sprintf("%d (%s)", a.Installs.Count, a.Installs.AsOf)
		}
		hot := false
		if d, ok := a.Nearest(); ok {
			deadline, due, left = d.Kind, d.Due.String(), fmt.Sprintf("%d", d.DaysLeft)
			hot = d.DaysLeft <= urgentDays
		}
		stage := string(a.Stage)
		switch {
		case stage == "":
			stage = "✘"
		case !a.Valid:
			stage += " ✘"
		}
		rows = append(rows, []string{a.Slug, stage, installs, deadline, due, left, a.Next})
		urgent = append(urgent, hot)
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r[:len(r)-1] {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	if len(s.Applications) == 0 {
		fmt.Fprintf(&b, "Program status on %s: no applications yet.\n\nAn integrator applies with a pull request adding %s; connectbot new SLUG writes one to fill in.\n", s.Now, application.PathOf("SLUG"))
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "Program status on %s: %s\n\n", s.Now, application.Plural(len(s.Applications), "application"))
	for i, r := range rows {
		var line strings.Builder
		for j, c := range r {
			if j == len(r)-1 {
				line.WriteString(c)
				break
			}
			line.WriteString(c + strings.Repeat(" ", widths[j]-len([]rune(c))+2))
		}
		text := strings.TrimRight(line.String(), " ")
		if color && urgent[i] {
			text = "\x1b[31m" + text + "\x1b[0m"
		}
		b.WriteString(text + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Plan is the result of `connectbot plan`: the actions of a scheduled run,
// shaped as its JSON contract {"now","actions":[{"kind","slug","reason","due",...}]},
// plus the applications skipped for errors.
type Plan struct {
	program.Plan
	// Skipped lists the applications the plan could not act on: their
	// clock inputs cannot be read or are invalid.
	Skipped []string `json:"skipped"`
	// Held lists the applications whose clock has come but whose action
	// waits for their own inputs, each with why.
	Held []Held `json:"held"`
}

// Held is one application the plan does not act on yet, and why.
type Held struct {
	Slug string `json:"slug"`
	Why  string `json:"why"`
}

// NewPlan pairs a plan with the applications it skipped.
func NewPlan(plan program.Plan, statuses []program.Status) Plan {
	p := Plan{Plan: plan, Skipped: []string{}, Held: []Held{}}
	for _, s := range statuses {
		if s.Skipped {
			p.Skipped = append(p.Skipped, s.Slug)
		}
		if s.Held != "" {
			p.Held = append(p.Held, Held{Slug: s.Slug, Why: s.Held})
		}
	}
	sort.Strings(p.Skipped)
	sort.Slice(p.Held, func(i, j int) bool { return p.Held[i].Slug < p.Held[j].Slug })
	return p
}

// WriteJSON writes the plan as one newline-terminated JSON document.
func (p Plan) WriteJSON(w io.Writer) error {
	return json.NewEncoder(w).Encode(p)
}

// WriteText writes one line per action: what, for whom, why and by when,
// the evidence, and the clause it enforces.
func (p Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan for %s: %s\n", p.Now, application.Plural(len(p.Actions), "action"))
	for _, a := range p.Actions {
		what := fmt.Sprintf("%s, %s", a.Reason, a.Due)
		if a.Kind == program.KindRemind {
			what = fmt.Sprintf("%s due %s, %s before", a.Reason, a.Due, application.Plural(a.DaysBefore, "day"))
			if a.DaysLate > 0 {
				// Caught up: no run posted it on its day.
				what = fmt.Sprintf("%s due %s, %s: the %d-day reminder, %s late", a.Reason, a.Due, a.InDays(), a.DaysBefore, application.Plural(a.DaysLate, "day"))
			}
		}
		pr := ""
		if a.PR != 0 {
			pr = fmt.Sprintf(" #%d", a.PR)
		}
		fmt.Fprintf(&b, "- %s%s %s (%s): %s. %s: “%s”\n", a.Kind, pr, a.Slug, what, a.Evidence, a.Rule, a.Clause)
	}
	for _, h := range p.Held {
		fmt.Fprintf(&b, "Held — %s: %s\n", h.Slug, h.Why)
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintf(&b, "Skipped — %s (see validate): %s\n", program.ActNow, strings.Join(p.Skipped, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
