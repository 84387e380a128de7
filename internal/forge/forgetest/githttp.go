package forgetest

import (
	"bytes"
	"compress/gzip"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
)

// GitOptions configures the handler NewGitHandler returns.
type GitOptions struct {
	// Token, if set, must be the password of HTTP basic auth on every
	// request (any user name is accepted, as GitHub does for tokens).
	Token string
	// OnPush, if set, is called after each push that changed references,
	// before the client gets its answer, with every reference the push
	// changed and its new SHA ("" for a deleted reference).
	OnPush func(updates map[string]string)
	// Refuse, if set, is asked about each reference a push would move once
	// its objects are stored (new is the zero hash for a deletion, old for
	// a creation): a non-empty answer refuses that reference with it as
	// git's status, as a server's hooks and rules do.
	Refuse func(ref string, old, new plumbing.Hash) string
}

// NewGitHandler returns an http.Handler that serves repo over git's smart
// HTTP protocol, so tests can clone, fetch and push as they would to
// github.com. Paths are relative to where the handler is mounted (with
// http.StripPrefix, at "/<owner>/<repo>.git"): GET /info/refs?service=...,
// POST /git-upload-pack and POST /git-receive-pack. References under
// refs/pull/ can be fetched but not pushed, and are not advertised for
// pushes. A push is checked against each reference's current value, as git
// does, so a client acting on stale information is refused.
//
// The handler serialises its own use of repo; code that changes repo while
// requests are in flight must not run concurrently with them. A shallow
// fetch is answered with the whole history and no shallow commits.
func NewGitHandler(repo *git.Repository, opts GitOptions) http.Handler {
	return &gitHandler{
		opts:   opts,
		sto:    repo.Storer,
		server: server.NewServer(gitLoader{repo.Storer}),
	}
}

// gitHandler serves one repository.
type gitHandler struct {
	opts   GitOptions
	sto    storer.Storer
	server transport.Transport
	mu     sync.Mutex // go-git repositories are not safe for concurrent use, even to read
}

// gitLoader is a server.Loader that always returns the same storer.
type gitLoader struct{ sto storer.Storer }

// Load returns the storer, whatever the endpoint.
func (l gitLoader) Load(*transport.Endpoint) (storer.Storer, error) { return l.sto, nil }

// gitEndpoint is the endpoint handed to the server; the loader ignores it.
var gitEndpoint = &transport.Endpoint{Protocol: "http", Host: "localhost", Path: "/"}

// gitHiddenPrefix is where references that cannot be pushed live.
const gitHiddenPrefix = "refs/pull/"

// ServeHTTP routes a request to one of the three smart-HTTP endpoints.
func (h *gitHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.opts.Token != "" {
		_, password, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(password), []byte(h.opts.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="forgetest"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
	}
	var route func(http.ResponseWriter, *http.Request)
	switch strings.TrimPrefix(r.URL.Path, "/") {
	case "info/refs":
		switch service := r.URL.Query().Get("service"); service {
		case transport.UploadPackServiceName, transport.ReceivePackServiceName:
			route = func(w http.ResponseWriter, r *http.Request) { h.advertise(w, r, service) }
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			route = gitMethodNotAllowed(http.MethodGet)
		}
	case transport.UploadPackServiceName:
		route = h.uploadPack
		if r.Method != http.MethodPost {
			route = gitMethodNotAllowed(http.MethodPost)
		}
	case transport.ReceivePackServiceName:
		route = h.receivePack
		if r.Method != http.MethodPost {
			route = gitMethodNotAllowed(http.MethodPost)
		}
	}
	if route == nil {
		http.NotFound(w, r)
		return
	}
	route(w, r)
}

// gitMethodNotAllowed answers 405, allowing only method.
func gitMethodNotAllowed(method string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", method)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// advertise answers GET /info/refs?service=<service>.
func (h *gitHandler) advertise(w http.ResponseWriter, r *http.Request, service string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var (
		ar  *packp.AdvRefs
		err error
	)
	if service == transport.UploadPackServiceName {
		var s transport.UploadPackSession
		if s, err = h.server.NewUploadPackSession(gitEndpoint, nil); err == nil {
			ar, err = s.AdvertisedReferencesContext(r.Context())
		}
	} else {
		var s transport.ReceivePackSession
		if s, err = h.server.NewReceivePackSession(gitEndpoint, nil); err == nil {
			ar, err = s.AdvertisedReferencesContext(r.Context())
		}
		if ar != nil {
			for name := range ar.References {
				if strings.HasPrefix(name, gitHiddenPrefix) {
					delete(ar.References, name)
				}
			}
		}
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	ar.Prefix = [][]byte{[]byte("# service=" + service), pktline.Flush}
	var buf bytes.Buffer
	if err := ar.Encode(&buf); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	gitNoCache(w, "application/x-"+service+"-advertisement")
	w.Write(buf.Bytes())
}

// uploadPack answers POST /git-upload-pack: a fetch or clone.
func (h *gitHandler) uploadPack(w http.ResponseWriter, r *http.Request) {
	body, err := gitRequestBody(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	defer body.Close()
	req := packp.NewUploadPackRequest()
	if err := req.UploadRequest.Decode(body); err != nil {
		http.Error(w, "upload-pack request: "+err.Error(), http.StatusBadRequest)
		return
	}
	haves, done, err := gitDecodeHaves(body)
	if err != nil {
		http.Error(w, "upload-pack request: "+err.Error(), http.StatusBadRequest)
		return
	}
	// Shallow requests get the whole history and an empty shallow update.
	shallow := !req.Depth.IsZero() || len(req.Shallows) > 0
	req.Depth = packp.DepthCommits(0)
	req.Shallows = nil
	req.Capabilities.Delete(capability.Shallow)

	h.mu.Lock()
	defer h.mu.Unlock()
	// Unknown haves (commits the client has not pushed) are ignored, as git
	// does; go-git's server would fail on them.
	for _, have := range haves {
		if h.sto.HasEncodedObject(have) == nil {
			req.Haves = append(req.Haves, have)
		}
	}
	var out bytes.Buffer
	if shallow {
		if err := (&packp.ShallowUpdate{}).Encode(&out); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	if !done {
		// A negotiation round without "done": no common commits are
		// acknowledged, and the client will come back with "done".
		if err := pktline.NewEncoder(&out).EncodeString("NAK\n"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		gitNoCache(w, "application/x-git-upload-pack-result")
		w.Write(out.Bytes())
		return
	}
	s, err := h.server.NewUploadPackSession(gitEndpoint, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	resp, err := s.UploadPack(r.Context(), req)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, transport.ErrEmptyUploadPackRequest) || errors.Is(err, plumbing.ErrObjectNotFound) {
			status = http.StatusBadRequest
		}
		http.Error(w, "upload-pack: "+err.Error(), status)
		return
	}
	gitNoCache(w, "application/x-git-upload-pack-result")
	w.Write(out.Bytes())
	if err := resp.Encode(w); err != nil {
		// The status is sent; cut the connection so the client sees a
		// failure rather than a short pack.
		panic(http.ErrAbortHandler)
	}
}

// gitDecodeHaves reads the "have" lines after the wants, up to "done" or
// the end of the request, skipping flush-pkts.
func gitDecodeHaves(r io.Reader) (haves []plumbing.Hash, done bool, err error) {
	s := pktline.NewScanner(r)
	for s.Scan() {
		line := strings.TrimSuffix(string(s.Bytes()), "\n")
		switch {
		case line == "":
			// flush-pkt between negotiation rounds
		case line == "done":
			return haves, true, nil
		case strings.HasPrefix(line, "have "):
			hex := strings.TrimPrefix(line, "have ")
			if len(hex) != 40 {
				return nil, false, fmt.Errorf("malformed have line %q", line)
			}
			haves = append(haves, plumbing.NewHash(hex))
		default:
			return nil, false, fmt.Errorf("unexpected line %q", line)
		}
	}
	return haves, false, s.Err()
}

// receivePack answers POST /git-receive-pack: a push.
func (h *gitHandler) receivePack(w http.ResponseWriter, r *http.Request) {
	body, err := gitRequestBody(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	defer body.Close()
	req := packp.NewReferenceUpdateRequest()
	if err := req.Decode(body); err != nil {
		http.Error(w, "receive-pack request: "+err.Error(), http.StatusBadRequest)
		return
	}

	report, updates, err := h.update(r, req)
	if err != nil {
		http.Error(w, "receive-pack: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if len(updates) > 0 && h.opts.OnPush != nil {
		h.opts.OnPush(updates)
	}
	gitNoCache(w, "application/x-git-receive-pack-result")
	if req.Capabilities.Supports(capability.ReportStatus) {
		var out bytes.Buffer
		if err := report.Encode(&out); err != nil {
			panic(http.ErrAbortHandler)
		}
		w.Write(out.Bytes())
	}
}

// update applies a push under the write lock: it refuses commands on
// hidden references and commands whose old value is stale, stores the pack,
// refuses commands whose new commit did not arrive, and has go-git's server
// move the references of the rest. It returns the report for the client
// and the references that changed.
func (h *gitHandler) update(r *http.Request, req *packp.ReferenceUpdateRequest) (*packp.ReportStatus, map[string]string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()

	report := packp.NewReportStatus()
	report.UnpackStatus = "ok"
	status := map[plumbing.ReferenceName]string{}
	deletesOnly := true
	for _, cmd := range req.Commands {
		status[cmd.Name] = h.refuse(cmd)
		if cmd.Action() != packp.Delete {
			deletesOnly = false
		}
	}
	if req.Packfile != nil && !deletesOnly {
		if err := packfile.UpdateObjectStorage(h.sto, req.Packfile); err != nil {
			report.UnpackStatus = err.Error()
			for name, st := range status {
				if st == "" {
					status[name] = "unpacker error"
				}
			}
		}
	}
	var accepted []*packp.Command
	for _, cmd := range req.Commands {
		if status[cmd.Name] != "" {
			continue
		}
		if cmd.Action() != packp.Delete && h.sto.HasEncodedObject(cmd.New) != nil {
			status[cmd.Name] = "missing necessary objects"
			continue
		}
		if h.opts.Refuse != nil {
			if why := h.opts.Refuse(cmd.Name.String(), cmd.Old, cmd.New); why != "" {
				status[cmd.Name] = why
				continue
			}
		}
		accepted = append(accepted, cmd)
	}

	if len(accepted) > 0 {
		s, err := h.server.NewReceivePackSession(gitEndpoint, nil)
		if err != nil {
			return nil, nil, err
		}
		run := *req
		run.Commands, run.Packfile = accepted, nil
		// Always ask the session for a report, to learn each command's fate.
		run.Capabilities = capability.NewList()
		for _, c := range req.Capabilities.All() {
			if err := run.Capabilities.Set(c, req.Capabilities.Get(c)...); err != nil {
				return nil, nil, err
			}
		}
		if err := run.Capabilities.Set(capability.ReportStatus); err != nil {
			return nil, nil, err
		}
		// The session reports a failed command both in its report and as
		// an error; the report is what the client reads.
		rs, err := s.ReceivePack(r.Context(), &run)
		if rs == nil {
			if err == nil {
				err = errors.New("no report from go-git's server")
			}
			return nil, nil, err
		}
		for _, cs := range rs.CommandStatuses {
			if cs.Status != "ok" {
				status[cs.ReferenceName] = cs.Status
			}
		}
	}

	updates := map[string]string{}
	for _, cmd := range req.Commands {
		st := status[cmd.Name]
		if st == "" {
			st = "ok"
			if cmd.Action() == packp.Delete {
				updates[cmd.Name.String()] = ""
			} else {
				updates[cmd.Name.String()] = cmd.New.String()
			}
		}
		report.CommandStatuses = append(report.CommandStatuses, &packp.CommandStatus{ReferenceName: cmd.Name, Status: st})
	}
	return report, updates, nil
}

// refuse returns why cmd may not run, or "" if it may so far.
func (h *gitHandler) refuse(cmd *packp.Command) string {
	if !strings.HasPrefix(cmd.Name.String(), "refs/") || cmd.Name.Validate() != nil {
		return "funny refname"
	}
	if strings.HasPrefix(cmd.Name.String(), gitHiddenPrefix) {
		return "deny updating a hidden ref"
	}
	current := plumbing.ZeroHash
	ref, err := h.sto.Reference(cmd.Name)
	switch {
	case err == nil:
		current = ref.Hash()
	case !errors.Is(err, plumbing.ErrReferenceNotFound):
		return "failed to lock"
	}
	if current != cmd.Old {
		return "stale info"
	}
	return ""
}

// gitRequestBody returns the request body, gunzipped if the client sent it
// compressed.
func gitRequestBody(r *http.Request) (io.ReadCloser, error) {
	if r.Header.Get("Content-Encoding") != "gzip" {
		return r.Body, nil
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		return nil, fmt.Errorf("gzip body: %w", err)
	}
	return zr, nil
}

// gitNoCache sets the content type and forbids caching, as git-http-backend
// does.
func gitNoCache(w http.ResponseWriter, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-cache, max-age=0, must-revalidate")
	w.Header().Set("Expires", "Fri, 01 Jan 1980 00:00:00 GMT")
	w.Header().Set("Pragma", "no-cache")
}
