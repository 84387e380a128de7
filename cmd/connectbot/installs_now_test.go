package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// TestAnEarlierDayWithAnInstallSource: the program manager asks for the
// program as of an earlier day (--now) while the install source counts as
// of today. The source's counts are no evidence for that day, so the
// clocks run on the recorded ones, as they do for any count dated after
// the day; only a source dated after the real today is refused.
func TestAnEarlierDayWithAnInstallSource(t *testing.T) {
	source := func(asOf string) string {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"asOf":%q,"installs":[{"slug":"acme-sync","count":45}]}`, asOf)
		}))
		t.Cleanup(ts.Close)
		return ts.URL
	}
	today := source("2026-11-25") // fixedNow's day
	for _, tc := range []struct {
		name, url, now string
		code           int
		want           *program.Installs
	}{
		{name: "today, the source's count is shown", url: today, now: "2026-11-25", code: exitOK,
			want: &program.Installs{Count: 45, AsOf: application.MustParseDate("2026-11-25"), Source: "live:" + strings.TrimPrefix(today, "http://")}},
		{name: "an earlier day, the recorded count is shown", url: today, now: "2026-11-21", code: exitOK,
			want: &program.Installs{Count: 23, AsOf: application.MustParseDate("2026-11-20"), Source: program.SourceRecorded}},
		{name: "a source dated after today is refused on an earlier day too", url: source("2026-11-26"), now: "2026-11-21", code: exitCantRun},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GITHUB_TOKEN", "")
			for _, cmd := range []string{"status", "plan", "tick"} {
				var stdout, stderr bytes.Buffer
				args := []string{cmd, "--repo", "../..", "--now", tc.now, "--installs", tc.url, "--format", "json"}
				if cmd == "tick" {
					// tick takes the source program.cue names; this one names none.
					args = []string{cmd, "--dry-run", "--repo", withSource(t, tc.url), "--now", tc.now, "--format", "json"}
				}
				code := Main(args, &stdout, &stderr, fixedNow)
				if code != tc.code {
					t.Fatalf("%s: exit %d, want %d; stderr: %s", cmd, code, tc.code, stderr.String())
				}
				if cmd != "status" || code != exitOK {
					continue
				}
				var st struct {
					Applications []program.Status `json:"applications"`
				}
				if err := json.Unmarshal(stdout.Bytes(), &st); err != nil {
					t.Fatal(err)
				}
				for _, a := range st.Applications {
					if a.Slug != "acme-sync" {
						continue
					}
					if diff := cmp.Diff(tc.want, a.Installs); diff != "" {
						t.Errorf("acme-sync's installs (-want +got):\n%s", diff)
					}
				}
			}
		})
	}
}

// withSource is a copy of the sample program whose program.cue names url
// as its install source.
func withSource(t *testing.T, url string) string {
	t.Helper()
	dir := t.TempDir()
	for _, p := range []string{"schema", "applications"} {
		if err := os.CopyFS(filepath.Join(dir, p), os.DirFS(filepath.Join("../..", p))); err != nil {
			t.Fatal(err)
		}
	}
	cue, err := os.ReadFile("../../program.cue")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "program.cue"), string(cue)+"\ninstallsSource: url: \""+url+"\"\n")
	return dir
}
