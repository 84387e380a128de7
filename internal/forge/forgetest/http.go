package forgetest

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Documentation URLs GitHub puts in its error bodies.
const (
	docsREST               = "https://docs.github.com/rest"
	docsChecks             = "https://docs.github.com/rest/checks/runs"
	docsPrimaryRateLimit   = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
	docsSecondaryRateLimit = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
	// secondaryRateLimitMessage is the message GitHub documents for a
	// secondary rate limit.
	// mustBeApp is GitHub's 403 to a check run written with a token that
	// is not an App's.
	mustBeApp                 = "You must authenticate via a GitHub App."
	secondaryRateLimitMessage = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
		"If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000."
)

// params are the values of a route's wildcards.
type params map[string]string

type handler func(w http.ResponseWriter, r *http.Request, p params)

type route struct {
	method  string
	pattern []string
	h       handler
}

// routes lists the endpoints served under /repos/{owner}/{repo}/. The first
// match wins; "{x...}" matches the rest of the path.
func (s *Server) routes() []route {
	table := []struct {
		method, pattern string
		h               handler
	}{
		{"GET", "pulls", s.listPulls},
		{"POST", "pulls", s.createPull},
		{"GET", "pulls/{n}", s.getPull},
		{"PATCH", "pulls/{n}", s.editPull},
		{"GET", "pulls/{n}/files", s.listFiles},
		{"GET", "pulls/{n}/reviews", s.listReviews},
		{"POST", "pulls/{n}/reviews", s.createReview},
		{"PUT", "pulls/{n}/reviews/{id}/dismissals", s.dismissReview},
		{"PUT", "pulls/{n}/merge", s.mergePull},
		{"PUT", "pulls/{n}/update-branch", s.updateBranch},
		{"GET", "issues", s.listIssues},
		{"POST", "issues", s.createIssue},
		{"GET", "issues/{n}", s.getIssue},
		{"GET", "issues/comments/{id}", s.getComment},
		{"PATCH", "issues/comments/{id}", s.editComment},
		{"GET", "issues/{n}/comments", s.listComments},
		{"GET", "issues/{n}/events", s.listIssueEvents},
		{"POST", "issues/{n}/comments", s.createComment},
		{"GET", "issues/{n}/labels", s.listIssueLabels},
		{"POST", "issues/{n}/labels", s.addIssueLabels},
		{"DELETE", "issues/{n}/labels/{name}", s.removeIssueLabel},
		{"GET", "labels/{name}", s.getLabel},
		{"POST", "labels", s.createLabel},
		{"POST", "check-runs", s.createCheckRun},
		{"GET", "check-runs/{id}", s.getCheckRun},
		{"PATCH", "check-runs/{id}", s.updateCheckRun},
		{"POST", "check-runs/{id}/rerequest", s.rerequestCheckRun},
		{"POST", "check-suites/{id}/rerequest", s.rerequestCheckSuite},
		{"POST", "statuses/{sha}", s.createStatus},
		{"GET", "commits/{ref}/statuses", s.listStatuses},
		{"GET", "commits/{ref}/check-runs", s.listCheckRuns},
		{"GET", "git/ref/{ref...}", s.getRef},
		{"POST", "git/refs", s.createRef},
		{"PATCH", "git/refs/{ref...}", s.updateRef},
		{"DELETE", "git/refs/{ref...}", s.deleteRef},
		{"POST", "rulesets", s.createRuleset},
		{"GET", "rules/branches/{branch...}", s.branchRules},
	}
	out := make([]route, len(table))
	for i, e := range table {
		out[i] = route{method: e.method, pattern: strings.Split(e.pattern, "/"), h: e.h}
	}
	return out
}

// match reports whether segs fits pattern, and the wildcards' values.
func match(pattern, segs []string) (params, bool) {
	p := params{}
	for i, pat := range pattern {
		if name, ok := strings.CutSuffix(strings.TrimPrefix(pat, "{"), "...}"); ok && strings.HasPrefix(pat, "{") {
			if i >= len(segs) {
				return nil, false
			}
			p[name] = strings.Join(segs[i:], "/")
			return p, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(pat, "{") && strings.HasSuffix(pat, "}") {
			p[pat[1:len(pat)-1]] = segs[i]
			continue
		}
		if pat != segs[i] {
			return nil, false
		}
	}
	return p, len(pattern) == len(segs)
}

// ServeHTTP records the call, injects a queued failure, and serves git or
// the REST API. Requests are served one at a time.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if fn := s.takeHook(r); fn != nil {
		fn()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The events of what the request changed go out once it is done,
	// whatever it is answered.
	defer s.flushEvents()
	s.calls = append(s.calls, r.Method+" "+r.URL.Path)
	s.commonHeaders(w.Header())
	gitPrefix := "/" + s.owner + "/" + s.name + ".git"
	isGit := strings.HasPrefix(r.URL.Path, gitPrefix+"/")
	// A REST request counts against its user's rate limit, or the App's
	// installation's, whatever it is answered.
	s.bucket = nil
	defer func() { s.bucket = nil }()
	free := isGit || r.URL.Path == "/rate_limit" // GitHub does not count /rate_limit
	if login, ok := s.login(bearer(r)); ok && !free && !s.spend(w, login) {
		return
	}

	f := s.takeFailure(r)
	if f == nil {
		var reset bool
		if f, reset = s.injectFault(r); reset {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			f = &failure{status: http.StatusBadGateway}
		}
	}
	if f != nil && !f.applied {
		s.writeFailure(w, f)
		return
	}
	target := w
	var rec *httptest.ResponseRecorder
	if f != nil {
		rec = httptest.NewRecorder()
		target = rec
	}
	if isGit {
		s.serveGit(target, r, gitPrefix)
	} else {
		s.serveAPI(target, r)
	}
	if f != nil {
		s.writeFailure(w, f)
	}
}

// serveGit checks the token, the password of HTTP basic auth, and serves
// git's smart HTTP as its user.
func (s *Server) serveGit(w http.ResponseWriter, r *http.Request, prefix string) {
	_, password, _ := r.BasicAuth()
	login, ok := s.login(password)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="forgetest"`)
		http.Error(w, "authentication required", http.StatusUnauthorized)
		return
	}
	s.actor = login
	defer func() { s.actor = "" }()
	// The git handler calls onPush from within; s.mu is held.
	http.StripPrefix(prefix, s.gitHandler).ServeHTTP(w, r)
}

// serveAPI checks the token and routes a REST request, acting as the
// token's user.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if installation, ok := mintRoute(r.Method, r.URL.Path); ok {
		s.mintToken(w, r, installation)
		return
	}
	if account, ok := manifestRoute(r); ok {
		s.createFromManifest(w, r, account)
		return
	}
	if code, ok := conversionRoute(r); ok {
		s.convertManifest(w, r, code)
		return
	}
	if r.Method == http.MethodGet && r.URL.Path == "/app/installations" {
		s.listInstallations(w, r)
		return
	}
	login, ok := s.login(bearer(r))
	if !ok {
		s.message(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	if r.Method == http.MethodGet && r.URL.Path == "/rate_limit" {
		s.rateLimitStatus(w, r, login)
		return
	}
	s.actor = login
	defer func() { s.actor = "" }()
	var segs []string
	for _, raw := range strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/") {
		seg, err := url.PathUnescape(raw)
		if err != nil {
			s.message(w, http.StatusBadRequest, "Bad path")
			return
		}
		segs = append(segs, seg)
	}
	if len(segs) < 4 || segs[0] != "repos" || !strings.EqualFold(segs[1], s.owner) || !strings.EqualFold(segs[2], s.name) {
		s.notFound(w)
		return
	}
	for _, rt := range s.routes() {
		if rt.method != r.Method {
			continue
		}
		if p, ok := match(rt.pattern, segs[3:]); ok {
			rt.h(w, r, p)
			return
		}
	}
	s.notFound(w)
}

// bearer returns the token r's Authorization header carries, as
// "Bearer <token>" or "token <token>", or "".
func bearer(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "bearer ", "token "} {
		if tok, ok := strings.CutPrefix(auth, scheme); ok {
			return tok
		}
	}
	return ""
}

// login returns the user token authenticates as; a minted token past its
// hour authenticates no one. Every known token is compared in constant
// time.
func (s *Server) login(token string) (string, bool) {
	var login string
	for known, user := range s.tokens {
		if subtle.ConstantTimeCompare([]byte(token), []byte(known)) == 1 {
			login = user
		}
	}
	if exp, ok := s.expiries[token]; ok && !time.Now().Before(exp) {
		return "", false
	}
	return login, token != "" && login != ""
}

func (s *Server) commonHeaders(h http.Header) {
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Request-Id", fmt.Sprintf("0000:%04X:0000000:0000000:00000000", len(s.calls)))
	h.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
}

// takeHook removes and returns the first queued hook r matches.
func (s *Server) takeHook(r *http.Request) func() {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	target := r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	for i, h := range s.hooks {
		if (h.method == "" || strings.EqualFold(h.method, r.Method)) && strings.HasPrefix(target, h.prefix) {
			s.hooks = append(s.hooks[:i:i], s.hooks[i+1:]...)
			return h.fn
		}
	}
	return nil
}

// takeFailure removes and returns the first queued failure r matches.
func (s *Server) takeFailure(r *http.Request) *failure {
	for i, f := range s.failures {
		if (f.method == "" || strings.EqualFold(f.method, r.Method)) && strings.HasPrefix(r.URL.Path, f.prefix) {
			s.failures = append(s.failures[:i:i], s.failures[i+1:]...)
			return f
		}
	}
	return nil
}

// writeFailure answers with an injected failure and GitHub's body for it.
func (s *Server) writeFailure(w http.ResponseWriter, f *failure) {
	h := w.Header()
	for k, v := range f.headers {
		h.Set(k, v)
	}
	body := map[string]any{"message": http.StatusText(f.status), "documentation_url": docsREST}
	limited := f.status == http.StatusForbidden || f.status == http.StatusTooManyRequests
	switch {
	case limited && h.Get("X-RateLimit-Remaining") == "0":
		h.Set("X-RateLimit-Used", h.Get("X-RateLimit-Limit"))
		body = map[string]any{"message": "API rate limit exceeded for installation ID 1.", "documentation_url": docsPrimaryRateLimit}
	case limited && (h.Get("Retry-After") != "" || f.status == http.StatusTooManyRequests):
		body = map[string]any{"message": secondaryRateLimitMessage, "documentation_url": docsSecondaryRateLimit}
	case f.status == http.StatusForbidden:
		body = map[string]any{"message": "Resource not accessible by integration", "documentation_url": docsREST}
	case f.status >= 500:
		body = map[string]any{"message": "Server Error"}
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Del("ETag")
	w.WriteHeader(f.status)
	_ = json.NewEncoder(w).Encode(body)
}

// reply writes v as JSON with status. A 200 answer to a GET carries an
// ETag, and is a bodiless 304 if the request's If-None-Match has it.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.t.Errorf("forgetest: encode answer to %s %s: %v", r.Method, r.URL.Path, err)
		s.message(w, http.StatusInternalServerError, "encode: "+err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if r.Method == http.MethodGet && status == http.StatusOK {
		sum := sha256.Sum256(body)
		etag := `W/"` + hex.EncodeToString(sum[:16]) + `"`
		h.Set("ETag", etag)
		h.Set("Cache-Control", "private, max-age=60, s-maxage=60")
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			s.notModified++
			s.refund(h)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(status)
	w.Write(body)
}

func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		c := strings.TrimSpace(candidate)
		if c == "*" || strings.TrimPrefix(c, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// message writes GitHub's error body {"message", "documentation_url"}.
func (s *Server) message(w http.ResponseWriter, status int, msg string) {
	s.messageDoc(w, status, msg, docsREST)
}

// messageDoc is message with the documentation URL of the operation.
func (s *Server) messageDoc(w http.ResponseWriter, status int, msg, doc string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "documentation_url": doc})
}

func (s *Server) notFound(w http.ResponseWriter) { s.message(w, http.StatusNotFound, "Not Found") }

// fieldError is one entry of a 422's "errors".
type fieldError struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

// validationError is a 422 GitHub would answer.
type validationError struct {
	message string
	errors  []fieldError
}

func invalid(resource, field, code string) *validationError {
	return &validationError{message: "Validation Failed", errors: []fieldError{{Resource: resource, Field: field, Code: code}}}
}

func custom(resource, msg string) *validationError {
	return &validationError{message: "Validation Failed", errors: []fieldError{{Resource: resource, Code: "custom", Message: msg}}}
}

func plain(msg string) *validationError { return &validationError{message: msg} }

func (v *validationError) describe() string {
	out := v.message
	for _, e := range v.errors {
		if e.Message != "" {
			out += ": " + e.Message
		} else {
			out += fmt.Sprintf(": %s.%s %s", e.Resource, e.Field, e.Code)
		}
	}
	return out
}

// unprocessable writes a 422.
func (s *Server) unprocessable(w http.ResponseWriter, v *validationError) {
	body := map[string]any{"message": v.message, "documentation_url": docsREST}
	if len(v.errors) > 0 {
		body["errors"] = v.errors
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(body)
}

// unprocessableStrings writes a 422 whose "errors" are plain strings, as
// some of GitHub's endpoints answer.
func (s *Server) unprocessableStrings(w http.ResponseWriter, message string, errs ...string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": message, "errors": errs, "documentation_url": docsREST})
}

// decode reads a JSON request body into v; on failure it answers 400 and
// returns false.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		s.message(w, http.StatusBadRequest, "Problems parsing JSON")
		return false
	}
	return true
}

// paginate writes the page of items r asks for (per_page, default 30, at
// most 100; page, from 1) with GitHub's Link header.
func (s *Server) paginate(w http.ResponseWriter, r *http.Request, items []any) {
	s.reply(w, r, http.StatusOK, s.page(w, r, items))
}

// page returns the page of items r asks for and sets GitHub's Link header
// for the others.
func (s *Server) page(w http.ResponseWriter, r *http.Request, items []any) []any {
	q := r.URL.Query()
	perPage, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || perPage <= 0 {
		perPage = 30
	}
	perPage = min(perPage, 100)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page <= 0 {
		page = 1
	}
	last := max((len(items)+perPage-1)/perPage, 1)
	start := min((page-1)*perPage, len(items))
	end := min(start+perPage, len(items))

	link := func(n int, rel string) string {
		q := r.URL.Query()
		q.Set("per_page", strconv.Itoa(perPage))
		q.Set("page", strconv.Itoa(n))
		return fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.srv.URL, r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(page-1, "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	out := items[start:end]
	if out == nil {
		out = []any{}
	}
	return out
}

// number parses a route's numeric wildcard; on failure it answers 404.
func (s *Server) number(w http.ResponseWriter, p params, name string) (int64, bool) {
	n, err := strconv.ParseInt(p[name], 10, 64)
	if err != nil || n <= 0 {
		s.notFound(w)
		return 0, false
	}
	return n, true
}

func (s *Server) created(w http.ResponseWriter, r *http.Request, location string, v any) {
	w.Header().Set("Location", location)
	s.reply(w, r, http.StatusCreated, v)
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
