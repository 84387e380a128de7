package catalog

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"cuelang.org/go/cue/ast"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/connectbot/connectbot/internal/application"
)

// Limits bound what the guard lets through to CUE's evaluator. CUE has no
// cancellation, so anything that could make evaluation slow or large must be
// refused before it starts.
type Limits struct {
	// MaxBytes is the largest file accepted.
	MaxBytes int
	// MaxNodes is the most syntax nodes (fields, values, list elements) a
	// file may hold.
	MaxNodes int
	// MaxDepth is the deepest nesting of structs and lists.
	MaxDepth int
}

// DefaultLimits are generous for any real application file (a full sample
// is about 2 KiB, 120 nodes and 4 levels deep) and small enough that CUE
// evaluates anything inside them in milliseconds.
var DefaultLimits = Limits{MaxBytes: 64 << 10, MaxNodes: 4000, MaxDepth: 16}

// Rule ids of the findings the loader itself produces. They are about the
// file's form, not about a policy sentence.
const (
	RuleSize      = "format/size"
	RuleEncoding  = "format/encoding"
	RuleSyntax    = "format/syntax"
	RulePlainData = "format/plain-data"
	RuleSchema    = "format/schema"
	RuleInternal  = "format/internal"
)

// FormatRule describes one of the loader's own rules.
type FormatRule struct {
	ID, Description string
}

// FormatRules lists the loader's rules, for documentation.
func FormatRules() []FormatRule {
	return []FormatRule{
		{RuleSize, "An application file is at most 64 KiB."},
		{RuleEncoding, "An application file is UTF-8 text without NUL bytes."},
		{RuleSyntax, "An application file is well-formed CUE."},
		{RulePlainData, "An application file holds plain values only: no imports, references, expressions, comprehensions, definitions, attributes; at most 4000 values, nested at most 16 levels."},
		{RuleSchema, "An application file matches #Application in schema/: known fields, required fields present, values of the right type and format."},
		{RuleInternal, "The file could not be checked at all; report it to the program team."},
	}
}

// refusal is a guard's reason to reject a file, with the position it is about.
type refusal struct {
	rule string
	pos  application.Pos
	msg  string
	// others are the further errors of a file that cannot be parsed, each
	// at its own position.
	others []*refusal
}

// findings returns the refusal and its others as findings, in file order.
func (r *refusal) findings() []application.Finding {
	out := make([]application.Finding, 0, 1+len(r.others))
	for _, x := range append([]*refusal{r}, r.others...) {
		out = append(out, application.Finding{
			Rule: x.rule, Severity: application.SeverityError, Message: x.msg,
			Line: x.pos.Line, Column: x.pos.Column,
		})
	}
	return tidy(out)
}

func (r *refusal) Error() string { return r.msg }

// guard checks that src is plain data of a bounded size and shape and
// returns its syntax tree. It never evaluates anything.
func guard(filename string, src []byte, lim Limits) (*ast.File, *refusal) {
	f, _, r := guardFixing(filename, src, lim, false)
	return f, r
}

// guardFixing is guard that, when fix is set, mends the common mistakes of
// a newcomer to CUE — True or FALSE for a boolean, text without quotes or
// in single quotes — in the returned tree, as the integrator evidently
// meant them, and returns a finding for each instead of refusing the file:
// the rest of the file is then judged in the same round. Without fix, the
// first mistake is refused with the same advice.
func guardFixing(filename string, src []byte, lim Limits, fix bool) (*ast.File, []application.Finding, *refusal) {
	if len(src) > lim.MaxBytes {
		return nil, nil, &refusal{rule: RuleSize, pos: application.Pos{Line: 1, Column: 1},
			msg: fmt.Sprintf("file is %d bytes; an application file may be at most %d bytes", len(src), lim.MaxBytes)}
	}
	if !utf8.Valid(src) {
		return nil, nil, &refusal{rule: RuleEncoding, pos: firstInvalidUTF8(src), msg: "file is not valid UTF-8 text"}
	}
	if i := strings.IndexByte(string(src), 0); i >= 0 {
		return nil, nil, &refusal{rule: RuleEncoding, pos: posAt(src, i), msg: "file contains a NUL byte; it must be text"}
	}
	// Brackets are counted on the raw bytes, strings included, before the
	// parser (which recurses per level) sees the file. Real files nest a few
	// levels; the precise check on the syntax tree follows.
	if i := deepBracket(src, 4*lim.MaxDepth); i >= 0 {
		return nil, nil, &refusal{rule: RulePlainData, pos: posAt(src, i),
			msg: fmt.Sprintf("values are nested deeper than %d levels", lim.MaxDepth)}
	}
	f, err := parser.ParseFile(filename, src)
	if err != nil {
		return nil, nil, syntaxRefusal(err, src)
	}
	unwrapObject(f)
	w := walker{lim: lim, fix: fix}
	if r := w.file(f); r != nil {
		return nil, nil, r
	}
	return f, w.fixed, nil
}

// unwrapObject makes a file written as one JSON object, { "company": ... },
// which is valid CUE, the same file as its fields written at the top
// level: an application pasted as JSON is judged like any other.
func unwrapObject(f *ast.File) {
	at := -1
	for i, d := range f.Decls {
		switch d.(type) {
		case *ast.Package, *ast.CommentGroup:
			continue
		case *ast.EmbedDecl:
			if at < 0 {
				at = i
				continue
			}
		}
		return
	}
	if at < 0 {
		return
	}
	obj, ok := f.Decls[at].(*ast.EmbedDecl).Expr.(*ast.StructLit)
	if !ok {
		return
	}
	decls := append([]ast.Decl{}, f.Decls[:at]...)
	decls = append(decls, obj.Elts...)
	f.Decls = append(decls, f.Decls[at+1:]...)
}

// positions is a file's index of field positions, built on first use by
// parsing the file again: most files never need it (they have no
// findings), and keeping an index, or even the source, for each of 10,000
// files would cost more memory than everything else the loader keeps.
type positions struct {
	once     sync.Once
	filename string
	read     func() ([]byte, error)
	index    application.Positions
}

// sourcePositions indexes src.
func sourcePositions(filename string, src []byte) *positions {
	return &positions{filename: filename, read: func() ([]byte, error) { return src, nil }}
}

// Lookup implements application.Locator.
func (p *positions) Lookup(path string) application.Pos {
	return p.indexed().Lookup(path)
}

// Exact implements application.Locator.
func (p *positions) Exact(path string) (application.Pos, bool) {
	return p.indexed().Exact(path)
}

func (p *positions) indexed() application.Positions {
	p.once.Do(func() {
		p.index = application.Positions{}
		src, err := p.read()
		if err != nil {
			return
		}
		f, err := parser.ParseFile(p.filename, src)
		if err != nil {
			return
		}
		unwrapObject(f)
		w := walker{lim: Limits{MaxBytes: len(src), MaxNodes: 1 << 30, MaxDepth: 1 << 30}, pos: p.index}
		w.file(f)
		p.read = nil
	})
	return p.index
}

// walker visits a parsed file, refusing anything that is not plain data
// and, when pos is set, recording where each field is written. With fix,
// it mends the common mistakes in place (mend) and lists them in fixed.
type walker struct {
	lim   Limits
	nodes int
	pos   application.Positions
	fix   bool
	fixed []application.Finding
	// at is the path down to the value being walked, joined only for a
	// mended value's finding.
	at []segment
}

func (w *walker) file(f *ast.File) *refusal {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.Package, *ast.CommentGroup:
		case *ast.Field:
			if r := w.field(d, "", 1); r != nil {
				return r
			}
		default:
			return w.refuse(d, describe(d))
		}
	}
	return nil
}

func (w *walker) field(f *ast.Field, parent string, depth int) *refusal {
	if r := w.count(f); r != nil {
		return r
	}
	name, r := w.label(f)
	if r != nil {
		return r
	}
	if f.Constraint != token.ILLEGAL {
		return w.refuse(f, fmt.Sprintf("field %q is marked optional or required with %s; write a plain value", name, f.Constraint))
	}
	if f.Alias != nil {
		return w.refuse(f, "aliases are not plain data")
	}
	if len(f.Attrs) > 0 {
		return w.refuse(f.Attrs[0], "attributes (@...) are not allowed in an application file")
	}
	var path string
	if w.pos != nil {
		path = application.JoinPath(parent, name)
		if _, seen := w.pos[path]; !seen {
			w.pos[path] = toPos(f.Pos())
		}
	}
	w.at = append(w.at, segment{label: name})
	defer func() { w.at = w.at[:len(w.at)-1] }()
	v, r := w.mend(f.Value)
	if r != nil {
		return r
	}
	f.Value = v
	return w.value(f.Value, path, depth)
}

func (w *walker) label(f *ast.Field) (string, *refusal) {
	switch l := f.Label.(type) {
	case *ast.Alias:
		return "", w.refuse(l, describe(l))
	case *ast.Ident:
		if strings.HasPrefix(l.Name, "#") || strings.HasPrefix(l.Name, "_") {
			return "", w.refuse(l, fmt.Sprintf("%q is a definition or hidden field; an application file holds plain fields only", l.Name))
		}
		return l.Name, nil
	case *ast.BasicLit:
		if s, ok := stringLit(l); ok {
			return s, nil
		}
	}
	return "", w.refuse(f.Label, "field names must be plain names or quoted strings, not patterns or expressions")
}

func (w *walker) value(e ast.Expr, path string, depth int) *refusal {
	switch e := e.(type) {
	case *ast.StructLit:
		if r := w.nest(e, depth); r != nil {
			return r
		}
		for _, d := range e.Elts {
			switch d := d.(type) {
			case *ast.Field:
				if r := w.field(d, path, depth+1); r != nil {
					return r
				}
			case *ast.CommentGroup:
			default:
				return w.refuse(d, describe(d))
			}
		}
		return nil
	case *ast.ListLit:
		if r := w.nest(e, depth); r != nil {
			return r
		}
		for i, x := range e.Elts {
			var p string
			if w.pos != nil {
				p = application.IndexPath(path, i)
				w.pos[p] = toPos(x.Pos())
			}
			w.at = append(w.at, segment{index: i})
			x, r := w.mend(x)
			if r == nil {
				e.Elts[i] = x
				r = w.value(x, p, depth+1)
			}
			w.at = w.at[:len(w.at)-1]
			if r != nil {
				return r
			}
		}
		return nil
	case *ast.BasicLit:
		return w.count(e)
	case *ast.UnaryExpr:
		if lit, ok := e.X.(*ast.BasicLit); ok && e.Op == token.SUB && (lit.Kind == token.INT || lit.Kind == token.FLOAT) {
			return w.count(e)
		}
	case *ast.Ident:
		switch e.Name {
		case "true", "false", "null":
			return w.count(e)
		}
	}
	return w.refuse(e, describe(e))
}

// nest counts a struct or list and checks the nesting depth.
func (w *walker) nest(n ast.Node, depth int) *refusal {
	if depth > w.lim.MaxDepth {
		return w.refuse(n, fmt.Sprintf("values are nested deeper than %d levels", w.lim.MaxDepth))
	}
	return w.count(n)
}

func (w *walker) count(n ast.Node) *refusal {
	w.nodes++
	if w.nodes > w.lim.MaxNodes {
		return w.refuse(n, fmt.Sprintf("file holds more than %d values; an application file is far smaller", w.lim.MaxNodes))
	}
	return nil
}

func (w *walker) refuse(n ast.Node, msg string) *refusal {
	return &refusal{rule: RulePlainData, pos: toPos(n.Pos()), msg: msg}
}

// notAllowed says, for each construct of CUE that is not plain data, what
// an integrator is refused; describe says why.
var notAllowed = map[reflect.Type]string{
	reflect.TypeFor[*ast.ImportDecl]():    "imports are not allowed",
	reflect.TypeFor[*ast.Attribute]():     "attributes (@...) are not allowed",
	reflect.TypeFor[*ast.SelectorExpr]():  "references to other values are not allowed",
	reflect.TypeFor[*ast.IndexExpr]():     "references to other values are not allowed",
	reflect.TypeFor[*ast.SliceExpr]():     "references to other values are not allowed",
	reflect.TypeFor[*ast.CallExpr]():      "function calls are not allowed",
	reflect.TypeFor[*ast.Interpolation](): "string interpolation \\( ) is not allowed",
	reflect.TypeFor[*ast.Comprehension](): "comprehensions (for/if) are not allowed",
	reflect.TypeFor[*ast.ForClause]():     "comprehensions (for/if) are not allowed",
	reflect.TypeFor[*ast.IfClause]():      "comprehensions (for/if) are not allowed",
	reflect.TypeFor[*ast.LetClause]():     "let declarations are not allowed",
	reflect.TypeFor[*ast.Ellipsis]():      "... (open structs and lists) is not allowed",
	reflect.TypeFor[*ast.Alias]():         "aliases are not allowed",
	reflect.TypeFor[*ast.PostfixAlias]():  "aliases are not allowed",
	reflect.TypeFor[*ast.BottomLit]():     "_|_ (bottom) is not allowed",
	reflect.TypeFor[*ast.ParenExpr]():     "parenthesised expressions are not allowed",
	reflect.TypeFor[*ast.Func]():          "function types are not allowed",
}

// describe names a construct that is not plain data in words an integrator
// can act on.
func describe(n ast.Node) string {
	const plain = "; an application file holds plain values only (strings, numbers, true/false, { } and [ ])"
	switch n := n.(type) {
	case *ast.Ident:
		return fmt.Sprintf("%s is a reference to another value, not a value; put strings in double quotes", n.Name)
	case *ast.BinaryExpr:
		return fmt.Sprintf("the operator %s is not allowed", n.Op) + plain
	case *ast.UnaryExpr:
		return fmt.Sprintf("the operator %s is not allowed", n.Op) + plain
	case *ast.EmbedDecl:
		return "embedded values are not allowed: every value needs a field name"
	}
	if what, ok := notAllowed[reflect.TypeOf(n)]; ok {
		return what + plain
	}
	return fmt.Sprintf("%T is not plain data", n)
}

// syntaxRefusal turns a parse error into a refusal at the position of its
// first error, keeping every other error the parser reported in others.
func syntaxRefusal(err error, src []byte) *refusal {
	var all []*refusal
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		all = append(all, &refusal{rule: RuleSyntax, pos: toPos(e.Position()),
			msg: "syntax error: " + fmt.Sprintf(format, args...) + syntaxAdvice(src, e.Position())})
	}
	if len(all) == 0 {
		return &refusal{rule: RuleSyntax, pos: application.Pos{Line: 1, Column: 1}, msg: "syntax error: " + oneLine(err.Error())}
	}
	first := all[0]
	first.others = all[1:]
	return first
}

func toPos(p token.Pos) application.Pos {
	if !p.IsValid() {
		return application.Pos{Line: 1, Column: 1}
	}
	return application.Pos{Line: p.Line(), Column: p.Column()}
}

// deepBracket returns the offset at which brackets of any kind open more
// than max levels deep, or -1.
func deepBracket(src []byte, max int) int {
	depth := 0
	for i, c := range src {
		switch c {
		case '{', '[', '(':
			depth++
			if depth > max {
				return i
			}
		case '}', ']', ')':
			if depth > 0 {
				depth--
			}
		}
	}
	return -1
}

// posAt converts a byte offset into a 1-based line and column (in bytes).
func posAt(src []byte, off int) application.Pos {
	line, col := 1, 1
	for _, c := range src[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return application.Pos{Line: line, Column: col}
}

func firstInvalidUTF8(src []byte) application.Pos {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n <= 1 {
			return posAt(src, i)
		}
		i += n
	}
	return application.Pos{Line: 1, Column: 1}
}

// oneLine keeps the first line of a message.
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
