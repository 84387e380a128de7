package pullrequest

import (
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
)

// Settled remembers, across reconciles and across processes (in a file
// under the cache directory), the pull requests a reconcile found
// settled: judged at their head against the base's tip on a day, with
// nothing to write, no approval waiting on anything, and GitHub's
// updated_at as the list showed it before judging. A later reconcile on
// the same day that finds the same head, the same tip, the same
// updated_at (no push, comment, review or label since) and connectbot's
// check on the head for that base and head does not judge it again.
// Its methods are safe for concurrent use; the zero value is not, use
// NewSettled or ReadSettled.
type Settled struct {
	mu  sync.Mutex
	prs map[int]settledPR
}

// settledPR is what a reconcile saw of a settled pull request.
type settledPR struct {
	Head    string           `json:"head"`
	Base    string           `json:"base"`
	Updated time.Time        `json:"updatedAt"`
	Day     application.Date `json:"day"`
}

// NewSettled returns an empty Settled: every pull request is judged.
func NewSettled() *Settled { return &Settled{prs: map[int]settledPR{}} }

// settledFileVersion names the layout of a settled file; a file of
// another layout is read as empty.
const settledFileVersion = 1

// settledFile is the layout of a settled file.
type settledFile struct {
	Version int               `json:"version"`
	PRs     map[int]settledPR `json:"pullRequests"`
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
	return s, nil
}

// Save writes s to path, replacing the file whole.
func (s *Settled) Save(path string) error {
	s.mu.Lock()
	data, err := json.Marshal(settledFile{Version: settledFileVersion, PRs: s.prs})
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

// record notes pull request pr, listed before it was judged, as settled
// at head against base on day.
func (s *Settled) record(pr forge.PR, head, base string, day application.Date) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.prs[pr.Number] = settledPR{Head: head, Base: base, Updated: pr.UpdatedAt, Day: day}
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
