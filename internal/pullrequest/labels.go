package pullrequest

import (
	"strings"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/program"
)

// managedLabels are the labels connectbot owns, with their colours.
var managedLabels = map[string][2]string{
	program.LabelNew:              {"0e8a16", "A new application to the program"},
	program.LabelUpdate:           {"1d76db", "A change to an application"},
	program.LabelNeedsReview:      {"fbca04", "Waiting for a reviewer"},
	program.LabelInvalid:          {"d93f0b", "connectbot found errors"},
	program.LabelChangesRequested: {"b60205", "A reviewer asked for changes"},
	program.LabelNeedsRebase:      {"e99695", "Does not merge cleanly into the base branch: rebase"},
}

// isManaged reports whether label is connectbot's to add and remove.
func isManaged(label string) bool {
	_, ok := managedLabels[label]
	return ok || strings.HasPrefix(label, "stage:")
}

// labelChanges are the labels pull request pr lacks of verdict v's, in
// the verdict's order, and the managed ones it carries that the verdict
// does not: what makes it carry exactly the verdict's managed labels.
func labelChanges(pr forge.PR, v program.Verdict) (add, remove []string) {
	have := map[string]bool{}
	for _, l := range pr.Labels {
		have[l] = true
	}
	want := map[string]bool{}
	for _, l := range v.Labels {
		want[l] = true
		if !have[l] {
			add = append(add, l)
		}
	}
	for _, l := range pr.Labels {
		if isManaged(l) && !want[l] {
			remove = append(remove, l)
		}
	}
	return add, remove
}
