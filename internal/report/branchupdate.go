package report

import (
	"fmt"
	"regexp"
)

// branchUpdateMarker is the hidden line of a sticky comment saying that
// connectbot asked GitHub to update the branch at a head, and what became
// of it (program.BranchUpdateAsked, program.BranchUpdateRefused): it asks
// once per head, however often the head is judged.
const branchUpdateMarker = "<!-- connectbot:update-branch head=%s outcome=%s -->"

// branchUpdateRE reads the line only where connectbot writes it, right
// after the judged line, so text quoted further down cannot forge it.
var branchUpdateRE = regexp.MustCompile(judgedRE.String() + `<!-- connectbot:update-branch head=([0-9a-f]{40}) outcome=([a-z]+) -->\n`)

// BranchUpdate reads from a sticky comment's hidden line what became of
// asking GitHub to update the branch at head; "" when the comment says
// connectbot did not ask at that head.
func BranchUpdate(body, head string) string {
	m := branchUpdateRE.FindStringSubmatch(body)
	if m == nil || m[3] != head {
		return ""
	}
	return m[4]
}

// branchUpdateLine is the hidden line saying outcome at head.
func branchUpdateLine(head, outcome string) string {
	return fmt.Sprintf(branchUpdateMarker, head, outcome)
}
