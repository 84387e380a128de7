package loader_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// choosers are the calls that choose a schema or load a program tree
// with one chosen by the caller: outside the packages that define them,
// only the loader may make them.
var choosers = map[string][]string{
	"catalog":  {"Default", "New"},
	"loader":   {"Catalog"},
	"snapshot": {"Load", "LoadConfig"},
}

// notATree are the files that may call a chooser, each for a reason that
// is not loading a program tree.
var notATree = map[string]string{
	// A new program's files, made from the binary's schema: there is no
	// tree yet, and the one made has no schema/.
	"internal/scaffold/scaffold.go": "catalog.Default",
	// `connectbot schema` prints the binary's own format.
	"cmd/connectbot/schema.go": "catalog.Default",
}

// TestEveryProgramTreeIsLoadedThroughTheLoader reads every non-test Go
// file of the module and fails on a call that chooses a schema or loads
// a program tree on its own, outside internal/loader (and the packages
// that define the calls): every command, run and event loads through a
// loader.Loader, so no two of them judge one tree with different schemas.
func TestEveryProgramTreeIsLoadedThroughTheLoader(t *testing.T) {
	root := filepath.Join("..", "..")
	var found []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		for _, own := range []string{"internal/loader/", "internal/catalog/", "internal/snapshot/"} {
			if strings.HasPrefix(rel, own) {
				return nil
			}
		}
		for _, call := range chooserCalls(t, p) {
			if notATree[rel] != call {
				found = append(found, rel+": "+call)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string(nil), found); diff != "" {
		t.Errorf("calls that choose a schema outside internal/loader; load through a loader.Loader (-want +got):\n%s", diff)
	}
}

// chooserCalls lists the chooser calls in the Go file at p, as
// package.Name.
func chooserCalls(t *testing.T, p string) []string {
	t.Helper()
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), p, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); ok && slices.Contains(choosers[pkg.Name], sel.Sel.Name) {
			out = append(out, pkg.Name+"."+sel.Sel.Name)
		}
		return true
	})
	return out
}
