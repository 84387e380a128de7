package forgetest

import (
	"net/http"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Git references: the REST handlers of refs (which run with s.mu held).

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
