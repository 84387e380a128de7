package forge

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Kinds of GitHub failure. Errors returned by a Client wrap at most one of
// them; test with errors.Is.
var (
	// ErrNotFound means the resource does not exist or is not visible to
	// the token (404, 410).
	ErrNotFound = errors.New("not found")
	// ErrConflict means the repository moved under the request: a merge
	// pinned to a SHA that is no longer the head (409, or 405 "Head branch
	// was modified"), or a ref update that conflicts (409).
	ErrConflict = errors.New("conflict")
	// ErrNotMergeable means GitHub refused a merge for another reason: the
	// pull request is closed, already merged, conflicting or blocked by
	// branch protection (405).
	ErrNotMergeable = errors.New("not mergeable")
	// ErrValidation means GitHub rejected the request's content (422); the
	// error's message carries GitHub's explanation.
	ErrValidation = errors.New("validation failed")
	// ErrForbidden means the token may not do this (401, or a 403 that is
	// not a rate limit).
	ErrForbidden = errors.New("forbidden")
	// ErrUnavailable means GitHub answered with a server error (5xx) after
	// any retries. For a call that is not idempotent the change may or may
	// not have been made: look before trying again.
	ErrUnavailable = errors.New("server error")
)

// APIError is an error answer from GitHub, reduced to what callers need. It
// keeps no request or response, so it cannot leak the token.
type APIError struct {
	// Op describes the call, as "create comment on #3".
	Op string
	// Status is the HTTP status code.
	Status int
	// Message is GitHub's message, e.g. "Validation Failed".
	Message string
	// Errors are GitHub's per-field details of a 422.
	Errors []FieldError
	kind   error
}

// FieldError is one detail of a validation failure, as GitHub reports it.
type FieldError struct {
	Resource string
	Field    string
	// Code is GitHub's: missing, missing_field, invalid, already_exists,
	// unprocessable or custom.
	Code string
	// Message is set for the custom code, e.g. "A pull request already
	// exists for octocat:feature.".
	Message string
}

// Error describes the failure with GitHub's message and details.
func (e *APIError) Error() string {
	return fmt.Sprintf("forge: %s: %d %s", e.Op, e.Status, e.Detail())
}

// Detail is GitHub's message followed by its per-field details, as
// "Validation Failed: A pull request already exists for o:b.".
func (e *APIError) Detail() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	var details []string
	for _, f := range e.Errors {
		switch {
		case f.Message != "":
			details = append(details, f.Message)
		default:
			d := strings.Trim(f.Resource+"."+f.Field, ".")
			details = append(details, strings.TrimSpace(d+" "+f.Code))
		}
	}
	if len(details) > 0 {
		msg += ": " + strings.Join(details, "; ")
	}
	return msg
}

// Unwrap returns the kind of failure: one of the Err variables, or nil.
func (e *APIError) Unwrap() error { return e.kind }

// HasCode reports whether GitHub flagged any field with code, such as
// "already_exists".
func (e *APIError) HasCode(code string) bool {
	for _, f := range e.Errors {
		if f.Code == code {
			return true
		}
	}
	return false
}

// RateLimitError means GitHub's rate limit stopped the call and waiting for
// it would have gone past Options.MaxWait (or the retries ran out). Until
// Reset, go-github refuses further calls of the same Client at once, with
// the same error and no request.
type RateLimitError struct {
	// Op describes the call.
	Op string
	// Reset is when GitHub will accept requests again.
	Reset time.Time
	// Secondary is true for a secondary (abuse) limit, false for the
	// primary hourly quota.
	Secondary bool
}

// Error says which limit and until when.
func (e *RateLimitError) Error() string {
	kind := "primary"
	if e.Secondary {
		kind = "secondary"
	}
	return fmt.Sprintf("forge: %s: %s rate limit exceeded until %s", e.Op, kind, e.Reset.UTC().Format(time.RFC3339))
}

// secondaryDefaultWait is how long GitHub asks clients to wait after a
// secondary rate limit that comes without Retry-After: "at least one
// minute".
const secondaryDefaultWait = time.Minute

// wrapErr classifies an error from go-github into the package's kinds.
func (c *Client) wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var rle *github.RateLimitError
	if errors.As(err, &rle) {
		return &RateLimitError{Op: op, Reset: rle.Rate.Reset.Time}
	}
	var abuse *github.AbuseRateLimitError
	if errors.As(err, &abuse) {
		wait := secondaryDefaultWait
		if abuse.RetryAfter != nil {
			wait = *abuse.RetryAfter
		}
		return &RateLimitError{Op: op, Reset: c.now().Add(wait), Secondary: true}
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		status := 0
		var header http.Header
		if er.Response != nil {
			status = er.Response.StatusCode
			header = er.Response.Header
		}
		if status == http.StatusTooManyRequests {
			return c.tooManyRequests(op, header)
		}
		apiErr := &APIError{Op: op, Status: status, Message: er.Message}
		for _, fe := range er.Errors {
			apiErr.Errors = append(apiErr.Errors, FieldError{Resource: fe.Resource, Field: fe.Field, Code: fe.Code, Message: fe.Message})
		}
		apiErr.kind = kindOf(status, er.Message)
		return apiErr
	}
	var accepted *github.AcceptedError
	if errors.As(err, &accepted) {
		return &APIError{Op: op, Status: http.StatusAccepted, Message: "accepted; not ready yet", kind: ErrUnavailable}
	}
	return fmt.Errorf("forge: %s: %w", op, err)
}

// tooManyRequests maps a 429, which go-github v60 leaves as a plain error
// response, to a *RateLimitError.
func (c *Client) tooManyRequests(op string, h http.Header) error {
	if h.Get("X-RateLimit-Remaining") == "0" {
		if reset, ok := parseEpoch(h.Get("X-RateLimit-Reset")); ok {
			return &RateLimitError{Op: op, Reset: reset}
		}
	}
	wait := secondaryDefaultWait
	if d, ok := parseRetryAfter(h.Get("Retry-After"), c.now()); ok {
		wait = d
	}
	return &RateLimitError{Op: op, Reset: c.now().Add(wait), Secondary: true}
}

func kindOf(status int, message string) error {
	switch {
	case status == http.StatusNotFound || status == http.StatusGone:
		return ErrNotFound
	case status == http.StatusConflict:
		return ErrConflict
	case status == http.StatusMethodNotAllowed && strings.Contains(strings.ToLower(message), "head branch was modified"):
		return ErrConflict
	case status == http.StatusMethodNotAllowed:
		return ErrNotMergeable
	case status == http.StatusUnprocessableEntity:
		return ErrValidation
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ErrForbidden
	case status >= 500:
		return ErrUnavailable
	}
	return nil
}

// parseEpoch parses X-RateLimit-Reset, seconds since the Unix epoch.
func parseEpoch(v string) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// parseRetryAfter parses Retry-After: seconds (what GitHub sends) or an
// HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			n = 0
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
