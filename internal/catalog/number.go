package catalog

import (
	"fmt"
	"math"
	"math/big"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"

	"github.com/connectbot/connectbot/internal/application"
)

// The whole numbers connectbot reads: CUE's integers are unbounded, but
// the decoded values are Go ints.
var (
	minNumber = big.NewRat(math.MinInt64, 1)
	maxNumber = big.NewRat(math.MaxInt64, 1)
)

// numberOutOfRange returns a finding for the first whole number the file
// writes that connectbot cannot hold, naming its field and the range, or
// false when every number fits. The schema's own bounds (zero or more,
// one or more) are CUE's to check; this is the range of the decoded value.
func numberOutOfRange(f *ast.File, pos application.Locator) (application.Finding, bool) {
	for _, d := range f.Decls {
		if field, ok := d.(*ast.Field); ok {
			if x, found := fieldOutOfRange("", field, pos); found {
				return x, true
			}
		}
	}
	return application.Finding{}, false
}

func fieldOutOfRange(parent string, f *ast.Field, pos application.Locator) (application.Finding, bool) {
	name, _, err := ast.LabelName(f.Label)
	if err != nil {
		return application.Finding{}, false
	}
	p := name
	if parent != "" {
		p = parent + "." + name
	}
	return valueOutOfRange(p, f.Value, pos)
}

func valueOutOfRange(p string, e ast.Expr, pos application.Locator) (application.Finding, bool) {
	switch e := e.(type) {
	case *ast.StructLit:
		for _, d := range e.Elts {
			if field, ok := d.(*ast.Field); ok {
				if x, found := fieldOutOfRange(p, field, pos); found {
					return x, true
				}
			}
		}
	case *ast.ListLit:
		for i, x := range e.Elts {
			if f, found := valueOutOfRange(application.IndexPath(p, i), x, pos); found {
				return f, true
			}
		}
	case *ast.UnaryExpr:
		if lit, ok := e.X.(*ast.BasicLit); ok && e.Op == token.SUB {
			return literalOutOfRange(p, lit, "-", pos)
		}
	case *ast.BasicLit:
		return literalOutOfRange(p, e, "", pos)
	}
	return application.Finding{}, false
}

func literalOutOfRange(p string, lit *ast.BasicLit, sign string, pos application.Locator) (application.Finding, bool) {
	if lit.Kind != token.INT {
		return application.Finding{}, false
	}
	var num literal.NumInfo
	if literal.ParseNum(lit.Value, &num) != nil {
		return application.Finding{}, false
	}
	v, ok := new(big.Rat).SetString(sign + num.String())
	if !ok || (v.Cmp(minNumber) >= 0 && v.Cmp(maxNumber) <= 0) {
		return application.Finding{}, false
	}
	at := pos.Lookup(p)
	if lit.Pos().IsValid() {
		at = toPos(lit.Pos())
	}
	return application.Finding{
		Rule: RuleSchema, Severity: application.SeverityError, Path: p, Line: at.Line, Column: at.Column,
		Message: fmt.Sprintf("%s is %s%s, out of range: it must be a whole number between %d and %d",
			p, sign, lit.Value, int64(math.MinInt64), int64(math.MaxInt64)),
	}, true
}
