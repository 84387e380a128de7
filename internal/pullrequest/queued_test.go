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
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/pullrequest"
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
	w.srv.CreateRuleset("owner-token", ruleset)
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

// botCommentsSaying returns connectbot's comments on pull request pr
// that say text.
func (w *world) botCommentsSaying(pr int, text string) []string {
	var out []string
	for _, c := range w.srv.Comments(pr) {
		if c.Author == forgetest.BotLogin && strings.Contains(c.Body, text) {
			out = append(out, c.Body)
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

// TestTheRecordHoldsWhatConnectbotsOwnMergeWrites compares the record
// after the queue's merge with connectbot's own merge of the same
// approved pull request, its App a bypass actor and no queue: the same
// application file, byte for byte, and the same message's subject.
func TestTheRecordHoldsWhatConnectbotsOwnMergeWrites(t *testing.T) {
	w, pr, _ := queuedWorld(t, queueRuleset(appBypasses))
	if _, err := w.handler.Reconcile(context.Background(), forgetest.DefaultBranch); err != nil {
		t.Fatal(err)
	}
	queued, _ := w.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")

	own := newWorld(t)
	head := own.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	ownPR := own.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	own.srv.AddReview(ownPR, "okafor-pm", "APPROVED", head)
	own.handle(ownPR)
	merged, _ := own.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")
	if diff := cmp.Diff(merged, queued); diff != "" {
		t.Errorf("the record after the queue differs from connectbot's own merge (-own +queued):\n%s", diff)
	}
	subject := func(w *world, pr int) string {
		recs := w.records(pr)
		if len(recs) != 1 {
			t.Fatalf("%d records of #%d", len(recs), pr)
		}
		c, _ := w.srv.Repo().CommitObject(plumbing.NewHash(recs[0]))
		return strings.SplitN(c.Message, "\n", 2)[0]
	}
	if diff := cmp.Diff(subject(own, ownPR), subject(w, pr)); diff != "" {
		t.Errorf("subjects (-own +queued):\n%s", diff)
	}
}

// TestWithoutBypassingTheRulesetTheStageIsSaidNotRecorded merges an
// approved pull request through the queue of a branch whose ruleset
// connectbot may not bypass: its push of the record is declined, and it
// says so — a one-line error naming the ruleset's refusal and the fix,
// and one comment on the pull request, however often it tries — and main
// is left as the queue left it.
func TestWithoutBypassingTheRulesetTheStageIsSaidNotRecorded(t *testing.T) {
	ctx := context.Background()
	w, pr, events := queuedWorld(t, queueRuleset(""))
	before := w.srv.Branch(forgetest.DefaultBranch)
	want := "GitHub declined connectbot's push of the recorded stage to main: make connectbot's App a bypass actor (always) of the branch's ruleset"
	for _, ev := range events {
		_, err := dispatch.Handle(ctx, w.handler, nil, ev)
		if ev.Kind == webhook.KindPush && ev.Deleted {
			continue // the queue's branch, deleted
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %s: %v, want one line saying %q", ev.Kind, ev.Action, err, want)
		}
	}
	if _, err := w.handler.Reconcile(ctx, forgetest.DefaultBranch); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("reconcile: %v, want %q", err, want)
	}
	if got := w.srv.Branch(forgetest.DefaultBranch); got != before {
		t.Errorf("main moved to %s", got)
	}
	said := w.botCommentsSaying(pr, "bypass actor")
	if len(said) != 1 || !strings.Contains(said[0], "could not record on `main` the stage change its approval makes") {
		t.Errorf("want one comment saying the stage is not recorded and what to do, got %q", said)
	}
}

// TestBehindTheMergeQueueAnApprovalIsLeftToTheQueue follows an approved
// pull request into a branch behind GitHub's merge queue, connectbot its
// ruleset's bypass actor and every delivery handed to it in the order
// GitHub sends them: connectbot does not push its own merge past the
// queue, but says to queue it; its check on the queue's merge group is
// green; once the queue merged it, main carries the recorded stage, once.
func TestBehindTheMergeQueueAnApprovalIsLeftToTheQueue(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.srv.CreateRuleset("owner-token", queueRuleset(appBypasses))
	hook := &captured{}
	rec := httptest.NewServer(hook)
	t.Cleanup(rec.Close)
	w.srv.AddWebhook(rec.URL, "")

	head := w.srv.Commit("newco-apply", "Apply", map[string]string{"applications/newco.cue": newApplication(t)})
	pr := w.srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply: Newco", Head: "newco-apply"})
	w.srv.AddReview(pr, "okafor-pm", "APPROVED", head)
	out := w.handle(pr)
	if w.srv.PR(pr).Merged || !strings.Contains(strings.Join(out.Done, "\n"), "add the pull request to the queue") {
		t.Fatalf("connectbot merged past the queue, or did not say to queue it: %q", out.Done)
	}
	said := "Approved by @okafor-pm at " + head[:7] + ": main takes changes only through GitHub's merge queue, so connectbot does not merge this commit itself. Add it to the queue (Merge when ready); connectbot records the stage change once the queue merges it."
	said = markdown.Escape(said) // as the comment and the check show it
	if c := w.botComments(pr); len(c) != 1 || !strings.Contains(c[0].Body, said) || strings.Contains(c[0].Body, "connectbot merges this commit") {
		t.Errorf("connectbot's comment does not say to queue the approval, or promises a merge of connectbot's; want %q in:\n%+v", said, c)
	}
	if runs := w.srv.CheckRuns(head); len(runs) != 1 || !strings.Contains(runs[0].Summary, said) {
		t.Errorf("connectbot's check does not say to queue the approval; want %q in: %+v", said, runs)
	}
	handled := 0
	deliver := func() {
		w.srv.WaitDeliveries()
		events := hook.parsed(t)
		for _, ev := range events[handled:] {
			if _, err := dispatch.Handle(ctx, w.handler, nil, ev); err != nil {
				t.Fatalf("%s %s: %v", ev.Kind, ev.Action, err)
			}
		}
		handled = len(events)
	}
	deliver()
	g := w.srv.QueueMergeGroups(pr)[0]
	deliver()
	if c := w.srv.CheckRuns(g.HeadSHA); len(c) == 0 || c[len(c)-1].Conclusion != "success" {
		t.Fatalf("connectbot's check on the merge group: %+v, want success", c)
	}
	w.srv.MergeQueued(g)
	deliver()
	if n := len(w.records(pr)); n != 1 {
		t.Errorf("%d commits record #%d on main, want 1", n, pr)
	}
	if cue, _ := w.srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue"); !strings.Contains(cue, `acceptedAt: "2026-11-25"`) {
		t.Errorf("main's newco.cue does not carry the acceptance:\n%s", cue)
	}
}

// TestARecordWalksBackNoFurtherThanWhereItFoundAllRecorded merges through
// the queue two approved edits that change no stage, one after the
// other, RecordMerged running after each with what it learnt kept
// (Settled): the second reads the second pull request alone, not the
// first again, and neither writes anything.
func TestARecordWalksBackNoFurtherThanWhereItFoundAllRecorded(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.srv.CreateRuleset("owner-token", queueRuleset(appBypasses))
	w.handler.Settled = pullrequest.NewSettled()
	acme := sampleFile(t, "acme-sync.cue")
	var prs []int
	for i, tagline := range []string{"Contacts, in step", "Contacts, both ways"} {
		edited := strings.Replace(acme, `"Two-way contact sync"`, fmt.Sprintf("%q", tagline), 1)
		branch := fmt.Sprint("acme-edit-", i)
		head := w.srv.Commit(branch, "Edit", map[string]string{"applications/acme-sync.cue": edited})
		prs = append(prs, w.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: branch}))
		w.srv.AddReview(prs[i], "okafor-pm", "APPROVED", head)
		acme = edited
	}
	for _, pr := range prs {
		w.srv.MergeQueued(w.srv.QueueMergeGroups(pr)[0])
		before := w.srv.Branch(forgetest.DefaultBranch)
		w.srv.ResetCalls()
		if _, err := w.handler.RecordMerged(ctx, forgetest.DefaultBranch); err != nil {
			t.Fatal(err)
		}
		if got := w.srv.Branch(forgetest.DefaultBranch); got != before {
			t.Errorf("#%d: an approval that changes no stage was recorded: main moved to %s", pr, got)
		}
		var read []string
		for _, c := range w.srv.Calls() {
			for _, p := range prs {
				if strings.HasSuffix(c, fmt.Sprintf("/pulls/%d", p)) {
					read = append(read, fmt.Sprint("#", p))
				}
			}
		}
		if diff := cmp.Diff([]string{fmt.Sprint("#", pr)}, read); diff != "" {
			t.Errorf("after #%d merged, the pull requests read (-want +got):\n%s", pr, diff)
		}
	}
}
