package catalog

import (
	"fmt"
	"os"
	"testing"
)

func TestScratch(t *testing.T) {
	c, err := Default()
	if err != nil { t.Fatal(err) }
	src, _ := os.ReadFile("../../applications/acme-sync.cue")
	f := c.Application("applications/acme-sync.cue", src)
	fmt.Printf("%+v\n%+v\n", f.App, f.Findings)
	bad := []byte(`company: {name: "X", website: "ftp:/x"}
maintainers: []
integration: {name: "", auth: "api_key", scopes: [{name: "Bad Scope"}], typo: 1}
support: {firstResponseHours: 48, channels: ["fax"]}
program: {stage: "beta", installs: {count: -1, asOf: "2027-02-30"}, acceptedAt: "2026-1-1"}
`)
	f = c.Application("applications/bad.cue", bad)
	for _, x := range f.Findings { fmt.Printf("%+v\n", x) }
}

func BenchmarkScratch(b *testing.B) {
	c, _ := Default()
	src, _ := os.ReadFile("../../applications/acme-sync.cue")
	b.ReportAllocs()
	for b.Loop() {
		c.Application("applications/acme-sync.cue", src)
	}
}

func BenchmarkScratchReuse(b *testing.B) {
	c, _ := Default()
	e, _ := c.newEvaluator()
	src, _ := os.ReadFile("../../applications/acme-sync.cue")
	b.ReportAllocs()
	for b.Loop() {
		e.application("applications/acme-sync.cue", src, c.limits)
	}
}
func BenchmarkScratchEvaluator(b *testing.B) {
	c, _ := Default()
	b.ReportAllocs()
	for b.Loop() {
		c.newEvaluator()
	}
}

func BenchmarkScratchNoErr(b *testing.B) {
	c, err := New(os.DirFS("/tmp/noerr"), DefaultLimits)
	if err != nil { b.Fatal(err) }
	e, _ := c.newEvaluator()
	src, _ := os.ReadFile("../../applications/acme-sync.cue")
	b.ReportAllocs()
	for b.Loop() {
		e.application("applications/acme-sync.cue", src, c.limits)
	}
}
