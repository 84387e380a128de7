package catalog

import (
	"strings"
	"testing"
)

// TestSchemaBoundsIntegratorText holds the schema to what integrator text
// may be: a name is one line of at most 80 characters without control or
// bidirectional characters; a phone number is written as people write it
// (its digits are judged by the policy rules); a web address's scheme is
// case-insensitive. The fast evaluator agrees with the full one on each.
func TestSchemaBoundsIntegratorText(t *testing.T) {
	tests := []struct {
		name  string
		edit  [2]string
		valid bool
	}{
		{"a name of 80 characters loads", [2]string{`"Acme Sync"`, `"` + strings.Repeat("a", 80) + `"`}, true},
		{"a name of 81 characters is refused", [2]string{`"Acme Sync"`, `"` + strings.Repeat("a", 81) + `"`}, false},
		{"a name of 80 Japanese characters loads", [2]string{`"Acme Sync"`, `"` + strings.Repeat("連", 80) + `"`}, true},
		{"a name with a line break is refused", [2]string{`"Acme Sync"`, `"Acme\nSync"`}, false},
		{"a name with a tab is refused", [2]string{`"Acme Sync"`, `"Acme\tSync"`}, false},
		{"a name with a right-to-left override is refused", [2]string{`"Acme Sync"`, `"Acme \u202eSync"`}, false},
		{"a name with a first-strong isolate is refused", [2]string{`"Acme Sync"`, `"Acme \u2068Sync"`}, false},
		{"a name with a C1 control is refused", [2]string{`"Acme Sync"`, `"Acme \u0085Sync"`}, false},
		{"a company name with a line separator is refused", [2]string{`"Acme Software Ltd"`, `"Acme\u2028Ltd"`}, false},
		{"a blank name is refused", [2]string{`"Acme Sync"`, `"   "`}, false},
		{"a name with a zero-width space loads, for the policy rules to read", [2]string{`"Acme Sync"`, `"Acme H\u200bubSpot"`}, true},
		{"a website written HTTPS:// in capitals loads", [2]string{`{name: "Acme Software Ltd"}`, `{name: "Acme Software Ltd", website: "HTTPS://acme.example"}`}, true},
		{"a phone number with brackets, dashes and an extension loads", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\"}\nsupport: {phone: \"+1 (650) 253-0000 ext. 12\"}"}, true},
		{"a phone number without a country code loads, for the rules to say so", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\"}\nsupport: {phone: \"020 7946 0000\"}"}, true},
		{"a phone number of words is refused", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\"}\nsupport: {phone: \"call us\"}"}, false},
		{"a first response in 0 hours loads", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\"}\nsupport: {firstResponseHours: 0}"}, true},
		{"a tagline with a right-to-left override is refused", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\"}\nlisting: {tagline: \"Sync \\u202e\"}"}, false},
		{"a description of several lines loads", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\"}\nlisting: {description: \"One.\\n\\nTwo.\"}"}, true},
		{"a scope reason of 500 characters loads", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\", scopes: [{name: \"tickets\", reason: \"" + strings.Repeat("r", 500) + "\"}]}"}, true},
		{"a scope reason of 501 characters is refused", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\", scopes: [{name: \"tickets\", reason: \"" + strings.Repeat("r", 501) + "\"}]}"}, false},
		{"a scope reason with a line break is refused, since it is a cell of a table", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\", scopes: [{name: \"tickets\", reason: \"Opens tickets.\\nAnd more.\"}]}"}, false},
		{"a scope reason with a right-to-left override is refused", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\", scopes: [{name: \"tickets\", reason: \"Opens \\u202etickets.\"}]}"}, false},
		{"a description with a left-to-right embedding is refused", [2]string{`auth: "oauth2"}`, "auth: \"oauth2\"}\nlisting: {description: \"One \\u202a two\"}"}, false},
	}
	c := defaultCatalog(t)
	fastE, err := c.newEvaluator(fast)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(valid, tt.edit[0], tt.edit[1], 1)
			if src == valid {
				t.Fatalf("the edit %q changes nothing", tt.edit[0])
			}
			f := c.Application("applications/acme.cue", []byte(src))
			if got := f.App != nil; got != tt.valid {
				t.Errorf("loads = %v, want %v: %+v\n%s", got, tt.valid, f.Findings, src)
			}
			fa := fastE.application("a.cue", []byte(src), DefaultLimits, sourcePositions("a.cue", []byte(src)))
			if got := fa.App != nil; got != tt.valid {
				t.Errorf("the fast evaluator loads = %v, want %v", got, tt.valid)
			}
		})
	}
}
