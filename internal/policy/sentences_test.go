package policy_test

import (
	"os"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/policy"
)

// TestSentencesAreQuotedVerbatim holds every policy rule's sentence to the
// seed it cites: a reviewer reading a finding reads the policy's own words.
// The seeds are copied byte for byte into testdata/seeds.
func TestSentencesAreQuotedVerbatim(t *testing.T) {
	seeds := map[string]string{
		"connect/":   "testdata/seeds/connect-program-policies.txt",
		"developer/": "testdata/seeds/developer-policy.txt",
	}
	texts := map[string]string{}
	for prefix, path := range seeds {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		texts[prefix] = string(b)
	}
	for _, r := range policy.Rules() {
		for prefix, text := range texts {
			if strings.HasPrefix(r.ID, prefix) && !strings.Contains(text, r.Sentence) {
				t.Errorf("%s: sentence is not in %s verbatim: %q", r.ID, seeds[prefix], r.Sentence)
			}
		}
	}
}
