// Package gitsha shows a git object name, a commit's or a tree's, as people
// read it. It imports nothing of connectbot, so the pure core and every
// adapter can use it.
package gitsha

// shortLen is how many hex digits a short object name keeps: git's own
// default abbreviation.
const shortLen = 7

// Short returns the first seven hex digits of the object name s, as git
// abbreviates it; a shorter s is returned whole.
func Short(s string) string {
	if len(s) > shortLen {
		return s[:shortLen]
	}
	return s
}
