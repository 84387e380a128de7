package pullrequest

import (
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/program"
)

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
		if program.IsVerdictLabel(l) && !want[l] {
			remove = append(remove, l)
		}
	}
	return add, remove
}
