package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/report"
	"github.com/connectbot/connectbot/internal/service"
	"github.com/connectbot/connectbot/internal/settings"
	"github.com/connectbot/connectbot/internal/tick"
)

// tickCommand carries out the plan of a scheduled run. With GitHub credentials
// (GITHUB_TOKEN and CONNECTBOT_REPOSITORY or GITHUB_REPOSITORY) it works on
// a fresh clone and acts through GitHub; without them it can only
// --dry-run, on the local checkout, where it prints what plan prints.
// Every action is tried; if any failed, the summary lists it with GitHub's
// message, stderr says so in one line and the exit code is 1, so that
// cron reports the run.
func tickCommand(fs *flag.FlagSet) runFunc {
	format := textOrJSONFlag(fs)
	now := nowVar(fs, "run as of this day (YYYY-MM-DD or RFC 3339)")
	repoDir := fs.String("repo", ".", "the local checkout, for a dry run without GitHub credentials")
	set := settings.Declare(settings.Tick, fs)
	return func(e *env, _ []string) int {
		if err := set.Validate(e.getenv); err != nil {
			return e.failf(exitCantRun, "tick: %v", err)
		}
		clock := e.now()
		when := clock
		if now.set {
			when = now.date.Time().Add(12 * time.Hour)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		var s tick.Summary
		var reconcileErr, err error
		switch {
		case !set.HasCredentials() && !set.DryRun:
			return e.failf(exitCantRun, "tick: acting needs GitHub credentials (GITHUB_TOKEN and CONNECTBOT_REPOSITORY); use --dry-run to see the plan")
		case !set.HasCredentials():
			// The one decision, as plan makes it on the checkout.
			var d tick.Decision
			if d, err = decideCheckout(ctx, *repoDir, tick.Input{Today: application.DateOf(clock)}, application.DateOf(when)); err == nil {
				s = d.Summary()
			}
		default:
			s, reconcileErr, err = tickOnGitHub(ctx, e, set, when)
			if errors.Is(err, gitrepo.ErrLeaseHeld) {
				fmt.Fprintf(e.stdout, "Another connectbot is running a tick (%v): this one only reconciles.\n", err)
				err = nil
			}
		}
		if err != nil {
			return e.failf(exitCantRun, "tick: %v", err)
		}
		return reportTick(e, s, format.value, set.DryRun, reconcileErr)
	}
}

// tickOnGitHub carries out the plan through GitHub on a fresh clone,
// under the tick lease, then reconciles the open pull requests: with one
// loader for the run, the tick loads the base and its reconcile judges
// every pull request against what it loaded. Pull requests are judged as
// of today, whatever day --now plays: an approval merged now is recorded
// with today's date. reconcileErr is the reconcile's error, err the
// tick's.
func tickOnGitHub(ctx context.Context, e *env, set *settings.Settings, when time.Time) (s tick.Summary, reconcileErr, err error) {
	g, client, repo, err := connect(ctx, e, set)
	if err != nil {
		return s, nil, err
	}
	defer repo.Close()
	l := loader.New()
	r := g.TickRunner(client, repo, set.Budget, func() time.Time { return when }, l)
	r.DryRun = set.DryRun
	run := service.TickRun{Runner: r, Repo: repo, Holder: set.Holder, Reconcile: func(ctx context.Context) []tick.Reconciled {
		var rs []tick.Reconciled
		rs, reconcileErr = reconcileAll(ctx, e, g, reconciler(g, client, repo, set, io.Discard, e, l), client)
		return rs
	}}
	s, err = run.Run(ctx, when)
	return s, reconcileErr, err
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
		return e.failf(exitFound, "tick: %s failed; the next run tries again", application.Plural(n, "action"))
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
