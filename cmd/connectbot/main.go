// Command connectbot runs a partner program as code: it validates
// application files, reports the state of every integrator and plans what
// the program's clocks demand. See README.md and `connectbot help`.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

func main() {
	tuneGC()
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
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "connectbot: CPU profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(stderr, "connectbot: CPU profile: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// tuneGC trades the collector's default for one that suits a batch over
// thousands of files, which allocates a lot that dies at once: collect
// less often (GOGC=400), within a soft memory limit of 90% of the memory
// the process may use: its cgroup's limit (a container's), else
// defaultMemory. The limit must stay above the live heap of a large
// program: one of 64 MiB had the collector run without pause at 10,000
// applications (four fifths of a reconcile's CPU). GOGC, GOMEMLIMIT or
// AUTOMEMLIMIT in the environment take precedence.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// processMemory always answers, so Set cannot fail here.
	_, _ = memlimit.Set(memlimit.WithProvider(processMemory))
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

// command is one subcommand of connectbot.
type command struct {
	name    string
	summary string
	run     func(env *env, args []string) int
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

func commands() []command {
	return []command{
		{"validate", "check application files against the schema and every policy rule", runValidate},
		{"status", "every application: stage, installs, nearest deadline, next step", runStatus},
		{"plan", "what a scheduled run would do on a date, changing nothing", runPlan},
		{"tick", "carry out a scheduled run: reminders, removals, promotions, launches", runTick},
		{"reconcile", "make every open pull request show what the rules say now, whatever deliveries were lost", runReconcile},
		{"action", "the GitHub Actions entry point: handle the event the runner names", runAction},
		{"serve", "run as a service: the webhook endpoint, scheduled ticks, /healthz and /metrics", runServe},
		{"impact", "who a change to program.cue affects, and how, before it is merged", runImpact},
		{"calendar", "every upcoming deadline and launch as iCalendar", runCalendar},
		{"site", "the integrations directory, listing pages and the program dashboard", runSite},
		{"new", "write a commented application template to fill in", runNew},
		{"rules", "every normative sentence of both policies and how connectbot handles it", runRules},
		{"schema", "print the application format: the CUE schema, or a JSON Schema for editors", runSchema},
		{"form", "write the application form, .github/ISSUE_TEMPLATE/apply.yml, from program.cue", runForm},
		{"init", "write a new program repository that runs this release of connectbot", runInit},
		{"version", "which connectbot this is: version, commit, date, Go version", runVersion},
		{"app", "create the GitHub App through GitHub's manifest flow; list its installations", runApp},
	}
}

// Main runs connectbot with the given arguments and returns its exit code.
func Main(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	e := &env{stdout: stdout, stderr: stderr, now: now, getenv: os.Getenv}
	if len(args) == 0 {
		usage(stderr)
		return exitCantRun
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		return runVersion(e, args[1:])
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(e, args[1:])
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
