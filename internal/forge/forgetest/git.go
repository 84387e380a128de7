package forgetest

import "net/http"

// newGitHandler serves the repository over smart HTTP, keeping pull
// requests in step with pushes. The Server checks tokens itself (serveGit),
// since it knows several.
func (s *Server) newGitHandler() http.Handler {
	return NewGitHandler(s.git, GitOptions{OnPush: s.onPush, Refuse: s.refusePush})
}

// onPush is called by the git handler within ServeHTTP, so s.mu is held: a
// push to a pull request's head branch moves the pull request's head SHA
// and refs/pull/<n>/head, as on GitHub.
func (s *Server) onPush(updates map[string]string) {
	for ref, sha := range updates {
		s.refUpdated(ref, sha)
	}
}
