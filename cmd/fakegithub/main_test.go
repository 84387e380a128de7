package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	jwt "github.com/golang-jwt/jwt/v4"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// TestBadFlags checks each misuse exits 2 with one line on stderr, before
// anything is served.
func TestBadFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no --repo", nil, "fakegithub: --repo is required\n"},
		{"an unknown flag", []string{"--repo", dir, "--hook", "http://x"}, "fakegithub: flag provided but not defined: -hook\n"},
		{"a --webhook that is not a URL", []string{"--repo", dir, "--webhook", "localhost:8080/webhook"}, `fakegithub: invalid value "localhost:8080/webhook" for flag -webhook: want an http:// or https:// URL with a host` + "\n"},
		{"a --webhook without a host", []string{"--repo", dir, "--webhook", "http:///webhook"}, `fakegithub: invalid value "http:///webhook" for flag -webhook: want an http:// or https:// URL with a host` + "\n"},
		{"a --secret without --webhook", []string{"--repo", dir, "--secret", "s"}, "fakegithub: --secret without --webhook: there is nothing to sign\n"},
		{"a --faults that is not a number", []string{"--repo", dir, "--faults", "seven"}, `fakegithub: --faults "seven": want a seed, an unsigned integer` + "\n"},
		{"a negative --faults", []string{"--repo", dir, "--faults", "-1"}, `fakegithub: --faults "-1": want a seed, an unsigned integer` + "\n"},
		{"a --repo that is a file", []string{"--repo", file}, "fakegithub: --repo " + file + ": not a directory\n"},
		{"a --repository without a slash", []string{"--repo", dir, "--repository", "program"}, `fakegithub: --repository "program": want OWNER/NAME` + "\n"},
		{"an empty token", []string{"--repo", dir, "--user", "alice:"}, `fakegithub: invalid value "alice:" for flag -user: want LOGIN[:TOKEN], with neither empty` + "\n"},
		{"one token for two users", []string{"--repo", dir, "--user", "alice:t", "--user", "rivera:t"}, "fakegithub: --user rivera: token already given to alice\n"},
		{"a user whose token is the bot's", []string{"--repo", dir, "--user", "alice:bot"}, "fakegithub: --user alice: token already given to connectbot[bot]\n"},
		{"an argument", []string{"--repo", dir, "extra"}, `fakegithub: unexpected argument "extra"` + "\n"},
		{"an --app-key that is no key", []string{"--repo", dir, "--app-key", file}, "fakegithub: --app-key " + file + ": not PEM\n"},
		{"a --default-branch git cannot name", []string{"--repo", dir, "--default-branch", "no..dots"}, `fakegithub: --default-branch "no..dots": want a branch name` + "\n"},
		{"an empty --default-branch", []string{"--repo", dir, "--default-branch", ""}, `fakegithub: --default-branch "": want a branch name` + "\n"},
		{"a negative --rate-limit", []string{"--repo", dir, "--rate-limit", "-1"}, "fakegithub: --rate-limit -1: want a count of requests, or 0 for none\n"},
		{"an --app-key that is missing", []string{"--repo", dir, "--app-key", file + ".pem"}, "fakegithub: --app-key " + file + ".pem: open " + file + ".pem: no such file or directory\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(context.Background(), tc.args, &stdout, &stderr)
			if code != 2 {
				t.Errorf("exit code = %d, want 2", code)
			}
			if diff := cmp.Diff(tc.want, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

// fake is a running fakegithub binary.
type fake struct {
	url string
	cmd *exec.Cmd
	// stderr is what the command wrote there; read it after stop.
	stderr *bytes.Buffer
}

// startFake builds the command and starts it with args, and returns once it
// printed its URL.
func startFake(t *testing.T, args ...string) *fake {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fakegithub")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		lines <- strings.TrimSpace(line)
	}()
	select {
	case url := <-lines:
		if !strings.HasPrefix(url, "http://127.0.0.1:") {
			t.Fatalf("first line on stdout = %q, want the base URL (stderr: %s)", url, stderr.String())
		}
		return &fake{url: url, cmd: cmd, stderr: &stderr}
	case <-time.After(10 * time.Second):
		t.Fatalf("no URL on stdout after 10s (stderr: %s)", stderr.String())
	}
	return nil
}

// stop sends SIGTERM and checks the command exits 0.
func (f *fake) stop(t *testing.T) {
	t.Helper()
	if err := f.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- f.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGTERM: %v, want exit 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("still running 10s after SIGTERM")
	}
}

// api makes a REST request with token and decodes the answer into out.
func (f *fake) api(t *testing.T, token, method, path, body string, wantStatus int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, f.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s: status %d, want %d", method, path, resp.StatusCode, wantStatus)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
}

// gitCmd runs the real git in dir with no user or system configuration.
func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Alice", "-c", "user.email=alice@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_TERMINAL_PROMPT=0", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

type login struct {
	Login string `json:"login"`
}

// TestFlowWithRealGit plays an integrator's part with the real git and
// plain HTTP: alice clones, pushes a branch and opens a pull request;
// rivera approves it. Once from a plain directory (one commit on main),
// once from a git repository (its history on main).
func TestFlowWithRealGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH: the end-to-end test needs the real git client")
	}
	tests := []struct {
		name        string
		gitRepo     bool
		wantCommits string
	}{
		{name: "a plain directory becomes main's first commit", wantCommits: "1"},
		{name: "a git repository is read with its history", gitRepo: true, wantCommits: "2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("program\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.gitRepo {
				gitCmd(t, dir, "init", "-q")
				gitCmd(t, dir, "add", ".")
				gitCmd(t, dir, "commit", "-q", "-m", "first")
				if err := os.WriteFile(filepath.Join(dir, "rules.md"), []byte("rules\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				gitCmd(t, dir, "add", ".")
				gitCmd(t, dir, "commit", "-q", "-m", "second")
			}
			before := listDir(t, dir)

			f := startFake(t, "--repo", dir, "--repository", "octo/program", "--user", "alice:alice-secret", "--user", "rivera")
			work := t.TempDir()
			remote := strings.Replace(f.url, "http://", "http://alice:alice-secret@", 1) + "/octo/program.git"
			gitCmd(t, work, "clone", "-q", remote, "clone")
			clone := filepath.Join(work, "clone")
			if got := gitCmd(t, clone, "rev-list", "--count", "main"); got != tc.wantCommits {
				t.Errorf("commits on main = %s, want %s", got, tc.wantCommits)
			}
			if got, err := os.ReadFile(filepath.Join(clone, "README.md")); err != nil || string(got) != "program\n" {
				t.Errorf("README.md in the clone = %q (%v), want %q", got, err, "program\n")
			}
			gitCmd(t, clone, "checkout", "-q", "-b", "acme")
			if err := os.WriteFile(filepath.Join(clone, "acme.cue"), []byte("name: \"acme\"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			gitCmd(t, clone, "add", "acme.cue")
			gitCmd(t, clone, "commit", "-q", "-m", "Add acme")
			gitCmd(t, clone, "push", "-q", "origin", "acme")

			var opened struct {
				Number int   `json:"number"`
				User   login `json:"user"`
			}
			f.api(t, "alice-secret", "POST", "/repos/octo/program/pulls", `{"title":"Add acme","head":"acme","base":"main"}`, http.StatusCreated, &opened)
			var got struct {
				User login `json:"user"`
				Head struct {
					SHA string `json:"sha"`
				} `json:"head"`
			}
			f.api(t, "bot", "GET", "/repos/octo/program/pulls/1", "", http.StatusOK, &got)
			if opened.Number != 1 || got.User.Login != "alice" {
				t.Errorf("pull request #%d by %q, want #1 by alice", opened.Number, got.User.Login)
			}
			if want := gitCmd(t, clone, "rev-parse", "HEAD"); got.Head.SHA != want {
				t.Errorf("head SHA = %s, want the pushed %s", got.Head.SHA, want)
			}

			var review struct{}
			f.api(t, "rivera", "POST", "/repos/octo/program/pulls/1/reviews", `{"event":"APPROVE"}`, http.StatusOK, &review)
			var reviews []struct {
				User  login  `json:"user"`
				State string `json:"state"`
			}
			f.api(t, "bot", "GET", "/repos/octo/program/pulls/1/reviews", "", http.StatusOK, &reviews)
			var states []string
			for _, r := range reviews {
				states = append(states, r.User.Login+" "+r.State)
			}
			if diff := cmp.Diff([]string{"rivera APPROVED"}, states); diff != "" {
				t.Errorf("reviews (-want +got):\n%s", diff)
			}

			f.stop(t)
			if diff := cmp.Diff(before, listDir(t, dir)); diff != "" {
				t.Errorf("--repo's directory changed (-want +got):\n%s", diff)
			}
		})
	}
}

// listDir lists every path under dir with its size and modification time.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out = append(out, fmt.Sprintf("%s %d %s", p, fi.Size(), fi.ModTime()))
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

// TestAppKeyMintsInstallationTokens runs the command with --app-key: a
// JWT the App signs with that key mints an installation token, which
// writes a check run, as a user's token may not; a JWT signed with
// another key mints nothing.
func TestAppKeyMintsInstallationTokens(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("program\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	f := startFake(t, "--repo", dir, "--repository", "octo/program", "--user", "alice", "--app-key", keyFile)
	signed := func(k *rsa.PrivateKey) string {
		now := time.Now()
		s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.RegisteredClaims{
			Issuer: fmt.Sprint(forgetest.AppID), IssuedAt: jwt.NewNumericDate(now.Add(-30 * time.Second)), ExpiresAt: jwt.NewNumericDate(now.Add(2 * time.Minute)),
		}).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	mint := fmt.Sprintf("/app/installations/%d/access_tokens", forgetest.InstallationID)
	var refused struct{ Message string }
	f.api(t, signed(other), "POST", mint, "", http.StatusUnauthorized, &refused)
	var minted struct {
		Token string `json:"token"`
	}
	f.api(t, signed(key), "POST", mint, "", http.StatusCreated, &minted)

	var main struct {
		Object struct{ SHA string } `json:"object"`
	}
	f.api(t, minted.Token, "GET", "/repos/octo/program/git/ref/heads/main", "", http.StatusOK, &main)
	run := `{"name":"connectbot","head_sha":"` + main.Object.SHA + `"}`
	var answer struct{ Message string }
	f.api(t, "alice", "POST", "/repos/octo/program/check-runs", run, http.StatusForbidden, &answer)
	if answer.Message != "You must authenticate via a GitHub App." {
		t.Errorf("alice's check run: %q", answer.Message)
	}
	var created struct {
		App struct{ ID int64 } `json:"app"`
	}
	f.api(t, minted.Token, "POST", "/repos/octo/program/check-runs", run, http.StatusCreated, &created)
	if created.App.ID != forgetest.AppID {
		t.Errorf("the check run's App is %d, want %d", created.App.ID, forgetest.AppID)
	}
	f.stop(t)
}

// TestRateLimitFlag: --rate-limit N gives each user N requests an hour,
// counted down in X-RateLimit-Remaining and refused with 403 once spent.
func TestRateLimitFlag(t *testing.T) {
	f := startFake(t, "--repo", t.TempDir(), "--repository", "o/r", "--rate-limit", "2")
	var v any
	f.api(t, "bot", "GET", "/repos/o/r/pulls", "", http.StatusOK, &v)
	f.api(t, "bot", "GET", "/repos/o/r/issues", "", http.StatusOK, &v)
	f.api(t, "bot", "GET", "/repos/o/r/pulls", "", http.StatusForbidden, &v)
}

// TestDefaultBranchFlag: --default-branch NAME makes NAME the branch --repo
// becomes and the one git checks out on a clone.
func TestDefaultBranchFlag(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH: the test needs the real git client")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("program\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := startFake(t, "--repo", dir, "--repository", "octo/program", "--default-branch", "trunk")
	work := t.TempDir()
	gitCmd(t, work, "clone", "-q", strings.Replace(f.url, "http://", "http://bot:bot@", 1)+"/octo/program.git", "clone")
	clone := filepath.Join(work, "clone")
	if got := gitCmd(t, clone, "rev-parse", "--abbrev-ref", "HEAD"); got != "trunk" {
		t.Errorf("the clone checked out %q, want trunk", got)
	}
	if got := gitCmd(t, clone, "show", "HEAD:README.md"); got != "program" {
		t.Errorf("trunk's README.md is %q, want --repo's", got)
	}
	f.stop(t)
}

// TestCPUProfileFlag: --cpuprofile FILE writes the server's CPU profile
// (gzipped) when it stops.
func TestCPUProfileFlag(t *testing.T) {
	profile := filepath.Join(t.TempDir(), "fakegithub.pprof")
	f := startFake(t, "--repo", t.TempDir(), "--repository", "o/r", "--cpuprofile", profile)
	var v any
	f.api(t, "bot", "GET", "/repos/o/r/pulls", "", http.StatusOK, &v)
	f.stop(t)
	data, err := os.ReadFile(profile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		t.Errorf("%s is not a gzipped profile: it starts % x", profile, data[:min(len(data), 4)])
	}
}
