package report

import (
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/program"
)

// QueueEntry is one merge commit of a merge queue's group, as connectbot
// judged it: the pull request it merges and connectbot's verdict on that
// merge, or why it was not judged.
type QueueEntry struct {
	// Commit names the queue's merge commit, as short as it is shown.
	Commit string
	// Number is the pull request it merges, 0 when none was found.
	Number int
	// Verdict is connectbot's verdict on the pull request merged as the
	// queue merged it; nil when Why says why it was not judged.
	Verdict *program.Verdict
	Why     string
}

// Merges reports whether connectbot would merge what e merges.
func (e QueueEntry) Merges() bool { return e.Why == "" && e.Verdict != nil && e.Verdict.Merge }

// MergeGroupCheck is connectbot's check on a merge group's head commit:
// its conclusion, success only when connectbot would merge every pull
// request of the group, and its output, one line per pull request.
func MergeGroupCheck(entries []QueueEntry) (string, CheckOutput) {
	var lines []string
	refused := 0
	for _, e := range entries {
		if !e.Merges() {
			refused++
		}
		lines = append(lines, "- "+queueLine(e))
	}
	summary := strings.Join(lines, "\n") + "\n\nWhat the merge queue merges is the whole group: connectbot's check on it passes only when connectbot would merge " +
		"each of its pull requests, judged as the queue merged it on the commits before it, as on the pull request itself.\n"
	if len(entries) == 0 {
		return program.ConclusionFailure, CheckOutput{Title: "✘ the group merges no pull request connectbot can find", Summary: summary}
	}
	if refused == 0 {
		return program.ConclusionSuccess, CheckOutput{Title: fmt.Sprintf("✔ the group merges %s connectbot would merge", application.Plural(len(entries), "pull request")), Summary: summary}
	}
	return program.ConclusionFailure, CheckOutput{Title: fmt.Sprintf("✘ the group merges %s connectbot would not merge", application.Plural(refused, "pull request")), Summary: summary}
}

// queueLine says in one line what connectbot makes of one entry.
func queueLine(e QueueEntry) string {
	what := fmt.Sprintf("commit %s", markdown.Code(e.Commit))
	if e.Number != 0 {
		what = fmt.Sprintf("#%d", e.Number)
	}
	switch {
	case e.Why != "":
		return fmt.Sprintf("✘ %s: %s", what, e.Why)
	case e.Merges():
		return fmt.Sprintf("✔ %s: approved by @%s on its head; connectbot would merge it", what, e.Verdict.Approval.Author)
	}
	next := ""
	if len(e.Verdict.Next) > 0 {
		next = " — " + e.Verdict.Next[0]
	}
	return fmt.Sprintf("✘ %s: connectbot would not merge it (%s)%s", what, headline(*e.Verdict), next)
}
