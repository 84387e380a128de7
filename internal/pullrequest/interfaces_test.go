package pullrequest_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestNoClientIsAskedForAMethodItsInterfaceDoesNotDeclare holds the
// handler, the event routing and the tick to interfaces that say
// everything they need: a type assertion on a client ("does this one
// happen to have X?") hides a dependency that a fake can silently lack —
// a lease skipped, a reopening never read. Only a context's values are
// asserted.
func TestNoClientIsAskedForAMethodItsInterfaceDoesNotDeclare(t *testing.T) {
	var got []string
	for _, dir := range []string{".", "../dispatch", "../tick"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			got = append(got, assertions(t, name)...)
		}
	}
	if diff := cmp.Diff([]string(nil), got); diff != "" {
		t.Errorf("type assertions on clients (-want +got):\n%s", diff)
	}
}

// assertions lists the type assertions in file name other than on a
// context's value, as "file:line".
func assertions(t *testing.T, name string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		a, ok := n.(*ast.TypeAssertExpr)
		if !ok || contextValue(a.X) {
			return true
		}
		out = append(out, fmt.Sprintf("%s:%d", filepath.ToSlash(name), fset.Position(a.Pos()).Line))
		return true
	})
	return out
}

// contextValue reports whether x is a call of a context's Value method.
func contextValue(x ast.Expr) bool {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Value"
}
