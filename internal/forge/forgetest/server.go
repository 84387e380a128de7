// Package forgetest is a fake GitHub for tests: an httptest server that
// speaks the REST shapes of GitHub's API (checked against GitHub's OpenAPI
// description by its contract test) for the endpoints connectbot uses, and
// serves the repository's git data over smart HTTP, so that code under test
// runs the same paths as in production.
//
// State lives in the Server: a go-git in-memory repository (refs and
// commits), pull requests, issue comments, repository and issue labels,
// check runs, commit statuses and reviews. Tests seed it with helpers
// (Commit, OpenPR, AddReview, AddComment), inject failures (FailNext), and
// inspect the effects (Calls, Comments, Labels, CheckRuns, Statuses, PR).
//
// Like a repository webhook, the server delivers the events its changes
// cause (AddWebhook), whether a request, a git push or a seeding helper
// made them: pull_request, pull_request_review, issue_comment, issues,
// push, check_run and check_suite, in GitHub's payload shapes, signed, in
// order and off the requests' path (events.go, deliver.go). Faults and
// DeliveryFaults inject failures from a seed, counted by FaultCounts.
//
// The fake follows GitHub where tests can tell: a second open pull request
// for the same head and base is refused with 422 "A pull request already
// exists for owner:branch."; a merge pinned to a SHA that is not the head
// is refused with 409 "Head branch was modified. Review and try the merge
// again."; GitHub's size limits are enforced with its 422s (a body of an
// issue, pull request or comment over 65,536 characters; a check run's
// summary or text over 65,535 characters, then over 65,535 bytes; more than
// 50 annotations in one request; an annotation title over 255 characters
// or message over 64 KB: see limits.go); a merge moves the base branch with a real merge, squash or
// rebase commit (merging file by file: a file both sides changed is a
// conflict); a push to a pull request's head branch moves its head SHA and
// refs/pull/<n>/head; GETs carry an ETag and answer 304 to a matching
// If-None-Match. Timestamps come from a clock that starts at
// 2026-01-01T00:00:00Z and advances one second per change, so SHAs and
// answers are the same on every run; a test whose own clock moves gives it
// to the server (SetClock), so that reviews, comments and commits are
// dated on the test's days.
//
// It refuses what GitHub refuses to whoever is asking: only a GitHub App
// (BotLogin, or any "[bot]" login) writes check runs, others get 403 "You
// must authenticate via a GitHub App."; only a comment's author or someone
// with write access (the owner, AddCollaborator, an App) edits it; labels
// are added with the documented {"labels": [...]} body alone. Each user and
// the App's installation have a rate limit (SetRateLimit), counted down in
// GitHub's X-RateLimit headers over windows of the server's clock. The
// server is an App (AppID) installed on the repository (InstallationID):
// its deliveries carry the installation, and with SetAppKey it mints
// installation tokens for the App's JWTs. A check run or suite names no
// pull request from a fork, as GitHub's do not.
package forgetest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/revlist"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"
)

// BotLogin is the user the server's token (Token) authenticates as: the
// author of the pull requests, issues, comments, check runs and statuses
// created through the API with it. AddUser adds other users.
const BotLogin = "connectbot[bot]"

// DefaultBranch is the repository's default branch, created by NewServer
// with one empty commit, unless WithDefaultBranch names another.
const DefaultBranch = "main"

// Option changes the repository NewServer makes.
type Option func(*Server)

// WithDefaultBranch makes branch the repository's default branch instead
// of DefaultBranch, as a repository created on GitHub with another
// default: its first commit is there, its HEAD names it (so git clones
// it), and GitHub's payloads give it as default_branch.
func WithDefaultBranch(branch string) Option {
	return func(s *Server) { s.defaultBranch = branch }
}

// epoch is where the server's clock starts.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TB is what the Server needs from a test: testing.TB satisfies it, and
// a program that runs the Server outside tests (cmd/fakegithub) provides
// its own. Fatalf is called only by the seeding helpers (Commit, OpenPR,
// ...) and NewServer; Errorf reports a fault of the fake itself.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Server is a fake GitHub holding one repository. Its methods are safe for
// concurrent use with the requests it serves.
type Server struct {
	t     TB
	owner string
	name  string
	token string
	srv   *httptest.Server
	// defaultBranch is the repository's default branch (WithDefaultBranch).
	defaultBranch string
	// tokens maps each token the server accepts to the login it acts as;
	// expiries holds when the minted ones stop working.
	tokens   map[string]string
	expiries map[string]time.Time
	// appKey checks the App's JWTs; nil until SetAppKey or a manifest's
	// conversion.
	appKey *rsa.PublicKey
	// manifests are the Apps created from a manifest, by their code, until
	// it is exchanged (manifest.go).
	manifests map[string]*createdApp
	// rulesets are the repository's rulesets (rulesets.go).
	rulesets []ruleset
	// rateLimit requests per rateWindow of the clock, for each bucket
	// (ratelimit.go); bucket is the request's being served.
	rateLimit  int
	rateWindow time.Duration
	buckets    map[string]*rateBucket
	bucket     *rateBucket

	mu         sync.Mutex
	git        *git.Repository
	gitHandler http.Handler
	clock      time.Time
	// now, when set (SetClock), is the time the clock follows.
	now        func() time.Time
	nextID     int64
	nextNumber int
	users      map[string]int64
	// collaborators have write access to the repository.
	collaborators map[string]bool
	pulls         map[int]*pull
	comments      []*comment
	labels        []*label
	checkRuns     []*checkRun
	statuses      []*status
	reviews       []*review
	// events are the issue events of pull requests: closed, reopened.
	events      []*issueEvent
	failures    []*failure
	hookMu      sync.Mutex
	hooks       []hook
	faults      *faults // seeded failures of REST requests; nil for none
	faultCounts map[string]int
	// webhooks get every event (deliver.go); pending holds the events of
	// the change being made, delivered when it is done.
	webhooks       []webhook
	pending        []pendingEvent
	deliverer      *deliverer
	deliveryFaults *faults
	installation   int64
	// tips are the branches' and tags' SHAs as last pushed, for a push
	// event's before.
	tips map[string]string
	// lagMerged leaves pull requests open when a push brings their head
	// into the base, as GitHub does for a moment after the push.
	lagMerged   bool
	calls       []string
	notModified int
	// actor is the login of the request being served, set and read with
	// s.mu held; "" outside requests.
	actor string
}

// hook is something another client does just before a request is served.
type hook struct {
	method, prefix string
	fn             func()
}

type failure struct {
	method  string
	prefix  string
	status  int
	headers map[string]string
	// applied failures let the request take effect, then replace the
	// answer.
	applied bool
}

// NewServer starts a fake GitHub holding the repository owner/repo, with
// branch DefaultBranch (or the one opts name) at one empty commit, on a
// loopback port. The server is closed when the test ends.
func NewServer(t TB, owner, repo string, opts ...Option) *Server {
	t.Helper()
	return newServer(t, nil, owner, repo, opts)
}

// NewServerOn is NewServer serving on l, which the server closes when the
// test ends.
func NewServerOn(t TB, l net.Listener, owner, repo string, opts ...Option) *Server {
	t.Helper()
	return newServer(t, l, owner, repo, opts)
}

// newServer starts the server on l, or on a loopback port if l is nil.
func newServer(t TB, l net.Listener, owner, repo string, opts []Option) *Server {
	t.Helper()
	s := &Server{defaultBranch: DefaultBranch}
	for _, o := range opts {
		o(s)
	}
	main := plumbing.NewBranchReferenceName(s.defaultBranch)
	if err := main.Validate(); err != nil {
		t.Fatalf("forgetest: default branch %q: %v", s.defaultBranch, err)
	}
	storage := memory.NewStorage()
	r, err := git.InitWithOptions(storage, nil, git.InitOptions{DefaultBranch: main})
	if err != nil {
		t.Fatalf("forgetest: init repository: %v", err)
	}
	token := make([]byte, 20)
	if _, err := rand.Read(token); err != nil {
		t.Fatalf("forgetest: token: %v", err)
	}
	*s = Server{
		defaultBranch: s.defaultBranch,
		t:             t,
		owner:         owner,
		name:          repo,
		token:         "ghs_" + hex.EncodeToString(token),
		git:           r,
		clock:         epoch,
		nextID:        1000,
		nextNumber:    1,
		users:         map[string]int64{},
		collaborators: map[string]bool{},
		expiries:      map[string]time.Time{},
		installation:  InstallationID,
		rateLimit:     DefaultRateLimit,
		rateWindow:    DefaultRateLimitWindow,
		buckets:       map[string]*rateBucket{},
		pulls:         map[int]*pull{},
		manifests:     map[string]*createdApp{},
	}
	initial, err := s.writeCommit(flatTree{}, "Initial commit\n", object.Signature{Name: "forgetest", Email: "forgetest@example.com"})
	if err == nil {
		err = s.setRef(main, initial)
	}
	s.tips = map[string]string{main.String(): initial.String()}
	if err != nil {
		t.Fatalf("forgetest: initial commit: %v", err)
	}
	s.tokens = map[string]string{s.token: BotLogin}
	s.gitHandler = s.newGitHandler()
	s.srv = httptest.NewUnstartedServer(s)
	if l != nil {
		s.srv.Listener.Close()
		s.srv.Listener = l
	}
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

// AddUser makes token authenticate as login, for the API and for git: the
// pull requests, issues, reviews and comments created with it are login's,
// and so are the merges it makes and the pushes it carries. A user may have
// several tokens; a token already held by another login fails the test.
func (s *Server) AddUser(login, token string) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if login == "" || token == "" {
		s.t.Fatalf("forgetest: add user %q: login and token must not be empty", login)
		return
	}
	if other, ok := s.tokens[token]; ok && other != login {
		s.t.Fatalf("forgetest: add user %s: the token is already %s's", login, other)
		return
	}
	s.tokens[token] = login
	s.userID(login)
}

// SetClock makes the server's timestamps follow now from the next change
// on: each change is dated now(), or a second after the change before it
// when that is later, so timestamps never go back. Without it the clock
// starts at 2026-01-01T00:00:00Z and moves a second per change. now is
// called with the server's lock held, from the goroutines serving
// requests: it must be safe for concurrent use.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// URL is the REST API's base URL, to pass as forge.Options.BaseURL.
func (s *Server) URL() string { return s.srv.URL }

// GitURL is the URL to clone, fetch and push the repository over HTTP;
// authenticate with basic auth whose password is Token.
func (s *Server) GitURL() string { return fmt.Sprintf("%s/%s/%s.git", s.srv.URL, s.owner, s.name) }

// Token is the token that authenticates as BotLogin, for the API and for
// git.
func (s *Server) Token() string { return s.token }

// FullName is the repository's "owner/name".
func (s *Server) FullName() string { return s.owner + "/" + s.name }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Repo returns the repository's git data. Change it only while no request
// is being served, or use Commit.
func (s *Server) Repo() *git.Repository { return s.git }

// FailNext makes the next request whose method is method ("" for any) and
// whose path starts with pathPrefix (e.g. "/repos/o/r/issues/1/comments")
// fail with status and headers, without taking effect. The body is
// GitHub's for the case: with "X-RateLimit-Remaining: 0", the primary rate
// limit message; with Retry-After or status 429, the secondary rate limit
// message and documentation URL; for another 403, "Resource not accessible
// by integration"; for a 5xx, "Server Error". Several calls queue failures
// in order.
func (s *Server) FailNext(method, pathPrefix string, status int, headers map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: method, prefix: pathPrefix, status: status, headers: headers})
}

// LagMerged makes pushes leave pull requests open whose head they bring
// into the base (on) or lets them be marked merged again (off), as when
// GitHub has not yet caught up with a push.
func (s *Server) LagMerged(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lagMerged = on
}

// Before runs fn once, just before the next request whose method is method
// ("" for any) and whose path (with its query, if any) starts with
// pathPrefix is served, as if
// another client acted at that moment: a push to the base branch between
// the bot's verdict and its merge, say. fn may use the Server (it runs
// without its lock) and may queue further hooks.
func (s *Server) Before(method, pathPrefix string, fn func()) {
	s.hookMu.Lock()
	defer s.hookMu.Unlock()
	s.hooks = append(s.hooks, hook{method: method, prefix: pathPrefix, fn: fn})
}

// FailNextAfterApplying makes the next matching request take effect and
// then answer with status, as when GitHub times out after acting: the case
// a client must not blindly retry.
func (s *Server) FailNextAfterApplying(method, pathPrefix string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, &failure{method: method, prefix: pathPrefix, status: status, applied: true})
}

// Calls returns every request served so far, as "METHOD /path" (no query).
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// ResetCalls forgets the requests served so far.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.notModified = 0
}

// NotModified reports how many requests were answered 304 Not Modified.
func (s *Server) NotModified() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notModified
}

// isApp reports whether login is a GitHub App acting through an
// installation token: the bot, or any other "[bot]" login (as
// github-actions[bot], whose GITHUB_TOKEN is one). Only Apps write check
// runs.
func isApp(login string) bool { return strings.HasSuffix(login, "[bot]") }

// canWrite reports whether login has write access to the repository: its
// owner, a collaborator (AddCollaborator), or an App installed on it. s.mu
// is held.
func (s *Server) canWrite(login string) bool {
	return strings.EqualFold(login, s.owner) || s.collaborators[login] || isApp(login)
}

// AddCollaborator gives login write access to the repository, as a
// collaborator or a member of a team with write access has: among other
// things, they may edit anyone's comment, which other users may not.
func (s *Server) AddCollaborator(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.collaborators[login] = true
	s.userID(login)
}

// acting returns the login the request being served acts as: BotLogin
// outside requests, as for the seeding helpers.
func (s *Server) acting() string {
	if s.actor == "" {
		return BotLogin
	}
	return s.actor
}

// id returns a fresh object ID.
func (s *Server) id() int64 {
	s.nextID++
	return s.nextID
}

// userID returns a stable ID for login.
func (s *Server) userID(login string) int64 {
	if id, ok := s.users[login]; ok {
		return id
	}
	id := int64(len(s.users) + 1)
	s.users[login] = id
	return id
}

// refUpdated keeps pull requests in step with a ref that moved to sha (""
// when deleted), as GitHub does on a push: open pull requests whose head is
// that branch take the new head, with refs/pull/<n>/head, and open pull
// requests into that branch whose head commit it now contains are merged
// (GitHub's "merged manually": merged_by is the pusher, or BotLogin when a
// seeding helper moved the ref, and merge_commit_sha the new tip).
func (s *Server) refUpdated(ref, sha string) {
	if before := s.tips[ref]; before != sha {
		s.emitPush(ref, before, sha)
		if sha == "" {
			delete(s.tips, ref)
		} else {
			s.tips[ref] = sha
		}
	}
	branch, ok := strings.CutPrefix(ref, "refs/heads/")
	if !ok || sha == "" {
		return
	}
	tip := plumbing.NewHash(sha)
	for _, p := range s.sortedPulls() {
		if s.lagMerged || p.state != "open" || p.base != branch {
			continue
		}
		if mb, ok := s.mergeBase(tip, plumbing.NewHash(p.headSHA)); !ok || mb.String() != p.headSHA {
			continue
		}
		now := s.tick()
		p.state, p.merged, p.mergedBy = "closed", true, s.acting()
		p.mergedAt, p.closedAt, p.updated = now, now, now
		p.mergeCommit, p.baseSHA = sha, sha
		s.emitPull(p, "closed", nil)
	}
	for _, p := range s.sortedPulls() {
		if p.state != "open" || p.head != branch || p.headSHA == sha {
			continue
		}
		before := p.headSHA
		p.headSHA = sha
		p.updated = s.tick()
		s.emitPull(p, "synchronize", jsonObject{"before": before, "after": sha})
		if err := s.setRef(pullHeadRef(p.number), plumbing.NewHash(sha)); err != nil {
			s.t.Errorf("forgetest: refs/pull/%d/head: %v", p.number, err)
		}
	}
}

func pullHeadRef(n int) plumbing.ReferenceName {
	return plumbing.ReferenceName(fmt.Sprintf("refs/pull/%d/head", n))
}

func sortedCopy(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

// Import makes the default branch point at commit head of src, copying every
// object head reaches: the repository then holds src's history, from its
// first commit, instead of the empty commit NewServer made. Call it before
// any pull request is opened.
func (s *Server) Import(src storer.EncodedObjectStorer, head plumbing.Hash) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.flushEvents()
	hashes, err := revlist.Objects(src, []plumbing.Hash{head}, nil)
	if err != nil {
		return fmt.Errorf("import %s: %w", head, err)
	}
	for _, h := range hashes {
		obj, err := src.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return fmt.Errorf("import %s: %w", head, err)
		}
		if _, err := s.git.Storer.SetEncodedObject(obj); err != nil {
			return fmt.Errorf("import %s: %w", head, err)
		}
	}
	if _, err := s.git.CommitObject(head); err != nil {
		return fmt.Errorf("import %s: %w", head, err)
	}
	main := plumbing.NewBranchReferenceName(s.defaultBranch)
	if err := s.setRef(main, head); err != nil {
		return fmt.Errorf("import %s: %w", head, err)
	}
	s.refUpdated(main.String(), head.String())
	return nil
}

// withActor runs fn as if login's request were being served: what it
// records is login's doing. s.mu is held.
func (s *Server) withActor(login string, fn func()) {
	saved := s.actor
	s.actor = login
	defer func() { s.actor = saved }()
	fn()
}
