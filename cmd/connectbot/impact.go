package main

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/snapshot"
)

const impactSynopsis = "impact [--base REF] [--now DATE] [--days N] [--format text|json] [--repo DIR]"

// runImpact compares the program under the committed program.cue at REF
// and the one in the working tree: for every application over the next
// days, who ends somewhere else, whose deadlines move, who passes or
// fails — before the change is merged.
func runImpact(e *env, args []string) int {
	fs := newFlags("impact")
	format := &formatFlag{value: "text", choices: []string{"text", "json"}}
	fs.Var(format, "format", "output: text for people, json")
	var now dateFlag
	fs.Var(&now, "now", "start the comparison on this day (YYYY-MM-DD or RFC 3339)")
	base := fs.String("base", "HEAD", "the git revision whose program.cue is the current rule")
	days := fs.Int("days", 90, "how many days ahead to compare")
	repoDir := fs.String("repo", ".", "the program repository (a git checkout)")
	if _, code, done := parseCommand(e, fs, args, impactSynopsis, 0); done {
		return code
	}
	if *days < 1 || *days > 3650 {
		return e.failf(exitCantRun, "impact: --days must be between 1 and 3650")
	}
	day := now.resolve(e.now)
	repo, err := gitrepo.Open(*repoDir)
	if err != nil {
		return e.failf(exitCantRun, "impact: %v", err)
	}
	sha, err := repo.Resolve(*base)
	if err != nil {
		return e.failf(exitCantRun, "impact: %v", err)
	}
	baseTree, err := repo.Tree(sha)
	if err != nil {
		return e.failf(exitCantRun, "impact: %v", err)
	}
	cat, err := catalog.ForTree(baseTree)
	if err != nil {
		return e.failf(exitCantRun, "impact: %v", err)
	}
	before, err := snapshot.LoadConfig(cat, baseTree)
	if err != nil {
		return e.failf(exitCantRun, "impact: %s at %s: %v", catalog.ProgramFile, *base, err)
	}
	work := os.DirFS(*repoDir)
	after, err := snapshot.LoadConfig(cat, work)
	if err != nil {
		return e.failf(exitCantRun, "impact: proposed %v", err)
	}
	paths, err := snapshot.ApplicationFiles(work, nil)
	if err != nil {
		return e.failf(exitCantRun, "impact: %v", err)
	}
	loaded := cat.Applications(work, paths)
	affected := program.Impact(loaded, before, after, rejudge, day, *days)
	if format.value == "json" {
		err = json.NewEncoder(e.stdout).Encode(struct {
			Now      application.Date   `json:"now"`
			Days     int                `json:"days"`
			Affected []program.Affected `json:"affected"`
		}{day, *days, nonNil(affected)})
	} else {
		err = writeImpact(e, affected, before, after, loaded, day, *days, *base)
	}
	if err != nil {
		return e.failf(exitCantRun, "impact: write output: %v", err)
	}
	return exitOK
}

// rejudge applies the policy rules under cfg to copies of freshly loaded
// files, so each configuration sees the files as the loader left them.
func rejudge(files []application.File, cfg application.Config, now application.Date) []application.File {
	out := make([]application.File, len(files))
	for i, f := range files {
		f.Findings = slices.Clone(f.Findings)
		out[i] = f
	}
	policy.Check(out, cfg, now)
	return out
}

func writeImpact(e *env, affected []program.Affected, before, after application.Config, files []application.File, day application.Date, days int, base string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Impact of program.cue against %s, %s to %s: %s affected\n", base, day, day.AddDays(days-1), plural(len(affected), "application"))
	for _, a := range affected {
		fmt.Fprintf(&b, "- %s\n", a.How)
	}
	if after.CertificationInstalls > before.CertificationInstalls {
		n := 0
		for _, f := range files {
			if f.App != nil && f.App.Program.Stage == application.StageBeta {
				c := f.App.Program.Installs.Count
				if c >= before.CertificationInstalls && c < after.CertificationInstalls {
					n++
				}
			}
		}
		if n > 0 {
			fmt.Fprintf(&b, "%s newly below the certification threshold (%d → %d)\n", plural(n, "integrator"), before.CertificationInstalls, after.CertificationInstalls)
		}
	}
	_, err := fmt.Fprint(e.stdout, b.String())
	return err
}

func nonNil(a []program.Affected) []program.Affected {
	if a == nil {
		return []program.Affected{}
	}
	return a
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
