package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/pullrequest"
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

// rejudger is the pull-request handler a tick uses to judge again the pull
// requests whose verdicts name an older tip of the base branch. In a dry
// run it reads and decides, changing nothing and printing nothing.
func rejudger(client *forge.Client, repo *gitrepo.Repo, botLogin string, dryRun bool, now func() time.Time) *pullrequest.Handler {
	return &pullrequest.Handler{
		Forge: client, Git: repo, BotLogin: botLogin, Identity: botIdentity,
		DryRun: dryRun, Out: io.Discard, Now: now,
	}
}

// rejudge judges again, after a tick, every open pull request into base
// whose verdict names an older tip of it, and returns what came of each.
func rejudge(ctx context.Context, h *pullrequest.Handler, base string) ([]tick.Rejudged, error) {
	done, err := h.Rejudge(ctx, base)
	out := make([]tick.Rejudged, 0, len(done))
	for _, r := range done {
		x := tick.Rejudged{Number: r.Number, Why: r.Why, Conclusion: r.Outcome.Verdict.Conclusion, Done: r.Outcome.Done}
		if r.Err != nil {
			x.Error = r.Err.Error()
		}
		out = append(out, x)
	}
	return out, err
}

// writeRejudged prints the pull requests a tick judged again, if any.
func writeRejudged(w io.Writer, rs []tick.Rejudged) error {
	if len(rs) == 0 {
		return nil
	}
	if _, err := fmt.Fprintf(w, "Judged again, as they would merge into the base branch now: %d pull requests.\n", len(rs)); err != nil {
		return err
	}
	for _, r := range rs {
		what := r.Conclusion
		if r.Error != "" {
			what = "failed: " + r.Error
		}
		if _, err := fmt.Fprintf(w, "  #%d (%s): %s\n", r.Number, r.Why, what); err != nil {
			return err
		}
	}
	return nil
}
