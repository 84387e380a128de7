package forgetest

import "net/http"

// newGitHandler serves the repository over smart HTTP with the server's
// token, keeping pull requests in step with pushes.
func (s *Server) newGitHandler() http.Handler {
	return NewGitHandler(s.git, GitOptions{Token: s.token, OnPush: s.onPush})
}

// onPush is called by the git handler within ServeHTTP, so s.mu is held: a
// push to a pull request's head branch moves the pull request's head SHA
// and refs/pull/<n>/head, as on GitHub.
func (s *Server) onPush(updates map[string]string) {
	for ref, sha := range updates {
		s.refUpdated(ref, sha)
	}
}
