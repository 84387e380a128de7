package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/loader"
)

// formCommand writes the issue forms — the application form,
// .github/ISSUE_TEMPLATE/apply.yml, and the step forms beside it — from
// program.cue, so their hints quote the configured numbers; with --check
// it writes nothing and exits 1 when a committed form is not what
// program.cue gives.
func formCommand(fs *flag.FlagSet) runFunc {
	repo := fs.String("repo", ".", "the program repository")
	check := fs.Bool("check", false, "only report whether the committed form is current")
	return func(e *env, _ []string) int {
		_, cfg, err := loader.New().Program(loader.Dir(os.DirFS(*repo)))
		if err != nil {
			return e.failf(exitCantRun, "form: %v", err)
		}
		forms, err := issueform.Templates(cfg)
		if err != nil {
			return e.failf(exitCantRun, "form: %v", err)
		}
		stale := 0
		for _, g := range forms {
			path := filepath.Join(*repo, filepath.FromSlash(g.Path))
			have, err := os.ReadFile(path)
			if err != nil && !os.IsNotExist(err) {
				return e.failf(exitCantRun, "form: %v", err)
			}
			switch {
			case bytes.Equal(have, g.Content):
				fmt.Fprintf(e.stdout, "%s is current\n", g.Path)
			case *check:
				fmt.Fprintf(e.stdout, "%s is not what program.cue gives: run connectbot form\n", g.Path)
				stale++
			default:
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					return e.failf(exitCantRun, "form: %v", err)
				}
				if err := writeFileAtomic(path, g.Content); err != nil {
					return e.failf(exitCantRun, "form: %v", err)
				}
				fmt.Fprintf(e.stdout, "wrote %s\n", g.Path)
			}
		}
		if stale > 0 {
			return exitFound
		}
		return exitOK
	}
}
