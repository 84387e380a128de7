package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/buildinfo"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// impactCommand compares the program under the committed program.cue at REF
// and the one in the working tree: for every application over the next
// days, who ends somewhere else, whose deadlines move, who passes or
// fails — before the change is merged.
func impactCommand(fs *flag.FlagSet) runFunc {
	format := textOrJSONFlag(fs)
	now := nowVar(fs, "start the comparison on this day (YYYY-MM-DD or RFC 3339)")
	base := fs.String("base", "HEAD", "the git revision whose program.cue is the current rule")
	days := fs.Int("days", program.ImpactDays, "how many days ahead to compare")
	repoDir := fs.String("repo", ".", "the program repository (a git checkout)")
	beforeReport := fs.String("before", "", "a `validate --format json` report of the connectbot in use: compare this connectbot's verdicts with it (an upgrade)")
	return func(e *env, _ []string) int {
		if *beforeReport != "" {
			return runUpgradeImpact(e, *beforeReport, *repoDir, now.resolve(e.now), format.value)
		}
		if *days < 1 || *days > 3650 {
			return e.failf(exitCantRun, "impact: --days must be between 1 and 3650")
		}
		day := now.resolve(e.now)
		repo, sha, err := openBase(*repoDir, *base)
		if err != nil {
			return e.failf(exitCantRun, "impact: %v", err)
		}
		// The base's schema reads both program.cue files, as it judges a pull
		// request that changes program.cue.
		l := loader.New()
		baseTree, err := loader.Read(repo, sha)
		if err != nil {
			return e.failf(exitCantRun, "impact: %v", err)
		}
		cat, err := l.Catalog(baseTree)
		if err != nil {
			return e.failf(exitCantRun, "impact: %v", err)
		}
		before, _, err := l.Config(cat, baseTree)
		if err != nil {
			return e.failf(exitCantRun, "impact: %s at %s: %v", catalog.ProgramFile, *base, err)
		}
		work := os.DirFS(*repoDir)
		after, _, err := l.Config(cat, loader.Dir(work))
		if err != nil {
			return e.failf(exitCantRun, "impact: proposed %v", err)
		}
		paths, err := snapshot.ApplicationFiles(work, nil)
		if err != nil {
			return e.failf(exitCantRun, "impact: %v", err)
		}
		imp := report.NewImpact(*base, cat.Applications(work, paths), before, after, day, *days)
		return e.writeReport("impact", format.value, imp)
	}
}

// runUpgradeImpact compares the verdicts of the report at path, made by
// the connectbot in use, with this connectbot's on the same repository:
// who a move to this release judges differently.
func runUpgradeImpact(e *env, path, repoDir string, day application.Date, format string) int {
	b, err := readRegular(path, maxReportBytes)
	if err != nil {
		return e.failf(exitCantRun, "impact: --before: %v", err)
	}
	was, err := parseReport(b)
	if err != nil {
		return e.failf(exitCantRun, "impact: --before %s: %v", path, err)
	}
	now, err := validation(repoDir, nil, day)
	if err != nil {
		return e.failf(exitCantRun, "impact: %v", err)
	}
	up := report.NewUpgrade(path, buildinfo.Read().Version, was.Verdicts(), now.Verdicts())
	return e.writeReport("impact", format, up)
}

// openBase opens the program's git checkout at dir and resolves base in
// it, saying what to do when dir is no repository or holds no such commit,
// as in a program just made by init.
func openBase(dir, base string) (*gitrepo.Repo, string, error) {
	repo, err := gitrepo.Open(dir)
	if errors.Is(err, gitrepo.ErrNotFound) {
		return nil, "", fmt.Errorf("%s is not a git repository: impact compares %s with a commit's (--base); run it in the program's git checkout, or give --repo it", dir, catalog.ProgramFile)
	}
	if err != nil {
		return nil, "", err
	}
	sha, err := repo.Resolve(base)
	if err != nil {
		repo.Close()
		if errors.Is(err, gitrepo.ErrNotFound) {
			return nil, "", fmt.Errorf("%s has no commit %s: commit the program first (git commit), or give --base a branch, tag or commit it has", dir, base)
		}
		return nil, "", err
	}
	return repo, sha, nil
}
