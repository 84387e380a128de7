// Package spelling suggests the names someone probably meant: the known
// field names and catalogue scopes closest to one they misspelt, by edit
// distance (agnivade/levenshtein).
package spelling

import (
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Nearest returns at most n of known closest to name by edit distance,
// closest first, leaving out those so far from name that they would not
// be what was meant (more edits than half its length). Ties keep the order
// of known. Suggestions for unknown fields and scopes come from here.
func Nearest(name string, known []string, n int) []string {
	type candidate struct {
		name string
		dist int
	}
	folded := strings.ToLower(name)
	limit := max(2, len([]rune(name))/2)
	var cs []candidate
	for _, k := range known {
		if d := levenshtein.ComputeDistance(folded, strings.ToLower(k)); d <= limit {
			cs = append(cs, candidate{k, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].dist < cs[j].dist })
	out := make([]string, 0, min(n, len(cs)))
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.name)
	}
	return out
}
