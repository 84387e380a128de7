package forgetest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/util"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
)

var gitWhen = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// gitFixture is an in-memory repository served by NewGitHandler: main has
// one commit, refs/pull/7/head a second one on top of it.
type gitFixture struct {
	url   string
	repo  *git.Repository
	main  plumbing.Hash
	pull7 plumbing.Hash

	mu     sync.Mutex
	pushes []map[string]string
}

func newGitFixture(t *testing.T, token string) *gitFixture {
	t.Helper()
	repo, err := git.InitWithOptions(memory.NewStorage(), memfs.New(), git.InitOptions{DefaultBranch: plumbing.Main})
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	commit := func(path, content, msg string) plumbing.Hash {
		t.Helper()
		if err := util.WriteFile(wt.Filesystem, path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(path); err != nil {
			t.Fatal(err)
		}
		h, err := wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "Seeder", Email: "seed@example.com", When: gitWhen}})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	f := &gitFixture{repo: repo}
	f.main = commit("applications/acme.cue", "company: name: \"Acme\"\n", "Seed\n")
	f.pull7 = commit("applications/delta.cue", "company: name: \"Delta\"\n", "Apply as delta\n")
	f.setRef(t, "refs/heads/main", f.main)
	f.setRef(t, "refs/pull/7/head", f.pull7)

	h := forgetest.NewGitHandler(repo, forgetest.GitOptions{
		Token: token,
		OnPush: func(updates map[string]string) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.pushes = append(f.pushes, updates)
		},
	})
	mux := http.NewServeMux()
	mux.Handle("/acme/program.git/", http.StripPrefix("/acme/program.git", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.url = srv.URL + "/acme/program.git"
	return f
}

func (f *gitFixture) setRef(t *testing.T, name string, h plumbing.Hash) {
	t.Helper()
	if err := f.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), h)); err != nil {
		t.Fatal(err)
	}
}

// ref returns the server's value of a reference, or "" if it is absent.
func (f *gitFixture) ref(t *testing.T, name string) string {
	t.Helper()
	ref, err := f.repo.Storer.Reference(plumbing.ReferenceName(name))
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return ref.Hash().String()
}

func (f *gitFixture) takePushes() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pushes
	f.pushes = nil
	return p
}

func TestGitHandlerWithGoGitClient(t *testing.T) {
	const token = "ghs_fixtureToken"
	f := newGitFixture(t, token)
	ctx := context.Background()
	auth := &githttp.BasicAuth{Username: "x-access-token", Password: token}

	client, err := git.CloneContext(ctx, memory.NewStorage(), memfs.New(), &git.CloneOptions{URL: f.url, Auth: auth})
	if err != nil {
		t.Fatal(err)
	}
	head, err := client.Head()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.main.String(), head.Hash().String()); diff != "" {
		t.Errorf("cloned HEAD (-want +got):\n%s", diff)
	}

	err = client.FetchContext(ctx, &git.FetchOptions{
		Auth:     auth,
		RefSpecs: []config.RefSpec{"+refs/pull/7/head:refs/remotes/origin/pull/7"},
	})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := client.Reference("refs/remotes/origin/pull/7", true)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.pull7.String(), pr.Hash().String()); diff != "" {
		t.Errorf("fetched pull head (-want +got):\n%s", diff)
	}

	wt, err := client.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := util.WriteFile(wt.Filesystem, "applications/acme.cue", []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("applications/acme.cue"); err != nil {
		t.Fatal(err)
	}
	change, err := wt.Commit("Change acme\n", &git.CommitOptions{Author: &object.Signature{Name: "Bot", Email: "bot@example.com", When: gitWhen}})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Storer.SetReference(plumbing.NewHashReference("refs/heads/topic", change)); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name       string
		spec       config.RefSpec
		wantErr    bool
		wantRef    string // the server reference to check afterwards
		wantValue  string // its value ("" absent)
		wantPushes []map[string]string
	}{
		{
			name:       "a new branch is created",
			spec:       "refs/heads/topic:refs/heads/topic",
			wantRef:    "refs/heads/topic",
			wantValue:  change.String(),
			wantPushes: []map[string]string{{"refs/heads/topic": change.String()}},
		},
		{
			name:      "a pull request ref cannot be pushed",
			spec:      "+refs/heads/topic:refs/pull/7/head",
			wantErr:   true,
			wantRef:   "refs/pull/7/head",
			wantValue: f.pull7.String(),
		},
		{
			name:      "a new pull request ref cannot be pushed either",
			spec:      "refs/heads/topic:refs/pull/8/head",
			wantErr:   true,
			wantRef:   "refs/pull/8/head",
			wantValue: "",
		},
		{
			name:       "a branch is deleted",
			spec:       ":refs/heads/topic",
			wantRef:    "refs/heads/topic",
			wantValue:  "",
			wantPushes: []map[string]string{{"refs/heads/topic": ""}},
		},
	}
	for _, st := range steps {
		err := client.PushContext(ctx, &git.PushOptions{Auth: auth, RefSpecs: []config.RefSpec{st.spec}})
		if (err != nil) != st.wantErr {
			t.Errorf("%s: Push = %v, want error %v", st.name, err, st.wantErr)
		}
		if got := f.ref(t, st.wantRef); got != st.wantValue {
			t.Errorf("%s: server %s = %q, want %q", st.name, st.wantRef, got, st.wantValue)
		}
		if diff := cmp.Diff(st.wantPushes, f.takePushes()); diff != "" {
			t.Errorf("%s: OnPush (-want +got):\n%s", st.name, diff)
		}
	}
}

func TestGitHandlerWithGitrepo(t *testing.T) {
	f := newGitFixture(t, "")
	ctx := context.Background()
	r, err := gitrepo.Clone(ctx, f.url, gitrepo.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sha, err := r.Commit(ctx, gitrepo.Change{
		Parent:  f.main.String(),
		Branch:  "connectbot/remind/acme",
		Files:   map[string][]byte{"applications/acme.cue": []byte("reminded\n")},
		Message: "Remind\n",
		Author:  gitrepo.Signature{Name: "connectbot", Email: "bot@example.com", When: gitWhen},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Push(ctx, "connectbot/remind/acme", gitrepo.PushOptions{}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]map[string]string{{"refs/heads/connectbot/remind/acme": sha}}, f.takePushes()); diff != "" {
		t.Errorf("OnPush (-want +got):\n%s", diff)
	}

	other, err := gitrepo.Clone(ctx, f.url, gitrepo.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := other.Resolve("connectbot/remind/acme")
	if err != nil {
		t.Fatal(err)
	}
	if got != sha {
		t.Errorf("branch in another clone = %s, want %s", got, sha)
	}
	pr, err := other.FetchPull(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := other.Tree(pr)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(fsys, "applications/delta.cue")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("company: name: \"Delta\"\n", string(b)); diff != "" {
		t.Errorf("delta.cue (-want +got):\n%s", diff)
	}
}

func TestGitHandlerAdvertisement(t *testing.T) {
	f := newGitFixture(t, "")
	tests := []struct {
		name            string
		service         string
		wantPrefix      string
		wantContentType string
		wantPull        bool
	}{
		{
			name:            "fetches see every ref, pull requests included",
			service:         "git-upload-pack",
			wantPrefix:      "001e# service=git-upload-pack\n0000",
			wantContentType: "application/x-git-upload-pack-advertisement",
			wantPull:        true,
		},
		{
			name:            "pushes do not see pull request refs",
			service:         "git-receive-pack",
			wantPrefix:      "001f# service=git-receive-pack\n0000",
			wantContentType: "application/x-git-receive-pack-advertisement",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Get(f.url + "/info/refs?service=" + tt.service)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			got := []any{resp.StatusCode, resp.Header.Get("Content-Type"), strings.HasPrefix(string(body), tt.wantPrefix),
				strings.Contains(string(body), "refs/heads/main"), strings.Contains(string(body), "refs/pull/7/head")}
			want := []any{http.StatusOK, tt.wantContentType, true, true, tt.wantPull}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("status, content type, prefix, main, pull (-want +got):\n%s\nbody:\n%s", diff, body)
			}
		})
	}
}

func TestGitHandlerRoutes(t *testing.T) {
	f := newGitFixture(t, "")
	tests := []struct {
		name   string
		method string
		path   string
		want   int
	}{
		{name: "the repository root is not found", method: "GET", path: "/", want: http.StatusNotFound},
		{name: "dumb-protocol refs are not found", method: "GET", path: "/info/refs", want: http.StatusNotFound},
		{name: "an unknown service is not found", method: "GET", path: "/info/refs?service=git-upload-archive", want: http.StatusNotFound},
		{name: "a loose object is not found", method: "GET", path: "/objects/ab/cdef", want: http.StatusNotFound},
		{name: "HEAD is not served", method: "GET", path: "/HEAD", want: http.StatusNotFound},
		{name: "upload-pack by GET is not allowed", method: "GET", path: "/git-upload-pack", want: http.StatusMethodNotAllowed},
		{name: "receive-pack by GET is not allowed", method: "GET", path: "/git-receive-pack", want: http.StatusMethodNotAllowed},
		{name: "refs by POST are not allowed", method: "POST", path: "/info/refs?service=git-upload-pack", want: http.StatusMethodNotAllowed},
		{name: "a garbled upload-pack request is bad", method: "POST", path: "/git-upload-pack", want: http.StatusBadRequest},
		{name: "a garbled receive-pack request is bad", method: "POST", path: "/git-receive-pack", want: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, f.url+tt.path, strings.NewReader("garbage"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("%s %s = %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
			}
		})
	}
}

func TestGitHandlerAuth(t *testing.T) {
	const token = "ghs_fixtureToken"
	f := newGitFixture(t, token)
	tests := []struct {
		name          string
		user, pass    string
		noAuth        bool
		want          int
		wantChallenge string
	}{
		{name: "no credentials are challenged", noAuth: true, want: http.StatusUnauthorized, wantChallenge: `Basic realm="forgetest"`},
		{name: "a wrong token is challenged", user: "x-access-token", pass: "nope", want: http.StatusUnauthorized, wantChallenge: `Basic realm="forgetest"`},
		{name: "the token is accepted", user: "x-access-token", pass: token, want: http.StatusOK},
		{name: "the token is accepted with any user name", user: "someone", pass: token, want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", f.url+"/info/refs?service=git-upload-pack", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.noAuth {
				req.SetBasicAuth(tt.user, tt.pass)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := []any{resp.StatusCode, resp.Header.Get("WWW-Authenticate")}
			if diff := cmp.Diff([]any{tt.want, tt.wantChallenge}, got); diff != "" {
				t.Errorf("status, challenge (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGitHandlerUploadPack(t *testing.T) {
	f := newGitFixture(t, "")
	tests := []struct {
		name       string
		deepen     bool
		haves      []plumbing.Hash
		done       bool
		gzip       bool
		wantPrefix string
		wantWhole  bool // the body is exactly wantPrefix
	}{
		{name: "a clone gets a NAK and a pack", done: true, wantPrefix: "0008NAK\nPACK"},
		{name: "a gzipped request is understood", done: true, gzip: true, wantPrefix: "0008NAK\nPACK"},
		{
			name:       "unknown haves are ignored",
			haves:      []plumbing.Hash{plumbing.NewHash("0123456789abcdef0123456789abcdef01234567"), f.main},
			done:       true,
			wantPrefix: "0008NAK\nPACK",
		},
		{name: "a shallow request gets an empty shallow update first", deepen: true, done: true, wantPrefix: "00000008NAK\nPACK"},
		{name: "a negotiation round without done gets only a NAK", haves: []plumbing.Hash{f.main}, wantPrefix: "0008NAK\n", wantWhole: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw bytes.Buffer
			e := pktline.NewEncoder(&raw)
			lines := []string{"want " + f.pull7.String() + " ofs-delta agent=test\n"}
			if tt.deepen {
				lines = append(lines, "deepen 1\n")
			}
			for _, l := range lines {
				if err := e.EncodeString(l); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Flush(); err != nil {
				t.Fatal(err)
			}
			for _, h := range tt.haves {
				if err := e.Encodef("have %s\n", h); err != nil {
					t.Fatal(err)
				}
			}
			if tt.done {
				if err := e.EncodeString("done\n"); err != nil {
					t.Fatal(err)
				}
			} else if err := e.Flush(); err != nil {
				t.Fatal(err)
			}
			body := raw.Bytes()
			if tt.gzip {
				var zb bytes.Buffer
				zw := gzip.NewWriter(&zb)
				if _, err := zw.Write(body); err != nil {
					t.Fatal(err)
				}
				if err := zw.Close(); err != nil {
					t.Fatal(err)
				}
				body = zb.Bytes()
			}

			req, err := http.NewRequest("POST", f.url+"/git-upload-pack", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-git-upload-pack-request")
			if tt.gzip {
				req.Header.Set("Content-Encoding", "gzip")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			out, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			ok := strings.HasPrefix(string(out), tt.wantPrefix)
			if tt.wantWhole {
				ok = string(out) == tt.wantPrefix
			}
			got := []any{resp.StatusCode, resp.Header.Get("Content-Type"), ok}
			want := []any{http.StatusOK, "application/x-git-upload-pack-result", true}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("status, content type, body as expected (-want +got):\n%s\nbody starts %q", diff, out[:min(len(out), 40)])
			}
		})
	}
}

// TestGitHandlerConcurrentUse clones and pushes at the same time; run with
// -race, it shows the handler serialises its use of the repository.
func TestGitHandlerConcurrentUse(t *testing.T) {
	f := newGitFixture(t, "")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 4 {
		wg.Go(func() {
			r, err := gitrepo.Clone(ctx, f.url, gitrepo.CloneOptions{})
			if err != nil {
				errs <- err
				return
			}
			branch := fmt.Sprintf("b%d", i)
			_, err = r.Commit(ctx, gitrepo.Change{
				Parent: f.main.String(), Branch: branch,
				Files:   map[string][]byte{"f.txt": []byte(branch)},
				Message: branch + "\n", Author: gitrepo.Signature{Name: "x", When: gitWhen},
			})
			if err == nil {
				err = r.Push(ctx, branch, gitrepo.PushOptions{})
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(f.takePushes()); got != 4 {
		t.Errorf("%d pushes seen, want 4", got)
	}
}

func TestGitHandlerReceivePackChecksOldValues(t *testing.T) {
	f := newGitFixture(t, "")
	tests := []struct {
		name       string
		cmd        packp.Command
		wantReport string
		wantRef    string
		wantValue  string
	}{
		{
			name:       "a delete with a stale old value is refused",
			cmd:        packp.Command{Name: "refs/heads/main", Old: f.pull7, New: plumbing.ZeroHash},
			wantReport: "ng refs/heads/main stale info",
			wantRef:    "refs/heads/main",
			wantValue:  f.main.String(),
		},
		{
			name:       "a create over an existing ref is refused",
			cmd:        packp.Command{Name: "refs/heads/main", Old: plumbing.ZeroHash, New: f.pull7},
			wantReport: "ng refs/heads/main stale info",
			wantRef:    "refs/heads/main",
			wantValue:  f.main.String(),
		},
		{
			name:       "a pull request ref is refused",
			cmd:        packp.Command{Name: "refs/pull/7/head", Old: f.pull7, New: plumbing.ZeroHash},
			wantReport: "ng refs/pull/7/head deny updating a hidden ref",
			wantRef:    "refs/pull/7/head",
			wantValue:  f.pull7.String(),
		},
		{
			name:       "a delete with the right old value goes ahead",
			cmd:        packp.Command{Name: "refs/heads/main", Old: f.main, New: plumbing.ZeroHash},
			wantReport: "ok refs/heads/main",
			wantRef:    "refs/heads/main",
			wantValue:  "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ur := packp.NewReferenceUpdateRequest()
			for _, c := range []capability.Capability{capability.ReportStatus, capability.DeleteRefs} {
				if err := ur.Capabilities.Set(c); err != nil {
					t.Fatal(err)
				}
			}
			cmd := tt.cmd
			ur.Commands = []*packp.Command{&cmd}
			var body bytes.Buffer
			if err := ur.Encode(&body); err != nil {
				t.Fatal(err)
			}
			resp, err := http.Post(f.url+"/git-receive-pack", "application/x-git-receive-pack-request", &body)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			out, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(out), tt.wantReport) {
				t.Errorf("response %d %q, want 200 with %q", resp.StatusCode, out, tt.wantReport)
			}
			if got := f.ref(t, tt.wantRef); got != tt.wantValue {
				t.Errorf("server %s = %q, want %q", tt.wantRef, got, tt.wantValue)
			}
		})
	}
}

func TestGitHandlerEmptyRepository(t *testing.T) {
	server, err := git.InitWithOptions(memory.NewStorage(), nil, git.InitOptions{DefaultBranch: plumbing.Main})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(forgetest.NewGitHandler(server, forgetest.GitOptions{}))
	t.Cleanup(srv.Close)
	ctx := context.Background()

	if _, err := gitrepo.Clone(ctx, srv.URL, gitrepo.CloneOptions{}); err == nil {
		t.Error("cloning an empty repository worked, want an error")
	}

	client, err := git.InitWithOptions(memory.NewStorage(), memfs.New(), git.InitOptions{DefaultBranch: plumbing.Main})
	if err != nil {
		t.Fatal(err)
	}
	wt, err := client.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := util.WriteFile(wt.Filesystem, "program.cue", []byte("minInstalls: 10\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("program.cue"); err != nil {
		t.Fatal(err)
	}
	first, err := wt.Commit("First\n", &git.CommitOptions{Author: &object.Signature{Name: "x", Email: "x@example.com", When: gitWhen}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{srv.URL}}); err != nil {
		t.Fatal(err)
	}
	if err := client.PushContext(ctx, &git.PushOptions{RefSpecs: []config.RefSpec{"refs/heads/main:refs/heads/main"}}); err != nil {
		t.Fatalf("first push: %v", err)
	}

	r, err := gitrepo.Clone(ctx, srv.URL, gitrepo.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if got != first.String() {
		t.Errorf("HEAD after the first push = %s, want %s", got, first)
	}
}
