package catalog

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
)

// FuzzApplication feeds the loader arbitrary files. Whatever comes in, the
// loader answers with a decoded application or with findings, each on one
// line and positioned in the file; it never panics and never reports an
// internal failure; and the fast schema agrees with the schema as written.
// The seed corpus is in testdata/fuzz/FuzzApplication; .ci/run fuzzes it
// briefly.
func FuzzApplication(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("company: {name: \"A\"}\nintegration: auth: \"api_key\"\n"))
	f.Add([]byte("import \"list\"\nx: list.Range(0, 1e10, 1)\n"))
	f.Add([]byte("a: " + strings.Repeat("(1|2) & ", 8) + "1\n"))
	f.Add([]byte("a: [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]\n"))
	f.Add([]byte("\xff\xfe\x00"))
	c := defaultCatalog(f)
	fastE, err := c.newEvaluator(fast)
	if err != nil {
		f.Fatal(err)
	}
	fullE, err := c.newEvaluator(full)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		got := withHangDetector(t, func() application.File {
			return c.Application("applications/fuzz.cue", src)
		})
		for _, x := range got.Findings {
			if x.Rule == RuleInternal {
				t.Fatalf("internal failure: %s", x.Message)
			}
			if x.Line < 1 || x.Column < 1 || strings.Contains(x.Message, "\n") || x.Message == "" {
				t.Fatalf("malformed finding %+v", x)
			}
		}
		if (got.App != nil) != (got.Errors() == 0) {
			t.Fatalf("decoded=%v with %d errors", got.App != nil, got.Errors())
		}
		a := fastE.application("a.cue", src, c.limits, sourcePositions("a.cue", src))
		b := fullE.application("a.cue", src, c.limits, sourcePositions("a.cue", src))
		if (a.App == nil) != (b.App == nil) {
			t.Fatalf("fast schema accepts=%v, full schema accepts=%v", a.App != nil, b.App != nil)
		}
	})
}
