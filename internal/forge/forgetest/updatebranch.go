package forgetest

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// PUT /repos/{owner}/{repo}/pulls/{n}/update-branch
//
// As GitHub's Update branch button: the base branch's tip is merged into
// the pull request's head branch, line by line (see mergeLines), with a
// merge commit by the caller, and the pull request is synchronized. GitHub
// answers 202 with a message, before the merge lands; the fake lands it
// first. It refuses with 422: a head that moved from expected_head_sha, a
// head from a fork (maintainer_can_modify is false in the fake), a base
// with nothing new for the head, and a merge that conflicts.
func (s *Server) updateBranch(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullOnlyParam(w, p)
	if !ok {
		return
	}
	var req struct {
		ExpectedHeadSHA string `json:"expected_head_sha"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	base, head := s.pullBase(pr), plumbing.NewHash(pr.headSHA)
	switch {
	case pr.state != "open":
		s.unprocessableStrings(w, "Pull request is closed.")
		return
	case req.ExpectedHeadSHA != "" && req.ExpectedHeadSHA != pr.headSHA:
		s.unprocessableStrings(w, "expected head sha didn't match current head ref.")
		return
	case pr.headRepo != "":
		s.unprocessableStrings(w, "You do not have permission to update this branch: its repository does not allow edits by maintainers.")
		return
	}
	if mb, ok := s.mergeBase(base, head); ok && mb == base {
		s.unprocessableStrings(w, "There are no new commits on the base branch.")
		return
	}
	sha, err := s.mergeBaseInto(pr, base, head)
	if errors.Is(err, errConflict) {
		s.unprocessableStrings(w, "merge conflict between base and head")
		return
	}
	if err != nil {
		s.message(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.refUpdated(plumbing.NewBranchReferenceName(pr.head).String(), sha.String())
	s.reply(w, r, http.StatusAccepted, jsonObject{"message": "Updating pull request branch.", "url": s.apiRepo() + "/pulls/" + fmt.Sprint(pr.number)})
}

// mergeBaseInto merges base into pull request pr's head branch at head,
// and points the branch at the merge commit.
func (s *Server) mergeBaseInto(pr *pull, base, head plumbing.Hash) (plumbing.Hash, error) {
	tree, err := s.mergedTree(head, base)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	who := object.Signature{Name: s.acting(), Email: s.acting() + "@users.noreply.github.com"}
	msg := fmt.Sprintf("Merge branch '%s' into %s\n", pr.base, pr.head)
	sha, err := s.writeCommit(tree, msg, who, head, base)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return sha, s.setRef(plumbing.NewBranchReferenceName(pr.head), sha)
}
