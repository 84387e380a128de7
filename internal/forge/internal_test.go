package forge

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		message string
		want    error
	}{
		{name: "404 is not found", status: 404, message: "Not Found", want: ErrNotFound},
		{name: "410 is not found", status: 410, message: "Gone", want: ErrNotFound},
		{name: "409 is a conflict", status: 409, message: "Head branch was modified. Review and try the merge again.", want: ErrConflict},
		{name: "405 head branch was modified is a conflict", status: 405, message: "Head branch was modified. Review and try the merge again.", want: ErrConflict},
		{name: "another 405 is not mergeable", status: 405, message: "Pull Request is not mergeable", want: ErrNotMergeable},
		{name: "422 is a validation failure", status: 422, message: "Validation Failed", want: ErrValidation},
		{name: "401 is forbidden", status: 401, message: "Bad credentials", want: ErrForbidden},
		{name: "403 is forbidden", status: 403, message: "Resource not accessible by integration", want: ErrForbidden},
		{name: "502 is unavailable", status: 502, message: "Server Error", want: ErrUnavailable},
		{name: "400 is none of them", status: 400, message: "Problems parsing JSON", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindOf(tt.status, tt.message); got != tt.want {
				t.Errorf("kindOf(%d, %q) = %v, want %v", tt.status, tt.message, got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{name: "seconds, as GitHub sends them", value: "60", want: time.Minute, wantOK: true},
		{name: "an HTTP date", value: "Sun, 01 Mar 2026 12:00:30 GMT", want: 30 * time.Second, wantOK: true},
		{name: "a date in the past is no wait", value: "Sun, 01 Mar 2026 11:00:00 GMT", want: 0, wantOK: true},
		{name: "nothing", value: "", wantOK: false},
		{name: "garbage", value: "soon", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.value, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestRandomJitterStaysInRange(t *testing.T) {
	for _, d := range []time.Duration{time.Second, 8 * time.Second, 30 * time.Second} {
		for range 1000 {
			if got := randomJitter(d); got < d/2 || got >= d {
				t.Fatalf("randomJitter(%v) = %v, want within [%v, %v)", d, got, d/2, d)
			}
		}
	}
}

// stubOrigin answers GETs with a fixed ETag per path and counts requests
// by path and If-None-Match.
type stubOrigin struct {
	mu    sync.Mutex
	calls []string
}

func (s *stubOrigin) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.calls = append(s.calls, fmt.Sprintf("%s %s inm=%q", req.Method, req.URL.Path, req.Header.Get("If-None-Match")))
	s.mu.Unlock()
	etag := `"` + req.URL.Path + `"`
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: req}
	resp.Header.Set("ETag", etag)
	if req.Header.Get("If-None-Match") == etag {
		resp.StatusCode = http.StatusNotModified
		resp.Body = io.NopCloser(strings.NewReader(""))
		return resp, nil
	}
	resp.Body = io.NopCloser(strings.NewReader("body of " + req.URL.Path))
	return resp, nil
}

func TestETagCache(t *testing.T) {
	get := func(t *testing.T, c http.RoundTripper, path, token string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", "https://api.example.com"+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := c.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		return string(body)
	}
	tests := []struct {
		name       string
		maxEntries int
		maxBytes   int
		gets       []string // "path token"
		wantCalls  []string
		wantLen    int
	}{
		{
			name: "a second GET is conditional and answered from the cache", maxEntries: 10, maxBytes: 1 << 20,
			gets:      []string{"/a t1", "/a t1"},
			wantCalls: []string{`GET /a inm=""`, `GET /a inm="\"/a\""`},
			wantLen:   1,
		},
		{
			name: "two tokens do not share an entry", maxEntries: 10, maxBytes: 1 << 20,
			gets:      []string{"/a t1", "/a t2", "/a t2"},
			wantCalls: []string{`GET /a inm=""`, `GET /a inm=""`, `GET /a inm="\"/a\""`},
			wantLen:   2,
		},
		{
			name: "the least recently used entry is evicted past the entry limit", maxEntries: 2, maxBytes: 1 << 20,
			gets:      []string{"/a t", "/b t", "/a t", "/c t", "/b t", "/a t"},
			wantCalls: []string{`GET /a inm=""`, `GET /b inm=""`, `GET /a inm="\"/a\""`, `GET /c inm=""`, `GET /b inm=""`, `GET /a inm=""`},
			wantLen:   2,
		},
		{
			name: "entries are evicted past the byte limit", maxEntries: 10, maxBytes: 15,
			gets:      []string{"/a t", "/b t", "/a t"},
			wantCalls: []string{`GET /a inm=""`, `GET /b inm=""`, `GET /a inm=""`},
			wantLen:   1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			origin := &stubOrigin{}
			cache := newETagCache(origin, tt.maxEntries, tt.maxBytes)
			for _, g := range tt.gets {
				path, token, _ := strings.Cut(g, " ")
				if got, want := get(t, cache, path, token), "body of "+path; got != want {
					t.Errorf("GET %s = %q, want %q", path, got, want)
				}
			}
			if diff := cmp.Diff(tt.wantCalls, origin.calls); diff != "" {
				t.Errorf("requests reaching the origin (-want +got):\n%s", diff)
			}
			if got := cache.Len(); got != tt.wantLen {
				t.Errorf("%d entries cached, want %d", got, tt.wantLen)
			}
			if n, bytes := cache.held(); n != tt.wantLen || bytes > tt.maxBytes {
				t.Errorf("held() = %d entries, %d bytes; want %d entries within %d bytes", n, bytes, tt.wantLen, tt.maxBytes)
			}
			for key := range cache.items {
				if strings.Contains(key, "t1") || strings.Contains(key, "Bearer") {
					t.Errorf("cache key %q holds the credential", key)
				}
			}
		})
	}
}

func TestRateLimitErrorMessage(t *testing.T) {
	err := error(&RateLimitError{Op: "get pull request #1", Reset: time.Date(2026, 3, 1, 13, 0, 0, 0, time.UTC), Secondary: true})
	if want := "forge: get pull request #1: secondary rate limit exceeded until 2026-03-01T13:00:00Z"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
	var rle *RateLimitError
	if !errors.As(fmt.Errorf("tick: %w", err), &rle) {
		t.Error("a wrapped RateLimitError is not found by errors.As")
	}
}

// sizedOrigin answers every GET 200 with an ETag naming its path and a
// body of the size its path ends with ("/pulls/7/size/6000").
type sizedOrigin struct{}

func (sizedOrigin) RoundTrip(req *http.Request) (*http.Response, error) {
	var n int
	fmt.Sscanf(req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:], "%d", &n)
	h := http.Header{"Etag": {`"` + req.URL.Path + `"`}}
	return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(strings.NewReader(strings.Repeat("x", n))), Request: req}, nil
}

// TestTheCacheKeepsTheListAndEveryHeadsChecksThroughAReconcileOf1000PullRequests:
// a reconcile reads the list of pull requests first, ten pages of about
// 1.3 MB, then some six answers of each pull request it writes to, about
// 35 KB together as GitHub shapes them (the pull request with its two
// repositories, its reviews, its comments, its checks last); the idle
// reconcile after asks only for the list and each head's checks, and must
// find every one of them cached to be answered 304.
func TestTheCacheKeepsTheListAndEveryHeadsChecksThroughAReconcileOf1000PullRequests(t *testing.T) {
	cache := newETagCache(sizedOrigin{}, cacheMaxEntries, cacheMaxBytes)
	get := func(path string) {
		req, _ := http.NewRequest("GET", "https://api.example.com"+path, nil)
		resp, err := cache.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	const prs, pages = 1000, 10
	for page := range pages {
		get(fmt.Sprintf("/pulls/page/%d/size/1300000", page))
	}
	for n := range prs {
		for _, read := range []string{"pulls/%d/size/14000", "pulls/%d/reviews/size/3000", "issues/%d/comments/size/8000",
			"issues/%d/comments/since/size/4000", "labels/%d/size/1000", "commits/%d/check-runs/size/5000"} {
			get("/" + fmt.Sprintf(read, n))
		}
	}
	lost := 0
	for n := range prs {
		req, _ := http.NewRequest("GET", fmt.Sprintf("https://api.example.com/commits/%d/check-runs/size/5000", n), nil)
		if cache.get(cacheKey(req)) == nil {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("the checks of %d heads of %d were evicted: the idle reconcile asks for them in full", lost, prs)
	}
	for page := range pages {
		req, _ := http.NewRequest("GET", fmt.Sprintf("https://api.example.com/pulls/page/%d/size/1300000", page), nil)
		if cache.get(cacheKey(req)) == nil {
			t.Errorf("page %d of the list was evicted or never kept: the idle reconcile asks for it in full", page)
		}
	}
}

// TestKeepAnswersForBoundsTheCacheToTheOpenPullRequests: a long-running
// process keeps the answers its open pull requests need, not every answer
// since it started; the most recently used are the ones kept.
func TestKeepAnswersForBoundsTheCacheToTheOpenPullRequests(t *testing.T) {
	origin := &stubOrigin{}
	c := &Client{cache: newETagCache(origin, cacheMaxEntries, cacheMaxBytes)}
	request := func(path string) *http.Request {
		req, _ := http.NewRequest("GET", "https://api.example.com"+path, nil)
		return req
	}
	tests := []struct {
		name    string
		openPRs int
		want    int
	}{
		{"ten open pull requests keep the least the cache keeps", 10, cacheMinEntries},
		{"a hundred keep eight answers each", 100, 100 * cacheAnswersPerPR},
		{"two thousand keep every answer there is", 2000, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.KeepAnswersFor(tt.openPRs)
			for i := range 1000 {
				resp, err := c.cache.RoundTrip(request(fmt.Sprintf("/answer/%d", i)))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if got := c.cache.Len(); got != tt.want {
				t.Errorf("KeepAnswersFor(%d): %d answers kept, want %d", tt.openPRs, got, tt.want)
			}
			if c.cache.get(cacheKey(request("/answer/999"))) == nil {
				t.Error("the most recently used answer was dropped")
			}
		})
	}
	c.KeepAnswersFor(10)
	if got := c.cache.Len(); got != cacheMinEntries {
		t.Errorf("fewer pull requests open: %d answers kept, want %d", got, cacheMinEntries)
	}
}
