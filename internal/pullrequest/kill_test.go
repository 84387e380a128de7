package pullrequest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/tick"
	"github.com/connectbot/connectbot/schema"
)

// errKilled is what a killed bot's every request gets.
var errKilled = errors.New("the bot was killed")

// killSwitch stops one bot after its k-th write — a REST request that is
// not a GET or HEAD, or a git push — as if its process died there: the
// context its work runs on is cancelled and every request after that is
// refused before it leaves, so no further write of that bot reaches GitHub.
// With lose, it dies while the k-th write is under way: GitHub acts on it,
// and its answer never reaches the bot.
type killSwitch struct {
	mu     sync.Mutex
	after  int // -1: never
	lose   bool
	writes int
	cancel context.CancelFunc
	next   http.RoundTripper
}

// alive reports whether the bot may still send a request.
func (k *killSwitch) alive() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.after < 0 || k.writes < k.after
}

// wrote counts a write that reached GitHub; the k-th kills the bot, and
// wrote then says whether its answer is lost.
func (k *killSwitch) wrote() (lost bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.writes++
	if k.after >= 0 && k.writes >= k.after {
		k.cancel()
		return k.lose
	}
	return false
}

// count is how many writes reached GitHub.
func (k *killSwitch) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.writes
}

func (k *killSwitch) RoundTrip(req *http.Request) (*http.Response, error) {
	if !k.alive() {
		return nil, errKilled
	}
	resp, err := k.next.RoundTrip(req)
	if req.Method != http.MethodGet && req.Method != http.MethodHead && k.wrote() {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, errKilled
	}
	return resp, err
}

// killableRepo is a clone whose pushes count as the bot's writes and
// whose every use of the network stops with the bot.
type killableRepo struct {
	*gitrepo.Repo
	k *killSwitch
}

func (r killableRepo) Fetch(ctx context.Context, refspecs ...string) error {
	if !r.k.alive() {
		return errKilled
	}
	return r.Repo.Fetch(ctx, refspecs...)
}

func (r killableRepo) FetchPull(ctx context.Context, number int) (string, error) {
	if !r.k.alive() {
		return "", errKilled
	}
	return r.Repo.FetchPull(ctx, number)
}

func (r killableRepo) RemoteTip(ctx context.Context, branch string) (string, error) {
	if !r.k.alive() {
		return "", errKilled
	}
	return r.Repo.RemoteTip(ctx, branch)
}

func (r killableRepo) Push(ctx context.Context, branch string, opts gitrepo.PushOptions) error {
	if !r.k.alive() {
		return errKilled
	}
	err := r.Repo.Push(ctx, branch, opts)
	if r.k.wrote() {
		return errKilled
	}
	return err
}

// bot is one connectbot process: fresh clones, a fresh GitHub client and
// caches, killed after its after-th write (-1: never) — or during it, with
// lose — on the context it returns.
type bot struct {
	ctx     context.Context
	k       *killSwitch
	handler *pullrequest.Handler
	tick    *tick.Runner
}

func newBot(t *testing.T, srv *forgetest.Server, after int, lose bool, now time.Time) *bot {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	k := &killSwitch{after: after, lose: lose, cancel: cancel, next: srv.Client().Transport}
	// One clone for the handler and its executor, as serve has.
	repo, err := gitrepo.Clone(context.Background(), srv.GitURL(), gitrepo.CloneOptions{Token: srv.Token()})
	if err != nil {
		t.Fatal(err)
	}
	clone := killableRepo{Repo: repo, k: k}
	client, err := forge.New(forge.Options{BaseURL: srv.URL(), Token: srv.Token(), Owner: "acme-program", Repo: "connect",
		HTTPClient: &http.Client{Transport: k}, Sleep: func(time.Duration) {}})
	if err != nil {
		t.Fatal(err)
	}
	id := gitrepo.Signature{Name: "connectbot", Email: "connectbot@users.noreply.example"}
	clock := func() time.Time { return now }
	ex := &apply.Executor{Forge: client, Git: clone, Base: forgetest.DefaultBranch, Identity: id, BotLogin: forgetest.BotLogin, Now: clock}
	h := &pullrequest.Handler{Forge: client, Git: clone, BotLogin: forgetest.BotLogin, Identity: id, Apply: ex, Now: clock}
	return &bot{ctx: ctx, k: k, handler: h,
		tick: &tick.Runner{Forge: client, Git: clone, Base: forgetest.DefaultBranch, Exec: ex}}
}

// killScenario is what one bot does and then what a bot started after it
// does, on a fake GitHub seed makes.
type killScenario struct {
	name    string
	seed    func(t *testing.T) *forgetest.Server
	now     time.Time
	play    func(t *testing.T, srv *forgetest.Server, b *bot) error
	restart func(t *testing.T, b *bot) error
}

// TestKillingTheBotBetweenAnyTwoWritesEndsAsIfItNeverDied plays each
// scenario once without a kill, counting its writes, then for every k of
// them with the bot killed after its k-th write, and again killed during
// it (GitHub acted; the bot never heard), each time with a new bot started
// after it; the end state must be the one without a kill, with nothing
// written twice.
func TestKillingTheBotBetweenAnyTwoWritesEndsAsIfItNeverDied(t *testing.T) {
	reminderDay := time.Date(2026, 12, 18, 12, 0, 0, 0, time.UTC) // 7 days before newco's listing is due
	scenarios := []killScenario{
		{
			name: "a pull request opened, then approved: judged, merged with its transition, the others judged again",
			seed: func(t *testing.T) *forgetest.Server { return newWorld(t).srv },
			now:  time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
			play: func(t *testing.T, srv *forgetest.Server, b *bot) error {
				head := srv.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
				newco := srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco"})
				srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": sampleFile(t, "acme-sync.cue") + "\n"})
				other := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
				var errs []error
				for _, n := range []int{newco, other} {
					_, err := b.handler.Handle(b.ctx, n)
					errs = append(errs, err)
				}
				srv.AddReview(newco, "rivera-reviews", "APPROVED", head)
				_, err := b.handler.Handle(b.ctx, newco)
				return errors.Join(append(errs, err)...)
			},
			// The new bot reconciles at start-up; the tracking issue a
			// kill kept from being opened at the merge is opened by the
			// first reminder, as the README says.
			restart: func(t *testing.T, b *bot) error {
				if _, err := b.handler.Reconcile(b.ctx, forgetest.DefaultBranch); err != nil {
					return err
				}
				_, err := b.tick.Run(b.ctx, reminderDay)
				return err
			},
		},
		{
			name: "a tick: a removal branch pushed, its pull request opened and labelled, a reminder on a tracking issue opened for it",
			seed: tickWorld,
			now:  time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC),
			play: func(t *testing.T, srv *forgetest.Server, b *bot) error {
				if _, err := b.tick.Run(b.ctx, time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)); err != nil {
					return err
				}
				_, err := b.handler.Reconcile(b.ctx, forgetest.DefaultBranch)
				return err
			},
			restart: func(t *testing.T, b *bot) error {
				if _, err := b.tick.Run(b.ctx, time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)); err != nil {
					return err
				}
				_, err := b.handler.Reconcile(b.ctx, forgetest.DefaultBranch)
				return err
			},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			run := func(t *testing.T, after int, lose bool) (killedState, int) {
				srv := sc.seed(t)
				first := newBot(t, srv, after, lose, sc.now)
				err := sc.play(t, srv, first)
				if after < 0 && err != nil {
					t.Fatalf("without a kill: %v", err)
				}
				writes := first.k.count()
				second := newBot(t, srv, -1, false, sc.now)
				if err := sc.restart(t, second); err != nil {
					t.Fatalf("killed after %d writes, the new bot: %v", after, err)
				}
				return readKilledState(t, srv), writes
			}
			want, writes := run(t, -1, false)
			if writes < 5 {
				t.Fatalf("the scenario makes %d writes; it is meant to make several", writes)
			}
			t.Logf("killed after each of its %d writes in turn", writes)
			for k := range writes {
				t.Run(fmt.Sprintf("killed after write %d", k), func(t *testing.T) {
					t.Parallel() // each on a fake GitHub of its own
					got, _ := run(t, k, false)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("killed after write %d of %d, then restarted (-want +got):\n%s", k, writes, diff)
					}
				})
				t.Run(fmt.Sprintf("killed during write %d", k+1), func(t *testing.T) {
					t.Parallel()
					got, _ := run(t, k+1, true)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("killed during write %d of %d (GitHub acted, the answer lost), then restarted (-want +got):\n%s", k+1, writes, diff)
					}
				})
			}
		})
	}
}

// tickWorld is a program whose tick on 2026-12-03 removes one integrator
// (an install window that lapsed) and reminds another (listing
// information due in 7 days, on a tracking issue it has yet to open).
func tickWorld(t *testing.T) *forgetest.Server {
	srv := forgetest.NewServer(t, "acme-program", "connect")
	files := map[string]string{"program.cue": programCue}
	entries, err := schema.Files.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := schema.Files.ReadFile(e.Name())
		files["schema/"+e.Name()] = string(b)
	}
	for _, name := range []string{"tidewater-payroll.cue", "brightpath-forms.cue"} {
		b, err := os.ReadFile("../../applications/" + name)
		if err != nil {
			t.Fatal(err)
		}
		files["applications/"+name] = string(b)
	}
	srv.Commit(forgetest.DefaultBranch, "program", files)
	return srv
}

// killedState is the end state, with what a duplicate would show: a
// check run written twice, every label, and every commit of each branch.
type killedState struct {
	End endState
	// RepeatedChecks maps each pull request's head branch to the check
	// runs on its head that repeat an earlier one — the same verdict (base
	// and head), conclusion and summary — written twice.
	RepeatedChecks map[string][]string
	Labels         map[string][]string
	// Commits maps each branch to the subjects of its commits, newest
	// first.
	Commits map[string][]string
}

func readKilledState(t *testing.T, srv *forgetest.Server) killedState {
	t.Helper()
	w := &world{t: t, srv: srv}
	s := killedState{End: w.endState(t), RepeatedChecks: map[string][]string{}, Labels: map[string][]string{}, Commits: map[string][]string{}}
	for _, p := range srv.PRs() {
		seen := map[string]bool{}
		for _, r := range srv.CheckRuns(p.HeadSHA) {
			key := r.ExternalID + " " + r.Conclusion + " " + r.Summary
			if seen[key] {
				s.RepeatedChecks[p.Head] = append(s.RepeatedChecks[p.Head], r.ExternalID+" "+r.Conclusion)
			}
			seen[key] = true
		}
		s.Labels[p.Head] = srv.Labels(p.Number)
	}
	branches := []string{forgetest.DefaultBranch}
	for _, p := range srv.PRs() {
		if !slices.Contains(branches, p.Head) {
			branches = append(branches, p.Head)
		}
	}
	for _, b := range branches {
		sha := srv.Branch(b)
		if sha == "" {
			continue
		}
		c, err := srv.Repo().CommitObject(plumbing.NewHash(sha))
		if err != nil {
			t.Fatal(err)
		}
		err = object.NewCommitPreorderIter(c, nil, nil).ForEach(func(c *object.Commit) error {
			subject, _, _ := strings.Cut(c.Message, "\n")
			s.Commits[b] = append(s.Commits[b], subject)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}
