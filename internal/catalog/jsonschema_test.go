package catalog

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/encoding/jsonschema"
)

// TestJSONSchemaJudgesAsTheSchemaDoes reads the generated JSON Schema back
// with CUE's JSON Schema decoder and checks it against the sample
// applications, which it must accept, and against common mistakes, which
// it must refuse as connectbot's schema does.
func TestJSONSchemaJudgesAsTheSchemaDoes(t *testing.T) {
	c := defaultCatalog(t)
	out, err := c.JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	ctx := cuecontext.New()
	doc := ctx.CompileBytes(out)
	expr, err := jsonschema.Extract(doc, &jsonschema.Config{})
	if err != nil {
		t.Fatalf("CUE cannot read the JSON Schema back: %v", err)
	}
	js := ctx.BuildFile(expr)
	if err := js.Err(); err != nil {
		t.Fatal(err)
	}
	judge := func(src string) error {
		return js.Unify(ctx.CompileString(src)).Validate(cue.Concrete(true))
	}
	samples, _ := filepath.Glob("../../applications/*.cue")
	if len(samples) == 0 {
		t.Fatal("no sample applications")
	}
	for _, p := range samples {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := judge(string(src)); err != nil {
			t.Errorf("%s passes connectbot's schema but not the JSON Schema: %v", p, err)
		}
	}
	base, err := os.ReadFile("../../applications/acme-sync.cue")
	if err != nil {
		t.Fatal(err)
	}
	mistakes := []struct{ name, good, bad string }{
		{"a misspelt field", "website:", "webiste:"},
		{"a number in quotes", "firstResponseHours: 24", `firstResponseHours: "24"`},
		{"an unknown auth", `auth:         "oauth2"`, `auth:         "oauth"`},
		{"a link that is not a web address", `"https://acme.example/help"`, `"acme.example/help"`},
		{"a date that is not a day", `"2026-10-12"`, `"12/10/2026"`},
	}
	for _, m := range mistakes {
		t.Run(m.name, func(t *testing.T) {
			src := strings.Replace(string(base), m.good, m.bad, 1)
			if src == string(base) {
				t.Fatalf("no %q in the sample", m.good)
			}
			if judge(src) == nil {
				t.Errorf("the JSON Schema accepts %s", m.bad)
			}
			if f := c.Application("applications/acme-sync.cue", []byte(src)); f.App != nil {
				t.Errorf("connectbot's schema accepts %s", m.bad)
			}
		})
	}
}

// TestJSONSchemaPatternsWorkInEditors compiles every pattern of the JSON
// Schema as editors' language servers do (ECMAScript, with the u flag, in
// Node) and tries the address pattern: one RE2 escape ECMAScript does not
// know would make an editor drop the whole check.
func TestJSONSchemaPatternsWorkInEditors(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	c := defaultCatalog(t)
	out, err := c.JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	const script = `
const d = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = [];
(function walk(x) {
	if (Array.isArray(x)) return x.forEach(walk);
	if (x && typeof x === "object") for (const [k, v] of Object.entries(x)) {
		if (k === "pattern") { try { new RegExp(v, "u") } catch (e) { out.push("refused: " + v.slice(0, 40) + ": " + e.message) } }
		else walk(v);
	}
})(d);
const url = new RegExp(d.$defs.URL.pattern, "u");
for (const [s, want] of [["https://acme.example/help", true], ["HTTPS://acme.example", true], ["acme.example", false], ["https://acme\u200b.example", false]]) {
	if (url.test(s) !== want) out.push("URL " + JSON.stringify(s) + " gives " + !want);
}
console.log(out.join("\n"));
`
	cmd := exec.Command(node, "-e", script)
	cmd.Stdin = bytes.NewReader(out)
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, got)
	}
	if s := strings.TrimSpace(string(got)); s != "" {
		t.Errorf("in ECMAScript:\n%s", s)
	}
}
