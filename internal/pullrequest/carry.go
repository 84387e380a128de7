package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// carryOut is the one place a verdict is carried out: it reads what
// GitHub shows of pull request pr, decides which writes make it show
// verdict v — the check, the comment saying body, the labels, the merge —
// and makes them through w, live or a dry run's recorder alike.
//
// The check comes first, then the comment, whose hidden line says which
// verdict stands: a check that failed to be written leaves the comment
// stale, so the next event or tick writes both again. A comment GitHub
// refuses never keeps the check from being written. forceCheck writes the
// check even when the verdict did not change.
func (h *Handler) carryOut(ctx context.Context, w writer, pr forge.PR, v program.Verdict, st *judgement, body string, forceCheck bool, out *Outcome) error {
	existing, listErr := h.stickyComment(ctx, pr.Number)
	changed := existing == nil || existing.Body != body
	if forceCheck || ((changed || listErr != nil) && !h.checkShown(ctx, v)) {
		if err := w.check(ctx, v, out); err != nil {
			return errors.Join(listErr, err)
		}
	}
	if listErr != nil {
		return listErr
	}
	if changed {
		if err := w.comment(ctx, pr.Number, existing, body, out); err != nil {
			return err
		}
	} else {
		out.Done = append(out.Done, "comment unchanged")
	}
	if add, remove := labelChanges(pr, v); len(add) > 0 || len(remove) > 0 {
		if err := w.labels(ctx, pr.Number, add, remove, out); err != nil {
			return err
		}
	}
	if v.Queued {
		out.Done = append(out.Done, notQueued(pr.BaseRef))
	}
	if !v.Merge {
		return nil
	}
	if st.merge != nil && st.merge.MergeBase == st.merge.Head {
		// GitHub marks a pull request merged a moment after its head lands:
		// never merge the same head twice.
		out.Done = append(out.Done, "not merged: the head is on the base branch already")
		return nil
	}
	return h.merge(ctx, w, pr, v, st, out)
}

// merge puts the judged merge on the base branch through w, unless the
// pull request changed since it was approved: if its head moved nothing
// merges, nor while it is a draft.
func (h *Handler) merge(ctx context.Context, w writer, pr forge.PR, v program.Verdict, st *judgement, out *Outcome) error {
	current, err := h.Forge.PullRequest(ctx, pr.Number)
	if err != nil {
		return fmt.Errorf("pull request #%d: %w", pr.Number, err)
	}
	if current.HeadSHA != v.HeadSHA || current.State != "open" {
		out.Done = append(out.Done, "merge refused: the head moved since it was approved; the new commit needs its own approval")
		return nil
	}
	if current.Draft {
		out.Done = append(out.Done, "merge refused: the pull request became a draft; it merges once it is marked ready for review")
		return nil
	}
	// The verdict read the branch's rules when it was judged; a merge queue
	// added since is still never pushed past.
	if queued, err := h.queuedBranch(ctx, pr.BaseRef); err != nil || queued {
		if queued {
			out.Done = append(out.Done, notQueued(pr.BaseRef))
		}
		return err
	}
	return w.merge(ctx, pr, v, st, out)
}

// notQueued says that an approved pull request into branch is left to
// GitHub's merge queue.
func notQueued(branch string) string {
	return fmt.Sprintf("not merged: %s takes changes through GitHub's merge queue; add the pull request to the queue, and connectbot records the stage change once the queue merges it", branch)
}

// stickyComment finds connectbot's one comment on pull request number;
// nil when there is none yet. It reads at most listPages pages: a comment
// of connectbot's buried under a flood of others is not found, and a new
// one is written, which the next event finds among the newest.
func (h *Handler) stickyComment(ctx context.Context, number int) (*forge.Comment, error) {
	comments, _, err := h.Forge.ListCommentsAtEnds(ctx, number, listPages)
	if err != nil {
		return nil, fmt.Errorf("pull request #%d comments: %w", number, err)
	}
	for _, c := range comments {
		if h.isBot(c.Author) && strings.HasPrefix(c.Body, report.CommentMarker) {
			return &c, nil
		}
		// someone else's comment, even one quoting the marker, is not it
	}
	return nil, nil
}

// checkShown reports whether the head already carries connectbot's check
// for verdict v — for the same base and head, with the same conclusion and
// summary — as when a run wrote the check and stopped before the comment
// that records it. It is asked only when the comment says otherwise, so
// a verdict is checked once however often it is taken up; a failure to
// read says no, and the check is written.
func (h *Handler) checkShown(ctx context.Context, v program.Verdict) bool {
	runs, ok := h.checkRuns(ctx, v.HeadSHA)
	if !ok {
		return false
	}
	summary := report.Check(v).Summary
	for _, r := range runs {
		if r.Name == CheckName && r.ExternalID == ExternalID(v) && r.Status == "completed" &&
			r.Conclusion == v.Conclusion && r.Summary == summary {
			return true
		}
	}
	return false
}

// ExternalID is what the check records of the verdict it carries: the base
// tip and the head commit judged, "base=<sha> head=<sha>".
func ExternalID(v program.Verdict) string {
	return "base=" + v.BaseSHA + " head=" + v.HeadSHA
}
