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
	w := numberWalk{pos: pos}
	for _, d := range f.Decls {
		if field, ok := d.(*ast.Field); ok && w.field(field) {
			return w.found, true
		}
	}
	return application.Finding{}, false
}

// segment is one step of a field path: a label, or an index when the
// label is "".
type segment struct {
	label string
	index int
}

// joinSegments writes a path of segments in the documented form:
// integration.scopes[0].reason.
func joinSegments(segs []segment) string {
	p := ""
	for _, seg := range segs {
		switch {
		case seg.label == "":
			p = application.IndexPath(p, seg.index)
		case p == "":
			p = seg.label
		default:
			p += "." + seg.label
		}
	}
	return p
}

// numberWalk looks for a number out of range; path holds the labels and
// indexes down to the value it is at, joined only for a finding.
type numberWalk struct {
	pos   application.Locator
	path  []segment
	found application.Finding
}

func (w *numberWalk) field(f *ast.Field) bool {
	name, _, err := ast.LabelName(f.Label)
	if err != nil {
		return false
	}
	w.path = append(w.path, segment{label: name})
	defer func() { w.path = w.path[:len(w.path)-1] }()
	return w.value(f.Value)
}

func (w *numberWalk) value(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.StructLit:
		for _, d := range e.Elts {
			if field, ok := d.(*ast.Field); ok && w.field(field) {
				return true
			}
		}
	case *ast.ListLit:
		for i, x := range e.Elts {
			w.path = append(w.path, segment{index: i})
			found := w.value(x)
			w.path = w.path[:len(w.path)-1]
			if found {
				return true
			}
		}
	case *ast.UnaryExpr:
		if lit, ok := e.X.(*ast.BasicLit); ok && e.Op == token.SUB {
			return w.literal(lit, "-")
		}
	case *ast.BasicLit:
		return w.literal(e, "")
	}
	return false
}

func (w *numberWalk) literal(lit *ast.BasicLit, sign string) bool {
	if lit.Kind != token.INT || shortDecimal(lit.Value) {
		return false
	}
	var num literal.NumInfo
	if literal.ParseNum(lit.Value, &num) != nil {
		return false
	}
	v, ok := new(big.Rat).SetString(sign + num.String())
	if !ok || (v.Cmp(minNumber) >= 0 && v.Cmp(maxNumber) <= 0) {
		return false
	}
	p := joinSegments(w.path)
	at := w.pos.Lookup(p)
	if lit.Pos().IsValid() {
		at = toPos(lit.Pos())
	}
	w.found = application.Finding{
		Rule: RuleSchema, Severity: application.SeverityError, Path: p, Line: at.Line, Column: at.Column,
		Message: fmt.Sprintf("%s is %s%s, out of range: it must be a whole number between %d and %d",
			p, sign, lit.Value, int64(math.MinInt64), int64(math.MaxInt64)),
	}
	return true
}

// shortDecimal reports whether s is plain decimal digits, at most 18 of
// them, which every int64 holds: the common case, decided without parsing.
func shortDecimal(s string) bool {
	if len(s) > 18 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
