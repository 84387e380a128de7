package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// queuedMergeWorld is the program behind the README's ruleset with the
// merge queue added to its rules, connectbot's App its bypass actor
// unless bypass is false, and newco's pull request, approved by a
// reviewer, merged by the queue before connectbot saw any of it.
func queuedMergeWorld(t *testing.T, bypass bool) (*forgetest.Server, int) {
	t.Helper()
	ruleset := strings.Replace(readmeRuleset(t), `"rules": [`, `"rules": [{"type": "merge_queue"}, `, 1)
	if !bypass {
		i := strings.Index(ruleset, `"bypass_actors": [`)
		ruleset = ruleset[:i] + `"bypass_actors": []` + "\n}\n"
	}
	srv, pr := approvedWorld(t, ruleset)
	srv.MergeQueued(srv.QueueMergeGroups(pr)[0])
	if !srv.PR(pr).Merged {
		t.Fatal("the queue did not merge the approved pull request")
	}
	return srv, pr
}

// recordsOf counts the commits on main's first-parent history that
// record pull request pr. It reads the fake's repository without its
// lock: only while nothing pushes.
func recordsOf(t *testing.T, srv *forgetest.Server, pr int) int {
	t.Helper()
	c, err := srv.Repo().CommitObject(plumbing.NewHash(srv.Branch(forgetest.DefaultBranch)))
	n := 0
	for err == nil {
		if strings.HasPrefix(c.Message, fmt.Sprintf("connectbot: record #%d approved by @okafor-pm\n", pr)) {
			n++
		}
		var parent *object.Commit
		if parent, err = c.Parent(0); err == nil {
			c = parent
		}
	}
	return n
}

// closedDelivery is the recorded pull_request closed delivery, naming
// pull request pr.
func closedDelivery(t *testing.T, pr int) string {
	return delivery(t, "octokit-webhooks/pull_request/closed.payload.json", pr, nil)
}

// TestActionRecordsTheStageTheQueuesMergeLeftOut hands action the
// pull_request closed delivery of a pull request the merge queue merged,
// twice, then runs a reconcile: main carries the stage the approval
// records, in one commit, and the second delivery and the reconcile find
// it recorded.
func TestActionRecordsTheStageTheQueuesMergeLeftOut(t *testing.T) {
	srv, pr := queuedMergeWorld(t, true)
	for i := range 2 {
		code, out, errOut := runActionWith(t, srv, "pull_request", closedDelivery(t, pr))
		if code != exitOK {
			t.Fatalf("delivery %d: exit %d\n%s%s", i+1, code, out, errOut)
		}
	}
	if code, out := reconcileOn(t, srv); code != exitOK {
		t.Fatalf("reconcile: exit %d\n%s", code, out)
	}
	if n := recordsOf(t, srv, pr); n != 1 {
		t.Errorf("%d commits record #%d on main, want 1", n, pr)
	}
	if cue, _ := srv.ReadFile(forgetest.DefaultBranch, "applications/newco.cue"); !strings.Contains(cue, "acceptedAt") {
		t.Errorf("the recorded stage is not on main:\n%s", cue)
	}
}

// TestActionSaysTheStageIsNotRecordedWhenTheRulesetDeclines is the same
// without connectbot's App among the ruleset's bypass actors: action
// fails (exit 2, as on any failure) with one line naming the ruleset's
// refusal and the fix, and
// the pull request gets one comment saying the stage is not recorded.
func TestActionSaysTheStageIsNotRecordedWhenTheRulesetDeclines(t *testing.T) {
	srv, pr := queuedMergeWorld(t, false)
	before := srv.Branch(forgetest.DefaultBranch)
	want := "GitHub declined connectbot's push of the recorded stage to main: make connectbot's App a bypass actor (always) of the branch's ruleset"
	for i := range 2 {
		code, out, errOut := runActionWith(t, srv, "pull_request", closedDelivery(t, pr))
		if code != exitCantRun || !strings.Contains(errOut, want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("delivery %d: exit %d, want 2 with one line saying %q:\n%s%s", i+1, code, want, out, errOut)
		}
	}
	if srv.Branch(forgetest.DefaultBranch) != before {
		t.Error("main moved")
	}
	n := 0
	for _, c := range srv.Comments(pr) {
		if c.Author == forgetest.BotLogin && strings.Contains(c.Body, "could not record on `main` the stage change its approval makes") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d comments say the stage is not recorded, want 1", n)
	}
}

// TestServeRecordsTheStageTheQueuesMergeLeftOut starts serve after the
// queue merged: its start-up reconcile records the stage, and the
// pull_request closed delivery, its work done before serve stops, then
// finds it recorded.
func TestServeRecordsTheStageTheQueuesMergeLeftOut(t *testing.T) {
	gh, pr := queuedMergeWorld(t, true)
	srv := startServe(t, liveVars(gh), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	eventually(t, "the record of the queue's merge", func() bool {
		// ReadFile, unlike recordsOf, reads under the fake's lock, while
		// serve may push.
		cue, _ := gh.ReadFile(forgetest.DefaultBranch, "applications/newco.cue")
		return strings.Contains(cue, "acceptedAt")
	})
	payload, err := os.ReadFile(closedDelivery(t, pr))
	if err != nil {
		t.Fatal(err)
	}
	if code := srv.deliver(t, "closed-1", "pull_request", webhook.Sign(payload, []byte("s3cret")), bytes.NewReader(payload)); code != http.StatusAccepted {
		t.Fatalf("signed pull_request delivery: %d", code)
	}
	if code := srv.stop(t); code != exitOK {
		t.Fatalf("serve stopped with %d:\n%s", code, srv.stderr.String())
	}
	if n := recordsOf(t, gh, pr); n != 1 {
		t.Errorf("%d commits record #%d on main, want 1", n, pr)
	}
}
