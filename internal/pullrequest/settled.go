package pullrequest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/program"
)

// Settled remembers, across reconciles and across processes (in a file
// under the cache directory), the pull requests a reconcile found
// settled: judged at their head against the base's tip on a day, with no
// approval waiting on anything, and GitHub's updated_at once nothing was
// left to write — as the list showed it before judging when there was
// nothing to write, or as GitHub showed it after connectbot's own writes
// (its check, its comment, its labels, its answers), which are not news,
// when a read after them found nothing but those since the list. A later
// reconcile on the same day that finds the same head, the same tip, the
// same updated_at (no push, comment, review or label since) and
// connectbot's check on the head for that base and head does not judge it
// again.
// Its methods are safe for concurrent use; the zero value is not, use
// NewSettled or ReadSettled.
//
// It also remembers, for each base branch, the tip at which RecordMerged
// last found every stage change merged there recorded, so that a
// reconcile whose base has not moved since reads nothing more of it.
type Settled struct {
	mu  sync.Mutex
	prs map[int]settledPR
	// recorded maps a base branch to that tip.
	recorded map[string]string
}

// settledPR is what a reconcile saw of a settled pull request.
type settledPR struct {
	Head    string           `json:"head"`
	Base    string           `json:"base"`
	Updated time.Time        `json:"updatedAt"`
	Day     application.Date `json:"day"`
}

// NewSettled returns an empty Settled: every pull request is judged.
func NewSettled() *Settled { return &Settled{prs: map[int]settledPR{}, recorded: map[string]string{}} }

// Len is how many pull requests s remembers as settled.
func (s *Settled) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.prs)
}

// settledFileVersion names the layout of a settled file; a file of
// another layout is read as empty.
const settledFileVersion = 1

// settledFile is the layout of a settled file.
type settledFile struct {
	Version  int               `json:"version"`
	PRs      map[int]settledPR `json:"pullRequests"`
	Recorded map[string]string `json:"recordedThrough,omitempty"`
}

// ReadSettled reads what an earlier reconcile saved at path; a file that
// is not there is an empty Settled.
func ReadSettled(path string) (*Settled, error) {
	s := NewSettled()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read %s: %w", path, err)
	}
	var f settledFile
	if err := json.Unmarshal(data, &f); err != nil {
		return s, fmt.Errorf("read %s: %w", path, err)
	}
	if f.Version == settledFileVersion && f.PRs != nil {
		s.prs = f.PRs
	}
	if f.Version == settledFileVersion && f.Recorded != nil {
		s.recorded = f.Recorded
	}
	return s, nil
}

// Save writes s to path, replacing the file whole.
func (s *Settled) Save(path string) error {
	s.mu.Lock()
	data, err := json.Marshal(settledFile{Version: settledFileVersion, PRs: s.prs, Recorded: s.recorded})
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// same reports whether pr, listed, is as s last saw it settled on day,
// against base tip.
func (s *Settled) same(pr forge.PR, tip string, day application.Date) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	was, ok := s.prs[pr.Number]
	return ok && was.Head == pr.HeadSHA && was.Base == tip && was.Day == day && was.Updated.Equal(pr.UpdatedAt)
}

// record notes pull request number as settled at head against base on
// day, GitHub's updated_at reading updated.
func (s *Settled) record(number int, head, base string, updated time.Time, day application.Date) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prs[number] = settledPR{Head: head, Base: base, Updated: updated, Day: day}
}

// recordedAt reports whether RecordMerged found everything recorded on
// branch base at tip.
func (s *Settled) recordedAt(base, tip string) bool {
	return tip != "" && s.recordedThrough(base) == tip
}

// recordedThrough is the tip of base at which RecordMerged last found
// everything recorded, "" when none is known.
func (s *Settled) recordedThrough(base string) string {
	if s == nil {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recorded[base]
}

// noteRecorded notes that every stage change merged into base is
// recorded at tip.
func (s *Settled) noteRecorded(base, tip string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recorded[base] = tip
}

// forget drops pull request number: it is judged next time.
func (s *Settled) forget(number int) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.prs, number)
}

// keepOnly forgets every pull request not among open.
func (s *Settled) keepOnly(open []forge.PR) {
	if s == nil {
		return
	}
	keep := map[int]bool{}
	for _, pr := range open {
		keep[pr.Number] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for n := range s.prs {
		if !keep[n] {
			delete(s.prs, n)
		}
	}
}

// BringListed is Bring for pull request pr as a reconcile listed it
// (Open), with its commands answered, at most room of them: left alone,
// Unchanged, when nothing is new on it since it was found settled
// (h.Settled), and recorded settled when its work leaves it so. A
// delivery's work is news: it goes through Bring, never here.
func (h *Handler) BringListed(ctx context.Context, pr forge.PR, room int) (Reconciled, error) {
	day := application.DateOf(h.Now())
	if h.Settled != nil {
		if tip, err := h.Git.RemoteTip(ctx, pr.BaseRef); err == nil && h.unchanged(ctx, pr, tip, day) {
			h.Backlog.took(pr.Number)
			return Reconciled{Number: pr.Number, Unchanged: true}, nil
		}
	}
	r, o, err := h.Bring(ctx, pr.Number, false, true, room)
	whole := h.ReconcileBudget <= 0 || len(r.Repaired) < room
	h.settle(ctx, pr, settling{o: o, wrote: len(r.Repaired), err: err, whole: whole, day: day})
	return r, err
}

// unchanged reports whether pull request pr, as a list of the open pull
// requests showed it, is as it was found settled (h.Settled) against the
// base's tip tip on day, and connectbot's check on its head is for that
// base and head. Any doubt — the checks cannot be read — says no.
func (h *Handler) unchanged(ctx context.Context, pr forge.PR, tip string, day application.Date) bool {
	return h.Settled.same(pr, tip, day) && h.checkStands(ctx, program.Verdict{BaseSHA: tip, HeadSHA: pr.HeadSHA})
}

// checkStands reports whether the newest connectbot check on v's head is
// completed, and for v's base and head; a failure to read says no.
func (h *Handler) checkStands(ctx context.Context, v program.Verdict) bool {
	runs, ok := h.checkRuns(ctx, v.HeadSHA)
	if !ok {
		return false
	}
	var latest *forge.CheckRunInfo
	for k := range runs {
		if runs[k].Name == CheckName && (latest == nil || runs[k].ID > latest.ID) {
			latest = &runs[k]
		}
	}
	return latest != nil && latest.Status == "completed" && latest.ExternalID == ExternalID(v)
}

// checkRuns lists connectbot's checks on commit head; false when they
// cannot be read.
func (h *Handler) checkRuns(ctx context.Context, head string) ([]forge.CheckRunInfo, bool) {
	runs, err := h.Forge.ListCheckRuns(ctx, head, CheckName)
	return runs, err == nil
}

// settling is what work on a listed pull request did, for settle.
type settling struct {
	o Outcome
	// wrote counts the writes made; err is the work's error.
	wrote int
	err   error
	// whole is false when the work left something for later: commands
	// over the reconcile's budget, or the pull request judged again
	// after a merge without its commands.
	whole bool
	day   application.Date
}

// settle records pull request pr, as a list of the open pull requests
// showed it before the work s says of, as settled, or forgets it so
// that it is judged next time. It is settled when the work failed in
// nothing, left nothing undone, merged nothing, is not a dry run, judged
// the head the list named and has no approval that a later day or install
// count could act on; and, when it wrote, when GitHub shows nothing since
// the list but connectbot's own writes (ownWritesOnly).
func (h *Handler) settle(ctx context.Context, pr forge.PR, s settling) {
	if h.Settled == nil {
		return
	}
	v := s.o.Verdict
	if s.err != nil || !s.whole || s.o.MergedInto != "" || h.DryRun || v.HeadSHA != pr.HeadSHA || v.BaseSHA == "" || v.Approval != nil {
		h.Settled.forget(pr.Number)
		return
	}
	updated := pr.UpdatedAt
	if s.wrote > 0 {
		var ok bool
		if updated, ok = h.ownWritesOnly(ctx, pr, v); !ok {
			h.Settled.forget(pr.Number)
			return
		}
	}
	h.Settled.record(pr.Number, v.HeadSHA, v.BaseSHA, updated, s.day)
}

// ownWritesOnly reads pull request pr again after connectbot wrote to it
// and reports GitHub's updated_at then, when nothing happened on it since
// the list showed pr but connectbot's own writes: the same head, exactly
// the verdict's managed labels, no one else's comment posted or edited
// and no review submitted since, and connectbot's check for v standing on
// the head. The pull request is read first, so that anything later than
// its updated_at is seen by the reads after it or moves it again. Any
// doubt says no.
func (h *Handler) ownWritesOnly(ctx context.Context, pr forge.PR, v program.Verdict) (time.Time, bool) {
	now, err := h.Forge.PullRequest(ctx, pr.Number)
	if err != nil || now.State != "open" || now.HeadSHA != v.HeadSHA || !sameManaged(now.Labels, v.Labels) {
		return time.Time{}, false
	}
	comments, cut, err := h.Forge.ListCommentsSince(ctx, pr.Number, pr.UpdatedAt, listPages)
	if err != nil || cut {
		return time.Time{}, false
	}
	for _, c := range comments {
		if !h.isBot(c.Author) && (c.Edited || c.Created.After(pr.UpdatedAt)) {
			return time.Time{}, false
		}
	}
	reviews, _, err := h.Forge.ListReviewsAtEnds(ctx, pr.Number, listPages)
	if err != nil {
		return time.Time{}, false
	}
	for _, r := range reviews {
		if r.SubmittedAt.After(pr.UpdatedAt) {
			return time.Time{}, false
		}
	}
	if !h.checkStands(ctx, v) {
		return time.Time{}, false
	}
	return now.UpdatedAt, true
}

// sameManaged reports whether the managed labels among have are exactly
// want.
func sameManaged(have, want []string) bool {
	wanted := map[string]bool{}
	for _, l := range want {
		wanted[l] = true
	}
	n := 0
	for _, l := range have {
		if !program.IsVerdictLabel(l) {
			continue
		}
		if !wanted[l] {
			return false
		}
		n++
	}
	return n == len(wanted)
}
