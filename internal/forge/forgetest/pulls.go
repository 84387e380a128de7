package forgetest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Pull requests: their records, their REST handlers (which run with s.mu
// held) and the methods tests call.

type pull struct {
	// issue marks an issue, which shares the pull requests' numbers,
	// comments and labels but none of their git.
	issue       bool
	number      int
	id          int64
	title       string
	body        string
	state       string
	draft       bool
	merged      bool
	mergedBy    string
	mergedAt    time.Time
	closedAt    time.Time
	mergeCommit string
	author      string
	head        string
	headRepo    string
	headSHA     string
	base        string
	baseSHA     string
	labels      []string
	created     time.Time
	updated     time.Time
}

// PRSpec describes a pull request OpenPR seeds.
type PRSpec struct {
	// Author opens it; "" means BotLogin.
	Author string
	Title  string
	Body   string
	// Head is the branch with the changes; it must exist in this
	// repository (a fork's branch is kept here too).
	Head string
	// Base defaults to the repository's default branch.
	Base string
	// HeadRepo is the fork's "owner/name"; "" means this repository.
	HeadRepo string
	Draft    bool
}

// OpenPR opens a pull request as spec.Author, as an integrator would, and
// returns its number. It fails the test where GitHub would refuse it.
func (s *Server) OpenPR(spec PRSpec) int {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	if spec.Author == "" {
		spec.Author = BotLogin
	}
	if spec.Base == "" {
		spec.Base = s.defaultBranch
	}
	var p *pull
	var verr *validationError
	s.withActor(spec.Author, func() { p, verr = s.openPull(spec) })
	if verr != nil {
		s.t.Fatalf("forgetest: open pull request: %s", verr.describe())
	}
	return p.number
}

// ClosePR closes open pull request n, unmerged, as by would with
// "Close pull request"; a pull request already closed is left as it is.
func (s *Server) ClosePR(n int, by string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	p := s.pulls[n]
	if p == nil {
		s.t.Fatalf("forgetest: close #%d: no such pull request", n)
		return
	}
	s.withActor(by, func() { s.closePull(p) })
	p.updated = s.tick()
}

// closePull closes pr, when it is open, unmerged, recording the event and
// delivering pull_request closed.
func (s *Server) closePull(pr *pull) {
	if pr.state != "open" {
		return
	}
	pr.baseSHA = s.pullBase(pr).String()
	pr.state = "closed"
	pr.closedAt = s.tick()
	s.events = append(s.events, &issueEvent{id: s.id(), issue: pr.number, actor: s.acting(), event: "closed", created: pr.closedAt})
	s.emitPull(pr, "closed", nil)
}

// PR is a pull request as the server holds it.
type PR struct {
	Number         int
	Title          string
	Body           string
	State          string
	Merged         bool
	Draft          bool
	Author         string
	Head           string
	HeadRepo       string
	HeadSHA        string
	Base           string
	MergeCommitSHA string
	Labels         []string
}

// PR returns pull request n; the test fails if there is none.
func (s *Server) PR(n int) PR {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pulls[n]
	if p == nil {
		s.t.Fatalf("forgetest: no pull request #%d", n)
		return PR{}
	}
	return p.export(s.FullName())
}

// PRs returns every pull request, by number.
func (s *Server) PRs() []PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []PR
	for _, p := range s.sortedPulls() {
		out = append(out, p.export(s.FullName()))
	}
	return out
}

func (p *pull) export(fullName string) PR {
	headRepo := p.headRepo
	if headRepo == "" {
		headRepo = fullName
	}
	return PR{
		Number: p.number, Title: p.title, Body: p.body, State: p.state, Merged: p.merged, Draft: p.draft,
		Author: p.author, Head: p.head, HeadRepo: headRepo, HeadSHA: p.headSHA, Base: p.base,
		MergeCommitSHA: p.mergeCommit, Labels: sortedCopy(p.labels),
	}
}

func (s *Server) sortedPulls() []*pull {
	out := make([]*pull, 0, len(s.pulls))
	for _, p := range s.pulls {
		if !p.issue {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].number < out[j].number })
	return out
}

// openPull validates spec as GitHub does and opens the pull request.
func (s *Server) openPull(spec PRSpec) (*pull, *validationError) {
	if strings.TrimSpace(spec.Title) == "" {
		return nil, invalid("PullRequest", "title", "missing_field")
	}
	if verr := titleTooLong("PullRequest", spec.Title); verr != nil {
		return nil, verr
	}
	baseHash, ok := s.branchHash(spec.Base)
	if !ok {
		return nil, invalid("PullRequest", "base", "invalid")
	}
	headHash, ok := s.branchHash(spec.Head)
	if !ok {
		return nil, invalid("PullRequest", "head", "invalid")
	}
	headOwner := s.owner
	if spec.HeadRepo != "" {
		headOwner, _, _ = strings.Cut(spec.HeadRepo, "/")
	}
	for _, p := range s.sortedPulls() {
		if p.state == "open" && p.head == spec.Head && p.headRepo == spec.HeadRepo && p.base == spec.Base {
			return nil, custom("PullRequest", fmt.Sprintf("A pull request already exists for %s:%s.", headOwner, spec.Head))
		}
	}
	mb, ok := s.mergeBase(baseHash, headHash)
	if !ok {
		return nil, custom("PullRequest", fmt.Sprintf("The %s branch has no history in common with %s", spec.Base, spec.Head))
	}
	if mb == headHash {
		return nil, custom("PullRequest", fmt.Sprintf("No commits between %s and %s", spec.Base, spec.Head))
	}
	now := s.tick()
	p := &pull{
		number:   s.nextNumber,
		id:       s.id(),
		title:    spec.Title,
		body:     spec.Body,
		state:    "open",
		draft:    spec.Draft,
		author:   spec.Author,
		head:     spec.Head,
		headRepo: spec.HeadRepo,
		headSHA:  headHash.String(),
		base:     spec.Base,
		baseSHA:  baseHash.String(),
		created:  now,
		updated:  now,
	}
	s.nextNumber++
	s.pulls[p.number] = p
	if err := s.setRef(pullHeadRef(p.number), headHash); err != nil {
		s.t.Errorf("forgetest: refs/pull/%d/head: %v", p.number, err)
	}
	s.emitPull(p, "opened", nil)
	return p, nil
}

// pullParam finds the pull request a route names; on failure it answers
// 404.
func (s *Server) pullParam(w http.ResponseWriter, p params) (*pull, bool) {
	n, ok := s.number(w, p, "n")
	if !ok {
		return nil, false
	}
	pr := s.pulls[int(n)]
	if pr == nil {
		s.notFound(w)
		return nil, false
	}
	return pr, true
}

// pullOnlyParam is pullParam for the pulls endpoints, where an issue's
// number is not found, as on GitHub.
func (s *Server) pullOnlyParam(w http.ResponseWriter, p params) (*pull, bool) {
	pr, ok := s.pullParam(w, p)
	if ok && pr.issue {
		s.notFound(w)
		return nil, false
	}
	return pr, ok
}

// pullWithBody is pullOnlyParam for an endpoint with a JSON body, which
// it decodes into req.
func (s *Server) pullWithBody(w http.ResponseWriter, r *http.Request, p params, req any) (*pull, bool) {
	pr, ok := s.pullOnlyParam(w, p)
	return pr, ok && s.decode(w, r, req)
}

// GET /repos/{owner}/{repo}/pulls
func (s *Server) listPulls(w http.ResponseWriter, r *http.Request, _ params) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	if state != "open" && state != "closed" && state != "all" {
		s.unprocessable(w, invalid("PullRequest", "state", "invalid"))
		return
	}
	// GitHub ignores a head filter without "owner:".
	headOwner, headBranch, headFilter := strings.Cut(q.Get("head"), ":")
	base := q.Get("base")
	pulls := s.sortedPulls()
	slices.Reverse(pulls) // newest first, GitHub's default
	var items []any
	for _, p := range pulls {
		if state != "all" && p.state != state {
			continue
		}
		if base != "" && p.base != base {
			continue
		}
		if headFilter {
			owner := s.owner
			if p.headRepo != "" {
				owner, _, _ = strings.Cut(p.headRepo, "/")
			}
			if !strings.EqualFold(owner, headOwner) || p.head != headBranch {
				continue
			}
		}
		items = append(items, s.pullSimpleJSON(p))
	}
	s.paginate(w, r, items)
}

// POST /repos/{owner}/{repo}/pulls
func (s *Server) createPull(w http.ResponseWriter, r *http.Request, _ params) {
	var req struct {
		Title string `json:"title"`
		Head  string `json:"head"`
		Base  string `json:"base"`
		Body  string `json:"body"`
		Draft bool   `json:"draft"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	spec := PRSpec{Author: s.acting(), Title: req.Title, Body: req.Body, Head: req.Head, Base: req.Base, Draft: req.Draft}
	if owner, branch, ok := strings.Cut(req.Head, ":"); ok {
		spec.Head = branch
		if !strings.EqualFold(owner, s.owner) {
			spec.HeadRepo = owner + "/" + s.name
		}
	}
	if spec.Head == "" {
		s.unprocessable(w, invalid("PullRequest", "head", "missing_field"))
		return
	}
	if spec.Base == "" {
		s.unprocessable(w, invalid("PullRequest", "base", "missing_field"))
		return
	}
	if verr := issueBodyTooLong(req.Body); verr != nil {
		s.unprocessable(w, verr)
		return
	}
	p, verr := s.openPull(spec)
	if verr != nil {
		s.unprocessable(w, verr)
		return
	}
	s.created(w, r, fmt.Sprintf("%s/pulls/%d", s.apiRepo(), p.number), s.pullJSON(p))
}

// GET /repos/{owner}/{repo}/pulls/{n}
func (s *Server) getPull(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullOnlyParam(w, p)
	if !ok {
		return
	}
	s.reply(w, r, http.StatusOK, s.pullJSON(pr))
}

// PATCH /repos/{owner}/{repo}/pulls/{n}
func (s *Server) editPull(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullOnlyParam(w, p)
	if !ok {
		return
	}
	var req struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
		State *string `json:"state"`
		Base  *string `json:"base"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	if req.Title != nil && strings.TrimSpace(*req.Title) == "" {
		s.unprocessable(w, invalid("PullRequest", "title", "missing_field"))
		return
	}
	if req.Title != nil {
		if verr := titleTooLong("PullRequest", *req.Title); verr != nil {
			s.unprocessable(w, verr)
			return
		}
	}
	if req.Body != nil {
		if verr := issueBodyTooLong(*req.Body); verr != nil {
			s.unprocessable(w, verr)
			return
		}
	}
	if req.Base != nil {
		if _, ok := s.branchHash(*req.Base); !ok {
			s.unprocessable(w, invalid("PullRequest", "base", "invalid"))
			return
		}
	}
	if req.State != nil {
		switch *req.State {
		case "closed":
			s.closePull(pr)
		case "open":
			if pr.merged {
				s.unprocessable(w, custom("PullRequest", "state cannot be changed. The pull request cannot be reopened."))
				return
			}
			if pr.state == "closed" {
				for _, other := range s.pulls {
					if other.state == "open" && other.head == pr.head && other.headRepo == pr.headRepo && other.base == pr.base {
						s.unprocessable(w, custom("PullRequest", "state cannot be changed. There is already an open pull request from "+pr.head+" to "+pr.base+"."))
						return
					}
				}
				pr.state = "open"
				pr.closedAt = time.Time{}
				if h, ok := s.branchHash(pr.head); ok {
					pr.headSHA = h.String()
				}
				s.events = append(s.events, &issueEvent{id: s.id(), issue: pr.number, actor: s.acting(), event: "reopened", created: s.tick()})
				s.emitPull(pr, "reopened", nil)
			}
		default:
			s.unprocessable(w, invalid("PullRequest", "state", "invalid"))
			return
		}
	}
	changes := jsonObject{}
	if req.Title != nil && *req.Title != pr.title {
		changes["title"] = jsonObject{"from": pr.title}
		pr.title = *req.Title
	}
	if req.Body != nil && *req.Body != pr.body {
		changes["body"] = jsonObject{"from": pr.body}
		pr.body = *req.Body
	}
	if req.Base != nil && *req.Base != pr.base {
		changes["base"] = jsonObject{"ref": jsonObject{"from": pr.base}, "sha": jsonObject{"from": s.pullBase(pr).String()}}
		pr.base = *req.Base
	}
	if len(changes) > 0 {
		s.emitPull(pr, "edited", jsonObject{"changes": changes})
	}
	pr.updated = s.tick()
	s.reply(w, r, http.StatusOK, s.pullJSON(pr))
}

// GET /repos/{owner}/{repo}/pulls/{n}/files
func (s *Server) listFiles(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullOnlyParam(w, p)
	if !ok {
		return
	}
	files, err := s.changedFiles(s.pullBase(pr), plumbing.NewHash(pr.headSHA))
	if err != nil {
		s.message(w, http.StatusInternalServerError, err.Error())
		return
	}
	var items []any
	for _, f := range files {
		items = append(items, s.fileJSON(f, pr.headSHA))
	}
	if len(items) > 3000 {
		items = items[:3000]
	}
	s.paginate(w, r, items)
}

// PUT /repos/{owner}/{repo}/pulls/{n}/merge
func (s *Server) mergePull(w http.ResponseWriter, r *http.Request, p params) {
	var req struct {
		CommitTitle   string `json:"commit_title"`
		CommitMessage string `json:"commit_message"`
		SHA           string `json:"sha"`
		MergeMethod   string `json:"merge_method"`
	}
	pr, ok := s.pullWithBody(w, r, p, &req)
	if !ok {
		return
	}
	method := req.MergeMethod
	if method == "" {
		method = "merge"
	}
	switch {
	case method != "merge" && method != "squash" && method != "rebase":
		s.unprocessable(w, invalid("PullRequest", "merge_method", "invalid"))
		return
	case pr.state != "open":
		s.message(w, http.StatusMethodNotAllowed, "Pull Request is not mergeable")
		return
	case req.SHA != "" && req.SHA != pr.headSHA:
		s.message(w, http.StatusConflict, "Head branch was modified. Review and try the merge again.")
		return
	case pr.draft:
		s.message(w, http.StatusMethodNotAllowed, "Pull Request is still a draft")
		return
	}
	base := s.pullBase(pr)
	result, err := s.merge(pr, method, req.CommitTitle, req.CommitMessage, s.acting())
	if errors.Is(err, errConflict) {
		s.message(w, http.StatusMethodNotAllowed, "Pull Request is not mergeable")
		return
	}
	if err != nil {
		s.message(w, http.StatusInternalServerError, err.Error())
		return
	}
	now := s.tick()
	pr.baseSHA = base.String()
	pr.state = "closed"
	pr.merged = true
	pr.mergedBy = s.acting()
	pr.mergedAt = now
	pr.closedAt = now
	pr.updated = now
	pr.mergeCommit = result.String()
	s.emitPull(pr, "closed", nil)
	s.reply(w, r, http.StatusOK, jsonObject{"sha": result.String(), "merged": true, "message": "Pull Request successfully merged"})
}

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
	var req struct {
		ExpectedHeadSHA string `json:"expected_head_sha"`
	}
	pr, ok := s.pullWithBody(w, r, p, &req)
	if !ok {
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
