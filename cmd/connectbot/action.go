package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/service"
	"github.com/connectbot/connectbot/internal/settings"
	"github.com/connectbot/connectbot/internal/webhook"
)

// maxEventBytes bounds the event file the runner hands over.
const maxEventBytes = 25 << 20

// actionCommand is the GitHub Actions entry point: it reads the event the
// runner names in GITHUB_EVENT_NAME and GITHUB_EVENT_PATH and hands it to
// the same handlers the GitHub App service uses, `issues` (the application
// form, .github/workflows/application.yml) included. One event is the
// workflows' own: `workflow_run` (report.yml, which names the downloaded
// artifact in CONNECTBOT_ARTIFACT_DIR).
func actionCommand(fs *flag.FlagSet) runFunc {
	set := settings.Declare(settings.Action, fs)
	return func(e *env, _ []string) int {
		if err := set.Validate(e.getenv); err != nil {
			return e.failf(exitCantRun, "action: %v", err)
		}
		ev, err := readEvent(set)
		if errors.Is(err, webhook.ErrIgnored) {
			fmt.Fprintf(e.stdout, "connectbot: %s events are not connectbot's business; nothing to do\n", set.EventName)
			return exitOK
		}
		if err != nil {
			return e.failf(exitCantRun, "action: %v", err)
		}
		if !set.HasCredentials() && !set.DryRun {
			return e.failf(exitCantRun, "action: GITHUB_TOKEN is not set; pass it through env: in the workflow, or use --dry-run")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		g, client, repo, err := connect(ctx, e, set)
		if err != nil {
			return e.failf(exitCantRun, "action: %v", err)
		}
		defer repo.Close()
		opts := service.HandlerOptions{DryRun: set.DryRun, Out: e.stdout, Now: e.now, Holder: set.Holder}
		h := g.Handler(client, repo, opts)
		// Where the last run found every stage change merged on GitHub
		// recorded, so that a push walks back no further (RecordMerged).
		settled, serr := g.Settled()
		if serr != nil {
			fmt.Fprintf(e.stderr, "connectbot: the cache of settled pull requests is ignored: %v\n", serr)
		}
		h.Settled = settled
		var done []string
		switch ev.Kind {
		case webhook.KindWorkflowRun:
			done, err = reportRun(ctx, h, ev, set.ArtifactDir)
		default:
			done, err = dispatch.Handle(ctx, h, g.Opener(client, repo, opts), ev)
		}
		if kerr := g.KeepForNextRun(client, settled); kerr != nil {
			fmt.Fprintf(e.stderr, "connectbot: %v\n", kerr)
		}
		if err != nil {
			return e.failf(exitCantRun, "action: %v", err)
		}
		for _, d := range done {
			fmt.Fprintf(e.stdout, "connectbot: %s\n", d)
		}
		return exitOK
	}
}

// readEvent reads and parses the event the runner hands over, which must
// be about set's repository.
func readEvent(set *settings.Settings) (webhook.Event, error) {
	payload, err := readEventFile(set.EventPath)
	if err != nil {
		return webhook.Event{}, err
	}
	ev, err := webhook.Parse(set.EventName, payload)
	if err != nil {
		return ev, err
	}
	if ev.Repo != "" && !strings.EqualFold(ev.Repo, set.Repository) {
		return ev, fmt.Errorf("the event is for %s, but the repository (CONNECTBOT_REPOSITORY, else GITHUB_REPOSITORY) is %s", ev.Repo, set.Repository)
	}
	return ev, nil
}

// readEventFile reads the event file at path, at most maxEventBytes.
func readEventFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("event file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEventBytes+1))
	if err != nil {
		return nil, fmt.Errorf("event file: %w", err)
	}
	if len(b) > maxEventBytes {
		return nil, fmt.Errorf("event file is larger than %d bytes", maxEventBytes)
	}
	return b, nil
}
