package forgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// GitHub's primary rate limit for the REST API, as the fake counts it
// unless SetRateLimit says otherwise: 5,000 requests an hour for a user
// and for an App's installation.
const (
	DefaultRateLimit       = 5000
	DefaultRateLimitWindow = time.Hour
)

// rateBucket is what one user, or the App's installation, has spent of
// its rate limit in the current window.
type rateBucket struct {
	// who names the bucket in GitHub's message: "user ID 3",
	// "installation ID 1".
	who   string
	used  int
	reset time.Time
}

// SetRateLimit makes each user, and the App's installation (whose tokens
// share one limit), have limit REST requests per window of the server's
// clock, counted down in X-RateLimit-Remaining and starting again at
// X-RateLimit-Reset, as GitHub's primary rate limit does. Once a limit is
// spent, requests are answered 403 with GitHub's body until the window
// ends (AdvanceClock moves the clock). An answer 304 Not Modified costs
// nothing, as on GitHub. limit 0 turns the counting off.
func (s *Server) SetRateLimit(limit int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit, s.rateWindow = limit, window
	s.buckets = map[string]*rateBucket{}
}

// AdvanceClock moves the server's clock d ahead, as time passing between
// requests: rate-limit windows end, and what happens next is dated later.
func (s *Server) AdvanceClock(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = s.clock.Add(d)
}

// spend counts a request by login against its bucket and sets the
// rate-limit headers; it reports false, having answered 403, when the
// bucket is spent. s.mu is held.
func (s *Server) spend(w http.ResponseWriter, login string) bool {
	if s.rateLimit <= 0 {
		return true
	}
	key, who := s.bucketKey(login), fmt.Sprintf("user ID %d", s.userID(login))
	if isApp(login) {
		who = fmt.Sprintf("installation ID %d", s.installationOrDefault())
	}
	b := s.buckets[key]
	if b == nil || !s.clock.Before(b.reset) {
		b = &rateBucket{who: who, reset: s.clock.Add(s.rateWindow)}
		s.buckets[key] = b
	}
	if b.used >= s.rateLimit {
		s.rateHeaders(w.Header(), b)
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"message":           fmt.Sprintf("API rate limit exceeded for %s.", b.who),
			"documentation_url": docsPrimaryRateLimit,
		})
		return false
	}
	b.used++
	s.bucket = b
	s.rateHeaders(w.Header(), b)
	return true
}

// bucketKey names the bucket of login's requests: the user's, or the
// installation's for an App, whose tokens share one.
func (s *Server) bucketKey(login string) string {
	if isApp(login) {
		return "installation"
	}
	return "user " + login
}

// refund gives back the request being served, answered 304, and says so
// in its headers. s.mu is held.
func (s *Server) refund(h http.Header) {
	if s.bucket == nil {
		return
	}
	s.bucket.used--
	s.rateHeaders(h, s.bucket)
}

// rateHeaders sets GitHub's rate-limit headers for b.
func (s *Server) rateHeaders(h http.Header, b *rateBucket) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.rateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(s.rateLimit-b.used, 0)))
	h.Set("X-RateLimit-Used", strconv.Itoa(min(b.used, s.rateLimit)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

// installationOrDefault is the installation the App's tokens belong to.
func (s *Server) installationOrDefault() int64 {
	if s.installation != 0 {
		return s.installation
	}
	return InstallationID
}

// rateLimitStatus serves GET /rate_limit: what login has left, which
// GitHub does not count against it.
func (s *Server) rateLimitStatus(w http.ResponseWriter, r *http.Request, login string) {
	limit := s.rateLimit
	if limit <= 0 {
		limit = DefaultRateLimit
	}
	core := jsonObject{"limit": limit, "used": 0, "remaining": limit, "reset": s.clock.Add(s.rateWindow).Unix()}
	if b := s.buckets[s.bucketKey(login)]; b != nil && s.clock.Before(b.reset) {
		core = jsonObject{"limit": limit, "used": b.used, "remaining": max(limit-b.used, 0), "reset": b.reset.Unix()}
	}
	search := jsonObject{"limit": 30, "used": 0, "remaining": 30, "reset": s.clock.Add(time.Minute).Unix()}
	s.reply(w, r, http.StatusOK, jsonObject{"resources": jsonObject{"core": core, "search": search}, "rate": core})
}
