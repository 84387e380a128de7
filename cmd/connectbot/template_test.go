package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// TestTheUntouchedTemplateGetsEveryFindingInOneComment opens a pull
// request with the template `new` writes, unchanged: the one comment lists
// the schema's findings and the policy rules' findings on every part that
// passes the schema, so that nothing new appears once the first are fixed.
func TestTheUntouchedTemplateGetsEveryFindingInOneComment(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := snapshot.LoadConfig(cat, os.DirFS("../.."))
	if err != nil {
		t.Fatal(err)
	}
	now := application.DateOf(fixedNow())
	src := applicationTemplate("acme-sync", now, cfg)
	files := []application.File{cat.Application("applications/acme-sync.cue", []byte(src))}
	policy.Check(files, cfg, now)
	rules := map[string]bool{}
	for _, x := range files[0].Findings {
		rules[strings.SplitN(x.Rule, "/", 2)[0]] = true
	}
	for _, want := range []string{"format", "connect", "developer"} {
		if !rules[want] {
			t.Errorf("no %s/ finding on the template; the first comment must list every kind: %+v", want, files[0].Findings)
		}
	}
	v := program.JudgePullRequest(program.PullRequest{
		Number: 1, Author: program.Author{Login: "acme-dev"}, HeadSHA: strings.Repeat("c0", 20), Config: cfg, Now: now,
		Changes: []program.FileChange{{Path: files[0].Path, Status: program.ChangeNew, Head: &files[0]}},
	})
	comment := report.PRComment(v, nil, nil)
	if end := strings.Index(comment, "\n#### What "); end >= 0 {
		comment = comment[:end+1]
	}
	golden.Check(t, filepath.Join("testdata", "golden", "comment-template.md.golden"), []byte(comment))
}
