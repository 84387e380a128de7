package catalog

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/samplegen"
)

// TestListingReadsOnlyTheListing: the listing clock's reading of a past
// version finds the listing whatever else the file holds, and nothing in
// a file the guard refuses.
func TestListingReadsOnlyTheListing(t *testing.T) {
	cat, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	beta := string(samplegen.Application(1))
	tests := []struct {
		name         string
		src          string
		wantListing  bool
		wantComplete bool
	}{
		{"a valid beta's listing is complete", beta, true, true},
		{"a listing without its description is incomplete", strings.Replace(beta, "\tdescription:", "\t// description:", 1), true, false},
		{"a file failing the schema elsewhere still has its listing read", strings.Replace(beta, "stage: \"beta\"", "stage: \"betta\"", 1), true, true},
		{"an applied file has no listing", string(samplegen.Application(0)), false, false},
		{"a file the guard refuses has none", "import \"list\"\n" + beta, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := cat.Listing("applications/x.cue", []byte(tt.src))
			if (l != nil) != tt.wantListing || l.Complete() != tt.wantComplete {
				t.Errorf("listing %+v (complete %v), want present %v, complete %v", l, l.Complete(), tt.wantListing, tt.wantComplete)
			}
		})
	}
}
