package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// module is connectbot's module path, the prefix of its own imports.
const module = "github.com/connectbot/connectbot/"

// TestREADMEWhereThingsAreListsEveryPackage keeps the README's "Where
// things are" table true: every package under internal/ and cmd/ has a
// row, every row names a package that is there, and a package imports none
// of connectbot's packages its row does not name.
func TestREADMEWhereThingsAreListsEveryPackage(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string][]string{}
	for _, dir := range []string{"internal", "cmd"} {
		if err := packageImports("../..", dir, pkgs); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range layoutProblems(string(readme), pkgs) {
		t.Error(p)
	}
}

func TestLayoutProblems(t *testing.T) {
	const readme = "# x\n\n## Where things are\n\n| package | owns | may import |\n|---|---|---|\n" +
		"| `internal/a` | a | — |\n| `internal/b` | b | `a` `schema` |\n\n## Next\n\n| `internal/c` | c | — |\n"
	tests := []struct {
		name string
		pkgs map[string][]string
		want []string
	}{
		{
			name: "every package listed, importing what its row names",
			pkgs: map[string][]string{"internal/a": nil, "internal/b": {"internal/a", "schema"}},
		},
		{
			name: "a package the section does not list is named",
			pkgs: map[string][]string{"internal/a": nil, "internal/b": nil, "internal/c": nil},
			want: []string{`README.md "Where things are" has no row for internal/c`},
		},
		{
			name: "a row for a package that is not there is named",
			pkgs: map[string][]string{"internal/a": nil},
			want: []string{`README.md "Where things are" has a row for internal/b, which is no package`},
		},
		{
			name: "an import the row does not name is named",
			pkgs: map[string][]string{"internal/a": {"internal/b"}, "internal/b": nil},
			want: []string{`internal/a imports internal/b, which its row in README.md "Where things are" does not name`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := layoutProblems(readme, tt.pkgs)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// layoutProblems compares the "Where things are" table of readme with
// pkgs, each package's path (from the module's root) and connectbot's
// packages it imports.
func layoutProblems(readme string, pkgs map[string][]string) []string {
	const where = `README.md "Where things are"`
	rows := layoutRows(readme)
	var out []string
	for _, p := range slices.Sorted(maps.Keys(pkgs)) {
		allowed, ok := rows[p]
		if !ok {
			out = append(out, fmt.Sprintf("%s has no row for %s", where, p))
			continue
		}
		for _, imp := range pkgs[p] {
			if !slices.Contains(allowed, imp) {
				out = append(out, fmt.Sprintf("%s imports %s, which its row in %s does not name", p, imp, where))
			}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(rows)) {
		if _, ok := pkgs[p]; !ok && (strings.HasPrefix(p, "internal/") || strings.HasPrefix(p, "cmd/")) {
			out = append(out, fmt.Sprintf("%s has a row for %s, which is no package", where, p))
		}
	}
	return out
}

// layoutRow is a row of the table: its package in backquotes, what it
// owns, and the packages it may import, each in backquotes.
var layoutRow = regexp.MustCompile("(?m)^\\| `([^`]+)` \\|[^|]*\\|([^|]*)\\|$")

// layoutRows reads the table of the section "Where things are": each
// package's path and the paths of the packages it may import (a name
// under internal/, or schema).
func layoutRows(readme string) map[string][]string {
	_, section, _ := strings.Cut(readme, "\n## Where things are\n")
	section, _, _ = strings.Cut(section, "\n## ")
	rows := map[string][]string{}
	for _, m := range layoutRow.FindAllStringSubmatch(section, -1) {
		var allowed []string
		for _, name := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[2], -1) {
			p := "internal/" + name[1]
			if name[1] == "schema" {
				p = "schema"
			}
			allowed = append(allowed, p)
		}
		rows[strings.TrimSuffix(m[1], "/")] = allowed
	}
	return rows
}

// packageImports adds to pkgs every package under root/dir that has Go
// files besides tests, with connectbot's packages those files import.
func packageImports(root, dir string, pkgs map[string][]string) error {
	return filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && d.Name() == "testdata" {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		imports := pkgs[pkg]
		for _, spec := range f.Imports {
			imp, _ := strconv.Unquote(spec.Path.Value)
			if own, ok := strings.CutPrefix(imp, module); ok && !slices.Contains(imports, own) {
				imports = append(imports, own)
			}
		}
		pkgs[pkg] = imports
		return nil
	})
}
