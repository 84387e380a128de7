package forgetest

import (
	"fmt"
	"net/http"
	"time"
)

// Issue and pull request comments: their records, their REST handlers
// (which run with s.mu held) and the methods tests call.

type comment struct {
	id      int64
	issue   int
	author  string
	body    string
	created time.Time
	updated time.Time
}

// AddComment records a comment on pull request pr by author and returns
// its ID.
func (s *Server) AddComment(pr int, author, body string) int64 {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	if s.pulls[pr] == nil {
		s.t.Fatalf("forgetest: comment on #%d: no such pull request", pr)
	}
	now := s.tick()
	c := &comment{id: s.id(), issue: pr, author: author, body: body, created: now, updated: now}
	s.pulls[pr].updated = now
	s.comments = append(s.comments, c)
	s.withActor(author, func() { s.emitComment(s.pulls[pr], c) })
	return c.id
}

// Comment is an issue comment as the server holds it.
type Comment struct {
	ID     int64
	Author string
	Body   string
}

// Comments returns the comments on pull request pr, oldest first.
func (s *Server) Comments(pr int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Comment
	for _, c := range s.comments {
		if c.issue == pr {
			out = append(out, Comment{ID: c.id, Author: c.author, Body: c.body})
		}
	}
	return out
}

// findComment finds the comment a route names; on failure it answers 404.
func (s *Server) findComment(w http.ResponseWriter, p params) (*comment, bool) {
	return findByID(s, w, p, s.comments, func(c *comment) int64 { return c.id })
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
