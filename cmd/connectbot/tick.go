package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/service"
	"github.com/connectbot/connectbot/internal/tick"
)

const tickSynopsis = "tick [--now DATE] [--dry-run] [--format text|json] [--repo DIR] [--budget N] [--reconcile-budget N]"

// runTick carries out the plan of a scheduled run. With GitHub credentials
// (GITHUB_TOKEN and CONNECTBOT_REPOSITORY or GITHUB_REPOSITORY) it works on
// a fresh clone and acts through GitHub; without them it can only
// --dry-run, on the local checkout, where it prints what plan prints.
// Every action is tried; if any failed, the summary lists it with GitHub's
// message, stderr says so in one line and the exit code is 1, so that
// cron reports the run.
func runTick(e *env, args []string) int {
	fs := newFlags("tick")
	format := &formatFlag{value: "text", choices: []string{"text", "json"}}
	fs.Var(format, "format", "output: text for people, json")
	var now dateFlag
	fs.Var(&now, "now", "run as of this day (YYYY-MM-DD or RFC 3339)")
	dryRun := fs.Bool("dry-run", false, "decide and print, changing nothing")
	repoDir := fs.String("repo", ".", "the local checkout, for a dry run without GitHub credentials")
	budget := fs.Int("budget", 50, "most actions one run carries out; the rest wait for the next run")
	reconcileBudget := fs.Int("reconcile-budget", defaultReconcileBudget, "most writes the reconcile after the run makes; the pull requests left over come first in the next")
	if _, code, done := parseCommand(e, fs, args, tickSynopsis, 0); done {
		return code
	}
	if *budget < 1 {
		return e.failf(exitCantRun, "tick: --budget must be at least 1")
	}
	if *reconcileBudget < 1 {
		return e.failf(exitCantRun, "tick: --reconcile-budget must be at least 1")
	}
	when := e.now()
	if now.set {
		when = now.date.Time().Add(12 * time.Hour)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	gh, err := githubSettings(e.getenv)
	if err != nil {
		return e.failf(exitCantRun, "tick: %v", err)
	}
	var s tick.Summary
	var reconcileErr error
	switch {
	case gh.token == "" && !*dryRun:
		return e.failf(exitCantRun, "tick: acting needs GitHub credentials (GITHUB_TOKEN and CONNECTBOT_REPOSITORY); use --dry-run to see the plan")
	case gh.token == "":
		// The one decision, as plan makes it on the checkout.
		d, err := decideCheckout(ctx, *repoDir, tick.Input{}, application.DateOf(when))
		if err != nil {
			return e.failf(exitCantRun, "tick: %v", err)
		}
		s = d.Summary()
	default:
		// One loader for the run: the tick loads the base, and its
		// reconcile judges every pull request against what it loaded.
		l := loader.New()
		r, err := gh.runner(ctx, e, *budget, func() time.Time { return when }, l)
		if err != nil {
			return e.failf(exitCantRun, "tick: %v", err)
		}
		r.DryRun = *dryRun
		client, repo := r.Forge.(*forge.Client), r.Git.(*gitrepo.Repo)
		if !*dryRun {
			// One tick at a time across every connectbot on the repository
			// (serve's, the workflow's): the other one does the same work.
			lease, err := repo.AcquireLease(ctx, "tick", holderName(e.getenv), 30*time.Minute, time.Now())
			if errors.Is(err, gitrepo.ErrLeaseHeld) {
				fmt.Fprintf(e.stdout, "Another connectbot is running a tick (%v): this one does nothing.\n", err)
				return exitOK
			}
			if err != nil {
				return e.failf(exitCantRun, "tick: %v", err)
			}
			defer lease.Release(context.WithoutCancel(ctx))
		}
		if s, err = r.Run(ctx, when); err != nil {
			return e.failf(exitCantRun, "tick: %v", err)
		}
		// Pull requests are judged as of today, whatever day --now plays:
		// an approval merged now is recorded with today's date.
		h := reconciler(client, repo, gh.base, defaultBotLogin(e.getenv), *dryRun, io.Discard, e, l)
		h.ReconcileBudget = *reconcileBudget
		if s.Reconciled, err = gh.reconcile(ctx, e, h, client); err != nil {
			reconcileErr = err
		}
	}
	return reportTick(e, s, format.value, *dryRun, reconcileErr)
}

// reportTick writes a tick's summary s in format, and its exit code: 1
// when an action failed or the reconcile after it did (reconcileErr).
func reportTick(e *env, s tick.Summary, format string, dryRun bool, reconcileErr error) int {
	var err error
	if format == "json" {
		err = json.NewEncoder(e.stdout).Encode(s)
	} else {
		err = writeTickText(e, s, dryRun)
	}
	if err != nil {
		return e.failf(exitCantRun, "tick: write output: %v", err)
	}
	if n := len(s.Failed); n > 0 {
		return e.failf(exitFound, "tick: %s failed; the next run tries again", count(n, "action"))
	}
	if reconcileErr != nil {
		return e.failf(exitFound, "tick: reconciling pull requests: %v", reconcileErr)
	}
	return exitOK
}

// writeTickText prints the plan as plan does, then the run summary.
func writeTickText(e *env, s tick.Summary, dryRun bool) error {
	p := report.Plan{}
	p.Now, p.Actions, p.Skipped, p.Held = s.Now, s.Actions, s.Skipped, s.Held
	if err := p.WriteText(e.stdout); err != nil {
		return err
	}
	if dryRun {
		_, err := fmt.Fprintln(e.stdout, "Dry run: nothing was changed.")
		return err
	}
	counts := map[string]int{}
	var b strings.Builder
	for _, r := range s.Results {
		counts[r.Status]++
		fmt.Fprintf(&b, "  %s %s %s: %s\n", r.Status, r.Kind, r.Slug, r.Detail)
	}
	if _, err := fmt.Fprintf(e.stdout, "Run summary: %d done, %d already done, %d skipped, %d failed.\n%s",
		counts[apply.Done], counts[apply.AlreadyDone], counts[apply.Skipped], counts[apply.Failed], b.String()); err != nil {
		return err
	}
	return writeReconciled(e.stdout, s.Reconciled)
}

// github is how connectbot reaches GitHub from the environment.
type github struct {
	token, owner, name, apiURL, serverURL, base string
	// cacheDir is where a run keeps what it learnt of GitHub for the
	// next one (see cacheDir); "" keeps nothing.
	cacheDir string
}

func githubSettings(getenv func(string) string) (github, error) {
	g := github{token: getenv("GITHUB_TOKEN"), apiURL: getenv("GITHUB_API_URL"), serverURL: getenv("GITHUB_SERVER_URL"), base: getenv("CONNECTBOT_BASE_BRANCH")}
	repo := getenv("CONNECTBOT_REPOSITORY")
	if repo == "" {
		repo = getenv("GITHUB_REPOSITORY")
	}
	if g.token == "" {
		return g, nil
	}
	var ok bool
	if g.owner, g.name, ok = strings.Cut(repo, "/"); !ok || g.owner == "" || g.name == "" {
		return g, fmt.Errorf("CONNECTBOT_REPOSITORY (or GITHUB_REPOSITORY) %q is not owner/name", repo)
	}
	if g.apiURL == "" {
		g.apiURL = "https://api.github.com"
	}
	if g.serverURL == "" {
		g.serverURL = "https://github.com"
	}
	if g.base == "" {
		g.base = "main"
	}
	g.cacheDir = cacheDir(getenv, g.apiURL, g.owner, g.name)
	return g, nil
}

// cacheDir is where a run keeps what it learnt of a repository's GitHub
// for the next run (its ETags, the pull requests found settled):
// CONNECTBOT_CACHE_DIR, else connectbot/<API host>/<owner>/<name> under
// the user's cache directory (~/.cache on Linux, which actions/cache
// keeps between workflow runs); "" when there is none.
func cacheDir(getenv func(string) string, apiURL, owner, name string) string {
	root := getenv("CONNECTBOT_CACHE_DIR")
	if root == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		root = filepath.Join(dir, "connectbot")
	}
	host := "api"
	if u, err := url.Parse(apiURL); err == nil && u.Host != "" {
		host = strings.ReplaceAll(u.Host, ":", "_")
	}
	return filepath.Join(root, host, owner, name)
}

// clients reaches GitHub through the REST API and a fresh in-memory
// clone.
func (g github) clients(ctx context.Context, e *env) (*forge.Client, *gitrepo.Repo, error) {
	return g.remote().Connect(ctx, g.token, false, e.httpClient)
}

// remote is where the repository lives, for the wiring the service
// shares.
func (g github) remote() service.GitHub {
	return service.GitHub{Owner: g.owner, Name: g.name, APIURL: g.apiURL, ServerURL: g.serverURL, Base: g.base, CacheDir: g.cacheDir}
}

// runner wires a tick to GitHub and a fresh in-memory clone, loading the
// program through l.
func (g github) runner(ctx context.Context, e *env, budget int, now func() time.Time, l *loader.Loader) (*tick.Runner, error) {
	client, repo, err := g.clients(ctx, e)
	if err != nil {
		return nil, err
	}
	// Its executor tells its own reminders and closings by their author.
	remote := g.remote()
	remote.BotLogin = defaultBotLogin(e.getenv)
	return remote.TickRunner(client, repo, budget, now, l), nil
}
