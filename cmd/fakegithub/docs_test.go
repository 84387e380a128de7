package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLaptopDocNamesEveryFlag holds the synopsis of fakegithub in
// docs/laptop.md ("fakegithub --repo DIR [--addr HOST:PORT] …", its lines
// that start with spaces continuing it) to the flags the command's usage
// names, so whoever runs it from the doc finds every flag there is.
func TestLaptopDocNamesEveryFlag(t *testing.T) {
	b, err := os.ReadFile("../../docs/laptop.md")
	if err != nil {
		t.Fatal(err)
	}
	synopsis := regexp.MustCompile(`(?m)^fakegithub --repo DIR.*(\n[ \t]+\[.*)*`).FindString(string(b))
	if synopsis == "" {
		t.Fatal("docs/laptop.md has no synopsis of fakegithub (a line starting \"fakegithub --repo DIR\")")
	}
	flags := func(s string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`--([a-z][a-z-]*)`).FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	if diff := cmp.Diff(flags(strings.TrimPrefix(usage, "usage: ")), flags(synopsis)); diff != "" {
		t.Errorf("docs/laptop.md's synopsis of fakegithub against its usage (-usage +doc):\n%s", diff)
	}
}
