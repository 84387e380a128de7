package forgetest

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// GitHub's merge queue, as a program that requires it sees it: pull
// requests added to the queue of their base branch are merged, one after
// the other, into temporary branches under gh-readonly-queue/, each
// entry's merge commit on top of the one before it (the first on the base
// branch's tip), and for each entry GitHub pushes its branch and sends
// merge_group checks_requested with its head commit. The required checks
// are reported on that head; GitHub then moves the base branch to it.
// Only the merge method "merge" is played (a merge commit per pull
// request, its second parent the pull request's head).

// MergeQueueBot is the login that makes the merge queue's commits.
const MergeQueueBot = "github-merge-queue[bot]"

// MergeGroup is one entry of the merge queue: the temporary branch's head
// commit, holding its pull request and every one queued before it.
type MergeGroup struct {
	// HeadSHA is the merge commit to check; HeadRef its branch,
	// "refs/heads/gh-readonly-queue/<base>/pr-<n>-<parent>".
	HeadSHA, HeadRef string
	// BaseSHA is the base branch's tip the queue is built on; BaseRef the
	// base branch, "refs/heads/<base>".
	BaseSHA, BaseRef string
	// Number is the pull request the entry adds.
	Number int
}

// QueueMergeGroups adds the open pull requests numbers, in order, to the
// merge queue of their base branch (all the same), and returns an entry
// for each, whose merge_group event it delivers. A pull request that
// does not merge cleanly on top of those before it fails the test.
func (s *Server) QueueMergeGroups(numbers ...int) []MergeGroup {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	var out []MergeGroup
	var parent, tip plumbing.Hash
	for i, n := range numbers {
		p, ok := s.pulls[n]
		if !ok || p.issue || p.state != "open" {
			s.t.Fatalf("forgetest: queue #%d: no open pull request", n)
		}
		if i == 0 {
			if tip, ok = s.branchHash(p.base); !ok {
				s.t.Fatalf("forgetest: queue #%d: no branch %s", n, p.base)
			}
			parent = tip
		}
		g, err := s.queueOne(p, parent, tip)
		if err != nil {
			s.t.Fatalf("forgetest: queue #%d: %v", n, err)
		}
		parent = plumbing.NewHash(g.HeadSHA)
		out = append(out, g)
	}
	return out
}

// queueOne merges p's head on parent as the queue does, creates the
// entry's branch and records its push and merge_group events; s.mu is
// held.
func (s *Server) queueOne(p *pull, parent, tip plumbing.Hash) (MergeGroup, error) {
	tree, err := s.mergedTree(parent, plumbing.NewHash(p.headSHA))
	if err != nil {
		return MergeGroup{}, err
	}
	who := object.Signature{Name: MergeQueueBot, Email: "merge-queue@github.com"}
	msg := fmt.Sprintf("Merge pull request #%d from %s/%s\n\n%s\n", p.number, s.owner, p.head, p.title)
	h, err := s.writeCommit(tree, msg, who, parent, plumbing.NewHash(p.headSHA))
	if err != nil {
		return MergeGroup{}, err
	}
	g := MergeGroup{
		HeadSHA: h.String(), HeadRef: fmt.Sprintf("refs/heads/gh-readonly-queue/%s/pr-%d-%s", p.base, p.number, parent),
		BaseSHA: tip.String(), BaseRef: "refs/heads/" + p.base, Number: p.number,
	}
	if err := s.setRef(plumbing.ReferenceName(g.HeadRef), h); err != nil {
		return MergeGroup{}, err
	}
	s.refUpdated(g.HeadRef, g.HeadSHA)
	s.emit("merge_group", "checks_requested", g.HeadRef, func() jsonObject {
		o := s.envelope("checks_requested", MergeQueueBot)
		o["merge_group"] = jsonObject{
			"head_sha": g.HeadSHA, "head_ref": g.HeadRef, "base_sha": g.BaseSHA, "base_ref": g.BaseRef,
			"head_commit": s.simpleCommitJSON(h),
		}
		return o
	})
	return g, nil
}

// MergeQueued does what GitHub does once an entry's required checks pass:
// its base branch moves to the entry's head, which merges its pull
// request and those before it, and the entry's branch is deleted.
func (s *Server) MergeQueued(g MergeGroup) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	h := plumbing.NewHash(g.HeadSHA)
	if err := s.setRef(plumbing.ReferenceName(g.BaseRef), h); err != nil {
		s.t.Fatalf("forgetest: merge %s: %v", g.HeadRef, err)
	}
	s.refUpdated(g.BaseRef, g.HeadSHA)
	if err := s.git.Storer.RemoveReference(plumbing.ReferenceName(g.HeadRef)); err != nil {
		s.t.Fatalf("forgetest: delete %s: %v", g.HeadRef, err)
	}
	s.refUpdated(g.HeadRef, "")
}
