package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/service"
	"github.com/connectbot/connectbot/internal/tick"
)

// defaultBotLogin is the login connectbot comments as where nothing says
// otherwise: the workflow token's bot inside GitHub Actions, the App's
// elsewhere.
func defaultBotLogin(getenv func(string) string) string {
	if l := getenv("CONNECTBOT_BOT_LOGIN"); l != "" {
		return l
	}
	if getenv("GITHUB_ACTIONS") == "true" {
		return "github-actions[bot]"
	}
	return "connectbot[bot]"
}

// holderName names this process in the leases it takes on the repository:
// the host and process, and the workflow run inside GitHub Actions.
func holderName(getenv func(string) string) string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	name := fmt.Sprintf("%s/%d", host, os.Getpid())
	if run := getenv("GITHUB_RUN_ID"); run != "" {
		name += " (run " + run + ")"
	}
	return name
}

// reconciler is the pull-request handler a tick or `connectbot reconcile`
// uses, judging every pull request through the run's loader l. In a dry
// run it reads and decides, changing nothing; what it would do goes to
// out.
func reconciler(client *forge.Client, repo *gitrepo.Repo, base, botLogin string, dryRun bool, out io.Writer, e *env, l *loader.Loader) *pullrequest.Handler {
	g := service.GitHub{BotLogin: botLogin, Base: base}
	return g.Handler(client, repo, service.HandlerOptions{DryRun: dryRun, Out: out, Now: e.now, Holder: holderName(e.getenv), Loader: l})
}

const reconcileSynopsis = "reconcile [--dry-run] [--format text|json] [--budget N]"

// defaultReconcileBudget is the most writes one reconcile makes unless
// told otherwise: a new pull request takes three (its check, its comment,
// its labels), and GitHub's secondary limits allow some 80 writes a
// minute.
const defaultReconcileBudget = 100

// runReconcile makes every open pull request show what the rules say now:
// judged as it would merge, an approval acted on, a command answered. It
// needs GitHub credentials (GITHUB_TOKEN and CONNECTBOT_REPOSITORY); with
// --dry-run it reads everything and says what it would write.
func runReconcile(e *env, args []string) int {
	fs := newFlags("reconcile")
	format := &formatFlag{value: "text", choices: []string{"text", "json"}}
	fs.Var(format, "format", "output: text for people, json")
	dryRun := fs.Bool("dry-run", false, "read and decide, changing nothing")
	budget := fs.Int("budget", defaultReconcileBudget, "most writes this reconcile makes; the pull requests left over are reported skipped")
	if _, code, done := parseCommand(e, fs, args, reconcileSynopsis, 0); done {
		return code
	}
	if *budget < 1 {
		return e.failf(exitCantRun, "reconcile: --budget must be at least 1")
	}
	gh, err := githubSettings(e.getenv)
	if err != nil {
		return e.failf(exitCantRun, "reconcile: %v", err)
	}
	if gh.token == "" {
		return e.failf(exitCantRun, "reconcile: it reads pull requests from GitHub: set GITHUB_TOKEN and CONNECTBOT_REPOSITORY")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	client, repo, err := gh.clients(ctx, e)
	if err != nil {
		return e.failf(exitCantRun, "reconcile: %v", err)
	}
	defer repo.Close()
	var wouldDo io.Writer = e.stdout
	if format.value == "json" {
		wouldDo = e.stderr // stdout holds one JSON document
	}
	h := reconciler(client, repo, gh.base, defaultBotLogin(e.getenv), *dryRun, wouldDo, e, loader.New())
	h.ReconcileBudget = *budget
	rs, rerr := gh.reconcile(ctx, e, h, client)
	if format.value == "json" {
		err = json.NewEncoder(e.stdout).Encode(struct {
			Reconciled []tick.Reconciled `json:"reconciled"`
		}{rs})
	} else {
		err = writeReconciled(e.stdout, rs)
	}
	if err != nil {
		return e.failf(exitCantRun, "reconcile: write output: %v", err)
	}
	if rerr != nil {
		return e.failf(exitFound, "reconcile: %v", rerr)
	}
	return exitOK
}

// reconcile reconciles every open pull request into g's base and returns
// what was repaired on each, starting from what the last run kept under
// the cache directory (the pull requests it found settled, the ETags of
// client's answers) and keeping it for the next. A cache that cannot be
// read or written costs requests and judging, never the run: it is said
// on stderr.
func (g github) reconcile(ctx context.Context, e *env, h *pullrequest.Handler, client *forge.Client) ([]tick.Reconciled, error) {
	settled, err := g.remote().Settled()
	if err != nil {
		fmt.Fprintf(e.stderr, "connectbot: the cache of settled pull requests is ignored: %v\n", err)
	}
	h.Settled = settled
	done, err := h.Reconcile(ctx, g.base)
	if kerr := g.remote().KeepForNextRun(client, settled); kerr != nil {
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

// writeReconciled prints what a reconcile repaired: one line per pull
// request that needed something, failed or was skipped, and a count of
// those that needed nothing.
func writeReconciled(w io.Writer, rs []tick.Reconciled) error {
	if len(rs) == 0 {
		return nil
	}
	repaired, failed, skipped, unchanged := 0, 0, 0, 0
	var b strings.Builder
	for _, r := range rs {
		switch {
		case r.Error != "":
			failed++
			fmt.Fprintf(&b, "  #%d failed: %s\n", r.Number, r.Error)
		case len(r.Repaired) > 0:
			repaired++
			fmt.Fprintf(&b, "  #%d: %s\n", r.Number, strings.Join(r.Repaired, "; "))
		case r.Skipped != "":
			skipped++
		case r.Unchanged:
			unchanged++
		}
		if r.Skipped != "" {
			fmt.Fprintf(&b, "  #%d skipped: %s\n", r.Number, r.Skipped)
		}
	}
	more := ""
	if unchanged > 0 {
		more = fmt.Sprintf(" (%d with nothing new, not judged again)", unchanged)
	}
	if skipped > 0 {
		more += fmt.Sprintf(", %d skipped", skipped)
	}
	_, err := fmt.Fprintf(w, "Reconciled %d open pull requests: %d repaired, %d as GitHub shows them%s.\n%s",
		len(rs), repaired, len(rs)-repaired-failed-skipped, more, b.String())
	return err
}
