package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/service"
	"github.com/connectbot/connectbot/internal/webhook"
)

const actionSynopsis = "action [--dry-run]"

// maxEventBytes bounds the event file the runner hands over.
const maxEventBytes = 25 << 20

// runAction is the GitHub Actions entry point: it reads the event the
// runner names in GITHUB_EVENT_NAME and GITHUB_EVENT_PATH and hands it to
// the same handlers the GitHub App service uses, `issues` (the application
// form, .github/workflows/application.yml) included. One event is the
// workflows' own: `workflow_run` (report.yml, which names the downloaded
// artifact in CONNECTBOT_ARTIFACT_DIR).
func runAction(e *env, args []string) int {
	fs := newFlags("action")
	dryRun := fs.Bool("dry-run", false, "read everything and print what would be done, changing nothing (also CONNECTBOT_DRY_RUN=true)")
	if _, code, done := parseCommand(e, fs, args, actionSynopsis, 0); done {
		return code
	}
	cfg, err := actionConfig(e.getenv)
	if err != nil {
		return e.failf(exitCantRun, "action: %v", err)
	}
	*dryRun = *dryRun || cfg.dryRun
	payload, err := readEvent(cfg.eventPath)
	if err != nil {
		return e.failf(exitCantRun, "action: %v", err)
	}
	ev, err := webhook.Parse(cfg.eventName, payload)
	if errors.Is(err, webhook.ErrIgnored) {
		fmt.Fprintf(e.stdout, "connectbot: %s events are not connectbot's business; nothing to do\n", cfg.eventName)
		return exitOK
	}
	if err != nil {
		return e.failf(exitCantRun, "action: %v", err)
	}
	if ev.Repo != "" && !strings.EqualFold(ev.Repo, cfg.repo) {
		return e.failf(exitCantRun, "action: the event is for %s, but GITHUB_REPOSITORY is %s", ev.Repo, cfg.repo)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	client, repo, err := cfg.connect(ctx, e, *dryRun)
	if err != nil {
		return e.failf(exitCantRun, "action: %v", err)
	}
	h := cfg.handlerFor(client, repo, e, *dryRun)
	var done []string
	switch ev.Kind {
	case webhook.KindWorkflowRun:
		done, err = reportRun(ctx, h, ev, cfg.artifactDir)
	default:
		done, err = dispatch.Handle(ctx, h, cfg.opener(client, repo, e, *dryRun), ev)
	}
	if kerr := cfg.github().KeepForNextRun(client, nil); kerr != nil {
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

// actionSettings is what the runner's environment says.
type actionSettings struct {
	eventName, eventPath string
	repo, owner, name    string
	token                string
	apiURL, serverURL    string
	botLogin             string
	// base is the branch the program lives on, where removals are proposed.
	base string
	// artifactDir is where the report workflow downloaded the artifact of
	// the run it reports on (CONNECTBOT_ARTIFACT_DIR).
	artifactDir string
	// dryRun is CONNECTBOT_DRY_RUN=true: a fork tries connectbot out
	// before letting it act.
	dryRun bool
	// cacheDir is where the run keeps its ETags for the next run (see
	// cacheDir); the workflow keeps it with actions/cache.
	cacheDir string
}

func actionConfig(getenv func(string) string) (actionSettings, error) {
	s := actionSettings{
		eventName: getenv("GITHUB_EVENT_NAME"), eventPath: getenv("GITHUB_EVENT_PATH"),
		repo: getenv("GITHUB_REPOSITORY"), token: getenv("GITHUB_TOKEN"),
		apiURL: getenv("GITHUB_API_URL"), serverURL: getenv("GITHUB_SERVER_URL"),
		botLogin: getenv("CONNECTBOT_BOT_LOGIN"), base: getenv("CONNECTBOT_BASE_BRANCH"),
		artifactDir: getenv("CONNECTBOT_ARTIFACT_DIR"),
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("CONNECTBOT_DRY_RUN"))); v {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		s.dryRun = true
	default:
		return s, fmt.Errorf("CONNECTBOT_DRY_RUN %q is neither true nor false", v)
	}
	for name, v := range map[string]string{"GITHUB_EVENT_NAME": s.eventName, "GITHUB_EVENT_PATH": s.eventPath, "GITHUB_REPOSITORY": s.repo} {
		if v == "" {
			return s, fmt.Errorf("%s is not set: run this inside GitHub Actions, or set it", name)
		}
	}
	var ok bool
	if s.owner, s.name, ok = strings.Cut(s.repo, "/"); !ok || s.owner == "" || s.name == "" {
		return s, fmt.Errorf("GITHUB_REPOSITORY %q is not owner/name", s.repo)
	}
	if s.apiURL == "" {
		s.apiURL = "https://api.github.com"
	}
	if s.serverURL == "" {
		s.serverURL = "https://github.com"
	}
	if s.botLogin == "" {
		s.botLogin = "github-actions[bot]"
	}
	if s.base == "" {
		s.base = "main"
	}
	s.cacheDir = cacheDir(getenv, s.apiURL, s.owner, s.name)
	return s, nil
}

func readEvent(path string) ([]byte, error) {
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

// github is where the runner's repository lives, and how connectbot
// appears there.
func (s actionSettings) github() service.GitHub {
	return service.GitHub{Repo: s.repo, Owner: s.owner, Name: s.name, APIURL: s.apiURL, ServerURL: s.serverURL, BotLogin: s.botLogin, Base: s.base, CacheDir: s.cacheDir}
}

// connect makes the GitHub client and an in-memory clone of the repository.
func (s actionSettings) connect(ctx context.Context, e *env, dryRun bool) (*forge.Client, *gitrepo.Repo, error) {
	if s.token == "" && !dryRun {
		return nil, nil, errors.New("GITHUB_TOKEN is not set; pass it through env: in the workflow, or use --dry-run")
	}
	return s.github().Connect(ctx, s.token, false, e.httpClient)
}

// handlerFor is the pull-request handler over client and repo.
func (s actionSettings) handlerFor(client *forge.Client, repo *gitrepo.Repo, e *env, dryRun bool) *pullrequest.Handler {
	return s.github().Handler(client, repo, s.handlerOptions(e, dryRun))
}

// opener turns application issues into pull requests over client and repo.
func (s actionSettings) opener(client *forge.Client, repo *gitrepo.Repo, e *env, dryRun bool) *issueform.Opener {
	return s.github().Opener(client, repo, s.handlerOptions(e, dryRun))
}

// handlerOptions are how the handler and the opener act in this run.
func (s actionSettings) handlerOptions(e *env, dryRun bool) service.HandlerOptions {
	return service.HandlerOptions{DryRun: dryRun, Out: e.stdout, Now: e.now, Holder: holderName(e.getenv)}
}
