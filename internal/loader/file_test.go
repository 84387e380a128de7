package loader_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/samplegen"
)

// withoutRemoved is the binary's schema as a tree's schema/, in which no
// application may be removed: its #Stage lacks "removed".
func withoutRemoved(t *testing.T) fstest.MapFS {
	t.Helper()
	files := embeddedSchema(t, "40")
	src := files["schema/application.cue"].Data
	changed := bytes.Replace(src, []byte(`"partner" | "removed" |`), []byte(`"partner" |`), 1)
	if bytes.Equal(changed, src) {
		t.Fatal(`schema/application.cue no longer says "partner" | "removed" |: update this test`)
	}
	files["schema/application.cue"] = &fstest.MapFile{Data: changed}
	return files
}

func TestRewriteRefusesAFileThatWouldNotLoad(t *testing.T) {
	app := samplegen.Application(1)
	removed := func(p application.ProgramState) application.ProgramState {
		p.Stage = application.StageRemoved
		p.Removed = &application.Removal{At: application.MustParseDate("2026-11-25"), Reason: "installs-window-lapsed", By: "connectbot"}
		return p
	}
	for _, tc := range []struct {
		name    string
		schema  fstest.MapFS
		refused bool
	}{
		{name: "a removal the binary's schema accepts is written", schema: fstest.MapFS{}},
		{name: "a removal the tree's own schema does not accept is refused", schema: withoutRemoved(t), refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := tc.schema
			p := "applications/" + samplegen.Slug(1) + ".cue"
			files[p] = &fstest.MapFile{Data: app}
			for _, tree := range trees(t, files) {
				l := loader.New()
				f, src, err := l.Application(tree, p)
				if err != nil || f.App == nil {
					t.Fatalf("the file before the rewrite: %v %+v", err, f.Findings)
				}
				if !bytes.Equal(src, app) {
					t.Errorf("Application gave another source than the file's")
				}
				out, err := l.Rewrite(tree, p, removed(f.App.Program))
				if want := "the rewritten " + p + " would not load: "; tc.refused {
					if err == nil || !strings.HasPrefix(err.Error(), want) {
						t.Fatalf("Rewrite: %v, want an error starting %q; wrote\n%s", err, want, out)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				after, _, err := l.Application(loader.Dir(fstest.MapFS{p: {Data: out}}), p)
				if err != nil || after.App == nil {
					t.Fatalf("the rewritten file: %v %+v", err, after.Findings)
				}
				if diff := cmp.Diff(removed(f.App.Program), after.App.Program); diff != "" {
					t.Errorf("the rewritten program part (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// trees is files as a checkout on disk and as a commit read from git.
func trees(t *testing.T, files fstest.MapFS) map[string]loader.Tree {
	t.Helper()
	r, sha := commit(t, files)
	fromGit, err := loader.Read(r, sha)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]loader.Tree{"checkout": loader.Dir(files), "commit": fromGit}
}

func TestApplicationLoadsAFileOncePerBlob(t *testing.T) {
	p := "applications/" + samplegen.Slug(2) + ".cue"
	r, sha := commit(t, fstest.MapFS{p: {Data: samplegen.Application(2)}})
	tree, err := loader.Read(r, sha)
	if err != nil {
		t.Fatal(err)
	}
	l := loader.New()
	first, _, err := l.Application(tree, p)
	if err != nil {
		t.Fatal(err)
	}
	first.Findings = append(first.Findings, application.Finding{Rule: "test/changed"})
	second, _, err := l.Application(tree, p)
	if err != nil {
		t.Fatal(err)
	}
	if second.App != first.App {
		t.Errorf("the second read of the same blob loaded it again")
	}
	if len(second.Findings) == len(first.Findings) {
		t.Errorf("a caller's change to the findings reached the loader's copy")
	}
}
