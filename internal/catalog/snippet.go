package catalog

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"

	"github.com/connectbot/connectbot/internal/application"
)

// SnippetValue is one field of a snippet: its dotted path, its value,
// and, when the value is a placeholder, what to replace it with (one
// line, written as a REPLACE comment after it).
type SnippetValue struct {
	Path    string
	Value   any
	Replace string
	// Note says what is wrong with a value the file holds (one line,
	// written as a FIX comment after it).
	Note string
}

// Snippet writes values as a piece of an application file, for an
// integrator to paste into theirs: each at its path, nested in the
// structs that hold it, in CUE's canonical format, by the same writer as
// every file connectbot edits. A placeholder carries its REPLACE comment,
// as the template of `connectbot new` does.
func Snippet(values []SnippetValue) (string, error) {
	f := &ast.File{}
	for _, v := range values {
		value, err := plainExpr(v.Value)
		if err != nil {
			return "", fmt.Errorf("snippet: %s: %w", v.Path, err)
		}
		switch {
		case v.Replace != "":
			ast.AddComment(value, &ast.CommentGroup{Line: true, Position: 10,
				List: []*ast.Comment{{Text: "// REPLACE: " + oneLine(v.Replace)}}})
		case v.Note != "":
			ast.AddComment(value, &ast.CommentGroup{Line: true, Position: 10,
				List: []*ast.Comment{{Text: "// FIX: " + cutNote(oneLine(v.Note))}}})
		}
		if err := setField(&f.Decls, strings.Split(v.Path, "."), value, false); err != nil {
			return "", fmt.Errorf("snippet: %w", err)
		}
	}
	out, err := format.Node(f)
	if err != nil {
		return "", fmt.Errorf("snippet: %w", err)
	}
	return string(out), nil
}

// placeholders are what a snippet shows for a field the file does not
// hold yet: a value the schema refuses as written, and what to replace it
// with.
var placeholders = map[string]SnippetValue{
	"listing.tagline":              {Value: "", Replace: "one line of at most 80 characters"},
	"listing.description":          {Value: "", Replace: "what the integration does for a customer"},
	"listing.setupInstructionsUrl": {Value: "", Replace: "https://... the page that tells a customer how to connect it"},
	"listing.supportUrl":           {Value: "", Replace: "https://... the page the listing links to for help"},
	"integration.appId":            {Value: "", Replace: "the App ID from the developer portal, digits only"},
	"certification.demoVideoUrl":   {Value: "", Replace: "https://... a video demo of the integration"},
	"certification.salesAssets":    {Value: []string{""}, Replace: "https://... links to sales enablement assets"},
	"certification.answers":        {Value: []application.FeedbackAnswer{{}}, Replace: "the feedback item's id, and your answer"},
	"support.channels":             {Value: []string{""}, Replace: `"ticket" and/or "phone"`},
	"support.firstResponseHours":   {Value: -1, Replace: "hours to a first response"},
	"support.url":                  {Value: "", Replace: "https://... your support page"},
	"privacy.policyUrl":            {Value: "", Replace: "https://... your privacy policy"},
	"privacy.dataRequestsUrl":      {Value: "", Replace: "https://... where customers ask to erase or correct their data"},
	"privacy.securityContact":      {Value: "", Replace: "who the platform contacts about a breach, email or https page"},
}

// groups are the fields a finding on a whole struct is about.
var groups = map[string][]string{
	"listing":       {"listing.tagline", "listing.description", "listing.setupInstructionsUrl", "listing.supportUrl"},
	"certification": {"certification.demoVideoUrl", "certification.salesAssets"},
}

// index is a list index in a field path.
var index = regexp.MustCompile(`\[[0-9]+\]`)

// FixSnippet writes the snippet that fixes the fields at paths of app (the
// paths of findings, "listing.tagline", "certification.salesAssets[1]"):
// each field with the file's own value where it has one, and a
// placeholder marked REPLACE where it has none; a path of a whole struct
// the listing or the certification materials stands for its fields. app
// may be nil (a file that does not load): every field is then a
// placeholder. Fields no placeholder is known for and the file lacks are
// left out; "" when nothing is left. A value the file holds is marked with
// its note, when notes has one for its path (what is wrong with it).
func FixSnippet(app *application.Application, paths []string, notes map[string]string) (string, error) {
	doc := map[string]any{}
	if app != nil {
		raw, err := json.Marshal(app)
		if err != nil {
			return "", fmt.Errorf("snippet: %w", err)
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return "", fmt.Errorf("snippet: %w", err)
		}
	}
	var values []SnippetValue
	seen := map[string]bool{}
	for _, p := range paths {
		note := notes[p]
		p = index.ReplaceAllString(p, "")
		if i := strings.Index(p, "["); i >= 0 {
			p = p[:i]
		}
		fields, ok := groups[p]
		if !ok {
			fields = []string{p}
		}
		for _, f := range fields {
			if seen[f] || f == "" {
				continue
			}
			seen[f] = true
			if v, ok := lookup(doc, f); ok {
				values = append(values, SnippetValue{Path: f, Value: v, Note: note})
			} else if ph, ok := placeholders[f]; ok {
				ph.Path = f
				values = append(values, ph)
			}
		}
	}
	if len(values) == 0 {
		return "", nil
	}
	return Snippet(values)
}

// lookup returns the value at a dotted path of doc, when it has a
// non-empty one.
func lookup(doc map[string]any, p string) (any, bool) {
	var v any = doc
	for _, part := range strings.Split(p, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	switch x := v.(type) {
	case string:
		return x, x != ""
	case []any:
		return x, len(x) > 0
	case nil:
		return nil, false
	}
	return v, true
}

// cutNote keeps a FIX comment to a line a reader takes in.
func cutNote(s string) string {
	if r := []rune(s); len(r) > 160 {
		return string(r[:159]) + "…"
	}
	return s
}
