package installs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/installs"
	"github.com/connectbot/connectbot/internal/program"
)

func day(s string) application.Date { return application.MustParseDate(s) }

var files = []application.File{
	{Slug: "acme-sync", App: &application.Application{Integration: application.Integration{AppID: "1234567"}}},
	{Slug: "ledgerly-books", App: &application.Application{}},
	{Slug: "broken"}, // did not load: still addressable by slug
}

func TestFetchReadsCountsByAppIDAndSlug(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write([]byte(`{"asOf":"2026-11-24","installs":[{"appId":"1234567","count":41},{"slug":"ledgerly-books","count":27},{"appId":"999","count":5}]}`))
	}))
	defer srv.Close()
	got, err := installs.Source{URL: srv.URL}.Fetch(context.Background(), files, day("2026-11-25"))
	if err != nil {
		t.Fatal(err)
	}
	source := "live:" + strings.TrimPrefix(srv.URL, "http://")
	want := map[string]program.Installs{
		"acme-sync":      {Count: 41, AsOf: day("2026-11-24"), Source: source},
		"ledgerly-books": {Count: 27, AsOf: day("2026-11-24"), Source: source},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestFetchRefusesBadAnswers(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		status                  int
		wantErr                 string
	}{
		{"a server error is an error", "application/json", `{}`, 500, "answered 500"},
		{"HTML is not counts", "text/html", `<html>`, 200, `not application/json`},
		{"malformed JSON is refused", "application/json", `{"asOf":`, 200, "malformed answer"},
		{"unknown fields are refused", "application/json", `{"asOf":"2026-11-24","installs":[],"extra":1}`, 200, "malformed answer"},
		{"a count below zero is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":-3}]}`, 200, "installs[0]: count"},
		{"a fractional count is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":2.5}]}`, 200, "malformed answer"},
		{"a missing count is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync"}]}`, 200, "installs[0]: count"},
		{"a count naming two applications is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","appId":"1","count":1}]}`, 200, "exactly one of appId or slug"},
		{"a second count for one application is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":1},{"appId":"1234567","count":2}]}`, 200, "a second count for acme-sync"},
		{"a date in the future is refused", "application/json", `{"asOf":"2026-12-24","installs":[]}`, 200, "after today"},
		{"an impossible date is refused", "application/json", `{"asOf":"2026-02-30","installs":[]}`, 200, "asOf"},
		{"two documents are refused", "application/json", `{"asOf":"2026-11-24","installs":[]} {}`, 200, "more than one JSON document"},
		{"an enormous count is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":99999999999999999999}]}`, 200, "malformed answer"},
		{"a count in exponent form is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":4e1}]}`, 200, "malformed answer"},
		{"a count as a string is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":"41"}]}`, 200, "malformed answer"},
		{"a missing asOf is refused", "application/json", `{"installs":[{"slug":"acme-sync","count":41}]}`, 200, "asOf"},
		{"an asOf with a time is refused", "application/json", `{"asOf":"2026-11-24T00:00:00Z","installs":[]}`, 200, "asOf"},
		{"an asOf in another form is refused", "application/json", `{"asOf":"24/11/2026","installs":[]}`, 200, "asOf"},
		{"a JSON array is refused", "application/json", `[{"slug":"acme-sync","count":41}]`, 200, "malformed answer"},
		{"null is refused", "application/json", `null`, 200, "asOf"},
		{"a count given twice in one entry is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":3,"count":41}]}`, 200, `installs[0]: "count" given twice`},
		{"asOf given twice is refused", "application/json", `{"asOf":"2026-11-01","asOf":"2026-11-24","installs":[]}`, 200, `"asOf" given twice`},
		{"installs given twice is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":3}],"installs":[]}`, 200, `"installs" given twice`},
		{"a slug given twice in one entry is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"nobody","slug":"acme-sync","count":41}]}`, 200, `installs[0]: "slug" given twice`},
		{"a key twice under another spelling is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":3,"Count":41}]}`, 200, `installs[0]: unknown key "Count"`},
		{"a key in another case is refused", "application/json", `{"ASOF":"2026-11-24","installs":[]}`, 200, `unknown key "ASOF"`},
		{"a key with a lookalike letter is refused", "application/json", `{"asOf":"2026-11-24","installs":[{"slug":"nobody","\u017flug":"acme-sync","count":41}]}`, 200, `installs[0]: unknown key "ſlug"`},
		{"too many requests says when to retry", "application/json", `{}`, 429, "answered 429 Too Many Requests (retry after 120 seconds)"},
		{"an unavailable source is an error", "text/html", `<html>`, 503, "answered 503"},
		{"an oversized answer is refused", "application/json", `{"asOf":"2026-11-24","installs":[` + strings.Repeat(`{"slug":"x","count":1},`, installs.MaxBody/20) + `]}`, 200, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				if tt.status == http.StatusTooManyRequests {
					w.Header().Set("Retry-After", "120")
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			got, err := installs.Source{URL: srv.URL}.Fetch(context.Background(), files, day("2026-11-25"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if got != nil {
				t.Errorf("counts returned with an error: %v", got)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestFetchRefusesNonHTTPURLs(t *testing.T) {
	for _, u := range []string{"file:///etc/passwd", "ftp://x.example/", "not a url", ""} {
		if _, err := (installs.Source{URL: u}).Fetch(context.Background(), files, day("2026-11-25")); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestFetchFollowsNoRedirect(t *testing.T) {
	counts := `{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":99}]}`
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(counts))
	}))
	defer other.Close()
	tests := []struct {
		name, location, wantErr string
	}{
		{"a redirect to another host is refused", other.URL + "/counts", "redirected to " + other.URL + "/counts; connectbot follows no redirect"},
		{"a redirect to a path of the same host is refused", "/elsewhere", "/elsewhere; connectbot follows no redirect"},
		{"a redirect to itself is refused, not followed round a loop", "/counts", "/counts; connectbot follows no redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asked++
				if r.URL.Path == "/elsewhere" {
					w.Header().Set("Content-Type", "application/json")
					w.Write([]byte(counts))
					return
				}
				http.Redirect(w, r, tt.location, http.StatusFound)
			}))
			defer srv.Close()
			got, err := installs.Source{URL: srv.URL + "/counts"}.Fetch(context.Background(), files, day("2026-11-25"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "installs source "+strings.TrimPrefix(srv.URL, "http://")+" ") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line naming the source", err)
			}
			if got != nil || asked != 1 {
				t.Errorf("counts %v after %d requests, want none after 1", got, asked)
			}
		})
	}
}

func TestFetchGivesUpOnABodyThatNeverEnds(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"asOf":"2026-11-24","installs":[`))
		for {
			w.Write([]byte(" "))
			w.(http.Flusher).Flush()
			select {
			case <-stop:
				return
			case <-r.Context().Done():
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	defer close(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	got, err := installs.Source{URL: srv.URL}.Fetch(ctx, files, day("2026-11-25"))
	if err == nil || !strings.HasPrefix(err.Error(), "installs source "+strings.TrimPrefix(srv.URL, "http://")+": ") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want one line naming the source", err)
	}
	if got != nil {
		t.Errorf("counts returned with an error: %v", got)
	}
}

func TestFetchHasATimeoutOfItsOwn(t *testing.T) {
	if installs.Timeout <= 0 || installs.Timeout > time.Minute {
		t.Errorf("Timeout = %v, want a bound of at most a minute", installs.Timeout)
	}
}

func TestFetchIgnoresCountsOfApplicationsItDoesNotKnow(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"asOf":"2026-11-24","installs":[{"slug":"acme-sync","count":12},{"slug":"ACME-SYNC","count":90},{"slug":"../acme-sync","count":91},{"slug":"acme-sync\u0000","count":92},{"slug":"acme\u2010sync","count":93},{"slug":"nobody","count":94},{"appId":" 1234567","count":95}]}`))
	}))
	defer srv.Close()
	got, err := installs.Source{URL: srv.URL}.Fetch(context.Background(), files, day("2026-11-25"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]program.Installs{"acme-sync": {Count: 12, AsOf: day("2026-11-24"), Source: "live:" + strings.TrimPrefix(srv.URL, "http://")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestFetchCreditsNoApplicationWithAnAppIDTwoFilesClaim(t *testing.T) {
	twice := append([]application.File{
		{Slug: "copycat", App: &application.Application{Integration: application.Integration{AppID: "1234567"}}},
	}, files...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"asOf":"2026-11-24","installs":[{"appId":"1234567","count":400},{"slug":"ledgerly-books","count":27}]}`))
	}))
	defer srv.Close()
	got, err := installs.Source{URL: srv.URL}.Fetch(context.Background(), twice, day("2026-11-25"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["acme-sync"]; ok {
		t.Errorf("acme-sync credited with a count two files claim: %v", got)
	}
	if _, ok := got["copycat"]; ok {
		t.Errorf("copycat credited with a count two files claim: %v", got)
	}
	if got["ledgerly-books"].Count != 27 {
		t.Errorf("ledgerly-books lost its own count: %v", got)
	}
}

func TestFetchErrorsShowNoSecretOfTheAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	addr := srv.URL
	srv.Close() // nothing answers there any more
	_, err := installs.Source{URL: addr + "/counts?token=s3cret"}.Fetch(context.Background(), files, day("2026-11-25"))
	if err == nil {
		t.Fatal("a closed server answered")
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.HasPrefix(err.Error(), "installs source "+strings.TrimPrefix(addr, "http://")+": ") {
		t.Errorf("error %q shows the address's query or does not name its host", err)
	}
}

// roundTripFunc lets a test see whether a request was made at all.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestFetchAsksNoPlainHTTPSourceOffThisMachine: counts admit, promote and
// remove integrators, so they come over https://; plain http:// is for
// this machine only, and a refused address is never asked.
func TestFetchAsksNoPlainHTTPSourceOffThisMachine(t *testing.T) {
	for _, tt := range []struct{ name, url, wantErr string }{
		{"plain http on another host is refused unasked", "http://installs.example/counts?token=s3cret", "installs source installs.example must use https://"},
		{"plain http in capitals is refused too", "HTTP://installs.example/counts", "must use https://"},
		{"plain http on a private address is refused", "http://10.0.0.7/counts", "must use https://"},
		{"https is asked", "https://installs.example/counts", "asked"},
		{"plain http on localhost is asked", "http://localhost:8080/counts", "asked"},
		{"plain http on a loopback address is asked", "http://127.0.0.1:8080/counts", "asked"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
				return nil, errAsked
			})}
			_, err := installs.Source{URL: tt.url, Client: client}.Fetch(context.Background(), files, day("2026-11-25"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("Fetch: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// errAsked is what the recording transport answers: the source was asked.
var errAsked = errors.New("asked")
