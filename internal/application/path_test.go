package application_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
)

func TestPathOfSlugOfAndIsPath(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		isPath bool
		slug   string
	}{
		{"an application file", "applications/acme-sync.cue", true, "acme-sync"},
		{"a file in a subdirectory of applications", "applications/old/acme-sync.cue", false, "acme-sync"},
		{"a file of another extension in applications", "applications/acme-sync.json", false, "acme-sync.json"},
		{"a CUE file outside applications", "schema/application.cue", false, "application"},
		{"applications itself", "applications", false, "applications"},
		{"a bare file name", "acme-sync.cue", false, "acme-sync"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := application.IsPath(tt.path); got != tt.isPath {
				t.Errorf("IsPath(%q) = %v, want %v", tt.path, got, tt.isPath)
			}
			if got := application.SlugOf(tt.path); got != tt.slug {
				t.Errorf("SlugOf(%q) = %q, want %q", tt.path, got, tt.slug)
			}
		})
	}
	if got, want := application.PathOf("acme-sync"), "applications/acme-sync.cue"; got != want {
		t.Errorf("PathOf = %q, want %q", got, want)
	}
	if p := application.PathOf("acme-sync"); !application.IsPath(p) || application.SlugOf(p) != "acme-sync" {
		t.Errorf("PathOf(%q) = %q does not round-trip through IsPath and SlugOf", "acme-sync", p)
	}
}

// TestTheApplicationPathIsSpelledInOneFile reads every production Go file
// under cmd/ and internal/ and fails, naming the file and line, for each
// string literal that spells the application path on its own: the
// directory "applications" (alone or as "applications/..."), or the
// extension ".cue" alone. They are spelled once, in path.go; everything
// else uses Dir, Ext, Pattern, Glob, PathOf, SlugOf, IsPath or InDir.
//
// Exempt, because they are data rather than the code that names the path:
// test files (_test.go), which build trees and compare output spelled as a
// person reads it; and testdata directories, which hold sample programs.
// A literal that names a CUE file other than an application's (the schema's
// "*.cue", "program.cue") is not the application path and is not matched.
func TestTheApplicationPathIsSpelledInOneFile(t *testing.T) {
	home, err := filepath.Abs("path.go")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, root := range []string{"../../cmd", "../../internal"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && d.Name() == "testdata":
				return filepath.SkipDir
			case d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go"):
				return nil
			}
			if abs, _ := filepath.Abs(p); abs == home {
				return nil
			}
			found = append(found, pathLiterals(t, p)...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range found {
		t.Errorf("%s spells the application path outside internal/application/path.go; use its names", f)
	}
}

// pathLiterals returns "file:line: literal" for each string literal of the
// Go file p that spells the application path.
func pathLiterals(t *testing.T, p string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
		}
		if s == application.Dir || s == application.Ext || strings.Contains(s, application.Dir+"/") {
			out = append(out, fset.Position(lit.Pos()).String()+": "+lit.Value)
		}
		return true
	})
	return out
}
