// Package tick is a scheduled run of the program: read the repository at
// the base branch, ask GitHub once for the bot's open pull requests, let
// the engine decide, and carry the plan out through internal/apply. It is
// the same whether cron, GitHub Actions or a person starts it.
package tick

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/installs"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/snapshot"
)

// forgeClient is what a tick reads from GitHub.
type forgeClient interface {
	ListPRs(ctx context.Context, head, state string) ([]forge.PR, error)
}

// gitRepo is what a tick reads from git.
type gitRepo interface {
	Fetch(ctx context.Context, refspecs ...string) error
	Resolve(rev string) (string, error)
	Tree(sha string) (fs.FS, error)
	Entries(sha, dir string) (map[string]gitrepo.Entry, error)
	snapshot.History
}

// executor carries a plan out, and finishes a pull request an earlier
// run opened and did not label (apply's Executor is one).
type executor interface {
	Apply(ctx context.Context, plan program.Plan) ([]apply.Result, error)
	Relabel(ctx context.Context, pr forge.PR, kind program.ActionKind) (apply.Result, bool)
}

// Runner runs ticks against one repository.
type Runner struct {
	Forge forgeClient
	Git   gitRepo
	Exec  executor
	// Base is the branch the program lives on.
	Base string
	// Installs reads the live counts of the install source the base's
	// program.cue names, which promotions, removals and acceptance rest on;
	// nil asks the source over HTTP. Without a source in program.cue the
	// counts recorded in the files are used and Installs is not called.
	Installs installs.Reader
	// DryRun decides and reports, changing nothing.
	DryRun bool
	Log    *slog.Logger
	// Loader loads the program at the base branch; the run's pull-request
	// handler shares it, so that the base is loaded once per run. Nil
	// loads it afresh.
	Loader *loader.Loader
}

// Reconciled is an open pull request a tick reconciled, and what was
// missing on GitHub and is now done.
type Reconciled struct {
	Number   int      `json:"number"`
	Repaired []string `json:"repaired"`
	// Skipped says why the reconcile left it to the next one (its budget
	// was spent); "" when it did not.
	Skipped string `json:"skipped,omitempty"`
	// Error is why reconciling it failed ("" when it did not).
	Error string `json:"error,omitempty"`
	// Unchanged is true when nothing happened on it since a reconcile
	// found it settled: it was not judged again.
	Unchanged bool `json:"unchanged,omitempty"`
}

// Summary is what one tick decided and did.
type Summary struct {
	Now     application.Date `json:"now"`
	Actions []program.Action `json:"actions"`
	Results []Result         `json:"results"`
	// Failed are the results of the actions GitHub or git refused, in the
	// plan's order, each with GitHub's message in its detail. The next
	// tick tries them again.
	Failed []Result `json:"failed"`
	// Reconciled are the open pull requests into the base branch, each
	// made to show what the rules say now.
	Reconciled []Reconciled `json:"reconciled"`
	// Skipped are the slugs of the applications whose clock inputs cannot
	// be read or are invalid, which the tick leaves alone.
	Skipped []string `json:"skipped"`
	// Held are the applications whose clock has come but whose action
	// waits for their own inputs, each with why (as plan shows them).
	Held     []report.Held `json:"held"`
	Duration time.Duration `json:"-"`
}

// Result is the fate of one action, in the run summary.
type Result struct {
	Kind   program.ActionKind `json:"kind"`
	Slug   string             `json:"slug"`
	Status string             `json:"status"`
	Detail string             `json:"detail"`
	PR     int                `json:"pr,omitempty"`
}

// Run carries out one tick as of now.
func (r *Runner) Run(ctx context.Context, now time.Time) (Summary, error) {
	start := time.Now()
	day := application.DateOf(now)
	if err := r.Git.Fetch(ctx); err != nil {
		return Summary{}, err
	}
	sha, err := r.Git.Resolve("refs/remotes/origin/" + r.Base)
	if err != nil {
		return Summary{}, err
	}
	tree, err := loader.Read(r.Git, sha)
	if err != nil {
		return Summary{}, err
	}
	d, err := Decide(ctx, Tree{Program: tree, History: r.Git, Rev: sha}, Input{Loader: r.Loader, Forge: r.Forge, Installs: r.Installs}, day)
	if err != nil {
		return Summary{}, err
	}
	plan := d.Plan
	s := d.Summary()
	if !r.DryRun {
		results, err := r.Exec.Apply(ctx, plan)
		if err != nil {
			return s, err
		}
		results = append(results, relabel(ctx, r.Exec, d.open, plan)...)
		for _, x := range results {
			res := Result{Kind: x.Action.Kind, Slug: x.Action.Slug, Status: x.Status, Detail: x.Detail, PR: x.PR}
			s.Results = append(s.Results, res)
			if x.Status == apply.Failed {
				s.Failed = append(s.Failed, res)
			}
		}
	}
	s.Duration = time.Since(start)
	return s, nil
}

// Tree is the program as a run reads it: the files, and the git history
// they come from.
type Tree struct {
	// Program is the program's tree (loader.Dir for a checkout on disk).
	Program loader.Tree
	// History is the repository the files were read from, and Rev their
	// commit, whose first-parent history the listing clock reads; nil
	// when the files are a plain directory, with no history.
	History snapshot.History
	Rev     string
}

// Input is what a decision is made from, beside its tree and its day.
type Input struct {
	// Loader loads the tree; nil loads it afresh.
	Loader *loader.Loader
	// Forge lists the bot's open pull requests, in one listing; nil lists
	// none.
	Forge forgeClient
	// Installs reads the live counts of the install source (over HTTP
	// when nil); InstallsURL, when set, replaces the source program.cue
	// names: another URL, or program.SourceRecorded for the counts
	// recorded in the files.
	Installs    installs.Reader
	InstallsURL string
	// Today is the day the command runs, when it decides for an earlier
	// day (status --now): the source's answer is checked against it, and
	// its counts, dated after the day decided, are no evidence for it (the
	// engine leaves them out). Zero means the day decided.
	Today application.Date
}

// Decision is what Decide judged and decided.
type Decision struct {
	Statuses []program.Status
	Plan     program.Plan
	// Snapshot is the judged program, for what the statuses do not carry
	// (names, launch dates).
	Snapshot *snapshot.Snapshot
	// open are the bot's open pull requests as GitHub listed them.
	open []forge.PR
}

// Decide judges a tree through in.Loader, by its one rule for the schema,
// and decides it as of day, with the bot's open pull requests and the live
// install counts in reads. It is the one decision of a run: a tick's,
// `tick --dry-run`'s and `plan`'s.
func Decide(ctx context.Context, tree Tree, in Input, day application.Date) (Decision, error) {
	l := in.Loader
	if l == nil {
		l = loader.New()
	}
	snap, cat, err := l.Load(tree.Program, day)
	if err != nil {
		return Decision{}, err
	}
	if tree.History != nil {
		if err := snap.ReadListings(ctx, cat, tree.History, tree.Rev, day); err != nil {
			return Decision{}, err
		}
	}
	counts, err := in.counts(ctx, snap, day)
	if err != nil {
		return Decision{}, err
	}
	d := Decision{Snapshot: snap}
	var open []program.OpenPR
	if in.Forge != nil {
		if d.open, err = in.Forge.ListPRs(ctx, "", "open"); err != nil {
			return Decision{}, fmt.Errorf("list open pull requests: %w", err)
		}
		d.open, open = botPRs(d.open)
	}
	d.Statuses, d.Plan = program.Decide(program.Input{Files: snap.Files, Config: snap.Config, Installs: counts, Open: open,
		ListingSuppliedOn: snap.ListingSuppliedOn, Now: day})
	return d, nil
}

// Summary is what a run of the decision reports before it acts: the plan,
// with the applications skipped and held as plan shows them.
func (d Decision) Summary() Summary {
	p := report.NewPlan(d.Plan, d.Statuses)
	return Summary{Now: d.Plan.Now, Actions: d.Plan.Actions, Results: []Result{}, Failed: []Result{}, Reconciled: []Reconciled{}, Skipped: p.Skipped, Held: p.Held}
}

// counts reads the live install counts of the source in names, else of
// the one program.cue names; none (the recorded counts) without one.
func (in Input) counts(ctx context.Context, snap *snapshot.Snapshot, day application.Date) (map[string]program.Installs, error) {
	url := in.InstallsURL
	switch {
	case url == program.SourceRecorded:
		return nil, nil
	case url != "":
	case snap.Config.InstallsSource == nil:
		return nil, nil
	default:
		url = snap.Config.InstallsSource.URL
	}
	live := in.Installs
	if live == nil {
		live = installs.Fetch
	}
	return live(ctx, url, snap.Files, max(day, in.Today))
}

// relabel labels each of the bot's open pull requests that lacks its
// label — one a run opened and stopped before labelling, since the plan
// has no action for an open pull request — except those the plan acts on.
func relabel(ctx context.Context, x executor, open []forge.PR, plan program.Plan) []apply.Result {
	acted := map[int]bool{}
	for _, a := range plan.Actions {
		acted[a.PR] = true
	}
	var out []apply.Result
	for _, pr := range open {
		o, _ := botPR(pr)
		if acted[pr.Number] {
			continue
		}
		if r, changed := x.Relabel(ctx, pr, o.Kind); changed {
			out = append(out, r)
		}
	}
	return out
}

// markerRE reads the hidden marker program.Marker writes in a body.
var markerRE = regexp.MustCompile(`<!-- connectbot:action (\S+) (\S+) (\S+) (\S+) -->`)

// OpenPRs lists the bot's open pull requests in one request per page:
// those whose head branch is one of program.Branch's.
func OpenPRs(ctx context.Context, f forgeClient) ([]program.OpenPR, error) {
	prs, err := f.ListPRs(ctx, "", "open")
	if err != nil {
		return nil, fmt.Errorf("list open pull requests: %w", err)
	}
	_, open := botPRs(prs)
	return open, nil
}

// botPRs keeps the bot's pull requests of prs, as GitHub listed them and
// as the engine reads them.
func botPRs(prs []forge.PR) ([]forge.PR, []program.OpenPR) {
	var listed []forge.PR
	var out []program.OpenPR
	for _, pr := range prs {
		if o, ok := botPR(pr); ok {
			listed = append(listed, pr)
			out = append(out, o)
		}
	}
	return listed, out
}

// botPR reads pull request pr as one the bot opened for an action: its
// head branch is one of program.Branch's, in the repository itself. A
// fork's branch of the same name is anyone's: taken for the bot's, it
// would hold off the removal it names.
func botPR(pr forge.PR) (program.OpenPR, bool) {
	parts := strings.Split(pr.HeadRef, "/")
	if pr.HeadRepo == "" || pr.HeadRepo != pr.BaseRepo {
		return program.OpenPR{}, false
	}
	if len(parts) != 3 || parts[0] != "connectbot" {
		return program.OpenPR{}, false
	}
	kind, ok := program.KindOfVerb(parts[1])
	if !ok {
		return program.OpenPR{}, false
	}
	o := program.OpenPR{Number: pr.Number, Kind: kind, Slug: parts[2]}
	if m := markerRE.FindStringSubmatch(pr.Body); m != nil && m[1] == string(o.Kind) && m[2] == o.Slug {
		o.Reason = m[3]
	}
	return o, true
}
