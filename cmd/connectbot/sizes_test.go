package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// The sizes production code is held to: a function a reader takes in at
// once, a file that holds one thing.
const (
	maxFunctionLines = 80
	maxFileLines     = 500
)

// exempt are the files whose length is their content: the fake GitHub (a
// stand-in for a large API, kept to GitHub's shapes, not to these sizes)
// and the clause table (one entry per sentence of the two policies).
var exempt = []string{"internal/forge/forgetest/", "internal/policy/clauses.go"}

// TestProductionCodeKeepsToTheSizesAReaderTakesIn walks every non-test Go
// file under cmd/ and internal/ and names each function over
// maxFunctionLines lines and each file over maxFileLines, outside
// exempt.
func TestProductionCodeKeepsToTheSizesAReaderTakesIn(t *testing.T) {
	fset := token.NewFileSet()
	files := 0
	for _, dir := range []string{"cmd", "internal"} {
		err := filepath.WalkDir(filepath.Join("..", "..", dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			files++
			rel, _ := filepath.Rel(filepath.Join("..", ".."), p)
			for _, problem := range sizeProblems(fset, filepath.ToSlash(rel), f) {
				t.Error(problem)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 100 {
		t.Fatalf("read %d production files under cmd/ and internal/: the walk looks in the wrong place", files)
	}
}

// sizeProblems names the functions of file f (at path) over
// maxFunctionLines lines, and the file itself when it is over
// maxFileLines; nothing when the file is exempt.
func sizeProblems(fset *token.FileSet, path string, f *ast.File) []string {
	if exemptFile(path) {
		return nil
	}
	var out []string
	if lines := fset.File(f.Pos()).LineCount(); lines > maxFileLines {
		out = append(out, fmt.Sprintf("%s: %d lines, want at most %d: split it into files named after what they hold", path, lines, maxFileLines))
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		start, end := fset.Position(fn.Pos()).Line, fset.Position(fn.End()).Line
		if n := end - start + 1; n > maxFunctionLines {
			out = append(out, fmt.Sprintf("%s:%d: %s is %d lines, want at most %d: name its parts", path, start, fn.Name.Name, n, maxFunctionLines))
		}
	}
	return out
}

func exemptFile(path string) bool {
	for _, e := range exempt {
		if path == e || strings.HasSuffix(e, "/") && strings.HasPrefix(path, e) {
			return true
		}
	}
	return false
}

func TestSizeProblems(t *testing.T) {
	long := "package x\n\nfunc long() {\n" + strings.Repeat("\t_ = 1\n", maxFunctionLines-1) + "}\n"
	tests := []struct {
		name, path, src string
		want            int
	}{
		{"a function of exactly the limit passes", "internal/x/x.go", "package x\n\nfunc ok() {\n" + strings.Repeat("\t_ = 1\n", maxFunctionLines-2) + "}\n", 0},
		{"a function one line over is named", "internal/x/x.go", long, 1},
		{"a file over the limit is named", "internal/x/x.go", "package x\n" + strings.Repeat("\n", maxFileLines) + "var v = 1\n", 1},
		{"the fake GitHub may be long, and so may its functions", "internal/forge/forgetest/x.go", long + strings.Repeat("\n", maxFileLines), 0},
		{"a function one line over is named in a file of any length", "internal/x/x.go", long + strings.Repeat("\n", maxFileLines), 2},
		{"the clause table may be long", "internal/policy/clauses.go", "package x\n" + strings.Repeat("\n", maxFileLines) + "var v = 1\n", 0},
		{"another file of policy may not", "internal/policy/clauses2.go", "package x\n" + strings.Repeat("\n", maxFileLines) + "var v = 1\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, tt.path, tt.src, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := sizeProblems(fset, tt.path, f); len(got) != tt.want {
				t.Errorf("%d problems, want %d: %q", len(got), tt.want, got)
			}
		})
	}
}
