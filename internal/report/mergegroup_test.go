package report_test

import (
	"testing"

	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// TestMergeGroupCheck renders connectbot's check on a merge group: green
// only when every pull request in it would be merged.
func TestMergeGroupCheck(t *testing.T) {
	approved := program.Verdict{Merge: true, Conclusion: program.ConclusionSuccess, Approval: &program.Review{Author: "okafor-pm"}}
	waiting := program.Verdict{Conclusion: program.ConclusionSuccess, Next: []string{"A reviewer approves this commit to merge it."}}
	tests := []struct {
		name, wantConclusion string
		entries              []report.QueueEntry
	}{
		{"one approved pull request", program.ConclusionSuccess, []report.QueueEntry{{Commit: "1111111", Number: 12, Verdict: &approved}}},
		{"an approved pull request before one no reviewer approved", program.ConclusionFailure, []report.QueueEntry{
			{Commit: "1111111", Number: 12, Verdict: &approved}, {Commit: "2222222", Number: 13, Verdict: &waiting}}},
		{"a squashed commit and a pull request whose head moved", program.ConclusionFailure, []report.QueueEntry{
			{Commit: "3333333", Why: "not a merge commit"}, {Commit: "4444444", Number: 14, Verdict: &approved, Why: "its head moved"}}},
		{"no merge commit at all", program.ConclusionFailure, nil},
	}
	var out string
	for _, tt := range tests {
		conclusion, o := report.MergeGroupCheck(tt.entries)
		if conclusion != tt.wantConclusion {
			t.Errorf("%s: conclusion %s, want %s", tt.name, conclusion, tt.wantConclusion)
		}
		out += "== " + tt.name + " (" + conclusion + ")\n" + o.Title + "\n" + o.Summary
	}
	checkGolden(t, "merge-group-check", out)
}
