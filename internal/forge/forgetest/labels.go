package forgetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Labels: their records, their REST handlers (which run with s.mu held)
// and the methods tests call.

type label struct {
	id          int64
	name        string
	color       string
	description string
}

// Labels returns the names of the labels on pull request pr, sorted.
func (s *Server) Labels(pr int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pulls[pr]; p != nil {
		return sortedCopy(p.labels)
	}
	return nil
}

// Label is a repository label.
type Label struct {
	Name        string
	Color       string
	Description string
}

// RepoLabels returns the repository's labels in the order they were
// created.
func (s *Server) RepoLabels() []Label {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Label
	for _, l := range s.labels {
		out = append(out, Label{Name: l.name, Color: l.color, Description: l.description})
	}
	return out
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
