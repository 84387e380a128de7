package catalog

import (
	"strings"
	"testing"
	"time"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

// valid is a small application that passes the schema.
const valid = `company: {name: "Acme Software Ltd"}
maintainers: ["acme-dev"]
integration: {name: "Acme Sync", auth: "oauth2"}
program: {stage: "applied", installs: {count: 12, asOf: "2026-11-01"}}
`

func TestGuardRefusesHostileInputBeforeEvaluation(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantRule string
		wantMsg  string
		wantLine int
	}{
		{"a file over the size limit is refused", valid + "// " + strings.Repeat("x", 70<<10) + "\n", RuleSize, "at most 65536 bytes", 1},
		{"binary bytes are refused", valid + "note: \"\xff\xfe\"\n", RuleEncoding, "not valid UTF-8", 5},
		{"a NUL byte is refused", valid + "\x00", RuleEncoding, "NUL byte", 5},
		{"an import is refused", "import \"list\"\n" + valid, RulePlainData, "imports are not allowed", 1},
		{"list.Range from an import is refused", "import \"list\"\nx: list.Range(0, 1e10, 1)\n", RulePlainData, "imports are not allowed", 1},
		{"a call without an import is refused", "x: list.Range(0, 1e10, 1)\n", RulePlainData, "function calls are not allowed", 1},
		{"a reference to another field is refused", valid + "company: {website: integration.name}\n", RulePlainData, "references to other values", 5},
		{"a disjunction bomb is refused", "a: " + strings.Repeat("(1|2|3|4|5) & ", 40) + "1\n", RulePlainData, "operator & is not allowed", 1},
		{"a default marker is refused", "a: *1 | 2\n", RulePlainData, "operator | is not allowed", 1},
		{"a comprehension is refused", "a: [for x in [1, 2] {x}]\n", RulePlainData, "comprehensions", 1},
		{"a top-level comprehension is refused", "for x in [1, 2] {a: x}\n", RulePlainData, "comprehensions", 1},
		{"a definition is refused", "#Application: {}\n", RulePlainData, "definition or hidden field", 1},
		{"a hidden field is refused", "_secret: 1\n", RulePlainData, "definition or hidden field", 1},
		{"string interpolation is refused", "a: \"\\(1+1)\"\n", RulePlainData, "interpolation", 1},
		{"an attribute is refused", "a: 1 @tag(x)\n", RulePlainData, "attributes", 1},
		{"a file attribute is refused", "@extern(embed)\na: 1\n", RulePlainData, "attributes", 1},
		{"an optional field marker is refused", "a?: 1\n", RulePlainData, "optional or required", 1},
		{"a let clause is refused", "let x = 1\na: 2\n", RulePlainData, "let declarations", 1},
		{"an embedded value is refused", "\"text\"\n", RulePlainData, "embedded values", 1},
		{"two embedded objects are refused", "{a: 1}\n{b: 2}\n", RulePlainData, "embedded values", 1},
		{"a pattern constraint is refused", "[string]: int\n", RulePlainData, "plain names or quoted strings", 1},
		{"an open list is refused", "a: [1, ...]\n", RulePlainData, "open structs and lists", 1},
		{"an alias is refused", "X=a: 1\n", RulePlainData, "aliases", 1},
		{"bottom is refused", "a: _|_\n", RulePlainData, "bottom", 1},
		{"a type instead of a value is refused", "a: int\n", RulePlainData, "int is a reference", 1},
		{"nesting deeper than the limit is refused", "a: " + strings.Repeat("{b: ", 20) + "1" + strings.Repeat("}", 20) + "\n", RulePlainData, "nested deeper than 16", 1},
		{"ten thousand open brackets are refused before parsing", "a: " + strings.Repeat("[", 10000), RulePlainData, "nested deeper than 16", 1},
		{"too many values are refused", "a: [" + strings.Repeat("1, ", 5000) + "]\n", RulePlainData, "more than 4000 values", 1},
		{"a syntax error is reported with its position", "company: {name: \"Acme\"\nmaintainers: [\n", RuleSyntax, "syntax error", 2},
	}
	c := defaultCatalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withHangDetector(t, func() application.File {
				return c.Application("applications/hostile.cue", []byte(tt.src))
			})
			if f.App != nil {
				t.Fatalf("hostile file decoded: %+v", f.App)
			}
			if len(f.Findings) != 1 {
				t.Fatalf("want exactly one finding, got %+v", f.Findings)
			}
			got := f.Findings[0]
			if got.Rule != tt.wantRule || !strings.Contains(got.Message, tt.wantMsg) || got.Severity != application.SeverityError {
				t.Errorf("got %s %s %q, want error %s containing %q", got.Severity, got.Rule, got.Message, tt.wantRule, tt.wantMsg)
			}
			if got.Line != tt.wantLine {
				t.Errorf("line %d, want %d", got.Line, tt.wantLine)
			}
			if strings.Contains(got.Message, "\n") {
				t.Errorf("message is not one line: %q", got.Message)
			}
		})
	}
}

func TestGuardAcceptsPlainDataOfEveryKind(t *testing.T) {
	src := `package applications
// a comment
"quoted label": "text"
multi: """
	two
	lines
	"""
numbers: [1, -2, 3.5, 1_000, 0x1f, 1e3, -1.5e-3]
flags: [true, false, null]
nested: {a: b: c: "short form"}
`
	f, r := guard("x.cue", []byte(src), DefaultLimits)
	if r != nil {
		t.Fatalf("refused plain data: %v", r)
	}
	if f == nil {
		t.Fatal("no syntax tree")
	}
}

func TestPositionsAreIndexedOnFirstLookup(t *testing.T) {
	src := "company: {name: \"Acme\"}\nintegration: {\n\tscopes: [\n\t\t{name: \"tickets\"},\n\t]\n}\n"
	p := sourcePositions("a.cue", []byte(src))
	for _, tt := range []struct {
		path string
		want application.Pos
	}{
		{"company.name", application.Pos{Line: 1, Column: 11}},
		{"integration.scopes[0].name", application.Pos{Line: 4, Column: 4}},
		{"integration.scopes[0].reason", application.Pos{Line: 4, Column: 3}},
		{"privacy.policyUrl", application.Pos{Line: 1, Column: 1}},
	} {
		if got := p.Lookup(tt.path); got != tt.want {
			t.Errorf("Lookup(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// withHangDetector runs f and fails the test if it has not returned within
// a generous ceiling. It detects hangs; it is not a speed test.
func withHangDetector(t *testing.T, f func() application.File) application.File {
	t.Helper()
	done := make(chan application.File, 1)
	go func() { done <- f() }()
	select {
	case got := <-done:
		return got
	case <-time.After(5 * time.Second):
		t.Fatal("no answer within 5 seconds: the guard let something expensive through")
		return application.File{}
	}
}

func TestDescribeSaysWhatIsRefusedInFull(t *testing.T) {
	const plain = "; an application file holds plain values only (strings, numbers, true/false, { } and [ ])"
	tests := []struct {
		name string
		node ast.Node
		want string
	}{
		{"an import", &ast.ImportDecl{}, "imports are not allowed" + plain},
		{"an attribute", &ast.Attribute{}, "attributes (@...) are not allowed" + plain},
		{"a bare name", ast.NewIdent("int"), "int is a reference to another value, not a value; put strings in double quotes"},
		{"a selector", &ast.SelectorExpr{}, "references to other values are not allowed" + plain},
		{"an index", &ast.IndexExpr{}, "references to other values are not allowed" + plain},
		{"a slice", &ast.SliceExpr{}, "references to other values are not allowed" + plain},
		{"a call", &ast.CallExpr{}, "function calls are not allowed" + plain},
		{"an interpolation", &ast.Interpolation{}, "string interpolation \\( ) is not allowed" + plain},
		{"a binary operator", &ast.BinaryExpr{Op: token.AND}, "the operator & is not allowed" + plain},
		{"a unary operator", &ast.UnaryExpr{Op: token.MUL}, "the operator * is not allowed" + plain},
		{"a comprehension", &ast.Comprehension{}, "comprehensions (for/if) are not allowed" + plain},
		{"a for clause", &ast.ForClause{}, "comprehensions (for/if) are not allowed" + plain},
		{"an if clause", &ast.IfClause{}, "comprehensions (for/if) are not allowed" + plain},
		{"a let clause", &ast.LetClause{}, "let declarations are not allowed" + plain},
		{"an embedded value", &ast.EmbedDecl{}, "embedded values are not allowed: every value needs a field name"},
		{"an ellipsis", &ast.Ellipsis{}, "... (open structs and lists) is not allowed" + plain},
		{"an alias", &ast.Alias{}, "aliases are not allowed" + plain},
		{"a postfix alias", &ast.PostfixAlias{}, "aliases are not allowed" + plain},
		{"bottom", &ast.BottomLit{}, "_|_ (bottom) is not allowed" + plain},
		{"parentheses", &ast.ParenExpr{}, "parenthesised expressions are not allowed" + plain},
		{"a function type", &ast.Func{}, "function types are not allowed" + plain},
		{"anything else", &ast.BadExpr{}, "*ast.BadExpr is not plain data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, describe(tt.node)); diff != "" {
				t.Errorf("describe (-want +got):\n%s", diff)
			}
		})
	}
}
