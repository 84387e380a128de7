package pullrequest

import (
	"context"
	"errors"
	"fmt"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/connectbot/connectbot/internal/report"
)

// Rejudged is what Rejudge did with one pull request.
type Rejudged struct {
	Number int
	// Why it was judged again: "judged against <sha>", "never judged".
	Why     string
	Outcome Outcome
	Err     error
}

// Rejudge judges again every open pull request into branch base whose
// standing verdict — the sticky comment's hidden line, naming the base tip
// and head it was for — is not for the base's current tip and the pull
// request's current head, or that has none. It runs when the base branch
// moves (a push, and every tick), so that no verdict computed against an
// older base stands, and a pull request approved while another merged is
// merged once it is judged clean against the new tip. A pull request that
// fails is reported and the others are still judged; the error joins every
// failure.
//
// A pull request merged while judging again moves the base once more, so
// the pass is repeated (at most once per pull request) until one merges
// nothing: on GitHub Actions the bot's own push starts no workflow, so
// nothing else would judge the others against it.
func (h *Handler) Rejudge(ctx context.Context, base string) ([]Rejudged, error) {
	return h.rejudge(ctx, turn{}, base)
}

// rejudge is Rejudge within the work t is doing.
func (h *Handler) rejudge(ctx context.Context, t turn, base string) ([]Rejudged, error) {
	t.rejudging = true
	var all []Rejudged
	for pass := 0; ; pass++ {
		done, merged, err := h.rejudgePass(ctx, t, base)
		all = append(all, done...)
		if err != nil || !merged || pass >= len(done) {
			return all, err
		}
	}
}

// rejudgeAfterMerge judges again, after the handler merged a pull request
// into base, the others whose verdicts that made stale.
func (h *Handler) rejudgeAfterMerge(ctx context.Context, t turn, base string, out *Outcome) error {
	done, err := h.rejudge(ctx, t, base)
	for _, r := range done {
		out.Done = append(out.Done, fmt.Sprintf("judged #%d again (%s): %s", r.Number, r.Why, r.Outcome.Verdict.Conclusion))
	}
	return err
}

// rejudgePass is one pass of Rejudge; merged reports whether it merged a
// pull request.
func (h *Handler) rejudgePass(ctx context.Context, t turn, base string) ([]Rejudged, bool, error) {
	prs, err := h.Forge.ListOpenPRsInto(ctx, base)
	if err != nil {
		return nil, false, fmt.Errorf("rejudge: %w", err)
	}
	if len(prs) == 0 {
		return nil, false, nil // nothing to judge: the branch is not fetched
	}
	if err := h.Git.Fetch(ctx, baseRefspec(base)); err != nil {
		return nil, false, err
	}
	tip, err := h.Git.Resolve("refs/remotes/origin/" + base)
	if err != nil {
		return nil, false, err
	}
	merged := false
	var out []Rejudged
	var errs []error
	for _, pr := range prs {
		why, stale, err := h.stale(ctx, pr, tip)
		if err != nil {
			errs = append(errs, fmt.Errorf("pull request #%d: %w", pr.Number, err))
			out = append(out, Rejudged{Number: pr.Number, Err: err})
			continue
		}
		if !stale {
			continue
		}
		r := Rejudged{Number: pr.Number, Why: why}
		r.Outcome, r.Err = h.handle(ctx, t, pr.Number, false)
		if r.Outcome.MergedInto != "" {
			merged = true
		}
		if r.Err != nil {
			errs = append(errs, fmt.Errorf("pull request #%d: %w", pr.Number, r.Err))
		}
		out = append(out, r)
	}
	return out, merged, errors.Join(errs...)
}

// stale reports whether pull request pr's standing verdict is for another
// base tip or head than tip and its head, and why.
func (h *Handler) stale(ctx context.Context, pr forge.PR, tip string) (string, bool, error) {
	c, err := h.stickyComment(ctx, pr.Number)
	if err != nil {
		return "", false, err
	}
	if c != nil {
		base, head, ok := report.Judged(c.Body)
		switch {
		case !ok:
			return "judged before verdicts named their base", true, nil
		case base != tip:
			return "judged against " + gitsha.Short(base) + ", the base is at " + gitsha.Short(tip), true, nil
		case head != pr.HeadSHA:
			return "judged at " + gitsha.Short(head) + ", the head is at " + gitsha.Short(pr.HeadSHA), true, nil
		}
		return "", false, nil
	}
	return "never judged", true, nil
}
