package installs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
		{"an oversized answer is refused", "application/json", `{"asOf":"2026-11-24","installs":[` + strings.Repeat(`{"slug":"x","count":1},`, installs.MaxBody/20) + `]}`, 200, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
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
