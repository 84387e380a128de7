package forgetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// This file holds the REST handlers. They run with s.mu held.

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

func (s *Server) created(w http.ResponseWriter, r *http.Request, location string, v any) {
	w.Header().Set("Location", location)
	s.reply(w, r, http.StatusCreated, v)
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
			if pr.state == "open" {
				pr.baseSHA = s.pullBase(pr).String()
				pr.state = "closed"
				pr.closedAt = s.tick()
				s.events = append(s.events, &issueEvent{id: s.id(), issue: pr.number, actor: s.acting(), event: "closed", created: pr.closedAt})
				s.emitPull(pr, "closed", nil)
			}
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

// GET /repos/{owner}/{repo}/pulls/{n}/reviews
func (s *Server) listReviews(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullOnlyParam(w, p)
	if !ok {
		return
	}
	var items []any
	for _, rv := range s.reviews {
		// A pending review is seen only by its author.
		if rv.pr == pr.number && (rv.state != "PENDING" || rv.author == s.acting()) {
			items = append(items, s.reviewJSON(rv))
		}
	}
	s.paginate(w, r, items)
}

// reviewEvents maps a review's event, as submitted, to the state it takes.
var reviewEvents = map[string]string{
	"APPROVE":         "APPROVED",
	"REQUEST_CHANGES": "CHANGES_REQUESTED",
	"COMMENT":         "COMMENTED",
	"":                "PENDING",
}

// POST /repos/{owner}/{repo}/pulls/{n}/reviews
//
// The review is the caller's, on commit_id or the head. As on GitHub, its
// author may not approve or request changes on their own pull request; a
// review without an event stays PENDING.
func (s *Server) createReview(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullOnlyParam(w, p)
	if !ok {
		return
	}
	var req struct {
		CommitID string `json:"commit_id"`
		Body     string `json:"body"`
		Event    string `json:"event"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	state, ok := reviewEvents[req.Event]
	if !ok {
		s.unprocessable(w, invalid("PullRequestReview", "event", "invalid"))
		return
	}
	author := s.acting()
	if author == pr.author && (state == "APPROVED" || state == "CHANGES_REQUESTED") {
		what := map[string]string{"APPROVED": "approve", "CHANGES_REQUESTED": "request changes on"}[state]
		s.unprocessableStrings(w, "Unprocessable Entity", "Review Can not "+what+" your own pull request")
		return
	}
	sha := req.CommitID
	if sha == "" {
		sha = pr.headSHA
	} else if !s.hasCommit(sha) {
		s.unprocessable(w, invalid("PullRequestReview", "commit_id", "invalid"))
		return
	}
	rv := &review{id: s.id(), pr: pr.number, author: author, state: state, sha: sha, body: req.Body}
	if state != "PENDING" {
		rv.submitted = s.tick()
		pr.updated = rv.submitted // as on GitHub: a review is news on the pull request
		s.emitReview(pr, rv)
	}
	s.reviews = append(s.reviews, rv)
	s.reply(w, r, http.StatusOK, s.reviewJSON(rv))
}

// PUT /repos/{owner}/{repo}/pulls/{n}/reviews/{id}/dismissals, by
// someone with write access: an approval or a change request takes the
// state DISMISSED and pull_request_review dismissed is delivered.
func (s *Server) dismissReview(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullOnlyParam(w, p)
	if !ok {
		return
	}
	rv, ok := findByID(s, w, p, s.reviews, func(rv *review) int64 { return rv.id })
	if !ok {
		return
	}
	if rv.pr != pr.number {
		s.notFound(w)
		return
	}
	var req struct {
		Message *string `json:"message"`
		Event   *string `json:"event"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	switch {
	case req.Message == nil:
		s.unprocessable(w, plain("Invalid request.\n\n\"message\" wasn't supplied."))
		return
	case req.Event != nil && *req.Event != "DISMISS":
		s.unprocessable(w, plain(fmt.Sprintf("Invalid request.\n\nFor 'properties/event', %q is not a member of [\"DISMISS\"].", *req.Event)))
		return
	case !s.canWrite(s.acting()):
		s.message(w, http.StatusForbidden, "Must have admin rights to Repository.")
		return
	case rv.state != "APPROVED" && rv.state != "CHANGES_REQUESTED":
		s.unprocessableStrings(w, "Unprocessable Entity", "Can not dismiss a "+strings.ToLower(rv.state)+" pull request review")
		return
	}
	rv.state = "DISMISSED"
	pr.updated = s.tick()
	s.emitReviewAction(pr, rv, "dismissed")
	s.reply(w, r, http.StatusOK, s.reviewJSON(rv))
}

// PUT /repos/{owner}/{repo}/pulls/{n}/merge
func (s *Server) mergePull(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullOnlyParam(w, p)
	if !ok {
		return
	}
	var req struct {
		CommitTitle   string `json:"commit_title"`
		CommitMessage string `json:"commit_message"`
		SHA           string `json:"sha"`
		MergeMethod   string `json:"merge_method"`
	}
	if !s.decode(w, r, &req) {
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

// findComment finds the comment a route names; on failure it answers 404.
func (s *Server) findComment(w http.ResponseWriter, p params) (*comment, bool) {
	return findByID(s, w, p, s.comments, func(c *comment) int64 { return c.id })
}

// findByID finds the item whose id the route's {id} names; on failure it
// answers 400 or 404.
func findByID[T any](s *Server, w http.ResponseWriter, p params, items []T, id func(T) int64) (T, bool) {
	var zero T
	want, ok := s.number(w, p, "id")
	if !ok {
		return zero, false
	}
	for _, it := range items {
		if id(it) == want {
			return it, true
		}
	}
	s.notFound(w)
	return zero, false
}

// GET /repos/{owner}/{repo}/issues/comments/{id}
func (s *Server) getComment(w http.ResponseWriter, r *http.Request, p params) {
	if c, ok := s.findComment(w, p); ok {
		s.reply(w, r, http.StatusOK, s.commentJSON(c))
	}
}

// PATCH /repos/{owner}/{repo}/issues/comments/{id}, by the comment's
// author or someone with write access to the repository.
func (s *Server) editComment(w http.ResponseWriter, r *http.Request, p params) {
	c, ok := s.findComment(w, p)
	if !ok {
		return
	}
	if actor := s.acting(); actor != c.author && !s.canWrite(actor) {
		s.message(w, http.StatusForbidden, "Must have admin rights to Repository.")
		return
	}
	var req struct {
		Body *string `json:"body"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	if req.Body == nil || *req.Body == "" {
		s.unprocessable(w, invalid("IssueComment", "body", "missing_field"))
		return
	}
	if verr := commentBodyTooLong(*req.Body); verr != nil {
		s.unprocessable(w, verr)
		return
	}
	c.body = *req.Body
	c.updated = s.tick()
	s.reply(w, r, http.StatusOK, s.commentJSON(c))
}

// GET /repos/{owner}/{repo}/issues/{n}/comments
func (s *Server) listComments(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullParam(w, p)
	if !ok {
		return
	}
	// since: only comments last updated at or after it, as GitHub's
	// ISO 8601 "YYYY-MM-DDTHH:MM:SSZ".
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			s.unprocessableStrings(w, "Validation Failed", fmt.Sprintf("since: %q is not an ISO 8601 timestamp", v))
			return
		}
		since = t
	}
	var items []any
	for _, c := range s.comments {
		if c.issue == pr.number && !c.updated.Before(since) {
			items = append(items, s.commentJSON(c))
		}
	}
	s.paginate(w, r, items)
}

// GET /repos/{owner}/{repo}/issues/{n}/events
//
// The pull request's closings and reopenings, oldest first.
func (s *Server) listIssueEvents(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullParam(w, p)
	if !ok {
		return
	}
	items := []any{}
	for _, e := range s.events {
		if e.issue == pr.number {
			items = append(items, s.issueEventJSON(e))
		}
	}
	s.paginate(w, r, items)
}

// POST /repos/{owner}/{repo}/issues/{n}/comments
func (s *Server) createComment(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullParam(w, p)
	if !ok {
		return
	}
	var req struct {
		Body string `json:"body"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	if req.Body == "" {
		s.unprocessable(w, invalid("IssueComment", "body", "missing_field"))
		return
	}
	if verr := commentBodyTooLong(req.Body); verr != nil {
		s.unprocessable(w, verr)
		return
	}
	now := s.tick()
	c := &comment{id: s.id(), issue: pr.number, author: s.acting(), body: req.Body, created: now, updated: now}
	pr.updated = now // as on GitHub: a comment moves its issue's updated_at
	s.comments = append(s.comments, c)
	s.emitComment(pr, c)
	s.created(w, r, fmt.Sprintf("%s/issues/comments/%d", s.apiRepo(), c.id), s.commentJSON(c))
}

// findLabel finds a repository label by name, ignoring case as GitHub does.
func (s *Server) findLabel(name string) *label {
	for _, l := range s.labels {
		if strings.EqualFold(l.name, name) {
			return l
		}
	}
	return nil
}

func (s *Server) issueLabelsJSON(pr *pull) []any {
	out := []any{}
	for _, name := range pr.labels {
		if l := s.findLabel(name); l != nil {
			out = append(out, s.labelJSON(l))
		}
	}
	return out
}

// GET /repos/{owner}/{repo}/issues/{n}/labels
func (s *Server) listIssueLabels(w http.ResponseWriter, r *http.Request, p params) {
	if pr, ok := s.pullParam(w, p); ok {
		s.paginate(w, r, s.issueLabelsJSON(pr))
	}
}

// POST /repos/{owner}/{repo}/issues/{n}/labels takes the documented
// body alone: {"labels": [...]}, at least one, each a name or {"name":
// ...}. GitHub's description no longer lists a bare array.
func (s *Server) addIssueLabels(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullParam(w, p)
	if !ok {
		return
	}
	var raw json.RawMessage
	if !s.decode(w, r, &raw) {
		return
	}
	names, verr := labelNames(raw)
	if verr != nil {
		s.unprocessable(w, verr)
		return
	}
	for _, name := range names {
		l := s.findLabel(name)
		if l == nil {
			l = &label{id: s.id(), name: name, color: "ededed"}
			s.labels = append(s.labels, l)
		}
		if !slices.ContainsFunc(pr.labels, func(have string) bool { return strings.EqualFold(have, l.name) }) {
			pr.labels = append(pr.labels, l.name)
		}
	}
	pr.updated = s.tick()
	s.reply(w, r, http.StatusOK, s.issueLabelsJSON(pr))
}

// labelNames reads the body of an add-labels request as GitHub's request
// schema does, and answers its 422 for a body that does not fit.
func labelNames(raw json.RawMessage) ([]string, *validationError) {
	var body map[string]json.RawMessage
	if json.Unmarshal(raw, &body) != nil || body == nil {
		return nil, plain(fmt.Sprintf("Invalid request.\n\nFor 'links/0/schema', %s is not an object.", compactJSON(raw)))
	}
	var list []json.RawMessage
	if json.Unmarshal(body["labels"], &list) != nil {
		return nil, plain(fmt.Sprintf("Invalid request.\n\nFor 'properties/labels', %s is not an array.", compactJSON(body["labels"])))
	}
	if len(list) == 0 {
		return nil, plain("Invalid request.\n\nFor 'properties/labels', [] has fewer items than 1.")
	}
	var names []string
	for _, item := range list {
		var name string
		if json.Unmarshal(item, &name) != nil {
			var named struct {
				Name *string `json:"name"`
			}
			if json.Unmarshal(item, &named) != nil {
				return nil, plain(fmt.Sprintf("Invalid request.\n\nFor 'items', %s is not a string or an object.", compactJSON(item)))
			}
			if named.Name == nil {
				return nil, plain("Invalid request.\n\n\"name\" wasn't supplied.")
			}
			name = *named.Name
		}
		if strings.TrimSpace(name) == "" {
			return nil, invalid("Label", "name", "missing_field")
		}
		names = append(names, name)
	}
	return names, nil
}

// compactJSON is raw as one line, "nil" when it is empty, as GitHub's
// schema errors quote a value.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if len(raw) == 0 || json.Compact(&b, raw) != nil || b.String() == "null" {
		return "nil"
	}
	return b.String()
}

// DELETE /repos/{owner}/{repo}/issues/{n}/labels/{name}
func (s *Server) removeIssueLabel(w http.ResponseWriter, r *http.Request, p params) {
	pr, ok := s.pullParam(w, p)
	if !ok {
		return
	}
	i := slices.IndexFunc(pr.labels, func(have string) bool { return strings.EqualFold(have, p["name"]) })
	if i < 0 {
		s.message(w, http.StatusNotFound, "Label does not exist")
		return
	}
	pr.labels = slices.Delete(pr.labels, i, i+1)
	pr.updated = s.tick()
	s.reply(w, r, http.StatusOK, s.issueLabelsJSON(pr))
}

// GET /repos/{owner}/{repo}/labels/{name}
func (s *Server) getLabel(w http.ResponseWriter, r *http.Request, p params) {
	l := s.findLabel(p["name"])
	if l == nil {
		s.notFound(w)
		return
	}
	s.reply(w, r, http.StatusOK, s.labelJSON(l))
}

var hexColor = regexp.MustCompile(`^[0-9a-fA-F]{6}$`)

// POST /repos/{owner}/{repo}/labels
func (s *Server) createLabel(w http.ResponseWriter, r *http.Request, _ params) {
	var req struct {
		Name        string  `json:"name"`
		Color       *string `json:"color"`
		Description string  `json:"description"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	color := "ededed"
	if req.Color != nil {
		color = strings.TrimPrefix(*req.Color, "#")
	}
	switch {
	case strings.TrimSpace(req.Name) == "":
		s.unprocessable(w, invalid("Label", "name", "missing_field"))
		return
	case !hexColor.MatchString(color):
		s.unprocessable(w, invalid("Label", "color", "invalid"))
		return
	case s.findLabel(req.Name) != nil:
		s.unprocessable(w, invalid("Label", "name", "already_exists"))
		return
	}
	l := &label{id: s.id(), name: req.Name, color: strings.ToLower(color), description: req.Description}
	s.labels = append(s.labels, l)
	s.created(w, r, s.apiRepo()+"/labels/"+l.name, s.labelJSON(l))
}

// checkRunRequest is the body of a check run create or update.
type checkRunRequest struct {
	Name       *string `json:"name"`
	HeadSHA    *string `json:"head_sha"`
	DetailsURL *string `json:"details_url"`
	ExternalID *string `json:"external_id"`
	Status     *string `json:"status"`
	Conclusion *string `json:"conclusion"`
	Output     *struct {
		Title       *string `json:"title"`
		Summary     *string `json:"summary"`
		Text        *string `json:"text"`
		Annotations []struct {
			Path            string `json:"path"`
			StartLine       int    `json:"start_line"`
			EndLine         int    `json:"end_line"`
			StartColumn     *int   `json:"start_column"`
			EndColumn       *int   `json:"end_column"`
			AnnotationLevel string `json:"annotation_level"`
			Message         string `json:"message"`
			Title           string `json:"title"`
		} `json:"annotations"`
	} `json:"output"`
}

// applyCheckRun validates req and applies it to c.
func (s *Server) applyCheckRun(c *checkRun, req *checkRunRequest) *validationError {
	if req.Name != nil {
		if *req.Name == "" {
			return invalid("CheckRun", "name", "missing_field")
		}
		c.name = *req.Name
	}
	if req.DetailsURL != nil {
		c.detailsURL = *req.DetailsURL
	}
	if req.ExternalID != nil {
		c.externalID = *req.ExternalID
	}
	if req.Status != nil {
		switch *req.Status {
		case "queued", "in_progress", "completed":
			c.status = *req.Status
		default:
			return invalid("CheckRun", "status", "invalid")
		}
	}
	if req.Conclusion != nil {
		switch *req.Conclusion {
		case "success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required":
			c.conclusion = *req.Conclusion
			c.status = "completed"
		default:
			return invalid("CheckRun", "conclusion", "invalid")
		}
	}
	if c.status == "completed" && c.conclusion == "" {
		return plain("Invalid request.\n\n\"conclusion\" is required when \"status\" is \"completed\".")
	}
	if c.status == "completed" && c.completed.IsZero() {
		c.completed = s.tick()
	}
	if o := req.Output; o != nil {
		if o.Title == nil || *o.Title == "" {
			return plain("Invalid request.\n\nFor 'properties/output', \"title\" wasn't supplied.")
		}
		if o.Summary == nil || *o.Summary == "" {
			return plain("Invalid request.\n\nFor 'properties/output', \"summary\" wasn't supplied.")
		}
		// GitHub's request schema speaks first, then its model.
		for _, text := range []*string{o.Summary, o.Text} {
			if text != nil {
				if verr := checkOutputSchema(*text); verr != nil {
					return verr
				}
			}
		}
		if verr := tooManyAnnotations(len(o.Annotations)); verr != nil {
			return verr
		}
		if verr := checkOutputBytes("summary", *o.Summary); verr != nil {
			return verr
		}
		if o.Text != nil {
			if verr := checkOutputBytes("text", *o.Text); verr != nil {
				return verr
			}
		}
		var added []Annotation
		for i, a := range o.Annotations {
			if a.Path == "" || a.StartLine <= 0 || a.EndLine <= 0 || a.Message == "" {
				return plain(fmt.Sprintf("Invalid request.\n\nAnnotation %d needs path, start_line, end_line, annotation_level and message.", i))
			}
			if a.AnnotationLevel != "notice" && a.AnnotationLevel != "warning" && a.AnnotationLevel != "failure" {
				return plain(fmt.Sprintf("Invalid request.\n\nAnnotation %d: annotation_level %q is not notice, warning or failure.", i, a.AnnotationLevel))
			}
			if verr := annotationTooLong(i, a.Title, a.Message); verr != nil {
				return verr
			}
			if a.EndLine < a.StartLine {
				return plain(fmt.Sprintf("Invalid request.\n\nAnnotation %d: end_line is before start_line.", i))
			}
			if (a.StartColumn != nil || a.EndColumn != nil) && a.StartLine != a.EndLine {
				return plain(fmt.Sprintf("Invalid request.\n\nAnnotation %d: start_column and end_column may only be given when start_line equals end_line.", i))
			}
			an := Annotation{Path: a.Path, StartLine: a.StartLine, EndLine: a.EndLine, Level: a.AnnotationLevel, Title: a.Title, Message: a.Message}
			if a.StartColumn != nil {
				an.StartColumn = *a.StartColumn
			}
			if a.EndColumn != nil {
				an.EndColumn = *a.EndColumn
			}
			added = append(added, an)
		}
		c.title, c.summary = *o.Title, *o.Summary
		if o.Text != nil {
			c.text = *o.Text
		}
		c.annotations = append(c.annotations, added...)
	}
	return nil
}

// POST /repos/{owner}/{repo}/check-runs, by an App alone.
func (s *Server) createCheckRun(w http.ResponseWriter, r *http.Request, _ params) {
	if !isApp(s.acting()) {
		s.messageDoc(w, http.StatusForbidden, mustBeApp, docsChecks+"#create-a-check-run")
		return
	}
	var req checkRunRequest
	if !s.decode(w, r, &req) {
		return
	}
	switch {
	case req.Name == nil || *req.Name == "":
		s.unprocessable(w, invalid("CheckRun", "name", "missing_field"))
		return
	case req.HeadSHA == nil || *req.HeadSHA == "":
		s.unprocessable(w, invalid("CheckRun", "head_sha", "missing_field"))
		return
	case !s.hasCommit(*req.HeadSHA):
		s.unprocessable(w, plain("No commit found for SHA: "+*req.HeadSHA))
		return
	}
	c := &checkRun{headSHA: *req.HeadSHA, status: "queued", started: s.tick()}
	if verr := s.applyCheckRun(c, &req); verr != nil {
		s.unprocessable(w, verr)
		return
	}
	c.id = s.id()
	s.checkRuns = append(s.checkRuns, c)
	s.created(w, r, fmt.Sprintf("%s/check-runs/%d", s.apiRepo(), c.id), s.checkRunJSON(c))
}

func (s *Server) findCheckRun(w http.ResponseWriter, p params) (*checkRun, bool) {
	return findByID(s, w, p, s.checkRuns, func(c *checkRun) int64 { return c.id })
}

// GET /repos/{owner}/{repo}/check-runs/{id}
func (s *Server) getCheckRun(w http.ResponseWriter, r *http.Request, p params) {
	if c, ok := s.findCheckRun(w, p); ok {
		s.reply(w, r, http.StatusOK, s.checkRunJSON(c))
	}
}

// PATCH /repos/{owner}/{repo}/check-runs/{id} adds the request's
// annotations to the run's; by an App alone.
func (s *Server) updateCheckRun(w http.ResponseWriter, r *http.Request, p params) {
	if !isApp(s.acting()) {
		s.messageDoc(w, http.StatusForbidden, mustBeApp, docsChecks+"#update-a-check-run")
		return
	}
	c, ok := s.findCheckRun(w, p)
	if !ok {
		return
	}
	var req checkRunRequest
	if !s.decode(w, r, &req) {
		return
	}
	updated := *c
	updated.annotations = slices.Clone(c.annotations)
	if verr := s.applyCheckRun(&updated, &req); verr != nil {
		s.unprocessable(w, verr)
		return
	}
	*c = updated
	s.reply(w, r, http.StatusOK, s.checkRunJSON(c))
}

// GET /repos/{owner}/{repo}/commits/{ref}/check-runs answers
// {"total_count", "check_runs"}, a page of the runs on ref, newest first,
// filtered by check_name and status; filter=latest (the default) keeps the
// newest run of each name, filter=all every run.
func (s *Server) listCheckRuns(w http.ResponseWriter, r *http.Request, p params) {
	h, ok := s.resolve(p["ref"])
	if !ok {
		s.unprocessable(w, plain("No commit found for SHA: "+p["ref"]))
		return
	}
	q := r.URL.Query()
	filter := q.Get("filter")
	if filter == "" {
		filter = "latest"
	}
	if filter != "latest" && filter != "all" {
		s.unprocessable(w, invalid("CheckRun", "filter", "invalid"))
		return
	}
	seen := map[string]bool{}
	var items []any
	for i := len(s.checkRuns) - 1; i >= 0; i-- {
		c := s.checkRuns[i]
		switch {
		case c.headSHA != h.String():
		case q.Has("check_name") && c.name != q.Get("check_name"):
		case q.Has("status") && c.status != q.Get("status"):
		case filter == "latest" && seen[c.name]:
		default:
			seen[c.name] = true
			items = append(items, s.checkRunJSON(c))
		}
	}
	s.reply(w, r, http.StatusOK, jsonObject{"total_count": len(items), "check_runs": s.page(w, r, items)})
}

// maxStatusDescription is GitHub's limit on a status description.
const maxStatusDescription = 140

// POST /repos/{owner}/{repo}/statuses/{sha}
func (s *Server) createStatus(w http.ResponseWriter, r *http.Request, p params) {
	sha := p["sha"]
	if !s.hasCommit(sha) {
		s.unprocessable(w, plain("No commit found for SHA: "+sha))
		return
	}
	var req struct {
		State       string `json:"state"`
		TargetURL   string `json:"target_url"`
		Description string `json:"description"`
		Context     string `json:"context"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	switch req.State {
	case "error", "failure", "pending", "success":
	default:
		s.unprocessable(w, invalid("Status", "state", "invalid"))
		return
	}
	if n := len([]rune(req.Description)); n > maxStatusDescription {
		s.unprocessable(w, custom("Status", fmt.Sprintf("description is too long (maximum is %d characters)", maxStatusDescription)))
		return
	}
	if req.Context == "" {
		req.Context = "default"
	}
	st := &status{id: s.id(), sha: sha, state: req.State, description: req.Description, targetURL: req.TargetURL, context: req.Context, creator: s.acting(), created: s.tick()}
	s.statuses = append(s.statuses, st)
	s.created(w, r, s.apiRepo()+"/statuses/"+sha, s.statusJSON(st))
}

// GET /repos/{owner}/{repo}/commits/{ref}/statuses, newest first.
func (s *Server) listStatuses(w http.ResponseWriter, r *http.Request, p params) {
	h, ok := s.resolve(p["ref"])
	if !ok {
		s.notFound(w)
		return
	}
	var items []any
	for i := len(s.statuses) - 1; i >= 0; i-- {
		if st := s.statuses[i]; st.sha == h.String() {
			items = append(items, s.statusJSON(st))
		}
	}
	s.paginate(w, r, items)
}

// GET /repos/{owner}/{repo}/git/ref/{ref...}, ref as "heads/main".
func (s *Server) getRef(w http.ResponseWriter, r *http.Request, p params) {
	name := plumbing.ReferenceName("refs/" + p["ref"])
	h, ok := s.refHash(name)
	if !ok {
		s.notFound(w)
		return
	}
	s.reply(w, r, http.StatusOK, s.refJSON(name, h))
}

// validRefName reports whether GitHub would take name for a new ref.
func validRefName(name string) bool {
	return strings.HasPrefix(name, "refs/") && strings.Count(name, "/") >= 2 &&
		plumbing.ReferenceName(name).Validate() == nil && !strings.HasPrefix(name, "refs/pull/")
}

// POST /repos/{owner}/{repo}/git/refs
func (s *Server) createRef(w http.ResponseWriter, r *http.Request, _ params) {
	var req struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	name := plumbing.ReferenceName(req.Ref)
	switch {
	case !validRefName(req.Ref):
		s.unprocessable(w, plain("Reference name must start with 'refs/' and have at least two slashes."))
		return
	case !s.hasCommit(req.SHA):
		s.unprocessable(w, plain("Object does not exist"))
		return
	}
	if _, exists := s.refHash(name); exists {
		s.unprocessable(w, plain("Reference already exists"))
		return
	}
	h := plumbing.NewHash(req.SHA)
	if s.refuseByRules(w, name.String(), plumbing.ZeroHash, h) {
		return
	}
	if err := s.setRef(name, h); err != nil {
		s.message(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.refUpdated(name.String(), h.String())
	s.created(w, r, s.apiRepo()+"/git/"+name.String(), s.refJSON(name, h))
}

// PATCH /repos/{owner}/{repo}/git/refs/{ref...}
func (s *Server) updateRef(w http.ResponseWriter, r *http.Request, p params) {
	name := plumbing.ReferenceName("refs/" + p["ref"])
	var req struct {
		SHA   string `json:"sha"`
		Force bool   `json:"force"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	old, exists := s.refHash(name)
	switch {
	case !exists || strings.HasPrefix(name.String(), "refs/pull/"):
		s.unprocessable(w, plain("Reference does not exist"))
		return
	case !s.hasCommit(req.SHA):
		s.unprocessable(w, plain("Object does not exist"))
		return
	}
	h := plumbing.NewHash(req.SHA)
	if !req.Force && !s.ancestors(h)[old] {
		s.unprocessable(w, plain("Update is not a fast forward"))
		return
	}
	if s.refuseByRules(w, name.String(), old, h) {
		return
	}
	if err := s.setRef(name, h); err != nil {
		s.message(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.refUpdated(name.String(), h.String())
	s.reply(w, r, http.StatusOK, s.refJSON(name, h))
}

// DELETE /repos/{owner}/{repo}/git/refs/{ref...}
func (s *Server) deleteRef(w http.ResponseWriter, r *http.Request, p params) {
	name := plumbing.ReferenceName("refs/" + p["ref"])
	old, exists := s.refHash(name)
	if !exists || strings.HasPrefix(name.String(), "refs/pull/") {
		s.unprocessable(w, plain("Reference does not exist"))
		return
	}
	if s.refuseByRules(w, name.String(), old, plumbing.ZeroHash) {
		return
	}
	if err := s.git.Storer.RemoveReference(name); err != nil {
		s.message(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.refUpdated(name.String(), "")
	w.WriteHeader(http.StatusNoContent)
}
