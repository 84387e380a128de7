package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/snapshot"
	"github.com/connectbot/connectbot/internal/tick"
)

// programFlags are the flags of the commands that decide: status and plan.
type programFlags struct {
	format   *formatFlag
	now      dateFlag
	repo     *string
	installs *string
	// at is the clock, read once by clock.
	at time.Time
}

// clock reads the clock once for the command: the stamp, the day decided
// without --now, and the real today the install source is checked against.
func (f *programFlags) clock(e *env) time.Time {
	if f.at.IsZero() {
		f.at = e.now()
	}
	return f.at
}

func newProgramFlags(fs *flag.FlagSet) *programFlags {
	f := newDecideFlags(fs, "decide as of this day (YYYY-MM-DD or RFC 3339)")
	f.format = formatVar(fs, "output: text for people, json (the stable contract)", "text", "json")
	return f
}

// newDecideFlags registers what every command that runs the engine takes:
// --now (described by nowHelp), --repo and --installs.
func newDecideFlags(fs *flag.FlagSet, nowHelp string) *programFlags {
	f := &programFlags{}
	fs.Var(&f.now, "now", nowHelp)
	f.repo = fs.String("repo", ".", "the program repository: program.cue and "+application.Dir+"/")
	f.installs = fs.String("installs", "", `install counts: "recorded" (each file's program.installs) or a source URL; default: program.cue's installsSource, else recorded`)
	return f
}

// stamp is the moment an output is made as of: the start of --now's day
// when it is given, so that the output is the same on every run, else the
// clock — read once, and --now pinned to its day, so that the engine
// decides for the same day the stamp says even across midnight.
func (f *programFlags) stamp(e *env) time.Time {
	if f.now.set {
		return f.now.date.Time()
	}
	t := f.clock(e)
	f.now.date, f.now.set = application.DateOf(t), true
	return t
}

// decide makes the one decision (tick.Decide, as a tick's) on the
// checkout, with live installs if configured or --installs names them. It
// returns the snapshot too, for what statuses do not carry (names, launch
// dates).
func (f *programFlags) decide(e *env) ([]program.Status, program.Plan, *snapshot.Snapshot, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	clock := func() time.Time { return f.clock(e) }
	in := tick.Input{InstallsURL: *f.installs, Today: application.DateOf(clock())}
	d, err := decideCheckout(ctx, *f.repo, in, f.now.resolve(clock))
	if err != nil {
		return nil, program.Plan{}, nil, err
	}
	return d.Statuses, d.Plan, d.Snapshot, nil
}

// decideCheckout is the one decision (tick.Decide) on the checkout at dir,
// read through a loader by its one rule for the schema, with the listing
// clock's history from its HEAD when it has one, as of day: what plan,
// status and tick --dry-run without credentials show.
func decideCheckout(ctx context.Context, dir string, in tick.Input, day application.Date) (tick.Decision, error) {
	tree := tick.Tree{Program: loader.Dir(os.DirFS(dir))}
	h, rev, ok, err := localHistory(dir)
	if err != nil {
		return tick.Decision{}, err
	}
	if ok {
		defer h.Close()
		tree.History, tree.Rev = h, rev
	}
	d, err := tick.Decide(ctx, tree, in, day)
	if err != nil {
		return tick.Decision{}, inRepo(dir, err)
	}
	return d, nil
}

// readListings reads the listing clock's git history from the repository
// at dir, from its HEAD. A directory that is not the top of a git
// repository, or one with no commit yet, has no history: the clock then
// counts a listing as supplied when it is complete today or was published
// by its due date (program.Input.ListingSuppliedOn).
func readListings(snap *snapshot.Snapshot, cat *catalog.Catalog, dir string, now application.Date) error {
	h, rev, ok, err := localHistory(dir)
	if err != nil || !ok {
		return err
	}
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return snap.ReadListings(ctx, cat, h, rev, now)
}

// localHistory opens the git repository at dir and resolves its HEAD; ok
// is false when dir has no history to read.
func localHistory(dir string) (repo *gitrepo.Repo, rev string, ok bool, err error) {
	repo, err = gitrepo.Open(dir)
	if errors.Is(err, gitrepo.ErrNotFound) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	if rev, err = repo.Resolve("HEAD"); err != nil {
		repo.Close()
		return nil, "", false, nil
	}
	return repo, rev, true, nil
}

// inRepo names the directory --repo gave when it holds no program, which
// is most often a command run from the wrong directory.
func inRepo(dir string, err error) error {
	if errors.Is(err, snapshot.ErrNoProgram) {
		if abs, aerr := filepath.Abs(dir); aerr == nil {
			dir = abs
		}
		return fmt.Errorf("%s: %w (run it in the program's checkout, or name it with --repo)", dir, err)
	}
	return err
}

// statusCommand prints every application: stage, installs, nearest
// deadline, next step, most urgent first.
func statusCommand(fs *flag.FlagSet) runFunc {
	return newProgramFlags(fs).printing("status", func(e *env, day application.Date, statuses []program.Status, _ program.Plan) textOrJSON {
		return statusText{report.Status{Now: day, Applications: statuses}, colorful(e)}
	})
}

// statusText is a status report whose text is in colour when color is
// set.
type statusText struct {
	report.Status
	color bool
}

// WriteText writes the status table, in colour when s.color is set.
func (s statusText) WriteText(w io.Writer) error { return s.Status.WriteText(w, s.color) }

// planCommand prints what a scheduled run would do, changing nothing.
func planCommand(fs *flag.FlagSet) runFunc {
	return newProgramFlags(fs).printing("plan", func(_ *env, _ application.Date, statuses []program.Status, plan program.Plan) textOrJSON {
		return report.NewPlan(plan, statuses)
	})
}

// printing is what a command that prints the decision does, as cmd:
// decide, then print in --format the report that makes of the statuses
// and the plan as of the day decided.
func (f *programFlags) printing(cmd string, makeReport func(e *env, day application.Date, statuses []program.Status, plan program.Plan) textOrJSON) runFunc {
	return func(e *env, _ []string) int {
		statuses, plan, _, err := f.decide(e)
		if err != nil {
			return e.failf(exitCantRun, "%s: %v", cmd, err)
		}
		return e.writeReport(cmd, f.format.value, makeReport(e, f.now.resolve(e.now), statuses, plan))
	}
}

// textOrJSON is a report a command prints in either format.
type textOrJSON interface {
	WriteJSON(w io.Writer) error
	WriteText(w io.Writer) error
}

// writeReport prints r as format ("json", else text) on stdout for
// command cmd, and says the exit code.
func (e *env) writeReport(cmd, format string, r textOrJSON) int {
	write := r.WriteText
	if format == "json" {
		write = r.WriteJSON
	}
	if err := write(e.stdout); err != nil {
		return e.failf(exitCantRun, "%s: write output: %v", cmd, err)
	}
	return exitOK
}

// colorful reports whether text output may use colour: a terminal, and
// NO_COLOR unset.
func colorful(e *env) bool {
	f, ok := e.stdout.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
