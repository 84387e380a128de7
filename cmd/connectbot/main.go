// Command connectbot runs a partner program as code: it validates
// application files, reports the state of every integrator and plans what
// the program's clocks demand. See README.md and `connectbot help`.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"

	"github.com/connectbot/connectbot/internal/cpuprofile"
)

func main() {
	tuneGC(os.Args[1:])
	stop := profileCPU(os.Getenv("CONNECTBOT_CPUPROFILE"), os.Stderr)
	code := Main(os.Args[1:], os.Stdout, os.Stderr, time.Now)
	stop()
	os.Exit(code)
}

// profileCPU writes a CPU profile of the whole run to path, when path is
// set (CONNECTBOT_CPUPROFILE; for measuring, see docs/scale.md), and
// returns what stops it. A profile that cannot start is said on stderr and
// the run goes on.
func profileCPU(path string, stderr io.Writer) (stop func()) {
	stopProfile, err := cpuprofile.Start(path)
	if err != nil {
		fmt.Fprintf(stderr, "connectbot: CPU profile: %v\n", err)
		return func() {}
	}
	return func() {
		if err := stopProfile(); err != nil {
			fmt.Fprintf(stderr, "connectbot: CPU profile: %v\n", err)
		}
	}
}

// tuneGC sets the collector for the command args run. A batch over
// thousands of files allocates a lot that dies at once, so it collects
// less often (GOGC=400); `serve` runs for days and keeps Go's default
// (GOGC=100), so that its memory stays about twice its live heap as its
// caches fill. Both within a soft memory limit of 90% of the memory the
// process may use (processMemory). The limit must stay above the live
// heap of a large program: one of 64 MiB had the collector run without
// pause at 10,000 applications (four fifths of a reconcile's CPU). GOGC,
// GOMEMLIMIT or AUTOMEMLIMIT in the environment take precedence.
func tuneGC(args []string) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent(args))
	}
	// processMemory always answers, so Set cannot fail here.
	_, _ = memlimit.Set(memlimit.WithProvider(processMemory))
}

// gcPercent is GOGC for the command args run: Go's default for the
// long-lived service, fewer collections for every batch.
func gcPercent(args []string) int {
	if len(args) > 0 && args[0] == "serve" {
		return 100
	}
	return 400
}

// processMemory is the memory the process may use: its cgroup's limit,
// else (no cgroup, or one without a limit) defaultMemory.
func processMemory() (uint64, error) {
	if limit, err := memlimit.FromCgroup(); err == nil {
		return limit, nil
	}
	return defaultMemory, nil
}

// defaultMemory is the memory a process outside a cgroup with a limit
// takes as its own: enough for the live heap of a program of 10,000
// applications (about 150 MiB while it is judged) to grow fourfold.
const defaultMemory = 768 << 20

// Exit codes shared by every command.
const (
	exitOK      = 0 // done; nothing wrong found
	exitFound   = 1 // done; errors found (invalid applications, or actions of a tick that failed)
	exitCantRun = 2 // the command could not run: bad flag, unreadable input
)

// command is one subcommand of connectbot. Every command opens the same
// way, in exec: flags declares the command's flags on a fresh set and
// returns what runs with them; they are parsed wherever they stand among
// the arguments, -h is answered with synopsis, and a bad flag or more
// than args positional arguments is refused in one line. A command whose
// arguments are its own to read (app, whose first names a command of its
// own; serve, which runs until a signal) gives run instead of flags.
type command struct {
	name     string
	summary  string
	synopsis string
	args     int
	flags    func(fs *flag.FlagSet) runFunc
	run      func(e *env, args []string) int
}

// runFunc is what a command does once its flags are parsed, given the
// positional arguments.
type runFunc func(e *env, pos []string) int

// anyArgs lets a command take any number of positional arguments.
const anyArgs = -1

// exec runs c with the arguments that follow its name.
func (c command) exec(e *env, args []string) int {
	if c.run != nil {
		return c.run(e, args)
	}
	fs := newFlags(c.name)
	run := c.flags(fs)
	pos, err := parseFlags(fs, args)
	switch {
	case err == errHelp:
		flagHelp(e.stdout, fs, c.synopsis)
		return exitOK
	case err != nil:
		return e.failf(exitCantRun, "%s: %v", c.name, err)
	case c.args != anyArgs && len(pos) > c.args:
		return e.failf(exitCantRun, "%s: unexpected argument %q", c.name, pos[c.args])
	}
	return run(e, pos)
}

// env is what every command is given: where to write, and the clock, read
// once at the entry point.
type env struct {
	stdout, stderr io.Writer
	now            func() time.Time
	getenv         func(string) string
	// httpClient is used for GitHub; nil means the default.
	httpClient *http.Client
}

// failf reports a one-line error and returns the exit code for it.
func (e *env) failf(code int, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "connectbot: "+format+"\n", args...)
	return code
}

// commands are connectbot's commands, in the order help lists them.
func commands() []command {
	return []command{
		{name: "validate", summary: "check application files against the schema and every policy rule", synopsis: "validate [--format text|json|github] [--now DATE] [--repo DIR] [PATH...]", args: anyArgs, flags: validateCommand},
		{name: "status", summary: "every application: stage, installs, nearest deadline, next step", synopsis: "status [--now DATE] [--format text|json] [--repo DIR] [--installs recorded|URL]", flags: statusCommand},
		{name: "plan", summary: "what a scheduled run would do on a date, changing nothing", synopsis: "plan [--now DATE] [--format text|json] [--repo DIR] [--installs recorded|URL]", flags: planCommand},
		{name: "tick", summary: "carry out a scheduled run: reminders, removals, promotions, launches", synopsis: "tick [--now DATE] [--dry-run] [--format text|json] [--repo DIR] [--budget N] [--reconcile-budget N]", flags: tickCommand},
		{name: "reconcile", summary: "make every open pull request show what the rules say now, whatever deliveries were lost", synopsis: "reconcile [--dry-run] [--format text|json] [--budget N]", flags: reconcileCommand},
		{name: "action", summary: "the GitHub Actions entry point: handle the event the runner names", synopsis: "action [--dry-run]", flags: actionCommand},
		{name: "serve", summary: "run as a service: the webhook endpoint, scheduled ticks, /healthz and /metrics", run: runServe},
		{name: "impact", summary: "who a change to program.cue affects, and how, before it is merged", synopsis: "impact [--base REF] [--now DATE] [--days N] [--format text|json] [--repo DIR] | impact --before REPORT [--format text|json] [--repo DIR]", flags: impactCommand},
		{name: "calendar", summary: "every upcoming deadline and launch as iCalendar", synopsis: "calendar [--now DATE] [--repo DIR] [--installs recorded|URL] [--out FILE]", flags: calendarCommand},
		{name: "site", summary: "the integrations directory, listing pages and the program dashboard", synopsis: "site [--now DATE] [--out DIR] [--repo DIR] [--installs recorded|URL] [--preview SLUG]", flags: siteCommand},
		{name: "new", summary: "write a commented application template to fill in", synopsis: "new [--repo DIR] SLUG", args: anyArgs, flags: newCommand},
		{name: "rules", summary: "every normative sentence of both policies and how connectbot handles it", synopsis: "rules [--format md|json]", flags: rulesCommand},
		{name: "schema", summary: "print the application format: the CUE schema, or a JSON Schema for editors", synopsis: "schema [--format cue|jsonschema]", flags: schemaCommand},
		{name: "form", summary: "write the application form, .github/ISSUE_TEMPLATE/apply.yml, from program.cue", synopsis: "form [--repo DIR] [--check]", flags: formCommand},
		{name: "init", summary: "write a new program repository that runs this release of connectbot", synopsis: "init [--reviewers LOGIN,...] [--team @ORG/TEAM] [--pin COMMIT --version TAG] DIR", args: 1, flags: initCommand},
		{name: "version", summary: "which connectbot this is: version, commit, date, Go version", synopsis: "version [--format text|json]", flags: versionCommand},
		{name: "app", summary: "create the GitHub App through GitHub's manifest flow; list its installations", run: runApp},
	}
}

// Main runs connectbot with the given arguments and returns its exit code.
func Main(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	e := &env{stdout: stdout, stderr: stderr, now: now, getenv: os.Getenv}
	if len(args) == 0 {
		usage(stderr)
		return exitCantRun
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			return c.exec(e, args[1:])
		}
	}
	return e.failf(exitCantRun, "unknown command %q (run 'connectbot help' for the list)", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "connectbot runs a partner program as code.")
	fmt.Fprintln(w, "\nUsage: connectbot <command> [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'connectbot <command> -h' for a command's flags.")
}
