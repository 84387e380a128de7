package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"cuelang.org/go/cue"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/spelling"
)

// Advice for the mistakes people new to CUE make. Each message ends with
// the value to write instead, after "write ", so that it can be copied.

// mend returns e as the integrator evidently meant it when e is one of the
// common mistakes — a boolean in capitals, text without quotes, text in
// single quotes (bytes in CUE) — and records the advice at the path being
// walked; without w.fix the mistake is refused with the same advice.
// Anything else is returned as it is, for value to judge.
func (w *walker) mend(e ast.Expr) (ast.Expr, *refusal) {
	mended, msg := mistake(e)
	if msg == "" {
		return e, nil
	}
	if !w.fix {
		return nil, w.refuse(e, msg)
	}
	at := toPos(e.Pos())
	w.fixed = append(w.fixed, application.Finding{
		Rule: RulePlainData, Severity: application.SeverityError, Message: msg,
		Path: joinSegments(w.at), Line: at.Line, Column: at.Column,
	})
	return mended, nil
}

// predeclared are CUE's own identifiers: values, types and functions.
var predeclared = map[string]bool{
	"true": true, "false": true, "null": true, "bool": true, "bytes": true, "string": true,
	"number": true, "int": true, "float": true, "uint": true, "rune": true,
	"int8": true, "int16": true, "int32": true, "int64": true, "int128": true,
	"uint8": true, "uint16": true, "uint32": true, "uint64": true, "uint128": true,
	"float32": true, "float64": true, "len": true, "close": true, "and": true, "or": true,
	"div": true, "mod": true, "quo": true, "rem": true,
}

// mistake returns the value e stands for and the advice, or "" when e is
// not a mistake mend knows.
func mistake(e ast.Expr) (ast.Expr, string) {
	switch e := e.(type) {
	case *ast.Ident:
		if predeclared[e.Name] || strings.HasPrefix(e.Name, "_") || strings.HasPrefix(e.Name, "#") {
			return nil, "" // a value, or a type or function: not text
		}
		for _, b := range []string{"true", "false"} {
			if strings.EqualFold(e.Name, b) {
				return ast.NewBool(b == "true"), fmt.Sprintf("%s is not a value: true and false are written in lowercase, without quotes; write %s", e.Name, b)
			}
		}
		s := ast.NewString(e.Name)
		return s, fmt.Sprintf("%s has no quotes, so it is read as a reference to another field: text goes in double quotes; write %s", e.Name, s.Value)
	case *ast.BasicLit:
		if e.Kind != token.STRING || !strings.HasPrefix(e.Value, "'") {
			return nil, ""
		}
		b, err := literal.Unquote(e.Value)
		if err != nil || !utf8.ValidString(b) {
			return nil, ""
		}
		s := ast.NewString(b)
		return s, fmt.Sprintf("%s is in single quotes, which CUE reads as bytes, not text: text goes in double quotes; write %s", e.Value, s.Value)
	}
	return nil, ""
}

// unquotedText is a line "label: value" whose value is neither quoted nor a
// number, a boolean, a struct or a list: text written as in YAML.
var unquotedText = regexp.MustCompile(`^\s*"?[A-Za-z_$][\w$-]*"?\s*:\s*([^"'{\[\s].*?)\s*,?\s*(//.*)?$`)

// syntaxAdvice returns advice for the syntax error at pos of src, starting
// with "; ", or "" when it has none: text written without quotes, as YAML
// allows, is the common cause.
func syntaxAdvice(src []byte, pos token.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	lines := strings.Split(string(src), "\n")
	if pos.Line() < 1 || pos.Line() > len(lines) {
		return ""
	}
	m := unquotedText.FindStringSubmatch(lines[pos.Line()-1])
	if m == nil || plainWord(m[1]) {
		return ""
	}
	return fmt.Sprintf("; text goes in double quotes: write %s", ast.NewString(m[1]).Value)
}

// plainWord reports whether s is a value CUE reads without quotes: a
// number, a boolean or null, or a single word (which mend advises on).
func plainWord(s string) bool {
	switch s {
	case "true", "false", "null":
		return true
	}
	if strings.ContainsAny(s[:1], "-0123456789") {
		return true
	}
	return !strings.ContainsAny(s, " \t")
}

// advise rewrites the schema's findings about two common mistakes into
// advice: an unknown field gets the closest names its struct allows, and
// a number written in quotes, where the schema wants a number, the number
// to write. f is the file, v the file unified with #Application.
func (e *evaluator) advise(f *ast.File, v cue.Value, findings []application.Finding) {
	for i := range findings {
		x := &findings[i]
		if x.Rule != RuleSchema || x.Path == "" {
			continue
		}
		if adviseSpelling(v, x) {
			continue
		}
		if num, ok := quotedNumber(f, x.Path); ok && e.accepts(x.Path, num) {
			x.Message = fmt.Sprintf("%s is a number, and numbers are written without quotes: write %s", lastName(x.Path), num)
			continue
		}
		if b, ok := wordForBool(f, x.Path); ok && e.accepts(x.Path, b) {
			x.Message = fmt.Sprintf("%s is true or false, in lowercase and without quotes: write %s", lastName(x.Path), b)
		}
	}
}

// adviseSpelling gives the finding of an unknown field the closest name
// its struct in v allows, and reports whether x is such a finding.
func adviseSpelling(v cue.Value, x *application.Finding) bool {
	if !strings.HasPrefix(x.Message, "unknown field ") || !strings.HasSuffix(x.Message, checkSpelling) {
		return false
	}
	if near := closestField(v, x.Path); near != "" {
		x.Message = strings.TrimSuffix(x.Message, checkSpelling) + fmt.Sprintf(": did you mean `%s`?", near)
	}
	return true
}

// boolWords are the ways people write a boolean in YAML or in words.
var boolWords = map[string]string{
	"true": "true", "false": "false", "yes": "true", "no": "false", "y": "true", "n": "false", "on": "true", "off": "false",
}

// wordForBool returns the boolean that the text at path of f stands for,
// when it is a word for one ("true", "yes", "no", ...).
func wordForBool(f *ast.File, path string) (string, bool) {
	s, ok := stringLit(valueAt(f.Decls, "", path))
	if !ok {
		return "", false
	}
	b, ok := boolWords[strings.ToLower(strings.TrimSpace(s))]
	return b, ok
}

// withoutMended drops the schema's findings at the paths of mended values:
// the advice on the mistake says what to write there.
func withoutMended(findings, mended []application.Finding) []application.Finding {
	at := map[string]bool{}
	for _, m := range mended {
		at[m.Path] = true
	}
	kept := findings[:0]
	for _, x := range findings {
		if x.Rule != RuleSchema || !at[x.Path] {
			kept = append(kept, x)
		}
	}
	return kept
}

// adviseMended rewrites the advice on a word without quotes where the
// schema wants true or false ("yes", "no", "on"): it is a boolean, not text.
func (e *evaluator) adviseMended(f *ast.File, mended []application.Finding) {
	for i := range mended {
		x := &mended[i]
		if b, ok := wordForBool(f, x.Path); ok && strings.Contains(x.Message, "has no quotes") && e.accepts(x.Path, b) {
			word, _, _ := strings.Cut(x.Message, " ")
			x.Message = fmt.Sprintf("%s is not a value: %s is true or false, in lowercase and without quotes; write %s", word, lastName(x.Path), b)
		}
	}
}

// closestField returns the field the struct holding path allows whose name
// is closest to its own, or "" when none is close.
func closestField(v cue.Value, path string) string {
	parent := v
	if p := application.ParentPath(path); p != "" {
		parent = v.LookupPath(cue.ParsePath(p))
	}
	name := lastName(path)
	var known []string
	it, err := parent.Fields(cue.Optional(true))
	if err != nil {
		return ""
	}
	for it.Next() {
		if sel := it.Selector(); sel.Unquoted() != name && parent.Allows(sel) {
			known = append(known, sel.Unquoted())
		}
	}
	if near := spelling.Nearest(name, known, 1); len(near) > 0 {
		return near[0]
	}
	return ""
}

// lastName is the last field name of a path: name for
// integration.scopes[0].name.
func lastName(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return strings.TrimSuffix(path[i+1:], "]")
	}
	return path
}

// accepts reports whether the schema takes the CUE literal lit at path.
func (e *evaluator) accepts(path, lit string) bool {
	want := e.app
	for _, sel := range cue.ParsePath(path).Selectors() {
		next := want.LookupPath(cue.MakePath(sel))
		if !next.Exists() && sel.Type() == cue.StringLabel {
			next = want.LookupPath(cue.MakePath(sel.Optional()))
		}
		if !next.Exists() {
			return false
		}
		want = next
	}
	return want.Unify(e.ctx.CompileString(lit)).Validate(cue.Concrete(true)) == nil
}

// quotedNumber returns the number a string at path of f spells, when it
// is a string that spells one.
func quotedNumber(f *ast.File, path string) (string, bool) {
	s, ok := stringLit(valueAt(f.Decls, "", path))
	if !ok {
		return "", false
	}
	s = strings.TrimSpace(s)
	var num literal.NumInfo
	if s == "" || literal.ParseNum(s, &num) != nil {
		return "", false
	}
	return s, true
}

// valueAt returns the value written at path among decls, the fields of the
// struct at parent, or nil.
func valueAt(decls []ast.Decl, parent, path string) ast.Expr {
	for _, d := range decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, _, err := ast.LabelName(field.Label)
		if err != nil {
			continue
		}
		p := application.JoinPath(parent, name)
		if p == path {
			return field.Value
		}
		if s, ok := field.Value.(*ast.StructLit); ok && strings.HasPrefix(path, p+".") {
			if x := valueAt(s.Elts, p, path); x != nil {
				return x
			}
		}
	}
	return nil
}

// stringLit returns the text of n when n is a string literal that
// unquotes.
func stringLit(n ast.Node) (string, bool) {
	lit, ok := n.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := literal.Unquote(lit.Value)
	if err != nil {
		return "", false
	}
	return s, true
}
