package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// queueWorld is a program whose branch takes merges only through GitHub's
// merge queue: the README's ruleset with no bypass actor, so connectbot's
// own merge is declined. newco's pull request is approved by a reviewer;
// late's is valid and approved by no one.
func queueWorld(t *testing.T) (srv *forgetest.Server, approved, unapproved int) {
	t.Helper()
	ruleset := readmeRuleset(t)
	i := strings.Index(ruleset, `"bypass_actors": [`)
	srv, approved = approvedWorld(t, ruleset[:i]+`"bypass_actors": []`+"\n}\n")
	northwind, _ := os.ReadFile("../../applications/northwind-notes.cue")
	late := strings.NewReplacer(`maintainers: ["nwn-platform", "priya-castellano"]`, `maintainers: ["late-dev"]`,
		`"Northwind`, `"Lateco`, `northwind`, `lateco`).Replace(string(northwind))
	srv.Commit("late", "Apply", map[string]string{"applications/lateco.cue": late})
	unapproved = srv.OpenPR(forgetest.PRSpec{Author: "late-dev", Title: "Apply late", Head: "late"})
	return srv, approved, unapproved
}

// mergeGroupDelivery is the recorded merge_group delivery, naming entry g
// of the fake's queue.
func mergeGroupDelivery(t *testing.T, g forgetest.MergeGroup) string {
	return delivery(t, "octokit-webhooks/merge_group/checks_requested.payload.json", 0, func(p map[string]any) {
		m := p["merge_group"].(map[string]any)
		m["head_sha"], m["head_ref"], m["base_sha"], m["base_ref"] = g.HeadSHA, g.HeadRef, g.BaseSHA, g.BaseRef
	})
}

// lastCheck is connectbot's newest check on sha.
func lastCheck(t *testing.T, srv *forgetest.Server, sha string) forgetest.CheckRun {
	t.Helper()
	var last *forgetest.CheckRun
	for _, r := range srv.CheckRuns(sha) {
		if r.Name == "connectbot" {
			last = &r
		}
	}
	if last == nil {
		t.Fatalf("no connectbot check on %s", sha)
	}
	return *last
}

// TestActionAnswersAMergeGroupWithItsCheckOnTheGroupsHead queues two pull
// requests on the fake GitHub's merge queue: the approved one first, then
// one no reviewer approved. connectbot answers each merge_group with its
// check on the group's head commit: green for the group holding the
// approved pull request alone, red for the group that also holds the
// unapproved one (what merges is the whole group). It merges nothing
// itself: the queue does.
func TestActionAnswersAMergeGroupWithItsCheckOnTheGroupsHead(t *testing.T) {
	srv, approved, unapproved := queueWorld(t)
	before := srv.Branch(forgetest.DefaultBranch)
	groups := srv.QueueMergeGroups(approved, unapproved)

	for i, want := range []string{"success", "failure"} {
		code, out, errOut := runActionWith(t, srv, "merge_group", mergeGroupDelivery(t, groups[i]))
		if code != exitOK {
			t.Fatalf("merge group %d: exit %d\n%s%s", i+1, code, out, errOut)
		}
		if c := lastCheck(t, srv, groups[i].HeadSHA); c.Conclusion != want {
			t.Errorf("merge group %d (%s): check %s, want %s:\n%s", i+1, groups[i].HeadRef, c.Conclusion, want, c.Summary)
		}
	}
	c := lastCheck(t, srv, groups[1].HeadSHA)
	if !strings.Contains(c.Summary, fmt.Sprintf("#%d", unapproved)) || !strings.Contains(c.Summary, fmt.Sprintf("#%d", approved)) {
		t.Errorf("the red group's check does not name both pull requests:\n%s", c.Summary)
	}
	if srv.Branch(forgetest.DefaultBranch) != before || srv.PR(approved).Merged {
		t.Error("connectbot merged while answering the merge queue")
	}
}

// TestServeAnswersAMergeGroupAsActionDoes delivers the fake GitHub's
// merge_group events to serve: the same checks as action, on each group's
// head, and once the queue merges the green group, main holds it.
func TestServeAnswersAMergeGroupAsActionDoes(t *testing.T) {
	gh, approved, unapproved := queueWorld(t)
	srv := startServe(t, liveVars(gh), time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	groups := gh.QueueMergeGroups(approved, unapproved)
	for i, g := range groups {
		payload, err := os.ReadFile(mergeGroupDelivery(t, g))
		if err != nil {
			t.Fatal(err)
		}
		if code := srv.deliver(t, fmt.Sprint("group-", i), "merge_group", webhook.Sign(payload, []byte("s3cret")), bytes.NewReader(payload)); code != http.StatusAccepted {
			t.Fatalf("signed merge_group delivery: %d", code)
		}
	}
	for i, want := range []string{"success", "failure"} {
		eventually(t, fmt.Sprint("the check on group ", i+1), func() bool { return len(gh.CheckRuns(groups[i].HeadSHA)) > 0 })
		if c := lastCheck(t, gh, groups[i].HeadSHA); c.Conclusion != want {
			t.Errorf("merge group %d: check %s, want %s:\n%s", i+1, c.Conclusion, want, c.Summary)
		}
	}
	gh.MergeQueued(groups[0])
	if !gh.PR(approved).Merged {
		t.Error("the queue's merge did not merge the approved pull request")
	}
}
