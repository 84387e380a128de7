package forge

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// Backoff after a server error: base << attempt, capped, with jitter.
const (
	backoffBase = time.Second
	backoffCap  = 30 * time.Second
	// errorBodyLimit bounds how much of an error body is read to tell a
	// secondary rate limit from a plain 403.
	errorBodyLimit = 64 << 10
)

type idempotentKey struct{}

// idempotent marks ctx so that a POST or PATCH made with it is retried
// after a 5xx too: the caller vouches that doing it twice is harmless.
func idempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// retryTransport retries a request after a rate-limit answer (waiting as
// GitHub's headers ask) and, when the request is safe to repeat, after a
// server error (with exponential backoff and jitter). It never starts a wait
// that would take the request's total waiting past maxWait; it then hands
// the last answer up, where it becomes a typed error.
type retryTransport struct {
	next       http.RoundTripper
	maxRetries int
	maxWait    time.Duration
	sleep      func(context.Context, time.Duration) error
	now        func() time.Time
	jitter     func(time.Duration) time.Duration
	log        *slog.Logger
}

// RoundTrip sends req, and again while the answer asks for a retry.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			var err error
			if r, err = rewind(req); err != nil {
				return nil, err
			}
		}
		resp, err := t.next.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		wait, reason, retry := t.classify(req, resp, attempt)
		if !retry {
			return resp, nil
		}
		attrs := []any{"method", req.Method, "path", req.URL.Path, "status", resp.StatusCode, "reason", reason, "wait", wait, "attempt", attempt + 1}
		switch {
		case attempt >= t.maxRetries:
			t.log.WarnContext(ctx, "github: giving up after retries", attrs...)
			return resp, nil
		case waited+wait > t.maxWait:
			t.log.WarnContext(ctx, "github: wait exceeds the limit; not waiting", append(attrs, "max_wait", t.maxWait)...)
			return resp, nil
		case req.Body != nil && req.Body != http.NoBody && req.GetBody == nil:
			return resp, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, errorBodyLimit))
		resp.Body.Close()
		t.log.InfoContext(ctx, "github: retrying", attrs...)
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

// classify decides whether resp calls for a retry of req, and after how
// long.
func (t *retryTransport) classify(req *http.Request, resp *http.Response, attempt int) (time.Duration, string, bool) {
	h := resp.Header
	limited := resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests
	if limited && h.Get("X-RateLimit-Remaining") == "0" {
		if reset, ok := parseEpoch(h.Get("X-RateLimit-Reset")); ok {
			return max(reset.Sub(t.now()), 0), "primary rate limit", true
		}
	}
	if limited {
		if d, ok := parseRetryAfter(h.Get("Retry-After"), t.now()); ok {
			return d, "secondary rate limit", true
		}
		if resp.StatusCode == http.StatusTooManyRequests || isSecondaryLimit(resp) {
			// GitHub: "wait for at least one minute", then exponentially
			// longer.
			return secondaryDefaultWait << min(attempt, 6), "secondary rate limit", true
		}
		return 0, "", false
	}
	if resp.StatusCode >= 500 && retriesServerErrors(req) {
		d := backoffBase << min(attempt, 10)
		if d > backoffCap {
			d = backoffCap
		}
		return t.jitter(d), "server error", true
	}
	return 0, "", false
}

// retriesServerErrors reports whether req may be repeated after a 5xx:
// safe methods and PUT/DELETE always, POST and PATCH only when marked.
func retriesServerErrors(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	marked, _ := req.Context().Value(idempotentKey{}).(bool)
	return marked
}

// isSecondaryLimit reports whether a 403 is GitHub's secondary rate limit,
// by its documentation URL or message. It leaves resp.Body readable.
func isSecondaryLimit(resp *http.Response) bool {
	data, err := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	if err != nil {
		return false
	}
	var body struct {
		Message          string `json:"message"`
		DocumentationURL string `json:"documentation_url"`
	}
	if json.Unmarshal(data, &body) != nil {
		return false
	}
	return strings.HasSuffix(body.DocumentationURL, "secondary-rate-limits") ||
		strings.HasSuffix(body.DocumentationURL, "#abuse-rate-limits") ||
		strings.Contains(strings.ToLower(body.Message), "secondary rate limit")
}

// rewind returns a copy of req with a fresh body.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// randomJitter returns a duration in [d/2, d).
func randomJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half)
}

// sleeper adapts Options.Sleep; nil means a timer that stops early when the
// context ends.
func sleeper(sleep func(time.Duration)) func(context.Context, time.Duration) error {
	if sleep != nil {
		return func(ctx context.Context, d time.Duration) error {
			sleep(d)
			return ctx.Err()
		}
	}
	return func(ctx context.Context, d time.Duration) error {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
