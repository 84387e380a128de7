package gitrepo_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/gitrepo"
)

// gitRun runs the git binary in dir and returns its trimmed output.
func gitRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_AUTHOR_DATE=2026-11-02T09:00:00Z",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_COMMITTER_DATE=2026-11-02T09:00:00Z",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// writeFiles writes files under dir; a value starting with "-> " makes a
// symbolic link to the rest, and a name ending in ".sh" is executable.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		os.Remove(full)
		if target, ok := strings.CutPrefix(content, "-> "); ok {
			if err := os.Symlink(target, full); err != nil {
				t.Fatal(err)
			}
			continue
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(full, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
}

// mergeRepo makes a repository with the git binary: main and a branch pr
// forked from a first commit, each with its own changes.
func mergeRepo(t *testing.T, first, onMain, onPR map[string]string, removeOnMain, removeOnPR []string) (dir, mainSHA, prSHA string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("the git binary is not installed: the merge cannot be compared with git's")
	}
	dir = t.TempDir()
	gitRun(t, dir, "init", "-q", "-b", "main")
	writeFiles(t, dir, first)
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "first")
	gitRun(t, dir, "checkout", "-q", "-b", "pr")
	for _, p := range removeOnPR {
		gitRun(t, dir, "rm", "-q", "-r", p)
	}
	writeFiles(t, dir, onPR)
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", "pr")
	gitRun(t, dir, "checkout", "-q", "main")
	for _, p := range removeOnMain {
		gitRun(t, dir, "rm", "-q", "-r", p)
	}
	writeFiles(t, dir, onMain)
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "--allow-empty", "-m", "main")
	return dir, gitRun(t, dir, "rev-parse", "main"), gitRun(t, dir, "rev-parse", "pr")
}

func TestMergeMatchesGit(t *testing.T) {
	first := map[string]string{
		"program.cue":           "minInstalls: 10\n",
		"applications/acme.cue": "a\n",
		"applications/beta.cue": "b\n",
		"applications/gone.cue": "g\n",
		"docs/README.md":        "# docs\n",
		"tools/run.sh":          "#!/bin/sh\n",
	}
	tests := []struct {
		name                   string
		onMain, onPR           map[string]string
		removeMain, removePR   []string
		wantChanges            []gitrepo.PathChange // objects left out: compared by path and kind
		wantConflicts          []string
		changedOnBothSidesSame bool
	}{
		{
			name:   "changes on both sides to different files merge cleanly",
			onMain: map[string]string{"applications/beta.cue": "b2\n", "docs/new.md": "n\n"},
			onPR:   map[string]string{"applications/acme.cue": "a2\n", "applications/delta.cue": "d\n"},
			wantChanges: []gitrepo.PathChange{
				{Path: "applications/acme.cue", From: gitrepo.Entry{Kind: gitrepo.KindFile}, To: gitrepo.Entry{Kind: gitrepo.KindFile}},
				{Path: "applications/delta.cue", To: gitrepo.Entry{Kind: gitrepo.KindFile}},
			},
		},
		{
			name:     "a deletion and a symbolic link on the pull request are changes of their kinds",
			onPR:     map[string]string{"applications/link.cue": "-> ../program.cue"},
			removePR: []string{"applications/gone.cue"},
			wantChanges: []gitrepo.PathChange{
				{Path: "applications/gone.cue", From: gitrepo.Entry{Kind: gitrepo.KindFile}},
				{Path: "applications/link.cue", To: gitrepo.Entry{Kind: gitrepo.KindSymlink}},
			},
		},
		{
			name:     "a file replaced by a directory is a deletion and the files below",
			removePR: []string{"docs/README.md"},
			onPR:     map[string]string{"docs/README.md/inner.cue": "x\n", "tools/new.sh": "#!/bin/sh\n"},
			wantChanges: []gitrepo.PathChange{
				{Path: "docs/README.md", From: gitrepo.Entry{Kind: gitrepo.KindFile}},
				{Path: "docs/README.md/inner.cue", To: gitrepo.Entry{Kind: gitrepo.KindFile}},
				{Path: "tools/new.sh", To: gitrepo.Entry{Kind: gitrepo.KindExecutable}},
			},
		},
		{
			name:                   "the same change on both sides is no change and no conflict",
			onMain:                 map[string]string{"applications/acme.cue": "same\n"},
			onPR:                   map[string]string{"applications/acme.cue": "same\n"},
			changedOnBothSidesSame: true,
		},
		{
			name:          "one file changed differently on both sides conflicts",
			onMain:        map[string]string{"applications/acme.cue": "main\n"},
			onPR:          map[string]string{"applications/acme.cue": "pr\n"},
			wantConflicts: []string{"applications/acme.cue"},
		},
		{
			name:          "a file deleted on one side and changed on the other conflicts",
			removeMain:    []string{"applications/beta.cue"},
			onPR:          map[string]string{"applications/beta.cue": "b3\n"},
			wantConflicts: []string{"applications/beta.cue"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, mainSHA, prSHA := mergeRepo(t, first, tt.onMain, tt.onPR, tt.removeMain, tt.removePR)
			r, err := gitrepo.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Merge(context.Background(), gitrepo.MergeSpec{Base: mainSHA, Head: prSHA, Message: "merge\n", Author: bot})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantConflicts, res.Conflicts); diff != "" {
				t.Errorf("conflicts (-want +got):\n%s", diff)
			}
			var got []gitrepo.PathChange
			for _, c := range res.Changes {
				c.From.Object, c.To.Object = "", ""
				got = append(got, c)
			}
			if diff := cmp.Diff(tt.wantChanges, got); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
			if len(tt.wantConflicts) > 0 {
				if res.Commit != "" {
					t.Errorf("a conflicting merge wrote commit %s", res.Commit)
				}
				return
			}
			wantTree := gitRun(t, dir, "merge-tree", "--write-tree", mainSHA, prSHA)
			repo, err := git.PlainOpen(dir)
			if err != nil {
				t.Fatal(err)
			}
			c, err := repo.CommitObject(plumbing.NewHash(res.Commit))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantTree, c.TreeHash.String()); diff != "" {
				t.Errorf("merged tree (-git +ours):\n%s", diff)
			}
			parents := []string{c.ParentHashes[0].String(), c.ParentHashes[1].String()}
			if diff := cmp.Diff([]string{mainSHA, prSHA}, parents); diff != "" {
				t.Errorf("parents (-want +got):\n%s", diff)
			}
			if got := gitRun(t, dir, "merge-base", mainSHA, prSHA); got != res.MergeBase {
				t.Errorf("merge base = %s, git says %s", res.MergeBase, got)
			}
		})
	}
}

func TestMergeOfUnrelatedHistoriesIsRefused(t *testing.T) {
	dir, mainSHA, _ := mergeRepo(t, map[string]string{"a": "1\n"}, nil, nil, nil, nil)
	gitRun(t, dir, "checkout", "-q", "--orphan", "other")
	writeFiles(t, dir, map[string]string{"b": "2\n"})
	gitRun(t, dir, "add", "-A")
	gitRun(t, dir, "commit", "-q", "-m", "unrelated")
	other := gitRun(t, dir, "rev-parse", "other")
	r, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Merge(context.Background(), gitrepo.MergeSpec{Base: mainSHA, Head: other, Message: "m\n", Author: bot})
	if err == nil || !strings.Contains(err.Error(), "no common history") {
		t.Errorf("err = %v, want no common history", err)
	}
}

func TestEntriesNameKinds(t *testing.T) {
	dir, mainSHA, _ := mergeRepo(t, map[string]string{
		"applications/acme.cue": "a\n", "applications/run.sh": "#!/bin/sh\n", "applications/link.cue": "-> acme.cue",
		"applications/sub/x.cue": "x\n",
	}, nil, nil, nil, nil)
	r, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Entries(mainSHA, "applications")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]gitrepo.EntryKind{}
	for n, e := range got {
		kinds[n] = e.Kind
	}
	want := map[string]gitrepo.EntryKind{"acme.cue": gitrepo.KindFile, "run.sh": gitrepo.KindExecutable, "link.cue": gitrepo.KindSymlink, "sub": gitrepo.KindDir}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	none, err := r.Entries(mainSHA, "missing")
	if err != nil || len(none) != 0 {
		t.Errorf("Entries of a missing directory = %v, %v; want none", none, err)
	}
}

func TestMergeRefusesATreeGitRefuses(t *testing.T) {
	dir, mainSHA, _ := mergeRepo(t, map[string]string{"applications/acme.cue": "a\n"}, nil, nil, nil, nil)
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	blob := func(content string) plumbing.Hash {
		obj := repo.Storer.NewEncodedObject()
		obj.SetType(plumbing.BlobObject)
		w, _ := obj.Writer()
		w.Write([]byte(content))
		w.Close()
		h, err := repo.Storer.SetEncodedObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	store := func(o interface {
		Encode(plumbing.EncodedObject) error
	}) plumbing.Hash {
		obj := repo.Storer.NewEncodedObject()
		if err := o.Encode(obj); err != nil {
			t.Fatal(err)
		}
		h, err := repo.Storer.SetEncodedObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	parent, err := repo.CommitObject(plumbing.NewHash(mainSHA))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		entries []object.TreeEntry
	}{
		{"two entries of one name", []object.TreeEntry{
			{Name: "evil.cue", Mode: filemode.Regular, Hash: blob("one\n")},
			{Name: "evil.cue", Mode: filemode.Regular, Hash: blob("two\n")},
		}},
		{"a name with a slash", []object.TreeEntry{{Name: "sub/evil.cue", Mode: filemode.Regular, Hash: blob("x\n")}}},
		{"a .git directory", []object.TreeEntry{{Name: ".GIT", Mode: filemode.Regular, Hash: blob("x\n")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apps := store(&object.Tree{Entries: tt.entries})
			root := store(&object.Tree{Entries: []object.TreeEntry{{Name: "applications", Mode: filemode.Dir, Hash: apps}}})
			head := store(&object.Commit{Author: parent.Author, Committer: parent.Committer, Message: "evil\n", TreeHash: root,
				ParentHashes: []plumbing.Hash{parent.Hash}})
			r, err := gitrepo.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Merge(context.Background(), gitrepo.MergeSpec{Base: mainSHA, Head: head.String(), Message: "m\n", Author: bot})
			if !errors.Is(err, gitrepo.ErrMalformedTree) {
				t.Errorf("merge: %v, want ErrMalformedTree", err)
			}
			if _, err := r.Entries(head.String(), "applications"); !errors.Is(err, gitrepo.ErrMalformedTree) {
				t.Errorf("entries: %v, want ErrMalformedTree", err)
			}
		})
	}
}
