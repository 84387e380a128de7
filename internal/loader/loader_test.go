package loader_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/samplegen"
)

// embeddedSchema is the binary's schema as a tree's schema/, with its
// certificationInstalls default changed to certify.
func embeddedSchema(t *testing.T, certify string) fstest.MapFS {
	t.Helper()
	files, err := samplegen.Schema(certify)
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	for p, src := range files {
		out[p] = &fstest.MapFile{Data: src}
	}
	return out
}

func TestCatalogIsTheTreesSchemaElseTheBinarys(t *testing.T) {
	broken := fstest.MapFS{"schema/broken.cue": {Data: []byte("#Program: {")}}
	for _, tc := range []struct {
		name    string
		tree    fstest.MapFS
		certify int
		err     string
	}{
		{name: "a tree without schema/ is judged by the binary's schema", tree: fstest.MapFS{}, certify: 40},
		{name: "a tree whose schema/ holds no .cue file is judged by the binary's schema",
			tree: fstest.MapFS{"schema/README.md": {Data: []byte("notes")}}, certify: 40},
		{name: "a tree with its own schema is judged by it", tree: embeddedSchema(t, "45"), certify: 45},
		{name: "a tree whose schema does not build cannot be judged", tree: broken, err: "the tree's schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cat, err := loader.Catalog(tc.tree)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := cat.Program("program.cue", nil)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.CertificationInstalls != tc.certify {
				t.Errorf("certificationInstalls %d, want %d", cfg.CertificationInstalls, tc.certify)
			}
		})
	}
}

// TestLoadJudgesACommitAsItsCheckout loads one program as a checkout on
// disk and as the commit that holds it, with one loader loading the
// commit twice: the snapshots are the same, by the tree's own schema.
func TestLoadJudgesACommitAsItsCheckout(t *testing.T) {
	files := embeddedSchema(t, "45")
	files["program.cue"] = &fstest.MapFile{Data: []byte("minInstalls: 10\n")}
	for i := range 20 {
		files["applications/"+samplegen.Slug(i)+".cue"] = &fstest.MapFile{Data: samplegen.Application(i)}
	}
	files["applications/"+samplegen.Slug(20)+".cue"] = &fstest.MapFile{Data: []byte("company: 1\n")}
	now := application.MustParseDate("2026-11-25")
	fromDisk, _, err := loader.New().Load(loader.Dir(files), now)
	if err != nil {
		t.Fatal(err)
	}
	if fromDisk.Config.CertificationInstalls != 45 {
		t.Fatalf("the checkout was not judged by its own schema: certificationInstalls %d", fromDisk.Config.CertificationInstalls)
	}
	r, sha := commit(t, files)
	l := loader.New()
	for i := range 2 {
		tree, err := loader.Read(r, sha)
		if err != nil {
			t.Fatal(err)
		}
		fromGit, _, err := l.Load(tree, now)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fromDisk, fromGit, cmpopts.IgnoreFields(application.File{}, "Positions")); diff != "" {
			t.Errorf("load %d of the commit differs from the checkout (-disk +git):\n%s", i+1, diff)
		}
		// The caller may change what it was given.
		fromGit.Files[0].Findings = nil
	}
}

// commit writes files as the first commit of a new repository.
func commit(t *testing.T, files fstest.MapFS) (*gitrepo.Repo, string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}}); err != nil {
		t.Fatal(err)
	}
	r, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	content := map[string][]byte{}
	err = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content[p], err = fs.ReadFile(files, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	who := gitrepo.Signature{Name: "test", Email: "test@example.com", When: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	sha, err := r.Commit(context.Background(), gitrepo.Change{Branch: "main", Files: content, Message: "program\n", Author: who})
	if err != nil {
		t.Fatal(err)
	}
	return r, sha
}

// TestSizesCountWhatTheLoaderKeeps loads one commit twice: the first
// load keeps its catalogue, configuration, files and judged tree, the
// second finds them and keeps nothing more.
func TestSizesCountWhatTheLoaderKeeps(t *testing.T) {
	files := fstest.MapFS{"program.cue": &fstest.MapFile{Data: []byte("minInstalls: 10\n")}}
	for i := range 20 {
		files["applications/"+samplegen.Slug(i)+".cue"] = &fstest.MapFile{Data: samplegen.Application(i)}
	}
	r, sha := commit(t, files)
	l := loader.New()
	if diff := cmp.Diff(map[string]int{"catalogs": 0, "configs": 0, "files": 0, "checked": 0, "trees": 0}, l.Sizes()); diff != "" {
		t.Errorf("a new loader keeps (-want +got):\n%s", diff)
	}
	want := map[string]int{"catalogs": 1, "configs": 1, "files": 20, "checked": 20, "trees": 1}
	for i := range 2 {
		tree, err := loader.Read(r, sha)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := l.Load(tree, application.MustParseDate("2026-11-25")); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, l.Sizes()); diff != "" {
			t.Errorf("after load %d the loader keeps (-want +got):\n%s", i+1, diff)
		}
	}
}

// TestTheFileCachesKeepWhatTheProgramNeedsNotEveryVersionJudged: a
// long-running process judges new versions of files all day (each push to
// a pull request); its file caches hold twice the largest tree's files
// per generation (at least 256), not every version since it started.
func TestTheFileCachesKeepWhatTheProgramNeedsNotEveryVersionJudged(t *testing.T) {
	files := fstest.MapFS{"program.cue": &fstest.MapFile{Data: []byte("minInstalls: 10\n")}}
	for i := range 20 {
		files["applications/"+samplegen.Slug(i)+".cue"] = &fstest.MapFile{Data: samplegen.Application(i)}
	}
	r, base := commit(t, files)
	who := gitrepo.Signature{Name: "test", Email: "test@example.com", When: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	l := loader.New()
	for v := range 600 {
		i := v % 20
		sha, err := r.Commit(context.Background(), gitrepo.Change{Parent: base, Branch: "pr", Message: "edit\n", Author: who,
			Files: map[string][]byte{"applications/" + samplegen.Slug(i) + ".cue": fmt.Appendf(samplegen.Application(i), "// version %d\n", v)}})
		if err != nil {
			t.Fatal(err)
		}
		tree, err := loader.Read(r, sha)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := l.Load(tree, application.MustParseDate("2026-11-25")); err != nil {
			t.Fatal(err)
		}
	}
	sizes := l.Sizes()
	for _, cache := range []string{"files", "checked"} {
		if sizes[cache] > 2*256 {
			t.Errorf("after 600 versions of a program of 20 files the loader keeps %d %s, want at most %d", sizes[cache], cache, 2*256)
		}
	}
}
