// Command fakegithub runs the project's fake GitHub (internal/forge/forgetest)
// as a server you can point real clients at: git clones and pushes over
// smart HTTP, and anything speaking GitHub's REST API (curl, go-github,
// connectbot) works against it unchanged.
//
//	fakegithub --repo DIR [--addr HOST:PORT] [--repository OWNER/NAME] [--default-branch NAME]
//	           [--user LOGIN[:TOKEN]]... [--webhook URL]... [--secret S] [--faults SEED]
//	           [--app-key FILE] [--rate-limit N] [--cpuprofile FILE]
//
// DIR's files become the first commit of the default branch (main, or
// --default-branch NAME); if DIR is a git repository, its HEAD becomes that
// branch, history included. The first line on stdout is the
// base URL: the REST API is served there and git at URL/OWNER/NAME.git. Each
// REST call and git push acts as the user whose token it carries
// ("Authorization: token T" or "Bearer T"; git over HTTP basic auth with
// the token as the password); the bot is connectbot[bot] with token "bot"
// unless a --user gives it another; it is a GitHub App (forgetest.AppID)
// installed on the repository (forgetest.InstallationID), and only Apps
// (logins ending in "[bot]") write check runs. With --app-key FILE, the
// App's PEM key, POST /app/installations/ID/access_tokens mints
// installation tokens, acting as the bot, for a JWT signed with it, as
// GitHub does. GitHub's manifest flow works against it too: a form posting
// a manifest to URL/organizations/OWNER/settings/apps/new (the repository's
// owner) creates the App and sends the browser to its redirect_url with a
// code, POST /app-manifests/CODE/conversions answers the App with a new
// key (from then on the App's), and GET /app/installations lists its
// installation (connectbot app create and app installations, with
// GITHUB_SERVER_URL and GITHUB_API_URL set to URL). The repository's owner
// (a --user named as the owner) creates rulesets (POST
// /repos/OWNER/NAME/rulesets), which the fake enforces on git pushes and
// REST ref updates as GitHub does, letting their bypass actors (the App as
// an Integration) through. Every user and the installation have GitHub's rate limit of
// 5,000 requests an hour (--rate-limit N: N; 0: none), counted down in the X-RateLimit headers. State
// lives in memory and is gone when SIGTERM or SIGINT stops the server.
// --cpuprofile FILE writes the server's CPU profile there when it stops
// (the measurements of docs/scale.md).
//
// Every event (pull_request, pull_request_review, issue_comment, issues,
// push, check_run, check_suite, and a ping first) is delivered to each
// --webhook URL as GitHub delivers it: POSTed in order, signed with
// --secret in X-Hub-Signature-256, and lost if the URL does not answer.
// --faults SEED fails one REST request in ten (502s before and after
// acting, secondary rate limits with Retry-After, reset connections, in
// bursts of up to three) and faults one delivery in five (dropped,
// duplicated, delayed, reordered), all drawn from SEED; the counts of each
// kind are printed on stderr when the server stops.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/connectbot/connectbot/internal/cpuprofile"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Main parses args, serves until ctx is done, and returns the exit code: 0
// once stopped, 1 if the server could not start, 2 for bad flags.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, usage)
		return 0
	}
	if err == nil {
		err = opts.validate()
	}
	if err != nil {
		fmt.Fprintf(stderr, "fakegithub: %v\n", err)
		return 2
	}
	if err := run(ctx, opts, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "fakegithub: %v\n", err)
		return 1
	}
	return 0
}

const usage = "usage: fakegithub --repo DIR [--addr HOST:PORT] [--repository OWNER/NAME] [--default-branch NAME] [--user LOGIN[:TOKEN]]... [--webhook URL]... [--secret S] [--faults SEED] [--app-key FILE] [--rate-limit N] [--cpuprofile FILE]"

// The rates of faults --faults injects, and the longest burst of REST
// faults.
const (
	restFaultRate     = 0.1
	restFaultBurst    = 3
	deliveryFaultRate = 0.2
)

// options are the command's flags.
type options struct {
	repo       string
	addr       string
	repository string
	// defaultBranch is the repository's default branch.
	defaultBranch string
	users         users
	webhooks      webhooks
	secret        string
	// faults is --faults as given, "" for none; seed is its value.
	faults string
	seed   uint64
	// appKey is --app-key's file; key its content.
	appKey string
	key    []byte
	// rateLimit is --rate-limit: REST requests an hour per user and for
	// the installation; 0 counts none.
	rateLimit int
	// cpuProfile is --cpuprofile's file, "" for none.
	cpuProfile string
}

// webhooks is the repeatable --webhook flag.
type webhooks []string

// String lists the URLs as they were given.
func (w *webhooks) String() string { return strings.Join(*w, ",") }

// Set adds an http or https URL with a host.
func (w *webhooks) Set(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an http:// or https:// URL with a host")
	}
	*w = append(*w, v)
	return nil
}

// user is a login and the token that acts as it.
type user struct{ login, token string }

// users is the repeatable --user flag.
type users []user

// String lists the users as they were given.
func (u *users) String() string {
	var out []string
	for _, x := range *u {
		out = append(out, x.login+":"+x.token)
	}
	return strings.Join(out, ",")
}

// Set adds LOGIN[:TOKEN]; the token defaults to the login.
func (u *users) Set(v string) error {
	login, token, ok := strings.Cut(v, ":")
	if !ok {
		token = login
	}
	if login == "" || token == "" {
		return fmt.Errorf("want LOGIN[:TOKEN], with neither empty")
	}
	*u = append(*u, user{login: login, token: token})
	return nil
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("fakegithub", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.repo, "repo", "", "directory whose files (or git history) become main")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "address to listen on")
	fs.StringVar(&o.repository, "repository", "connectbot/program", "the repository's OWNER/NAME")
	fs.StringVar(&o.defaultBranch, "default-branch", forgetest.DefaultBranch, "the repository's default branch, which --repo becomes")
	fs.Var(&o.users, "user", "LOGIN[:TOKEN], repeatable")
	fs.Var(&o.webhooks, "webhook", "URL to deliver every event to, repeatable")
	fs.StringVar(&o.secret, "secret", "", "the webhooks' secret, signing each delivery")
	fs.StringVar(&o.faults, "faults", "", "inject REST and delivery faults drawn from this seed (an unsigned integer)")
	fs.StringVar(&o.appKey, "app-key", "", "the App's PEM key, whose JWTs mint installation tokens")
	fs.IntVar(&o.rateLimit, "rate-limit", forgetest.DefaultRateLimit, "REST requests an hour per user and for the installation, as GitHub's primary rate limit; 0 counts none")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the server's CPU profile to this file when it stops")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return o, nil
}

// validate reports the first flag that cannot be used, and reads
// --faults' seed.
func (o *options) validate() error {
	if o.repo == "" {
		return fmt.Errorf("--repo is required")
	}
	if o.rateLimit < 0 {
		return fmt.Errorf("--rate-limit %d: want a count of requests, or 0 for none", o.rateLimit)
	}
	if o.faults != "" {
		seed, err := strconv.ParseUint(o.faults, 10, 64)
		if err != nil {
			return fmt.Errorf("--faults %q: want a seed, an unsigned integer", o.faults)
		}
		o.seed = seed
	}
	if fi, err := os.Stat(o.repo); err != nil {
		return fmt.Errorf("--repo: %w", err)
	} else if !fi.IsDir() {
		return fmt.Errorf("--repo %s: not a directory", o.repo)
	}
	owner, name, ok := strings.Cut(o.repository, "/")
	if !ok || owner == "" || name == "" || strings.ContainsAny(name, "/") {
		return fmt.Errorf("--repository %q: want OWNER/NAME", o.repository)
	}
	if err := plumbing.NewBranchReferenceName(o.defaultBranch).Validate(); err != nil || o.defaultBranch == "" {
		return fmt.Errorf("--default-branch %q: want a branch name", o.defaultBranch)
	}
	if o.secret != "" && len(o.webhooks) == 0 {
		return fmt.Errorf("--secret without --webhook: there is nothing to sign")
	}
	if o.appKey != "" {
		key, err := os.ReadFile(o.appKey)
		if err == nil {
			err = forgetest.CheckAppKey(key)
		}
		if err != nil {
			return fmt.Errorf("--app-key %s: %w", o.appKey, err)
		}
		o.key = key
	}
	holder := map[string]string{}
	for _, u := range o.allUsers() {
		if other, ok := holder[u.token]; ok && other != u.login {
			return fmt.Errorf("--user %s: token already given to %s", u.login, other)
		}
		holder[u.token] = u.login
	}
	return nil
}

// allUsers is the --user list with the bot added, as connectbot[bot]:bot,
// unless it is given.
func (o options) allUsers() []user {
	for _, u := range o.users {
		if u.login == forgetest.BotLogin {
			return o.users
		}
	}
	return append([]user{{login: forgetest.BotLogin, token: "bot"}}, o.users...)
}

// run serves the repository until ctx is done.
func run(ctx context.Context, o options, stdout, stderr io.Writer) (err error) {
	repo, head, err := readRepo(o.repo)
	if err != nil {
		return err
	}
	stop, err := cpuprofile.Start(o.cpuProfile)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	defer func() { err = errors.Join(err, stop()) }()
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	tb := &serverTB{stderr: stderr}
	defer tb.close()
	defer func() {
		switch r := recover().(type) {
		case nil:
		case fatal:
			err = errors.New(string(r))
		default:
			panic(r)
		}
	}()
	owner, name, _ := strings.Cut(o.repository, "/")
	srv := forgetest.NewServerOn(tb, l, owner, name, forgetest.WithDefaultBranch(o.defaultBranch))
	for _, u := range o.allUsers() {
		srv.AddUser(u.login, u.token)
	}
	if o.rateLimit != forgetest.DefaultRateLimit {
		srv.SetRateLimit(o.rateLimit, forgetest.DefaultRateLimitWindow)
	}
	if err := srv.Import(repo.Storer, head); err != nil {
		return fmt.Errorf("--repo %s: %w", o.repo, err)
	}
	if o.key != nil {
		if err := srv.SetAppKey(o.key); err != nil {
			return fmt.Errorf("--app-key %s: %w", o.appKey, err)
		}
	}
	if o.faults != "" {
		srv.Faults(o.seed, restFaultRate)
		srv.FaultBursts(restFaultBurst)
		srv.DeliveryFaults(o.seed, deliveryFaultRate)
		defer printFaults(stderr, srv.FaultCounts)
	}
	for _, u := range o.webhooks {
		srv.AddWebhook(u, o.secret)
	}
	if _, err := fmt.Fprintln(stdout, srv.URL()); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// readRepo reads dir: a git repository as it is (its HEAD and the history
// behind it, not uncommitted changes), or else a plain directory's files
// as one commit. Nothing is written to dir.
func readRepo(dir string) (*git.Repository, plumbing.Hash, error) {
	r, err := git.PlainOpen(dir)
	if err == nil {
		ref, err := r.Head()
		if err != nil {
			return nil, plumbing.ZeroHash, fmt.Errorf("--repo %s: HEAD: %w", dir, err)
		}
		return r, ref.Hash(), nil
	}
	if !errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, plumbing.ZeroHash, fmt.Errorf("--repo %s: %w", dir, err)
	}
	// The worktree is dir; the index and objects stay in memory.
	r, err = git.Init(memory.NewStorage(), osfs.New(dir))
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("--repo %s: %w", dir, err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("--repo %s: %w", dir, err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("--repo %s: %w", dir, err)
	}
	sig := &object.Signature{Name: "fakegithub", Email: "fakegithub@example.com", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	h, err := wt.Commit("Initial commit\n", &git.CommitOptions{Author: sig, AllowEmptyCommits: true})
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("--repo %s: %w", dir, err)
	}
	return r, h, nil
}

// printFaults writes how many faults of each kind counts reports, on one
// line, kinds sorted.
func printFaults(w io.Writer, counts func() map[string]int) {
	c := counts()
	kinds := make([]string, 0, len(c))
	for k := range c {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
	}
	if len(parts) == 0 {
		parts = []string{"none"}
	}
	fmt.Fprintf(w, "fakegithub: faults injected: %s\n", strings.Join(parts, ", "))
}
