package forgetest

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Reviews: their records, their REST handlers (which run with s.mu held)
// and the methods tests call.

type review struct {
	id        int64
	pr        int
	author    string
	state     string
	sha       string
	body      string
	submitted time.Time
}

// AddReview records a review of pull request pr by author, in state
// (APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED; any case) on
// commit sha, and returns its ID.
func (s *Server) AddReview(pr int, author, state, sha string) int64 {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	if s.pulls[pr] == nil {
		s.t.Fatalf("forgetest: review of #%d: no such pull request", pr)
	}
	r := &review{id: s.id(), pr: pr, author: author, state: strings.ToUpper(state), sha: sha, submitted: s.tick()}
	s.pulls[pr].updated = r.submitted
	s.reviews = append(s.reviews, r)
	s.withActor(author, func() { s.emitReview(s.pulls[pr], r) })
	return r.id
}

// DismissReview dismisses review id as by would on GitHub (a
// maintainer's "Dismiss review"): the review itself takes the state
// DISMISSED, so listing the reviews no longer shows it as an approval or a
// change request.
func (s *Server) DismissReview(id int64, by string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	for _, r := range s.reviews {
		if r.id != id {
			continue
		}
		if r.state != "APPROVED" && r.state != "CHANGES_REQUESTED" {
			s.t.Fatalf("forgetest: dismiss review %d: it is %s; only approvals and change requests are dismissed", id, r.state)
		}
		r.state = "DISMISSED"
		s.pulls[r.pr].updated = s.tick()
		s.withActor(by, func() { s.emitReviewAction(s.pulls[r.pr], r, "dismissed") })
		return
	}
	s.t.Fatalf("forgetest: dismiss review %d: no such review", id)
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
	var req struct {
		CommitID string `json:"commit_id"`
		Body     string `json:"body"`
		Event    string `json:"event"`
	}
	pr, ok := s.pullWithBody(w, r, p, &req)
	if !ok {
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
