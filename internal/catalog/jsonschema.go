package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"cuelang.org/go/cue"
	"github.com/connectbot/connectbot/internal/application"

	"cuelang.org/go/encoding/jsonschema"
)

// JSONSchemaID names the JSON Schema of the application format.
const JSONSchemaID = "https://github.com/connectbot/connectbot/schema/application.schema.json"

// JSONSchema returns #Application as a JSON Schema (draft 2020-12),
// generated from the CUE schema by CUE's own encoder, for editors: the
// YAML and JSON language servers complete field names and check values
// with it. The schema's custom messages are left out (they are connectbot's
// to show); everything else it accepts and refuses is the same.
func (c *Catalog) JSONSchema() ([]byte, error) {
	e, err := c.newEvaluator(editor)
	if err != nil {
		return nil, err
	}
	expr, err := jsonschema.Generate(e.app, &jsonschema.GenerateConfig{})
	if err != nil {
		return nil, fmt.Errorf("json schema: %w", err)
	}
	v := e.ctx.BuildExpr(expr)
	raw, err := v.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("json schema: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("json schema: %w", err)
	}
	addDescriptions(e.app, doc)
	forEditors(doc)
	doc["$id"] = JSONSchemaID
	doc["title"] = "connectbot application"
	doc["description"] = "One integrator's application to the program: " + application.Pattern + " (CUE, or one JSON object). Generated from schema/application.cue by `connectbot schema --format jsonschema`; do not edit."
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("json schema: %w", err)
	}
	return escapeInvisible(out.Bytes()), nil
}

// reHexEscape is RE2's escape of a code point, \x{a0}.
var reHexEscape = regexp.MustCompile(`\\x\{([0-9a-fA-F]{1,6})\}`)

// forEditors rewrites each pattern so that the regular expressions of
// editors (ECMAScript's, with the u flag) read it as RE2 does: \x{a0}, which
// ECMAScript does not know, becomes the character itself.
func forEditors(schema any) {
	switch s := schema.(type) {
	case map[string]any:
		for k, v := range s {
			if p, ok := v.(string); ok && k == "pattern" {
				s[k] = reHexEscape.ReplaceAllStringFunc(p, func(m string) string {
					n, _ := strconv.ParseUint(reHexEscape.FindStringSubmatch(m)[1], 16, 32)
					return string(rune(n))
				})
				continue
			}
			forEditors(v)
		}
	case []any:
		for _, v := range s {
			forEditors(v)
		}
	}
}

// escapeInvisible writes every character of a JSON document that a reader
// would not see (controls, format characters, spaces other than the
// space) as a \u escape, which means the same character: the committed
// file shows what its patterns hold.
func escapeInvisible(doc []byte) []byte {
	var b bytes.Buffer
	for _, r := range string(doc) {
		if r == ' ' || r == '\n' || (r < utf8.RuneSelf && unicode.IsPrint(r)) || (r >= utf8.RuneSelf && unicode.IsGraphic(r) && !unicode.Is(unicode.Zs, r) && !unicode.Is(unicode.Cf, r)) {
			b.WriteRune(r)
			continue
		}
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, "\\u%04x\\u%04x", r1, r2)
			continue
		}
		fmt.Fprintf(&b, "\\u%04x", r)
	}
	return b.Bytes()
}

// addDescriptions copies the schema's doc comments into the JSON Schema's
// properties as descriptions, which editors show on hover: CUE's encoder
// leaves them out.
func addDescriptions(v cue.Value, schema map[string]any) {
	props, ok := schema["properties"].(map[string]any)
	if !ok {
		return
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return
	}
	for it.Next() {
		prop, ok := props[it.Selector().Unquoted()].(map[string]any)
		if !ok {
			continue
		}
		var text []string
		for _, d := range it.Value().Doc() {
			if t := strings.TrimSpace(d.Text()); t != "" {
				text = append(text, strings.Join(strings.Fields(t), " "))
			}
		}
		if len(text) > 0 {
			prop["description"] = strings.Join(text, " ")
		}
		addDescriptions(it.Value(), prop)
	}
}
