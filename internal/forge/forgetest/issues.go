package forgetest

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Issues endpoints: connectbot keeps one tracking issue per application.
// An issue shares the pull requests' number space, comments and labels.

// POST /repos/{owner}/{repo}/issues
func (s *Server) createIssue(w http.ResponseWriter, r *http.Request, _ params) {
	var req struct {
		Title  string   `json:"title"`
		Body   string   `json:"body"`
		Labels []string `json:"labels"`
	}
	if !s.decode(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Title) == "" {
		s.unprocessable(w, invalid("Issue", "title", "missing_field"))
		return
	}
	if verr := titleTooLong("Issue", req.Title); verr != nil {
		s.unprocessable(w, verr)
		return
	}
	if verr := issueBodyTooLong(req.Body); verr != nil {
		s.unprocessable(w, verr)
		return
	}
	now := s.tick()
	is := &pull{issue: true, number: s.nextNumber, id: s.id(), title: req.Title, body: req.Body, state: "open",
		author: s.acting(), created: now, updated: now}
	s.nextNumber++
	for _, name := range req.Labels {
		if s.findLabel(name) == nil {
			s.labels = append(s.labels, &label{id: s.id(), name: name, color: "ededed"})
		}
		if !slices.Contains(is.labels, name) {
			is.labels = append(is.labels, name)
		}
	}
	s.pulls[is.number] = is
	s.emitIssue(is, "opened")
	s.created(w, r, fmt.Sprintf("%s/issues/%d", s.apiRepo(), is.number), s.issueJSON(is))
}

// GET /repos/{owner}/{repo}/issues/{n} answers for an issue or, as
// GitHub does, a pull request (marked pull_request).
func (s *Server) getIssue(w http.ResponseWriter, r *http.Request, p params) {
	if is, ok := s.pullParam(w, p); ok {
		s.reply(w, r, http.StatusOK, s.issueJSON(is))
	}
}

// GET /repos/{owner}/{repo}/issues?labels=a,b&state=open|closed|all
// lists issues and, as GitHub does, pull requests (marked pull_request).
func (s *Server) listIssues(w http.ResponseWriter, r *http.Request, _ params) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var want []string
	if l := q.Get("labels"); l != "" {
		want = strings.Split(l, ",")
	}
	all := make([]*pull, 0, len(s.pulls))
	for _, p := range s.pulls {
		all = append(all, p)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].number > all[j].number }) // newest first
	var items []any
	for _, p := range all {
		if state != "all" && p.state != state {
			continue
		}
		if !hasAll(p.labels, want) {
			continue
		}
		items = append(items, s.issueJSON(p))
	}
	s.paginate(w, r, items)
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) }) {
			return false
		}
	}
	return true
}

// issueJSON is the issue schema of the REST API.
func (s *Server) issueJSON(p *pull) jsonObject {
	api, html := s.apiRepo(), s.htmlRepo()
	labels := []any{}
	for _, name := range p.labels {
		if l := s.findLabel(name); l != nil {
			labels = append(labels, s.labelJSON(l))
		}
	}
	comments := 0
	for _, c := range s.comments {
		if c.issue == p.number {
			comments++
		}
	}
	var closedAt any
	if p.state == "closed" {
		closedAt = ts(p.closedAt)
	}
	kind := "issues"
	if !p.issue {
		kind = "pull"
	}
	o := jsonObject{
		"id": p.id, "node_id": fmt.Sprintf("I_%d", p.id), "number": p.number,
		"url": fmt.Sprintf("%s/issues/%d", api, p.number), "repository_url": api,
		"labels_url":   fmt.Sprintf("%s/issues/%d/labels{/name}", api, p.number),
		"comments_url": fmt.Sprintf("%s/issues/%d/comments", api, p.number),
		"events_url":   fmt.Sprintf("%s/issues/%d/events", api, p.number),
		"html_url":     fmt.Sprintf("%s/%s/%d", html, kind, p.number),
		"title":        p.title, "body": p.body, "state": p.state, "locked": false, "active_lock_reason": nil,
		"user": s.userJSON(p.author), "labels": labels, "assignee": nil, "assignees": []any{}, "milestone": nil,
		"comments": comments, "created_at": ts(p.created), "updated_at": ts(p.updated),
		"closed_at": closedAt, "author_association": s.association(p.author), "state_reason": nil,
	}
	if !p.issue {
		var merged any
		if p.merged {
			merged = ts(p.mergedAt)
		}
		o["pull_request"] = jsonObject{
			"url":       fmt.Sprintf("%s/pulls/%d", api, p.number),
			"html_url":  fmt.Sprintf("%s/pull/%d", html, p.number),
			"diff_url":  fmt.Sprintf("%s/pull/%d.diff", html, p.number),
			"patch_url": fmt.Sprintf("%s/pull/%d.patch", html, p.number),
			"merged_at": merged,
		}
	}
	return o
}

// Issues returns the issues (not pull requests) the server holds, oldest
// first, as PR values with no git fields.
func (s *Server) Issues() []PR {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []PR
	for _, p := range s.pulls {
		if p.issue {
			out = append(out, PR{Number: p.number, Title: p.title, Body: p.body, State: p.state, Author: p.author, Labels: sortedCopy(p.labels)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// EditIssue replaces issue n's body as its author does on GitHub's web
// page (which has no REST call the fake serves), moving updated_at; the
// test delivers the issues "edited" event it wants.
func (s *Server) EditIssue(n int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	is, ok := s.pulls[n]
	if !ok || !is.issue {
		panic(fmt.Sprintf("forgetest: EditIssue: no issue #%d", n))
	}
	is.body, is.updated = body, s.tick()
}

// issueEvent is one entry of an issue's (or pull request's) events, as
// GET /repos/{owner}/{repo}/issues/{n}/events lists them.
type issueEvent struct {
	id      int64
	issue   int
	actor   string
	event   string
	created time.Time
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
