package tick_test

import (
	"context"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/samplegen"
)

// BenchmarkTick runs a tick over a program of 10,000 applications on the
// fake GitHub on a day when nothing is due, and reports the GitHub REST
// requests one tick makes: one listing of the open pull requests, not one
// request per application.
func BenchmarkTick(b *testing.B) {
	const n = 10000
	files := map[string]string{
		// No clock lapses, nothing reaches the threshold, nobody launches
		// on 2026-01-01 in the generated program.
		"program.cue": "certificationInstalls: 100\n",
	}
	for i := range n {
		files["applications/"+samplegen.Slug(i)+".cue"] = string(samplegen.Application(i))
	}
	srv := program(b, files)
	r := runner(b, srv)
	b.ResetTimer()
	var rest, git, actions int
	for b.Loop() {
		srv.ResetCalls()
		s, err := r.Run(context.Background(), day("2026-01-01"))
		if err != nil {
			b.Fatal(err)
		}
		rest, git, actions = 0, 0, len(s.Actions)
		for _, c := range srv.Calls() {
			if strings.Contains(c, " /repos/") {
				rest++
			} else {
				git++
			}
		}
	}
	b.ReportMetric(float64(rest), "REST-requests/tick")
	b.ReportMetric(float64(git), "git-requests/tick")
	b.ReportMetric(float64(actions), "actions")
}
