package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/tick"
)

// Identity signs connectbot's commits.
var Identity = gitrepo.Signature{Name: "connectbot", Email: "connectbot@users.noreply.github.com"}

// GitHub says where the program's repository lives and how connectbot
// appears there.
type GitHub struct {
	// Repo is the repository as owner/name, split into Owner and Name;
	// "" when none is configured.
	Repo, Owner, Name string
	// APIURL is the REST API's root; ServerURL the host git clones from.
	APIURL, ServerURL string
	// BotLogin is the login connectbot comments as.
	BotLogin string
	// Base is the branch the program lives on, where changes are proposed;
	// "" until WithBase learns the repository's default branch.
	Base string
	// CacheDir is where a short-lived run keeps what it learnt of GitHub
	// for the next run: the answers of its conditional requests (ETags,
	// CacheFileETags) and the pull requests a reconcile found settled
	// (CacheFileSettled). "" keeps nothing across runs.
	CacheDir string
}

// Web is the repository's web address, ServerURL/owner/name, for the
// links in what connectbot writes; "" when no repository is configured.
func (g GitHub) Web() string {
	if g.Repo == "" || g.ServerURL == "" {
		return ""
	}
	return strings.TrimSuffix(g.ServerURL, "/") + "/" + g.Repo
}

// The files a run keeps under GitHub.CacheDir.
const (
	CacheFileETags   = "etags.json"
	CacheFileSettled = "reconciled.json"
)

// Connect makes a REST client for the repository and a fresh clone of it,
// both authenticated with token, calling GitHub through hc (nil: the
// default client). With onDisk the clone lives in a temporary directory
// that whoever made it removes by closing it; otherwise it is in memory.
func (g GitHub) Connect(ctx context.Context, token string, onDisk bool, hc *http.Client) (*forge.Client, *gitrepo.Repo, error) {
	return g.connect(ctx, token, hc, gitrepo.CloneOptions{Token: token, OnDisk: onDisk})
}

// ConnectLazy is Connect with a clone in memory that fetches nothing until
// asked (gitrepo.CloneOptions.Lazy): for a run that may need no object at
// all, a reconcile with nothing new to judge.
func (g GitHub) ConnectLazy(ctx context.Context, token string, hc *http.Client) (*forge.Client, *gitrepo.Repo, error) {
	return g.connect(ctx, token, hc, gitrepo.CloneOptions{Token: token, Lazy: true})
}

// connect makes the REST client and the clone of Connect, cloned with co.
func (g GitHub) connect(ctx context.Context, token string, hc *http.Client, co gitrepo.CloneOptions) (*forge.Client, *gitrepo.Repo, error) {
	opts := forge.Options{BaseURL: g.APIURL, Token: token, Owner: g.Owner, Repo: g.Name, HTTPClient: hc}
	if g.CacheDir != "" {
		opts.CacheFile = filepath.Join(g.CacheDir, CacheFileETags)
	}
	client, err := forge.New(opts)
	if err != nil {
		return nil, nil, err
	}
	url := strings.TrimSuffix(g.ServerURL, "/") + "/" + g.Owner + "/" + g.Name + ".git"
	repo, err := gitrepo.Clone(ctx, url, co)
	if err != nil {
		return nil, nil, err
	}
	return client, repo, nil
}

// WithBase returns g with its Base: the one configured, or else the
// repository's default branch, which repo, a clone of it, names.
func (g GitHub) WithBase(repo *gitrepo.Repo) (GitHub, error) {
	if g.Base != "" {
		return g, nil
	}
	base, err := repo.DefaultBranch()
	if err != nil {
		return g, fmt.Errorf("no base branch is set, and the repository's default branch is unknown: %w", err)
	}
	g.Base = base
	return g, nil
}

// HandlerOptions are how a pull-request handler made by GitHub.Handler
// acts.
type HandlerOptions struct {
	// DryRun reads and decides, writing what it would do to Out instead.
	DryRun bool
	Out    io.Writer
	// Now reads the clock, once per event.
	Now func() time.Time
	// Holder names this process in the leases it takes on the repository.
	Holder string
	// Loader loads the program trees the handler judges, kept for the
	// handler's life: one per run (a reconcile, a tick and its reconcile,
	// an Actions event) or per process (serve), so that the base is
	// loaded once and each pull request costs what it changes. Nil gives
	// the handler a loader of its own.
	Loader *loader.Loader
}

// Handler is the pull-request handler over client and repo: it comments as
// g.BotLogin, commits as Identity and proposes changes to g.Base.
func (g GitHub) Handler(client *forge.Client, repo *gitrepo.Repo, o HandlerOptions) *pullrequest.Handler {
	if o.Loader == nil {
		o.Loader = loader.New()
	}
	return &pullrequest.Handler{
		Forge: client, Git: repo, BotLogin: g.BotLogin, Base: g.Base, Identity: Identity,
		Apply:  &apply.Executor{Forge: client, Git: repo, Base: g.Base, Identity: Identity, BotLogin: g.BotLogin, Now: o.Now, Web: g.Web(), Loader: o.Loader},
		DryRun: o.DryRun, Out: o.Out, Now: o.Now, Holder: o.Holder, Web: g.Web(), Judge: &pullrequest.Judge{Loader: o.Loader},
	}
}

// Opener turns application forms into pull requests over client and repo,
// as g.BotLogin and Identity, proposed to g.Base; what it opens is judged
// by a handler made by Handler with the same options.
func (g GitHub) Opener(client *forge.Client, repo *gitrepo.Repo, o HandlerOptions) *issueform.Opener {
	if o.Loader == nil {
		o.Loader = loader.New()
	}
	return &issueform.Opener{
		Forge: client, Git: repo, Base: g.Base, Identity: Identity, BotLogin: g.BotLogin,
		DryRun: o.DryRun, Out: o.Out, Now: o.Now, Loader: o.Loader,
	}
}

// TickRunner is a scheduled run over client and repo that carries out at
// most budget actions, dated by now, loading the program through l (the
// run's, which its reconcile shares; nil loads it afresh).
func (g GitHub) TickRunner(client *forge.Client, repo *gitrepo.Repo, budget int, now func() time.Time, l *loader.Loader) *tick.Runner {
	return &tick.Runner{Forge: client, Git: repo, Base: g.Base, Loader: l,
		Exec: &apply.Executor{Forge: client, Git: repo, Base: g.Base, Identity: Identity, BotLogin: g.BotLogin, Budget: budget, Now: now, Web: g.Web(), Loader: l}}
}

// Credentials are how the service reaches GitHub: a token, or a GitHub App
// installation, whose tokens take precedence. None means dry-run mode.
type Credentials struct {
	Token                 string
	AppID, InstallationID int64
	// Key is the App's private key, PEM-encoded.
	Key []byte
}

// None reports whether c holds no credentials at all.
func (c Credentials) None() bool { return c.Token == "" && c.AppID == 0 }

// String names the credentials without revealing them.
func (c Credentials) String() string {
	switch {
	case c.AppID != 0:
		return fmt.Sprintf("GitHub App %d, installation %d", c.AppID, c.InstallationID)
	case c.Token != "":
		return "GITHUB_TOKEN"
	}
	return "none (dry run)"
}

// Settled reads the pull requests the last run's reconcile found settled
// from g.CacheDir; with no cache directory, or none saved yet, none.
func (g GitHub) Settled() (*pullrequest.Settled, error) {
	if g.CacheDir == "" {
		return pullrequest.NewSettled(), nil
	}
	return pullrequest.ReadSettled(filepath.Join(g.CacheDir, CacheFileSettled))
}

// KeepForNextRun writes what this run learnt of GitHub — client's
// answers and the settled pull requests (left as they are when nil: the
// run reconciled nothing) — under g.CacheDir for the next run; with no
// cache directory it writes nothing.
func (g GitHub) KeepForNextRun(client *forge.Client, settled *pullrequest.Settled) error {
	if g.CacheDir == "" {
		return nil
	}
	err := client.SaveCache()
	if settled != nil {
		err = errors.Join(err, settled.Save(filepath.Join(g.CacheDir, CacheFileSettled)))
	}
	return err
}
