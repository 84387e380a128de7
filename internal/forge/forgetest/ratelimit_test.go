package forgetest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestRateLimitsCountDownAndReset spends the rate limit of a user, of
// another user and of the App, as GitHub counts them: per user and per
// installation, each request one, an answer 304 none, until the window
// ends; an exhausted one is answered 403 with GitHub's body.
func TestRateLimitsCountDownAndReset(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("alice", "alice-token")
	srv.AddUser("alice", "alice-second-token")
	srv.AddUser("rivera", "rivera-token")
	srv.SetRateLimit(3, time.Hour)

	type step struct {
		name, token  string
		etag         bool
		wantStatus   int
		wantRemain   int
		wantResetSec int64
		wantMessage  string
	}
	steps := []step{
		{name: "alice's first request leaves two", token: "alice-token", wantStatus: 200, wantRemain: 2},
		{name: "alice's second token spends alice's limit", token: "alice-second-token", wantStatus: 200, wantRemain: 1},
		{name: "rivera has a limit of his own", token: "rivera-token", wantStatus: 200, wantRemain: 2},
		{name: "an answer 304 costs nothing", token: "alice-token", etag: true, wantStatus: 304, wantRemain: 1},
		{name: "alice's last request", token: "alice-token", wantStatus: 200, wantRemain: 0},
		{name: "alice's next request is refused", token: "alice-token", wantStatus: 403, wantRemain: 0,
			wantMessage: "API rate limit exceeded for user ID %d."},
		{name: "the App has a limit of its installation", token: srv.Token(), wantStatus: 200, wantRemain: 2},
	}
	var etag string
	check := func(t *testing.T, st step, status int, h http.Header, v any) {
		t.Helper()
		if status != st.wantStatus {
			t.Fatalf("status = %d, want %d; answer %v", status, st.wantStatus, v)
		}
		limit, _ := strconv.Atoi(h.Get("X-RateLimit-Limit"))
		remaining, _ := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
		used, _ := strconv.Atoi(h.Get("X-RateLimit-Used"))
		got := fmt.Sprintf("limit %d, remaining %d, used %d, resource %s", limit, remaining, used, h.Get("X-RateLimit-Resource"))
		want := fmt.Sprintf("limit 3, remaining %d, used %d, resource core", st.wantRemain, 3-st.wantRemain)
		if got != want {
			t.Errorf("headers say %s, want %s", got, want)
		}
		for _, name := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
			n, err := strconv.ParseInt(h.Get(name), 10, 64)
			schema := spec.lookup("#/components/headers/x-rate-limit-" + map[string]string{
				"X-RateLimit-Limit": "limit", "X-RateLimit-Remaining": "remaining", "X-RateLimit-Reset": "reset"}[name])
			if err != nil || schema == nil {
				t.Errorf("%s: %q (%v) is not the integer GitHub's description gives", name, h.Get(name), err)
				continue
			}
			for _, p := range spec.check(name, schema["schema"].(map[string]any), float64(n)) {
				t.Error(p)
			}
		}
		if st.wantMessage != "" {
			m, _ := v.(map[string]any)
			if want := fmt.Sprintf(st.wantMessage, 1); m["message"] != want {
				t.Errorf("message = %q, want %q", m["message"], want)
			}
			for _, p := range spec.check("answer", spec.component(t, "basic-error"), v) {
				t.Error(p)
			}
		}
	}
	resetOf := func(h http.Header) time.Time {
		n, _ := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64)
		return time.Unix(n, 0).UTC()
	}
	var firstReset time.Time
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			status, h, v := conditionalGet(t, srv, st.token, "/repos/octo-org/hello-world/pulls", map[bool]string{true: etag}[st.etag])
			check(t, st, status, h, v)
			if e := h.Get("ETag"); e != "" {
				etag = e
			}
			if st.token == "alice-token" && firstReset.IsZero() {
				firstReset = resetOf(h)
			}
			if st.token == "alice-token" && !resetOf(h).Equal(firstReset) {
				t.Errorf("X-RateLimit-Reset = %v, want the window's end, %v, all through it", resetOf(h), firstReset)
			}
		})
	}

	// The window ends: alice has her three requests again.
	srv.AdvanceClock(time.Hour)
	status, h, v := conditionalGet(t, srv, "alice-token", "/repos/octo-org/hello-world/pulls", "")
	check(t, step{wantStatus: 200, wantRemain: 2}, status, h, v)
	if got := resetOf(h); !got.After(firstReset) {
		t.Errorf("after the window, X-RateLimit-Reset = %v, want after %v", got, firstReset)
	}

	// The App's installation, exhausted (its window ended too), is named
	// as GitHub names it.
	for range 3 {
		conditionalGet(t, srv, srv.Token(), "/repos/octo-org/hello-world/pulls", "")
	}
	status, h, v = conditionalGet(t, srv, srv.Token(), "/repos/octo-org/hello-world/pulls", "")
	if m, _ := v.(map[string]any); status != 403 || m["message"] != fmt.Sprintf("API rate limit exceeded for installation ID %d.", forgetest.InstallationID) {
		t.Errorf("the exhausted App: %d %v", status, v)
	}
	if diff := cmp.Diff("0", h.Get("X-RateLimit-Remaining")); diff != "" {
		t.Errorf("X-RateLimit-Remaining (-want +got):\n%s", diff)
	}
}

// conditionalGet GETs path with token, with If-None-Match when etag is
// set.
func conditionalGet(t *testing.T, srv *forgetest.Server, token, path, etag string) (int, http.Header, any) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v any
	if resp.StatusCode != http.StatusNotModified {
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, resp.Header, v
}
