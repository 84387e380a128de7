package main

import (
	"flag"
	"os"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/report"
)

// validateCommand checks application files against the schema and every policy
// rule. Exit 0: no errors; 1: errors; 2: could not run.
func validateCommand(fs *flag.FlagSet) runFunc {
	format := formatVar(fs, "output: text for people, json (the stable contract), github (workflow annotations)", "text", "json", "github")
	now := nowVar(fs, "judge deadlines as of this day (YYYY-MM-DD or RFC 3339)")
	repo := fs.String("repo", ".", "the program repository: program.cue and "+application.Dir+"/")
	return func(e *env, paths []string) int {
		v, err := validation(*repo, paths, now.resolve(e.now))
		if err != nil {
			return e.failf(exitCantRun, "validate: %v", err)
		}
		switch format.value {
		case "json":
			err = v.WriteJSON(e.stdout)
		case "github":
			err = v.WriteGitHub(e.stdout)
		default:
			err = v.WriteText(e.stdout)
		}
		if err != nil {
			return e.failf(exitCantRun, "validate: write output: %v", err)
		}
		if v.Errors > 0 {
			return exitFound
		}
		return exitOK
	}
}

// validation judges the application files at paths (all of applications/
// when none) in repo with the binary's rules, as of day, loaded through a
// loader by its one rule for the schema: the checkout's schema/, else the
// binary's.
func validation(repo string, paths []string, day application.Date) (report.Validation, error) {
	rel, err := repoPaths(repo, paths)
	if err != nil {
		return report.Validation{}, err
	}
	snap, cat, err := loader.New().LoadPaths(loader.Dir(os.DirFS(repo)), rel, day)
	if err != nil {
		return report.Validation{}, inRepo(repo, err)
	}
	if err := readListings(snap, cat, repo, day); err != nil {
		return report.Validation{}, err
	}
	return report.NewValidation(snap.Files), nil
}
