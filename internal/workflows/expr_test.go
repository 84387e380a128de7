package workflows_test

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// This file is a small evaluator of GitHub Actions expressions, enough for
// the local runner to evaluate what connectbot's workflows write in if:,
// env: and with: — contexts, literals, ==, !=, !, &&, ||, .* filters and
// the functions contains, startsWith, endsWith, always, success, failure
// and cancelled — with GitHub's semantics (|| and && return operands,
// string comparison ignores case, mismatched types compare as numbers). An
// expression it does not understand fails the test rather than being
// guessed at.

// exprContext is what an expression can see.
type exprContext struct {
	contexts map[string]any
	// failed is whether an earlier step of the job failed.
	failed bool
}

var templateExpr = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// substitute replaces every ${{ }} in s by its value as a string.
func (c *exprContext) substitute(s string) (string, error) {
	var err error
	out := templateExpr.ReplaceAllStringFunc(s, func(m string) string {
		v, e := c.eval(templateExpr.FindStringSubmatch(m)[1])
		if e != nil {
			err = e
			return ""
		}
		return toString(v)
	})
	return out, err
}

// condition evaluates an if: — a bare expression or one in ${{ }} — with
// success() added when it calls none of the status functions.
func (c *exprContext) condition(s string) (bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return !c.failed, nil
	}
	if m := templateExpr.FindStringSubmatch(s); m != nil && m[0] == s {
		s = m[1]
	}
	v, err := c.eval(s)
	if err != nil {
		return false, err
	}
	if !regexp.MustCompile(`\b(always|success|failure|cancelled)\(`).MatchString(s) && c.failed {
		return false, nil
	}
	return truthy(v), nil
}

func (c *exprContext) eval(src string) (any, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, fmt.Errorf("expression %q: %w", src, err)
	}
	p := &parser{toks: toks, c: c}
	v, err := p.or()
	if err == nil && p.pos != len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	if err != nil {
		return nil, fmt.Errorf("expression %q: %w", src, err)
	}
	return v, nil
}

type token struct {
	kind string // "ident", "string", "number", "op"
	text string
}

func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			i++
		case ch == '\'':
			var b strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("unterminated string")
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			out = append(out, token{"string", b.String()})
		case ch >= '0' && ch <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			out = append(out, token{"number", s[i:j]})
			i = j
		case ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '-' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			out = append(out, token{"ident", s[i:j]})
			i = j
		default:
			two := ""
			if i+1 < len(s) {
				two = s[i : i+2]
			}
			switch {
			case two == "==" || two == "!=" || two == "&&" || two == "||" || two == "<=" || two == ">=":
				out = append(out, token{"op", two})
				i += 2
			case strings.ContainsRune(".*[](),!<>", rune(ch)):
				out = append(out, token{"op", string(ch)})
				i++
			default:
				return nil, fmt.Errorf("unexpected character %q", ch)
			}
		}
	}
	return out, nil
}

type parser struct {
	toks []token
	pos  int
	c    *exprContext
}

func (p *parser) peek(text string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == "op" && p.toks[p.pos].text == text
}

func (p *parser) expect(text string) error {
	if !p.peek(text) {
		return fmt.Errorf("expected %q", text)
	}
	p.pos++
	return nil
}

func (p *parser) or() (any, error) {
	v, err := p.and()
	for err == nil && p.peek("||") {
		p.pos++
		var r any
		if r, err = p.and(); !truthy(v) {
			v = r
		}
	}
	return v, err
}

func (p *parser) and() (any, error) {
	v, err := p.cmp()
	for err == nil && p.peek("&&") {
		p.pos++
		var r any
		if r, err = p.cmp(); truthy(v) {
			v = r
		}
	}
	return v, err
}

func (p *parser) cmp() (any, error) {
	v, err := p.unary()
	if err != nil {
		return nil, err
	}
	for _, op := range []string{"==", "!="} {
		if p.peek(op) {
			p.pos++
			r, err := p.unary()
			if err != nil {
				return nil, err
			}
			eq := equal(v, r)
			return eq == (op == "=="), nil
		}
	}
	if p.peek("<") || p.peek(">") || p.peek("<=") || p.peek(">=") {
		return nil, fmt.Errorf("ordering comparisons are not supported here")
	}
	return v, nil
}

func (p *parser) unary() (any, error) {
	if p.peek("!") {
		p.pos++
		v, err := p.unary()
		return !truthy(v), err
	}
	return p.postfix()
}

func (p *parser) postfix() (any, error) {
	v, err := p.primary()
	for err == nil {
		switch {
		case p.peek("."):
			p.pos++
			if p.peek("*") {
				p.pos++
				v = star(v)
				continue
			}
			if p.pos >= len(p.toks) || p.toks[p.pos].kind != "ident" {
				return nil, fmt.Errorf("expected a property name")
			}
			v = property(v, p.toks[p.pos].text)
			p.pos++
		case p.peek("["):
			p.pos++
			var key any
			if key, err = p.or(); err == nil {
				err = p.expect("]")
				v = index(v, key)
			}
		default:
			return v, nil
		}
	}
	return nil, err
}

func (p *parser) primary() (any, error) {
	if p.pos >= len(p.toks) {
		return nil, fmt.Errorf("unexpected end")
	}
	t := p.toks[p.pos]
	p.pos++
	switch {
	case t.kind == "string":
		return t.text, nil
	case t.kind == "number":
		return strconv.ParseFloat(t.text, 64)
	case t.kind == "op" && t.text == "(":
		v, err := p.or()
		if err == nil {
			err = p.expect(")")
		}
		return v, err
	case t.kind == "ident" && p.peek("("):
		p.pos++
		var args []any
		for !p.peek(")") {
			a, err := p.or()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if !p.peek(")") {
				if err := p.expect(","); err != nil {
					return nil, err
				}
			}
		}
		p.pos++
		return p.call(t.text, args)
	case t.kind == "ident":
		switch t.text {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		v, ok := p.c.contexts[t.text]
		if !ok {
			return nil, fmt.Errorf("unknown context %q", t.text)
		}
		return v, nil
	}
	return nil, fmt.Errorf("unexpected %q", t.text)
}

func (p *parser) call(name string, args []any) (any, error) {
	arity := map[string]int{"contains": 2, "startsWith": 2, "endsWith": 2, "always": 0, "success": 0, "failure": 0, "cancelled": 0}
	n, ok := arity[name]
	if !ok {
		return nil, fmt.Errorf("function %s is not supported here", name)
	}
	if len(args) != n {
		return nil, fmt.Errorf("%s takes %d arguments", name, n)
	}
	switch name {
	case "contains":
		if list, ok := args[0].([]any); ok {
			for _, e := range list {
				if equal(e, args[1]) {
					return true, nil
				}
			}
			return false, nil
		}
		return strings.Contains(strings.ToLower(toString(args[0])), strings.ToLower(toString(args[1]))), nil
	case "startsWith":
		return strings.HasPrefix(strings.ToLower(toString(args[0])), strings.ToLower(toString(args[1]))), nil
	case "endsWith":
		return strings.HasSuffix(strings.ToLower(toString(args[0])), strings.ToLower(toString(args[1]))), nil
	case "always":
		return true, nil
	case "success":
		return !p.c.failed, nil
	case "failure":
		return p.c.failed, nil
	}
	return false, nil // cancelled
}

func property(v any, name string) any {
	switch v := v.(type) {
	case map[string]any:
		if x, ok := v[name]; ok {
			return x
		}
		for k, x := range v {
			if strings.EqualFold(k, name) {
				return x
			}
		}
	case []any: // after .*: the property of each element
		out := []any{}
		for _, e := range v {
			if x := property(e, name); x != nil {
				out = append(out, x)
			}
		}
		return out
	}
	return nil
}

func index(v, key any) any {
	if s, ok := key.(string); ok {
		return property(v, s)
	}
	if list, ok := v.([]any); ok {
		if f, ok := key.(float64); ok && int(f) >= 0 && int(f) < len(list) {
			return list[int(f)]
		}
	}
	return nil
}

func star(v any) any {
	switch v := v.(type) {
	case []any:
		return v
	case map[string]any:
		out := []any{}
		for _, x := range v {
			out = append(out, x)
		}
		return out
	}
	return []any{}
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

func equal(a, b any) bool {
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			return strings.EqualFold(sa, sb)
		}
	}
	if a == nil && b == nil {
		return true
	}
	if ba, ok := a.(bool); ok {
		if bb, ok := b.(bool); ok {
			return ba == bb
		}
	}
	switch a.(type) {
	case map[string]any, []any:
		return false
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	return toNumber(a) == toNumber(b)
}

func toNumber(v any) float64 {
	switch v := v.(type) {
	case nil:
		return 0
	case bool:
		if v {
			return 1
		}
		return 0
	case float64:
		return v
	case string:
		if strings.TrimSpace(v) == "" {
			return 0
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}

func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestTheExpressionEvaluator(t *testing.T) {
	c := &exprContext{contexts: map[string]any{
		"github": map[string]any{"event_name": "issues", "token": "t0k",
			"event": map[string]any{"issue": map[string]any{"labels": []any{map[string]any{"name": "bug"}, map[string]any{"name": "Application"}}}}},
		"secrets": map[string]any{},
		"inputs":  map[string]any{"dry-run": true, "now": ""},
	}}
	for expr, want := range map[string]string{
		"github.event_name == 'ISSUES'":                             "true",
		"contains(github.event.issue.labels.*.name, 'application')": "true",
		"contains(github.event.issue.labels.*.name, 'feature')":     "false",
		"secrets.CONNECTBOT_TOKEN || github.token":                  "t0k",
		"inputs.dry-run":        "true",
		"inputs.now || 'today'": "today",
		"github.event_name == 'issues' && !github.event.issue.missing": "true",
		"'it''s'":                           "it's",
		"github.event.issue.labels[1].name": "Application",
	} {
		v, err := c.eval(expr)
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		if toString(v) != want {
			t.Errorf("%s = %q, want %q", expr, toString(v), want)
		}
	}
	for _, bad := range []string{"format('{0}', 1)", "vars.X", "1 < 2", "'open"} {
		if _, err := c.eval(bad); err == nil {
			t.Errorf("%s: evaluated, want an error", bad)
		}
	}
}
