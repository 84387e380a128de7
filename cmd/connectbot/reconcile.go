package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/settings"
	"github.com/connectbot/connectbot/internal/tick"
)

// reconcileCommand makes every open pull request show what the rules say now:
// judged as it would merge, an approval acted on, a command answered. It
// needs GitHub credentials (GITHUB_TOKEN and CONNECTBOT_REPOSITORY); with
// --dry-run it reads everything and says what it would write.
func reconcileCommand(fs *flag.FlagSet) runFunc {
	format := textOrJSONFlag(fs)
	set := settings.Declare(settings.Reconcile, fs)
	return func(e *env, _ []string) int {
		if err := set.Validate(e.getenv); err != nil {
			return e.failf(exitCantRun, "reconcile: %v", err)
		}
		if !set.HasCredentials() {
			return e.failf(exitCantRun, "reconcile: it reads pull requests from GitHub: set GITHUB_TOKEN and CONNECTBOT_REPOSITORY")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		// A clone that fetches what judging needs, and nothing when nothing
		// is new.
		g, client, repo, err := connectLazy(ctx, e, set)
		if err != nil {
			return e.failf(exitCantRun, "reconcile: %v", err)
		}
		defer repo.Close()
		var wouldDo io.Writer = e.stdout
		if format.value == "json" {
			wouldDo = e.stderr // stdout holds one JSON document
		}
		rs, rerr := reconcileAll(ctx, e, g, reconciler(g, client, repo, set, wouldDo, e, loader.New()), client)
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
