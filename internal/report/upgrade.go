package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// Verdict is one application file as a `validate --format json` report
// lists it, as far as a comparison of two connectbots reads it.
type Verdict struct {
	Path     string
	Valid    bool
	Findings []RuleFinding
}

// RuleFinding is a finding by its rule and severity.
type RuleFinding struct {
	Rule     string               `json:"rule"`
	Severity application.Severity `json:"severity"`
}

// Upgrade is who a move to another connectbot affects: for every
// application file whose findings differ, the findings the new connectbot
// adds and those it no longer makes. What `connectbot impact --before`
// prints.
type Upgrade struct {
	// Before names the report of the connectbot in use; After, the
	// connectbot comparing (its version).
	Before string `json:"before"`
	After  string `json:"after"`
	// Compared is how many files either side judged.
	Compared int `json:"compared"`
	// Files are the files judged differently, by path.
	Files []UpgradedFile `json:"files"`
}

// UpgradedFile is one file judged differently.
type UpgradedFile struct {
	Path        string        `json:"path"`
	ValidBefore bool          `json:"validBefore"`
	ValidAfter  bool          `json:"validAfter"`
	Added       []RuleFinding `json:"added"`
	Removed     []RuleFinding `json:"removed"`
}

// NewUpgrade compares two connectbots' verdicts on the same files; a file
// only one of them judged counts as valid with no findings on the other.
func NewUpgrade(before, after string, was, now []Verdict) Upgrade {
	byPath := map[string][2]*Verdict{}
	for i := range was {
		e := byPath[was[i].Path]
		e[0] = &was[i]
		byPath[was[i].Path] = e
	}
	for i := range now {
		e := byPath[now[i].Path]
		e[1] = &now[i]
		byPath[now[i].Path] = e
	}
	u := Upgrade{Before: before, After: after, Compared: len(byPath)}
	for path, pair := range byPath {
		f := UpgradedFile{Path: path, ValidBefore: pair[0] == nil || pair[0].Valid, ValidAfter: pair[1] == nil || pair[1].Valid}
		f.Added = minus(findingsOf(pair[1]), findingsOf(pair[0]))
		f.Removed = minus(findingsOf(pair[0]), findingsOf(pair[1]))
		if len(f.Added) > 0 || len(f.Removed) > 0 || f.ValidBefore != f.ValidAfter {
			u.Files = append(u.Files, f)
		}
	}
	sort.Slice(u.Files, func(i, j int) bool { return u.Files[i].Path < u.Files[j].Path })
	return u
}

func findingsOf(v *Verdict) []RuleFinding {
	if v == nil {
		return nil
	}
	return v.Findings
}

// minus returns the findings of a that b does not have as many times,
// sorted by severity (errors first) and rule.
func minus(a, b []RuleFinding) []RuleFinding {
	left := map[RuleFinding]int{}
	for _, f := range b {
		left[f]++
	}
	out := []RuleFinding{}
	for _, f := range a {
		if left[f] > 0 {
			left[f]--
			continue
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity == application.SeverityError
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// WriteJSON writes the comparison as one newline-terminated JSON document:
// {"before","after","compared","files":[{"path","validBefore","validAfter","added","removed"}]}.
func (u Upgrade) WriteJSON(w io.Writer) error {
	if u.Files == nil {
		u.Files = []UpgradedFile{}
	}
	return json.NewEncoder(w).Encode(u)
}

// WriteText writes a headline, then a line per file judged differently:
// whether it passes before and after, and the findings added and gone.
func (u Upgrade) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Impact of connectbot %s against %s: %d of %s judged differently\n",
		u.After, u.Before, len(u.Files), application.Plural(u.Compared, "application file"))
	for _, f := range u.Files {
		fmt.Fprintf(&b, "- %s: %s", f.Path, passes(f.ValidBefore, f.ValidAfter))
		if len(f.Added) > 0 {
			fmt.Fprintf(&b, "; new: %s", findingList(f.Added))
		}
		if len(f.Removed) > 0 {
			fmt.Fprintf(&b, "; gone: %s", findingList(f.Removed))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func passes(before, after bool) string {
	word := map[bool]string{true: "passes", false: "fails"}
	if before == after {
		return word[after] + " as before"
	}
	return word[before] + " before, " + word[after] + " now"
}

func findingList(fs []RuleFinding) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = f.Rule + " (" + string(f.Severity) + ")"
	}
	return strings.Join(s, ", ")
}

// Verdicts are v's files as a comparison of two connectbots reads them.
func (v Validation) Verdicts() []Verdict {
	out := make([]Verdict, len(v.Files))
	for i, f := range v.Files {
		out[i] = Verdict{Path: f.Path, Valid: f.Valid, Findings: make([]RuleFinding, len(f.Findings))}
		for j, x := range f.Findings {
			out[i].Findings[j] = RuleFinding{Rule: x.Rule, Severity: x.Severity}
		}
	}
	return out
}
