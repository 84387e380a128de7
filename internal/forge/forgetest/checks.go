package forgetest

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Check runs and commit statuses: their records, their REST handlers
// (which run with s.mu held) and the methods tests call.

type checkRun struct {
	id          int64
	name        string
	headSHA     string
	status      string
	conclusion  string
	title       string
	summary     string
	text        string
	detailsURL  string
	externalID  string
	started     time.Time
	completed   time.Time
	annotations []Annotation
}

type status struct {
	id          int64
	sha         string
	state       string
	description string
	targetURL   string
	context     string
	creator     string
	created     time.Time
}

// CheckRun is a check run as the server holds it.
type CheckRun struct {
	ID          int64
	Name        string
	HeadSHA     string
	Status      string
	Conclusion  string
	Title       string
	Summary     string
	Text        string
	DetailsURL  string
	ExternalID  string
	Annotations []Annotation
}

// Annotation is a check run annotation.
type Annotation struct {
	Path        string
	StartLine   int
	EndLine     int
	StartColumn int
	EndColumn   int
	// Level is notice, warning or failure.
	Level   string
	Title   string
	Message string
}

// CheckRuns returns the check runs on commit sha, oldest first.
func (s *Server) CheckRuns(sha string) []CheckRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []CheckRun
	for _, c := range s.checkRuns {
		if c.headSHA == sha {
			out = append(out, CheckRun{
				ID: c.id, Name: c.name, HeadSHA: c.headSHA, Status: c.status, Conclusion: c.conclusion,
				Title: c.title, Summary: c.summary, Text: c.text, DetailsURL: c.detailsURL, ExternalID: c.externalID,
				Annotations: append([]Annotation(nil), c.annotations...),
			})
		}
	}
	return out
}

// Status is a commit status as the server holds it.
type Status struct {
	ID          int64
	State       string
	Context     string
	Description string
	TargetURL   string
	Creator     string
}

// Statuses returns the commit statuses on sha, oldest first.
func (s *Server) Statuses(sha string) []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Status
	for _, st := range s.statuses {
		if st.sha == sha {
			out = append(out, Status{ID: st.id, State: st.state, Context: st.context, Description: st.description, TargetURL: st.targetURL, Creator: st.creator})
		}
	}
	return out
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
