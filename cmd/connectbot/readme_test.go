package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/policy"
)

// rulesTable renders every policy rule as docs/rules.md's markdown table.
func rulesTable() string {
	var b strings.Builder
	b.WriteString("| rule | source | sentence |\n|---|---|---|\n")
	for _, r := range policy.Rules() {
		sentence := r.Sentence
		for _, q := range r.Quotes()[1:] {
			sentence += fmt.Sprintf(" — also %s: %s", q.Source, q.Sentence)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.ID, r.Source, strings.ReplaceAll(sentence, "|", `\|`))
	}
	for _, r := range catalog.FormatRules() {
		fmt.Fprintf(&b, "| `%s` | connectbot loader | %s |\n", r.ID, r.Description)
	}
	return b.String()
}

// TestREADMEListsEveryRule keeps the rule table of docs/rules.md (moved
// there from the README) equal to the rules in the code. Run with -update to rewrite it.
func TestREADMEListsEveryRule(t *testing.T) {
	const path = "../../docs/rules.md"
	const begin, end = "<!-- rules:begin -->\n", "<!-- rules:end -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q … %q markers", path, begin, end)
	}
	want := readme[:i+len(begin)] + rulesTable() + readme[j:]
	golden.Check(t, path, want) // docs/rules.md's rule table
}
