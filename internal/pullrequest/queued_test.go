package pullrequest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// queueRuleset is the branch ruleset of a program that merges through
// GitHub's merge queue: pull requests only, no force push, the queue, and
// the bypass actors given.
func queueRuleset(bypass string) string {
	return `{"name": "program", "target": "branch", "enforcement": "active",
  "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
  "rules": [{"type": "pull_request"}, {"type": "non_fast_forward"}, {"type": "merge_queue"}],
  "bypass_actors": [` + bypass + `]}`
}

// appBypasses names connectbot's App a bypass actor, always.
var appBypasses = fmt.Sprintf(`{"actor_id": %d, "actor_type": "Integration", "bypass_mode": "always"}`, forgetest.AppID)

// queuedWorld is the test world protected by ruleset, with newco's
// application approved by a reviewer and merged by GitHub's merge queue,
// connectbot having seen none of it. It returns the pull request and
// the events GitHub sent from the queue's merge on, as a webhook got
// them.
func queuedWorld(t *testing.T, ruleset string) (*world, int, []webhook.Event) {
	t.Helper()
	w := newWorld(t)
	w.srv.AddUser("acme-program", "owner-token")
	req, _ := http.NewRequest("POST", w.srv.URL()+"/repos/acme-program/connect/rulesets", strings.NewReader(ruleset))
	req.Header.Set("Authorization", "Bearer owner-token")
	resp, err := w.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating the ruleset: %d", resp.StatusCode)
	}
	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.srv.AddReview(pr, "okafor-pm", "APPROVED", head)
	g := w.srv.QueueMergeGroups(pr)[0]
	hook := &captured{}
	rec := httptest.NewServer(hook)
	t.Cleanup(rec.Close)
	w.srv.AddWebhook(rec.URL, "")
	w.srv.MergeQueued(g)
	w.srv.WaitDeliveries()
	if !w.srv.PR(pr).Merged {
		t.Fatal("the queue did not merge the approved pull request")
	}
	return w, pr, hook.parsed(t)
}

// captured is a webhook URL that keeps what it is sent.
type captured struct {
	mu     sync.Mutex
	events []string
	bodies [][]byte
}

func (c *captured) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, r.Header.Get("X-GitHub-Event"))
	c.bodies = append(c.bodies, b)
}

// parsed is every delivery but the ping, parsed as connectbot parses it.
func (c *captured) parsed(t *testing.T) []webhook.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []webhook.Event
	for i, kind := range c.events {
		if kind == "ping" {
			continue
		}
		ev, err := webhook.Parse(kind, c.bodies[i])
		if err != nil {
			t.Fatalf("delivery %d (%s): %v", i, kind, err)
		}
		out = append(out, ev)
	}
	return out
}

// records returns the commits on main's first-parent history that
// record pull request pr.
func (w *world) records(pr int) []string {
	w.t.Helper()
	repo := w.srv.Repo()
	c, err := repo.CommitObject(plumbing.NewHash(w.srv.Branch(forgetest.DefaultBranch)))
	var out []string
	for err == nil {
		if strings.HasPrefix(c.Message, fmt.Sprintf("connectbot: record #%d ", pr)) {
			out = append(out, c.Hash.String())
		}
		var parent *object.Commit
		if parent, err = c.Parent(0); err == nil {
			c = parent
		}
	}
	return out
}

// permutations returns every order of n deliveries.
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// TestTheQueuesMergeOfAnApprovalIsRecordedOnceWhateverTheOrder plays
// the deliveries GitHub sends once its merge queue merged an approved
// pull request — the push to main, the pull request closed, the queue's
// branch deleted — in every order, each twice, then a reconcile: main
// carries the stage the approval records, in one commit of connectbot's
// naming the pull request and its approval, whatever the order.
func TestTheQueuesMergeOfAnApprovalIsRecordedOnceWhateverTheOrder(t *testing.T) {
	ctx := context.Background()
	for _, order := range permutations(3) {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			w, pr, events := queuedWorld(t, queueRuleset(appBypasses))
			if len(events) != 3 {
				t.Fatalf("the queue's merge sent %d deliveries, want 3: %+v", len(events), events)
			}
			for _, i := range append(order, order...) {
				if _, err := dispatch.Handle(ctx, w.handler, nil, events[i]); err != nil {
					t.Fatalf("%s %s: %v", events[i].Kind, events[i].Action, err)
				}
			}
			if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err != nil {
				t.Fatal(err)
			}
			recs := w.records(pr)
			if len(recs) != 1 {
				t.Fatalf("%d commits record #%d on main, want 1", len(recs), pr)
			}
			msg, _ := w.srv.Repo().CommitObject(plumbing.NewHash(recs[0]))
			if !strings.Contains(msg.Message, "approved by @okafor-pm") {
				t.Errorf("the record does not name the approval:\n%s", msg.Message)
			}
			cue, _ := w.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")
			if !strings.Contains(cue, `acceptedAt: "2026-11-25"`) || !strings.Contains(cue, `stage:`) {
				t.Errorf("main's newco.cue does not carry the acceptance:\n%s", cue)
			}
		})
	}
}
