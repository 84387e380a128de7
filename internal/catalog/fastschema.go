package catalog

import (
	"regexp"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/ast/astutil"
	"cuelang.org/go/cue/token"
)

// variant selects how the schema is built. The full schema carries its
// custom error messages; the fast one has every `| error("...")`
// alternative removed, which accepts and rejects exactly the same values a
// good deal faster. Files are judged with fast, and only a file that fails
// is judged again with full for the messages.
type variant int

const (
	full variant = iota
	fast
	// editor is full without the custom messages, for the JSON Schema:
	// its disjunctions of strings stay enumerations.
	editor
)

// withoutCustomErrors rewrites a schema file into an equivalent one that
// evaluates faster, for judging plain data:
//
//   - `X | error("...")` becomes X: error() only ever contributes a message.
//   - a disjunction of string literals, `"a" | "b"`, becomes one regular
//     expression, =~"^(a|b)$": it accepts the same concrete strings without
//     the cost of evaluating a disjunction.
func withoutCustomErrors(f *ast.File) *ast.File {
	astutil.Apply(f, nil, func(c astutil.Cursor) bool {
		or, ok := c.Node().(*ast.BinaryExpr)
		if !ok || or.Op != token.OR {
			return true
		}
		if isErrorCall(or.Y) {
			c.Replace(or.X)
			or, ok = or.X.(*ast.BinaryExpr)
			if !ok || or.Op != token.OR {
				return true
			}
		}
		if alts, ok := stringAlternatives(or); ok {
			c.Replace(&ast.UnaryExpr{Op: token.MAT, X: ast.NewString("^(" + strings.Join(alts, "|") + ")$")})
		}
		return true
	})
	return f
}

// withoutErrorCalls rewrites `X | error("...")` as X.
func withoutErrorCalls(f *ast.File) *ast.File {
	astutil.Apply(f, nil, func(c astutil.Cursor) bool {
		if or, ok := c.Node().(*ast.BinaryExpr); ok && or.Op == token.OR && isErrorCall(or.Y) {
			c.Replace(or.X)
		}
		return true
	})
	return f
}

// stringAlternatives returns the strings of a disjunction made only of
// string literals, quoted for a regular expression.
func stringAlternatives(e ast.Expr) ([]string, bool) {
	switch e := e.(type) {
	case *ast.BinaryExpr:
		if e.Op != token.OR {
			return nil, false
		}
		x, ok := stringAlternatives(e.X)
		if !ok {
			return nil, false
		}
		y, ok := stringAlternatives(e.Y)
		return append(x, y...), ok
	case *ast.BasicLit:
		s, ok := stringLit(e)
		if !ok {
			return nil, false
		}
		return []string{regexp.QuoteMeta(s)}, true
	}
	return nil, false
}

func isErrorCall(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := call.Fun.(*ast.Ident)
	return ok && id.Name == "error"
}
