package main

import (
	"context"
	"fmt"
	"io"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/service"
	"github.com/connectbot/connectbot/internal/settings"
	"github.com/connectbot/connectbot/internal/tick"
)

// remote is where set says the program's repository lives, and how
// connectbot appears there.
func remote(set *settings.Settings) service.GitHub {
	return service.GitHub{Repo: set.Repository, Owner: set.Owner, Name: set.Name, APIURL: set.APIURL, ServerURL: set.ServerURL,
		BotLogin: set.BotLogin, Base: set.Base, CacheDir: set.CacheDir}
}

// connect reaches GitHub through the REST API and a fresh in-memory
// clone, and returns where the repository lives with its base: the one
// set, or else the repository's default branch.
func connect(ctx context.Context, e *env, set *settings.Settings) (service.GitHub, *forge.Client, *gitrepo.Repo, error) {
	g := remote(set)
	client, repo, err := g.Connect(ctx, set.Token, false, e.httpClient)
	if err != nil {
		return g, nil, nil, err
	}
	if g, err = g.WithBase(repo); err != nil {
		repo.Close()
		return g, nil, nil, err
	}
	return g, client, repo, nil
}

// connectLazy is connect with a lazy clone (service.GitHub.ConnectLazy),
// which fetches nothing until a pull request is judged, when the base
// branch is set; without one it clones, to read the repository's default
// branch from the clone.
func connectLazy(ctx context.Context, e *env, set *settings.Settings) (service.GitHub, *forge.Client, *gitrepo.Repo, error) {
	g := remote(set)
	if g.Base == "" {
		return connect(ctx, e, set)
	}
	client, repo, err := g.ConnectLazy(ctx, set.Token, e.httpClient)
	return g, client, repo, err
}

// reconciler is the pull-request handler a tick or `connectbot reconcile`
// uses, judging every pull request through the run's loader l. In a dry
// run it reads and decides, changing nothing; what it would do goes to
// out.
func reconciler(g service.GitHub, client *forge.Client, repo *gitrepo.Repo, set *settings.Settings, out io.Writer, e *env, l *loader.Loader) *pullrequest.Handler {
	h := g.Handler(client, repo, service.HandlerOptions{DryRun: set.DryRun, Out: out, Now: e.now, Holder: set.Holder, Loader: l})
	h.ReconcileBudget = set.ReconcileBudget
	return h
}

// reconcileAll reconciles every open pull request into g's base and
// returns what was repaired on each, starting from what the last run kept
// under the cache directory (the pull requests it found settled, the
// ETags of client's answers) and keeping it for the next. A cache that
// cannot be read or written costs requests and judging, never the run: it
// is said on stderr.
func reconcileAll(ctx context.Context, e *env, g service.GitHub, h *pullrequest.Handler, client *forge.Client) ([]tick.Reconciled, error) {
	settled, err := g.Settled()
	if err != nil {
		fmt.Fprintf(e.stderr, "connectbot: the cache of settled pull requests is ignored: %v\n", err)
	}
	h.Settled = settled
	done, err := h.Reconcile(ctx, g.Base)
	if kerr := g.KeepForNextRun(client, settled); kerr != nil {
		fmt.Fprintf(e.stderr, "connectbot: %v\n", kerr)
	}
	out := make([]tick.Reconciled, 0, len(done))
	for _, r := range done {
		x := tick.Reconciled{Number: r.Number, Repaired: r.Repaired, Skipped: r.Skipped, Unchanged: r.Unchanged}
		if x.Repaired == nil {
			x.Repaired = []string{}
		}
		if r.Err != nil {
			x.Error = r.Err.Error()
		}
		out = append(out, x)
	}
	return out, err
}
