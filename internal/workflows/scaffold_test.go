package workflows_test

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/scaffold"
	"github.com/connectbot/connectbot/internal/workflows"
)

// pinOf is the pin of the release of action.yml as it is in this
// checkout (a made-up commit, but the version the action installs).
func pinOf(t *testing.T) scaffold.Pin {
	t.Helper()
	return scaffold.Pin{Commit: "0123456789abcdef0123456789abcdef01234567", Version: readAction(t).Inputs["version"].Default}
}

// scaffoldTree writes the program `connectbot init` writes into a new
// directory, with the program team okafor-pm and rivera-reviews, and
// returns the directory.
func scaffoldTree(t *testing.T) string {
	t.Helper()
	files, err := scaffold.Files(scaffold.Options{Pin: pinOf(t), Reviewers: []string{"okafor-pm", "rivera-reviews"}, Team: "@acme-program/team"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestTheScaffoldsWorkflowsAreSafe: the workflows `connectbot init` writes
// pass every check this repository's own do, hold what the README's table
// says (the same as this repository's workflows of the same name), and
// install connectbot only through the pinned action, never by building it.
func TestTheScaffoldsWorkflowsAreSafe(t *testing.T) {
	dir := filepath.Join(scaffoldTree(t), ".github", "workflows")
	paths, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	var names []string
	own := repoWorkflows(t)
	for _, p := range paths {
		name := filepath.Base(p)
		names = append(names, name)
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, err := workflows.Parse(name, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range workflows.Check(w) {
			t.Errorf("%s", v)
		}
		for _, id := range w.JobOrder {
			if diff := cmp.Diff(own[name].Jobs[id].Permissions, w.Jobs[id].Permissions); diff != "" {
				t.Errorf("%s: job %s holds other permissions than this repository's (-here +scaffold):\n%s", name, id, diff)
			}
			for _, s := range w.Jobs[id].Steps {
				if s.Action() == "actions/setup-go" || strings.Contains(s.Run, "go build") || strings.Contains(s.Run, "go run") {
					t.Errorf("%s: job %s builds connectbot (%s%s) instead of installing the release", name, id, s.Uses, s.Run)
				}
				if pin := pinOf(t); s.Action() == scaffold.Action && s.Uses+" # "+w.UsesComment(s.Uses) != pin.Uses() {
					t.Errorf("%s: job %s uses %s, not the pin %s", name, id, s.Uses, pin.Uses())
				}
			}
		}
	}
	want := []string{"application.yml", "pages.yml", "queue.yml", "rejudge.yml", "report.yml", "review.yml", "tick.yml", "validate.yml"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("workflows (-want +got):\n%s", diff)
	}
}

// release serves a release of connectbot as GitHub does
// (/TAG/connectbot_VERSION_OS_ARCH.tar.gz and /TAG/checksums.txt), the
// archive made by tarGz, and returns its URL. tamper changes the archive
// after its checksum was taken.
func release(t *testing.T, archive []byte, tag string, tamper bool) string {
	t.Helper()
	name := fmt.Sprintf("connectbot_%s_linux_%s.tar.gz", strings.TrimPrefix(tag, "v"), runtime.GOARCH)
	sum := sha256.Sum256(archive)
	checksums := fmt.Sprintf("%x  %s\n%x  connectbot_%s_darwin_arm64.tar.gz\n", sum, name, sha256.Sum256(nil), strings.TrimPrefix(tag, "v"))
	if tamper {
		archive = append(slices.Clip(archive), 0)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case path.Join("/", tag, name):
			w.Write(archive)
		case path.Join("/", tag, "checksums.txt"):
			w.Write([]byte(checksums))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// tarGz is a release archive holding the file at bin as connectbot,
// gzipped without compressing (deflate's stored blocks: a valid archive,
// made in no time even under the race detector).
func tarGz(t *testing.T, bin string) []byte {
	t.Helper()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	gz, err := gzip.NewWriterLevel(&buf, gzip.NoCompression)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: "connectbot", Mode: 0o755, Size: int64(len(b))}); err != nil {
		t.Fatal(err)
	}
	tw.Write(b)
	tw.Close()
	gz.Close()
	return []byte(buf.String())
}

// snapshotBinary is the connectbot a release of these tests holds: the
// binary GoReleaser's snapshot build made when CONNECTBOT_SNAPSHOT_BINARY
// names it (.ci/run does), or else one built from this checkout as
// GoReleaser builds it.
func snapshotBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CONNECTBOT_SNAPSHOT_BINARY"); p != "" {
		return p
	}
	bin := filepath.Join(t.TempDir(), "connectbot")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./cmd/connectbot")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestTheScaffoldsWorkflowsRunLocally runs the workflows `connectbot init`
// writes, as TestTheWorkflowsRunLocally runs this repository's, against
// the fake GitHub holding the new program: connectbot's action.yml runs as
// written, downloading a snapshot release from a local server in place
// of GitHub's releases and checking it against the release's checksums;
// only the attestation check, which needs GitHub, is turned off.
func TestTheScaffoldsWorkflowsRunLocally(t *testing.T) {
	if testing.Short() {
		t.Skip("builds connectbot")
	}
	for _, tool := range []string{"curl", "tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("action.yml needs %s, which is not installed", tool)
		}
	}
	source := scaffoldTree(t)
	files := map[string]string{}
	err := filepath.WalkDir(source, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(source, p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := forgetest.NewServer(t, "acme-program", "connect")
	baseSHA := srv.Commit(forgetest.DefaultBranch, "connectbot init", files)

	// An integrator applies with the sample application of northwind-notes,
	// switched to an API key.
	northwind, err := os.ReadFile("../../applications/northwind-notes.cue")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(northwind), `auth:         "oauth2"`, `auth:         "api_key"`, 1)
	if bad == string(northwind) {
		t.Fatal("the sample no longer says oauth2")
	}
	headSHA := srv.Commit("northwind", "Apply", map[string]string{"applications/northwind-notes.cue": bad})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "nwn-platform", Title: "Apply", Head: "northwind", HeadRepo: "nwn-platform/connect"})
	head := t.TempDir()
	copyTree(t, source, head, "")
	if err := os.WriteFile(filepath.Join(head, "applications", "northwind-notes.cue"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	checkout := func(ref string) string {
		switch ref {
		case headSHA:
			return head
		case baseSHA, "main", "":
			return source
		}
		t.Fatalf("checkout of an unknown ref %q", ref)
		return ""
	}
	github := map[string]string{
		"GITHUB_REPOSITORY": "acme-program/connect", "GITHUB_TOKEN": srv.Token(),
		"GITHUB_API_URL": srv.URL(), "GITHUB_SERVER_URL": srv.URL(),
	}
	archive := tarGz(t, snapshotBinary(t))
	r := newRunner(t, checkout, github)
	r.dir = filepath.Join(source, ".github", "workflows")
	r.actionInputs = map[string]string{"release-url": release(t, archive, pinOf(t).Version, false), "verify-attestation": "false"}
	const install = "Install connectbot (the pinned release, checked against its checksums)"

	t.Run("validate, on the pull request", func(t *testing.T) {
		ev := realPayload(t, "testdata/octokit-webhooks/pull_request/opened.payload.json")
		ev["number"] = pr
		p := ev["pull_request"].(map[string]any)
		p["number"] = pr
		p["head"].(map[string]any)["sha"] = headSHA
		p["base"].(map[string]any)["sha"] = baseSHA
		v := r.run("validate.yml", "pull_request", ev, map[string]any{}, map[string]any{})["validate"]
		if out := v.steps[install]; !strings.Contains(out, "connectbot ") || !strings.Contains(out, "go go1.") {
			t.Fatalf("the install step did not print the installed version:\n%s", out)
		}
		annotations := v.steps["Annotate the changed lines (fails on errors)"]
		if !v.failed || !strings.Contains(annotations, "::error file=applications/northwind-notes.cue,") || !strings.Contains(annotations, "connect/req-2") {
			t.Errorf("annotations (job failed: %v):\n%s", v.failed, annotations)
		}
		if b, _ := os.ReadFile(filepath.Join(r.artifacts["connectbot-report"], "pr-number")); string(b) != strconv.Itoa(pr)+"\n" {
			t.Errorf("the artifact's pr-number is %q", b)
		}
		// northwind-notes, the one file changed, has no listing yet: the
		// preview step runs and makes no page.
		if _, ran := v.steps["Preview the listing pages the pull request adds or changes"]; !ran {
			t.Error("the listing preview step did not run")
		}
		if dir, uploaded := r.artifacts["connectbot-listing-preview"]; uploaded {
			previews, _ := filepath.Glob(filepath.Join(dir, "*"))
			t.Errorf("listing previews %v for a file with no listing", previews)
		}
	})

	t.Run("report, when validate completes", func(t *testing.T) {
		ev := realPayload(t, "actionsdata/workflow_run/completed.payload.json")
		run := ev["workflow_run"].(map[string]any)
		run["event"], run["name"], run["head_sha"], run["conclusion"] = "pull_request", "validate", headSHA, "failure"
		jobs := r.run("report.yml", "workflow_run", ev, map[string]any{"CONNECTBOT_DRY_RUN": "true"}, map[string]any{})
		out := jobs["report"].steps["Judge the pull request again and report"]
		for _, want := range []string{"dry run: pull request #" + strconv.Itoa(pr) + " at " + headSHA, `would post the check "connectbot": failure`, "connect/req-2"} {
			if !strings.Contains(out, want) {
				t.Errorf("the report step does not say %q:\n%s", want, out)
			}
		}
	})

	t.Run("tick, by hand", func(t *testing.T) {
		ev := map[string]any{
			"inputs": map[string]any{"dry-run": true, "now": "2026-12-11"}, "ref": "refs/heads/main",
			"repository": map[string]any{"full_name": "acme-program/connect", "default_branch": "main"},
		}
		jobs := r.run("tick.yml", "workflow_dispatch", ev, map[string]any{}, map[string]any{})
		if out := jobs["tick"].steps["Tick"]; jobs["tick"].failed || !strings.HasSuffix(out, "Dry run: nothing was changed.\n") {
			t.Errorf("tick (failed %v):\n%s", jobs["tick"].failed, out)
		}
	})

	t.Run("with the program's own token, the report and the daily tick keep one comment", func(t *testing.T) {
		// A bot account of the program's, whose token and login are the
		// repository's secrets CONNECTBOT_TOKEN and CONNECTBOT_BOT_LOGIN.
		srv.AddUser("acme-connectbot", "acme-connectbot-token")
		secrets := map[string]any{"CONNECTBOT_TOKEN": "acme-connectbot-token", "CONNECTBOT_BOT_LOGIN": "acme-connectbot"}
		ev := realPayload(t, "actionsdata/workflow_run/completed.payload.json")
		run := ev["workflow_run"].(map[string]any)
		run["event"], run["name"], run["head_sha"], run["conclusion"] = "pull_request", "validate", headSHA, "failure"
		if job := r.run("report.yml", "workflow_run", ev, map[string]any{}, secrets)["report"]; job.failed {
			t.Fatalf("report:\n%s", job.steps["Judge the pull request again and report"])
		}
		tick := r.run("tick.yml", "schedule", map[string]any{"schedule": "17 6 * * *"}, map[string]any{}, secrets)["tick"]
		if tick.failed {
			t.Fatalf("tick:\n%s", tick.steps["Tick"])
		}
		var authors []string
		for _, c := range srv.Comments(pr) {
			authors = append(authors, c.Author)
		}
		if diff := cmp.Diff([]string{"acme-connectbot"}, authors); diff != "" {
			t.Errorf("the comments' authors on #%d after a report and a tick (-want +got):\n%s\ntick:\n%s", pr, diff, tick.steps["Tick"])
		}
	})

	t.Run("pages, on schedule", func(t *testing.T) {
		jobs := r.run("pages.yml", "schedule", map[string]any{"schedule": "47 6 * * *"}, map[string]any{}, map[string]any{})
		if jobs["build"].failed || !jobs["deploy"].ran || jobs["deploy"].failed {
			t.Errorf("build %v, deploy %v", jobs["build"].steps, jobs["deploy"].steps)
		}
	})

	t.Run("a release whose archive is not the one its checksums name is refused", func(t *testing.T) {
		tampered := newRunner(t, checkout, github)
		tampered.dir = r.dir
		tampered.actionInputs = map[string]string{"release-url": release(t, archive, pinOf(t).Version, true), "verify-attestation": "false"}
		ev := map[string]any{"inputs": map[string]any{"dry-run": true, "now": ""}, "ref": "refs/heads/main",
			"repository": map[string]any{"full_name": "acme-program/connect", "default_branch": "main"}}
		job := tampered.run("tick.yml", "workflow_dispatch", ev, map[string]any{}, map[string]any{})["tick"]
		if out := job.steps[install]; !job.failed || !strings.Contains(out, "but checksums.txt of "+pinOf(t).Version+" says") {
			t.Errorf("the install step (job failed %v):\n%s", job.failed, out)
		}
		if _, ran := job.steps["Tick"]; ran {
			t.Error("the tick ran a binary the checksums refused")
		}
	})
}

// TestEveryStepActingWithTheProgramsTokenKnowsItsLogin: a step that runs
// connectbot with the secret CONNECTBOT_TOKEN, a bot account's token, also
// gives it CONNECTBOT_BOT_LOGIN, the login that token acts as. Without it
// connectbot takes the workflow token's login inside Actions, finds none of
// its own comments, and answers every pull request with another one — and
// judges the pull requests it opened itself as a stranger's. In this
// repository's workflows and in those `connectbot init` writes.
func TestEveryStepActingWithTheProgramsTokenKnowsItsLogin(t *testing.T) {
	const login = "${{ secrets.CONNECTBOT_BOT_LOGIN }}"
	for from, all := range map[string]map[string]*workflows.Workflow{
		"this repository": repoWorkflows(t),
		"connectbot init": workflowsIn(t, filepath.Join(scaffoldTree(t), ".github", "workflows")),
	} {
		for name, w := range all {
			for _, id := range w.JobOrder {
				for _, s := range w.Jobs[id].Steps {
					if strings.Contains(s.Env["GITHUB_TOKEN"], "secrets.CONNECTBOT_TOKEN") && s.Env["CONNECTBOT_BOT_LOGIN"] != login {
						t.Errorf("%s: %s: job %s, step %q runs with CONNECTBOT_TOKEN but CONNECTBOT_BOT_LOGIN is %q, not %s", from, name, id, s.Name, s.Env["CONNECTBOT_BOT_LOGIN"], login)
					}
				}
			}
		}
	}
}

// TestTheScaffoldsWorkflowsRunOnWhatThisRepositorysDo: each workflow
// `connectbot init` writes runs on the same events, of the same activity
// types, as this repository's workflow of the same name, so a program of
// its own answers what this one answers (an edited application form
// among them). Only the paths differ: a program made by init has no
// schema/ or code.
func TestTheScaffoldsWorkflowsRunOnWhatThisRepositorysDo(t *testing.T) {
	types := func(w *workflows.Workflow) map[string][]string {
		out := map[string][]string{}
		for _, on := range w.On {
			var cfg struct {
				Types []string `yaml:"types"`
			}
			// A schedule is a list of crons, not a map: it has no types.
			if n, ok := w.OnConfig[on]; ok && n.Kind == yaml.MappingNode {
				if err := n.Decode(&cfg); err != nil {
					t.Fatalf("%s: on %s: %v", w.File, on, err)
				}
			}
			out[on] = cfg.Types
		}
		return out
	}
	own := repoWorkflows(t)
	for name, w := range workflowsIn(t, filepath.Join(scaffoldTree(t), ".github", "workflows")) {
		if diff := cmp.Diff(types(own[name]), types(w)); diff != "" {
			t.Errorf("%s: the events it runs on against this repository's (-here +scaffold):\n%s", name, diff)
		}
	}
}
