package gitrepo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
)

var when = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

var bot = gitrepo.Signature{Name: "connectbot", Email: "connectbot@example.com", When: when}

// seedFiles is the content of every test repository's first commit.
var seedFiles = map[string]string{
	"program.cue":           "minInstalls: 10\n",
	"applications/acme.cue": "company: name: \"Acme Software Ltd\"\n",
	"applications/beta.cue": "company: name: \"Beta\"\n",
	"docs/README.md":        "# The program\n",
	"scripts/check.sh":      "#!/bin/sh\nexit 0\n",
}

// seed is a repository on disk, made with go-git's worktree API: main has
// seedFiles plus a symbolic link, feature has one more commit.
type seed struct {
	dir     string
	main    string // SHA of main
	feature string // SHA of feature
}

func newSeed(t *testing.T) seed {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for p, content := range seedFiles {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(full, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("applications/acme.cue", filepath.Join(dir, "current.cue")); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add("current.cue"); err != nil {
		t.Fatal(err)
	}
	h, err := wt.Commit("Seed the program\n", &git.CommitOptions{
		Author: &object.Signature{Name: "Seeder", Email: "seed@example.com", When: when.Add(-time.Hour)},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := seed{dir: dir, main: h.String()}

	r, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.feature, err = r.Commit(context.Background(), gitrepo.Change{
		Parent:  s.main,
		Branch:  "feature",
		Files:   map[string][]byte{"applications/gamma.cue": []byte("company: name: \"Gamma\"\n")},
		Message: "Add gamma\n",
		Author:  bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newBare mirrors the seed into a bare repository, to push to.
func newBare(t *testing.T, s seed) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := git.PlainClone(dir, true, &git.CloneOptions{URL: s.dir, Mirror: true}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// server is the seed repository served over smart HTTP on loopback.
type server struct {
	url    string
	repo   *git.Repository
	mu     sync.Mutex
	pushes []map[string]string
	deny   atomic.Bool // answer 401 to everything
}

func newServer(t *testing.T, s seed, token string) *server {
	t.Helper()
	repo, err := git.PlainOpen(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := &server{repo: repo}
	h := forgetest.NewGitHandler(repo, forgetest.GitOptions{
		Token: token,
		OnPush: func(updates map[string]string) {
			srv.mu.Lock()
			defer srv.mu.Unlock()
			srv.pushes = append(srv.pushes, updates)
		},
	})
	mux := http.NewServeMux()
	mux.Handle("/acme/program.git/", http.StripPrefix("/acme/program.git", h))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if srv.deny.Load() {
			w.Header().Set("WWW-Authenticate", "Basic")
			http.Error(w, "denied", http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	srv.url = hs.URL + "/acme/program.git"
	return srv
}

// takePushes returns and forgets the pushes the server has seen.
func (s *server) takePushes() []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pushes
	s.pushes = nil
	return p
}

// ref returns the server's value of a reference, or "" if it is absent.
func (s *server) ref(t *testing.T, name string) string {
	t.Helper()
	ref, err := s.repo.Reference(plumbing.ReferenceName(name), true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return ref.Hash().String()
}

// files reads every file of fsys into a map of path to content, marking
// executables with a trailing " (x)" and symbolic links with " (link)".
func files(t *testing.T, fsys fs.FS) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			p += " (link)"
		case info.Mode()&0o111 != 0:
			p += " (x)"
		}
		got[p] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func seedWant() map[string]string {
	want := map[string]string{"current.cue (link)": "applications/acme.cue"}
	for p, c := range seedFiles {
		if strings.HasSuffix(p, ".sh") {
			p += " (x)"
		}
		want[p] = c
	}
	return want
}

func mustResolve(t *testing.T, r *gitrepo.Repo, rev string) string {
	t.Helper()
	sha, err := r.Resolve(rev)
	if err != nil {
		t.Fatal(err)
	}
	return sha
}

func TestOpen(t *testing.T) {
	s := newSeed(t)
	tests := []struct {
		name    string
		dir     string
		wantErr error
	}{
		{name: "a worktree opens", dir: s.dir},
		{name: "a bare repository opens", dir: newBare(t, s)},
		{name: "a directory that is no repository is not found", dir: t.TempDir(), wantErr: gitrepo.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := gitrepo.Open(tt.dir)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Open = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s.main, mustResolve(t, r, "main")); diff != "" {
				t.Errorf("main (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	r, err := gitrepo.Clone(ctx, s.dir, gitrepo.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		rev     string
		want    string
		wantErr error
	}{
		{name: "a local branch name", rev: "main", want: s.main},
		{name: "HEAD of the clone", rev: "HEAD", want: s.main},
		{name: "a full reference", rev: "refs/heads/main", want: s.main},
		{name: "a remote branch by its own name", rev: "feature", want: s.feature},
		{name: "a remote branch with its remote", rev: "origin/feature", want: s.feature},
		{name: "a full remote reference", rev: "refs/remotes/origin/feature", want: s.feature},
		{name: "a full SHA", rev: s.feature, want: s.feature},
		{name: "an upper-case SHA", rev: strings.ToUpper(s.feature), want: s.feature},
		{name: "an unknown branch", rev: "nope", wantErr: gitrepo.ErrNotFound},
		{name: "an unknown SHA", rev: strings.Repeat("ab", 20), wantErr: gitrepo.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Resolve(tt.rev)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Resolve(%q) = %q, %v, want %v", tt.rev, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve(%q) (-want +got):\n%s", tt.rev, diff)
			}
		})
	}
}

func TestTree(t *testing.T) {
	s := newSeed(t)
	r, err := gitrepo.Open(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := r.Tree(s.main)
	if err != nil {
		t.Fatal(err)
	}

	if err := fstest.TestFS(fsys, "program.cue", "applications/acme.cue", "applications/beta.cue",
		"docs/README.md", "scripts/check.sh", "current.cue"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seedWant(), files(t, fsys)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}

	got, err := fs.Glob(fsys, "applications/*.cue")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"applications/acme.cue", "applications/beta.cue"}, got); diff != "" {
		t.Errorf("Glob (-want +got):\n%s", diff)
	}

	info, err := fs.Stat(fsys, "program.cue")
	if err != nil {
		t.Fatal(err)
	}
	gotInfo := []any{info.Name(), info.Size(), info.Mode().String(), info.ModTime().UTC()}
	wantInfo := []any{"program.cue", int64(len(seedFiles["program.cue"])), "-r--r--r--", when.Add(-time.Hour)}
	if diff := cmp.Diff(wantInfo, gotInfo); diff != "" {
		t.Errorf("Stat (-want +got):\n%s", diff)
	}

	target, err := fs.ReadLink(fsys, "current.cue")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("applications/acme.cue", target); diff != "" {
		t.Errorf("ReadLink (-want +got):\n%s", diff)
	}
}

func TestTreeErrors(t *testing.T) {
	s := newSeed(t)
	r, err := gitrepo.Open(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := r.Tree(s.main)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		read    func() error
		wantErr error
	}{
		{
			name:    "a missing file does not exist",
			read:    func() error { _, err := fs.ReadFile(fsys, "applications/zeta.cue"); return err },
			wantErr: fs.ErrNotExist,
		},
		{
			name:    "a path below a file does not exist",
			read:    func() error { _, err := fsys.Open("program.cue/x"); return err },
			wantErr: fs.ErrNotExist,
		},
		{
			name:    "a path leaving the tree is invalid",
			read:    func() error { _, err := fsys.Open("../program.cue"); return err },
			wantErr: fs.ErrInvalid,
		},
		{
			name:    "a directory cannot be read as a file",
			read:    func() error { _, err := fs.ReadFile(fsys, "docs"); return err },
			wantErr: syscall.EISDIR,
		},
		{
			name:    "an open directory cannot be read",
			read:    func() error { return onFile(fsys, "docs", false, readOne) },
			wantErr: syscall.EISDIR,
		},
		{
			name:    "a file cannot be listed",
			read:    func() error { _, err := fs.ReadDir(fsys, "program.cue"); return err },
			wantErr: syscall.ENOTDIR,
		},
		{
			name:    "a closed file cannot be read",
			read:    func() error { return onFile(fsys, "program.cue", true, readOne) },
			wantErr: fs.ErrClosed,
		},
		{
			name:    "a closed file cannot be closed again",
			read:    func() error { return onFile(fsys, "program.cue", true, fs.File.Close) },
			wantErr: fs.ErrClosed,
		},
		{
			name:    "a closed directory cannot be closed again",
			read:    func() error { return onFile(fsys, "docs", true, fs.File.Close) },
			wantErr: fs.ErrClosed,
		},
		{
			name:    "a closed directory cannot be listed",
			read:    func() error { return onFile(fsys, "docs", true, listAll) },
			wantErr: fs.ErrClosed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want one that is the %T %q", err, tt.wantErr, tt.wantErr)
			}
		})
	}

	if _, err := r.Tree("main"); err == nil {
		t.Error("Tree(\"main\") works, want an error: Tree takes SHAs only")
	}
	if _, err := r.Tree(strings.Repeat("ab", 20)); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("Tree(unknown) = %v, want ErrNotFound", err)
	}
}

// onFile opens name in fsys, closes it first when closed is true, and
// returns what do returns for the file.
func onFile(fsys fs.FS, name string, closed bool, do func(fs.File) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	if closed {
		if err := f.Close(); err != nil {
			return err
		}
	}
	return do(f)
}

// readOne reads one byte of f: the error of that read.
func readOne(f fs.File) error {
	_, err := f.Read(make([]byte, 1))
	return err
}

// listAll lists directory f: the error of the listing.
func listAll(f fs.File) error {
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		return fmt.Errorf("a %T is not an fs.ReadDirFile", f)
	}
	_, err := d.ReadDir(-1)
	return err
}

func TestTreeRefusesLargeFiles(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	r, err := gitrepo.Clone(ctx, s.dir, gitrepo.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("x"), gitrepo.MaxFileSize+1)
	sha, err := r.Commit(ctx, gitrepo.Change{Parent: s.main, Files: map[string][]byte{"big.bin": big}, Message: "Big\n", Author: bot})
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := r.Tree(sha)
	if err != nil {
		t.Fatal(err)
	}
	info, err := fs.Stat(fsys, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() != int64(len(big)) {
		t.Errorf("size = %d, want %d", info.Size(), len(big))
	}
	if _, err := fs.ReadFile(fsys, "big.bin"); !errors.Is(err, gitrepo.ErrFileTooLarge) {
		t.Errorf("ReadFile = %v, want ErrFileTooLarge", err)
	}
	if _, err := fsys.Open("big.bin"); !errors.Is(err, gitrepo.ErrFileTooLarge) {
		t.Errorf("Open = %v, want ErrFileTooLarge", err)
	}
}

func TestCommit(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	dir := t.TempDir()
	r, err := gitrepo.Clone(ctx, s.dir, gitrepo.CloneOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	change := gitrepo.Change{
		Parent: s.main,
		Branch: "connectbot/remove/beta",
		Files: map[string][]byte{
			"applications/acme.cue":        []byte("company: name: \"Acme\"\n"),
			"applications/beta.cue":        nil,
			"applications/removed/beta.md": []byte("Removed: listing-overdue\n"),
			"docs/README.md":               nil,
			"scripts/check.sh":             []byte("#!/bin/sh\nexit 1\n"),
			"never/there.cue":              nil,
		},
		Message: "Remove beta\n\nReason: listing-overdue\n",
		Author:  bot,
	}
	sha, err := r.Commit(ctx, change)
	if err != nil {
		t.Fatal(err)
	}

	fsys, err := r.Tree(sha)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"program.cue":                  seedFiles["program.cue"],
		"current.cue (link)":           "applications/acme.cue",
		"applications/acme.cue":        "company: name: \"Acme\"\n",
		"applications/removed/beta.md": "Removed: listing-overdue\n",
		"scripts/check.sh (x)":         "#!/bin/sh\nexit 1\n",
	}
	if diff := cmp.Diff(want, files(t, fsys)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if _, err := fs.Stat(fsys, "docs"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat(docs) = %v, want the emptied directory gone", err)
	}
	if diff := cmp.Diff(sha, mustResolve(t, r, "connectbot/remove/beta")); diff != "" {
		t.Errorf("branch (-want +got):\n%s", diff)
	}

	// The commit itself, read with go-git.
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(plumbing.NewHash(sha))
	if err != nil {
		t.Fatal(err)
	}
	gotCommit := []any{c.Message, c.Author.Name, c.Author.Email, c.Author.When.UTC(), c.Committer.Name, c.ParentHashes}
	wantCommit := []any{change.Message, bot.Name, bot.Email, when, bot.Name, []plumbing.Hash{plumbing.NewHash(s.main)}}
	if diff := cmp.Diff(wantCommit, gotCommit); diff != "" {
		t.Errorf("commit (-want +got):\n%s", diff)
	}

	again, err := r.Commit(ctx, change)
	if err != nil {
		t.Fatal(err)
	}
	if again != sha {
		t.Errorf("the same change twice gave %s and %s, want one SHA", sha, again)
	}
}

func TestCommitTreesMatchGit(t *testing.T) {
	// Names chosen so that git's order (a directory sorts as "name/")
	// differs from plain byte order.
	content := map[string]string{"a-b": "1", "a.b": "2", "a/x": "3", "a0": "4", "b/c/d.txt": "5"}
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for p, c := range content {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := wt.Add(p); err != nil {
			t.Fatal(err)
		}
		files[p] = []byte(c)
	}
	h, err := wt.Commit("git's own\n", &git.CommitOptions{Author: &object.Signature{Name: "x", Email: "x@example.com", When: when}})
	if err != nil {
		t.Fatal(err)
	}
	gitCommit, err := repo.CommitObject(h)
	if err != nil {
		t.Fatal(err)
	}

	r, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sha, err := r.Commit(context.Background(), gitrepo.Change{Files: files, Message: "ours\n", Author: bot})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := repo.CommitObject(plumbing.NewHash(sha))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(gitCommit.TreeHash.String(), ours.TreeHash.String()); diff != "" {
		t.Errorf("tree of a root commit (-git +ours):\n%s", diff)
	}
	if len(ours.ParentHashes) != 0 {
		t.Errorf("parents = %v, want none", ours.ParentHashes)
	}
}

func TestCommitRefuses(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	r, err := gitrepo.Clone(ctx, s.dir, gitrepo.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	file := func(p string) map[string][]byte { return map[string][]byte{p: []byte("x")} }
	tests := []struct {
		name    string
		change  gitrepo.Change
		wantErr error // nil: any error
	}{
		{name: "a parent directory element", change: gitrepo.Change{Files: file("../escape.cue")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "a parent directory element inside", change: gitrepo.Change{Files: file("applications/../../x")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "an absolute path", change: gitrepo.Change{Files: file("/etc/passwd")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "an empty element", change: gitrepo.Change{Files: file("applications//x.cue")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "a trailing slash", change: gitrepo.Change{Files: file("applications/")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "the empty path", change: gitrepo.Change{Files: file("")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "a dot element", change: gitrepo.Change{Files: file("./program.cue")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "a .git element", change: gitrepo.Change{Files: file(".git/config")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "a backslash", change: gitrepo.Change{Files: file(`applications\x.cue`)}, wantErr: gitrepo.ErrInvalidPath},
		{name: "a path below an existing file", change: gitrepo.Change{Files: file("program.cue/x")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "a file over an existing directory", change: gitrepo.Change{Files: file("docs")}, wantErr: gitrepo.ErrInvalidPath},
		{name: "deleting a directory", change: gitrepo.Change{Files: map[string][]byte{"docs": nil}}, wantErr: gitrepo.ErrInvalidPath},
		{name: "a path that is both a file and a directory", change: gitrepo.Change{Files: map[string][]byte{"n": []byte("x"), "n/m": []byte("y")}}, wantErr: gitrepo.ErrInvalidPath},
		{name: "an invalid branch name", change: gitrepo.Change{Branch: "bad..name"}},
		{name: "a parent that is not a SHA", change: gitrepo.Change{Parent: "main"}},
		{name: "an unknown parent", change: gitrepo.Change{Parent: strings.Repeat("ab", 20)}, wantErr: gitrepo.ErrNotFound},
		{name: "an author without a time", change: gitrepo.Change{Author: gitrepo.Signature{Name: "x"}}},
		{name: "an author without a name", change: gitrepo.Change{Author: gitrepo.Signature{When: when}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.change
			if c.Parent == "" {
				c.Parent = s.main
			}
			if c.Author == (gitrepo.Signature{}) {
				c.Author = bot
			}
			c.Message = "Bad\n"
			sha, err := r.Commit(ctx, c)
			if err == nil {
				t.Fatalf("Commit = %s, want an error", sha)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Commit error = %v, want %v", err, tt.wantErr)
			}
		})
	}
	if got := mustResolve(t, r, "main"); got != s.main {
		t.Errorf("main moved to %s", got)
	}
}

func TestPushAndFetchLocal(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	bare := newBare(t, s)

	a, err := gitrepo.Clone(ctx, bare, gitrepo.CloneOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	sha, err := a.Commit(ctx, gitrepo.Change{
		Parent: s.main, Branch: "connectbot/remind/acme",
		Files:   map[string][]byte{"applications/acme.cue": []byte("reminded: true\n")},
		Message: "Remind acme\n", Author: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Push(ctx, "connectbot/remind/acme", gitrepo.PushOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := a.Push(ctx, "connectbot/remind/acme", gitrepo.PushOptions{}); err != nil {
		t.Fatalf("pushing again: %v, want nil when up to date", err)
	}
	if err := a.Push(ctx, "no-such-branch", gitrepo.PushOptions{}); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("pushing a missing branch = %v, want ErrNotFound", err)
	}

	b, err := gitrepo.Clone(ctx, bare, gitrepo.CloneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sha, mustResolve(t, b, "connectbot/remind/acme")); diff != "" {
		t.Errorf("pushed branch seen by another clone (-want +got):\n%s", diff)
	}

	main2, err := b.Commit(ctx, gitrepo.Change{
		Parent: s.main, Branch: "main",
		Files:   map[string][]byte{"program.cue": []byte("minInstalls: 12\n")},
		Message: "Raise the bar\n", Author: bot,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Push(ctx, "main", gitrepo.PushOptions{}); err != nil {
		t.Fatal(err)
	}
	// a has an unpushed-elsewhere branch of its own; fetching must not
	// trip over it.
	if err := a.Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(main2, mustResolve(t, a, "origin/main")); diff != "" {
		t.Errorf("origin/main after fetch (-want +got):\n%s", diff)
	}
	if err := a.Fetch(ctx); err != nil {
		t.Errorf("fetching again: %v, want nil when up to date", err)
	}
}

func TestRemoteOverHTTP(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	const token = "ghs_s3cretT0ken"
	srv := newServer(t, s, token)

	r, err := gitrepo.Clone(ctx, srv.url, gitrepo.CloneOptions{Token: token, Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	head := mustResolve(t, r, "HEAD")
	if head != s.main {
		t.Fatalf("HEAD = %s, want %s", head, s.main)
	}
	fsys, err := r.Tree(head)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seedWant(), files(t, fsys)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}

	t.Run("a commit on a new branch is pushed", func(t *testing.T) {
		sha, err := r.Commit(ctx, gitrepo.Change{
			Parent: head, Branch: "connectbot/remove/beta",
			Files:   map[string][]byte{"applications/beta.cue": nil, "applications/acme.cue": []byte("x: 1\n")},
			Message: "Remove beta\n", Author: bot,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Push(ctx, "connectbot/remove/beta", gitrepo.PushOptions{}); err != nil {
			t.Fatal(err)
		}
		want := []map[string]string{{"refs/heads/connectbot/remove/beta": sha}}
		if diff := cmp.Diff(want, srv.takePushes()); diff != "" {
			t.Errorf("OnPush (-want +got):\n%s", diff)
		}
		c, err := srv.repo.CommitObject(plumbing.NewHash(sha))
		if err != nil {
			t.Fatalf("the server lacks the commit: %v", err)
		}
		if diff := cmp.Diff([]plumbing.Hash{plumbing.NewHash(head)}, c.ParentHashes); diff != "" {
			t.Errorf("parents on the server (-want +got):\n%s", diff)
		}

		other, err := gitrepo.Clone(ctx, srv.url, gitrepo.CloneOptions{Token: token})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(sha, mustResolve(t, other, "connectbot/remove/beta")); diff != "" {
			t.Errorf("branch in a fresh clone (-want +got):\n%s", diff)
		}
	})

	t.Run("a fetch brings a moved main", func(t *testing.T) {
		server, err := gitrepo.Open(s.dir)
		if err != nil {
			t.Fatal(err)
		}
		moved, err := server.Commit(ctx, gitrepo.Change{
			Parent: s.main, Branch: "main",
			Files:   map[string][]byte{"program.cue": []byte("minInstalls: 11\n")},
			Message: "Move main\n", Author: bot,
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Fetch(ctx); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(moved, mustResolve(t, r, "origin/main")); diff != "" {
			t.Errorf("origin/main (-want +got):\n%s", diff)
		}
		if err := r.Fetch(ctx, "+refs/heads/main:refs/remotes/origin/main"); err != nil {
			t.Errorf("fetching an up-to-date refspec: %v", err)
		}
	})

	t.Run("a pull request head is fetched", func(t *testing.T) {
		server, err := gitrepo.Open(s.dir)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := server.Commit(ctx, gitrepo.Change{
			Parent:  s.main,
			Files:   map[string][]byte{"applications/delta.cue": []byte("company: name: \"Delta\"\n")},
			Message: "Apply as delta\n", Author: gitrepo.Signature{Name: "Delta", Email: "dev@delta.example", When: when},
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.repo.Storer.SetReference(plumbing.NewHashReference("refs/pull/7/head", plumbing.NewHash(pr))); err != nil {
			t.Fatal(err)
		}
		got, err := r.FetchPull(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		if got != pr {
			t.Fatalf("FetchPull(7) = %s, want %s", got, pr)
		}
		fsys, err := r.Tree(got)
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
		if diff := cmp.Diff(pr, mustResolve(t, r, "refs/remotes/origin/pull/7")); diff != "" {
			t.Errorf("local pull ref (-want +got):\n%s", diff)
		}
		if _, err := r.FetchPull(ctx, 8); !errors.Is(err, gitrepo.ErrNotFound) {
			t.Errorf("FetchPull(8) = %v, want ErrNotFound", err)
		}
	})

	t.Run("pushes honour fast-forwards, force and leases", func(t *testing.T) {
		const branch = "connectbot/lease"
		first, err := r.Commit(ctx, gitrepo.Change{Parent: head, Branch: branch, Files: map[string][]byte{"l.txt": []byte("1")}, Message: "One\n", Author: bot})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Push(ctx, branch, gitrepo.PushOptions{}); err != nil {
			t.Fatal(err)
		}
		// A rewrite of the branch: not a fast-forward.
		rewrite, err := r.Commit(ctx, gitrepo.Change{Parent: head, Branch: branch, Files: map[string][]byte{"l.txt": []byte("2")}, Message: "Two\n", Author: bot})
		if err != nil {
			t.Fatal(err)
		}
		srv.takePushes()

		steps := []struct {
			name    string
			opts    gitrepo.PushOptions
			wantErr error
			want    string // the server's branch afterwards
		}{
			{name: "a rewrite without force is rejected", wantErr: gitrepo.ErrRejected, want: first},
			{name: "a lease on another commit is refused", opts: gitrepo.PushOptions{ExpectedRemote: rewrite}, wantErr: gitrepo.ErrRejected, want: first},
			{name: "a lease on the remote's commit goes ahead", opts: gitrepo.PushOptions{ExpectedRemote: first}, want: rewrite},
		}
		for _, st := range steps {
			err := r.Push(ctx, branch, st.opts)
			t.Logf("%s: Push = %v", st.name, err)
			if st.wantErr == nil && err != nil || st.wantErr != nil && !errors.Is(err, st.wantErr) {
				t.Errorf("%s: Push = %v, want %v", st.name, err, st.wantErr)
			}
			if got := srv.ref(t, "refs/heads/"+branch); got != st.want {
				t.Errorf("%s: server branch = %s, want %s", st.name, got, st.want)
			}
		}

		if _, err := r.Commit(ctx, gitrepo.Change{Parent: head, Branch: branch, Files: map[string][]byte{"l.txt": []byte("3")}, Message: "Three\n", Author: bot}); err != nil {
			t.Fatal(err)
		}
		if err := r.Push(ctx, branch, gitrepo.PushOptions{Force: true}); err != nil {
			t.Errorf("a forced rewrite: %v", err)
		}
		if diff := cmp.Diff(mustResolve(t, r, branch), srv.ref(t, "refs/heads/"+branch)); diff != "" {
			t.Errorf("server branch after force (-want +got):\n%s", diff)
		}
	})

	t.Run("a remote branch is deleted", func(t *testing.T) {
		srv.takePushes()
		if err := r.DeleteRemoteBranch(ctx, "connectbot/remove/beta"); err != nil {
			t.Fatal(err)
		}
		if got := srv.ref(t, "refs/heads/connectbot/remove/beta"); got != "" {
			t.Errorf("server branch = %s, want it gone", got)
		}
		if err := r.DeleteRemoteBranch(ctx, "connectbot/remove/beta"); err != nil {
			t.Errorf("deleting again: %v, want nil", err)
		}
		want := []map[string]string{{"refs/heads/connectbot/remove/beta": ""}}
		if diff := cmp.Diff(want, srv.takePushes()); diff != "" {
			t.Errorf("OnPush (-want +got):\n%s", diff)
		}
	})
}

func TestClone(t *testing.T) {
	s := newSeed(t)
	srv := newServer(t, s, "")
	ctx := context.Background()
	tests := []struct {
		name     string
		url      string
		opts     gitrepo.CloneOptions
		wantHEAD string
		wantErr  error // with wantHEAD "": nil means any error
	}{
		{name: "a branch over http, onto disk", url: srv.url, opts: gitrepo.CloneOptions{Branch: "feature", Dir: t.TempDir()}, wantHEAD: s.feature},
		{name: "the default branch over http, shallow", url: srv.url, opts: gitrepo.CloneOptions{Depth: 1}, wantHEAD: s.main},
		{name: "a local path", url: s.dir, wantHEAD: s.main},
		{name: "a file URL", url: "file://" + s.dir, opts: gitrepo.CloneOptions{Branch: "feature"}, wantHEAD: s.feature},
		{name: "a missing branch is not found", url: srv.url, opts: gitrepo.CloneOptions{Branch: "nope"}, wantErr: gitrepo.ErrNotFound},
		{name: "a missing repository over http is not found", url: srv.url + "x", wantErr: gitrepo.ErrNotFound},
		{name: "a missing local repository is not found", url: t.TempDir(), wantErr: gitrepo.ErrNotFound},
		{name: "an ssh URL is refused", url: "ssh://git@github.com/acme/program.git"},
		{name: "an invalid branch name is refused", url: srv.url, opts: gitrepo.CloneOptions{Branch: "a..b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := gitrepo.Clone(ctx, tt.url, tt.opts)
			if tt.wantHEAD == "" {
				if err == nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("Clone = %v, want error %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantHEAD, mustResolve(t, r, "HEAD")); diff != "" {
				t.Errorf("HEAD (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	const token = "ghs_TheRealToken123"
	const wrong = "ghs_AWrongToken456"
	srv := newServer(t, s, token)
	// A clone made while the server still answered, for fetch and push.
	r, err := gitrepo.Clone(ctx, srv.url, gitrepo.CloneOptions{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit(ctx, gitrepo.Change{Parent: s.main, Branch: "b", Files: map[string][]byte{"f": []byte("f")}, Message: "f\n", Author: bot}); err != nil {
		t.Fatal(err)
	}
	withPassword := strings.Replace(srv.url, "http://", "http://someone:"+wrong+"@", 1)

	tests := []struct {
		name    string
		secret  string
		deny    bool
		run     func() error
		wantErr error
	}{
		{
			name:    "a clone with a wrong token",
			secret:  wrong,
			run:     func() error { _, err := gitrepo.Clone(ctx, srv.url, gitrepo.CloneOptions{Token: wrong}); return err },
			wantErr: gitrepo.ErrAuth,
		},
		{
			name:    "a clone with a password in the URL",
			secret:  wrong,
			run:     func() error { _, err := gitrepo.Clone(ctx, withPassword, gitrepo.CloneOptions{}); return err },
			wantErr: gitrepo.ErrAuth,
		},
		{
			name:   "a token over plain http to another host",
			secret: token,
			run: func() error {
				_, err := gitrepo.Clone(ctx, "http://git.example.invalid/acme/program.git", gitrepo.CloneOptions{Token: token})
				return err
			},
		},
		{
			name:    "a fetch the server refuses",
			secret:  token,
			deny:    true,
			run:     func() error { return r.Fetch(ctx) },
			wantErr: gitrepo.ErrAuth,
		},
		{
			name:    "a push the server refuses",
			secret:  token,
			deny:    true,
			run:     func() error { return r.Push(ctx, "b", gitrepo.PushOptions{}) },
			wantErr: gitrepo.ErrAuth,
		},
		{
			name:    "a pull request fetch the server refuses",
			secret:  token,
			deny:    true,
			run:     func() error { _, err := r.FetchPull(ctx, 1); return err },
			wantErr: gitrepo.ErrAuth,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.deny.Store(tt.deny)
			defer srv.deny.Store(false)
			err := tt.run()
			if err == nil {
				t.Fatal("no error")
			}
			t.Logf("error: %v", err)
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			for e := err; e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), tt.secret) {
					t.Errorf("error %q shows the secret", e)
				}
			}
		})
	}
}

// TestConcurrentUse reads trees while commits are written to the same
// repository on disk; run with -race, it shows Repo serialises its use of
// go-git, which is not safe for concurrent use.
func TestConcurrentUse(t *testing.T) {
	s := newSeed(t)
	ctx := context.Background()
	r, err := gitrepo.Open(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := r.Tree(s.main)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 4 {
		wg.Go(func() {
			for range 5 {
				if _, err := fs.ReadFile(fsys, "applications/acme.cue"); err != nil {
					errs <- err
				}
				if _, err := fs.Glob(fsys, "*/*"); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 5 {
			_, err := r.Commit(ctx, gitrepo.Change{
				Parent: s.main, Branch: "busy",
				Files:   map[string][]byte{"n.txt": {byte('0' + i)}},
				Message: "busy\n", Author: bot,
			})
			if err != nil {
				errs <- err
			}
			if _, err := r.Resolve("busy"); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestAuthorReadsWhoWroteACommit(t *testing.T) {
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := r.Worktree()
	when := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	h, err := wt.Commit("first", &git.CommitOptions{AllowEmptyCommits: true, Author: &object.Signature{Name: "Ada", Email: "ada@example.com", When: when}})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := repo.Author(h.String())
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Ada" || got.Email != "ada@example.com" || !got.When.Equal(when) {
		t.Errorf("author %+v", got)
	}
	if _, err := repo.Author(strings.Repeat("0", 40)); !errors.Is(err, gitrepo.ErrNotFound) {
		t.Errorf("unknown commit: %v", err)
	}
}
