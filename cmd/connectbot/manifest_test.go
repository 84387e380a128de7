package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/connectbot/connectbot/internal/dispatch"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// manifest is the part of app.yml this test reads.
type manifest struct {
	Events      []string          `yaml:"default_events"`
	Permissions map[string]string `yaml:"default_permissions"`
}

// permissionOf says which App permission a REST or git request needs, from
// GitHub's table of permissions per endpoint; "" for a request outside it.
var permissionOf = []struct {
	re         *regexp.Regexp
	permission string
}{
	{regexp.MustCompile(`^/repos/[^/]+/[^/]+/(check-runs|check-suites)|^/repos/[^/]+/[^/]+/commits/[^/]+/check-runs`), "checks"},
	{regexp.MustCompile(`^/repos/[^/]+/[^/]+/statuses/`), "statuses"},
	{regexp.MustCompile(`^/repos/[^/]+/[^/]+/pulls`), "pull_requests"},
	{regexp.MustCompile(`^/repos/[^/]+/[^/]+/(issues|labels)`), "issues"},
	{regexp.MustCompile(`^/repos/[^/]+/[^/]+/(git|contents|merges)/|^/[^/]+/[^/]+\.git/`), "contents"},
	// "Get rules for a branch" needs "Metadata" repository permissions (read).
	{regexp.MustCompile(`^/repos/[^/]+/[^/]+/rules/branches/`), "metadata"},
}

func TestTheAppManifestAsksForExactlyWhatConnectbotUses(t *testing.T) {
	b, err := os.ReadFile("../../app.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("app.yml: %v", err)
	}

	// The events: those serve acts on, for some action GitHub sends.
	var acted []string
	for _, kind := range webhook.Kinds {
		for _, action := range []string{"", "opened", "synchronize", "submitted", "created", "rerequested", "checks_requested"} {
			ev := webhook.Event{Kind: kind, Action: action, Number: 1, IsPullRequest: true, Check: "connectbot",
				Comment: &webhook.Comment{ID: 1, Author: "someone", Body: "/connectbot recheck"}, Ref: "refs/heads/main",
				Group: &webhook.MergeGroup{HeadRef: "refs/heads/gh-readonly-queue/main/pr-1-0000000000000000000000000000000000000000"}}
			if k, _ := dispatch.Route(ev); k != "none" && !slices.Contains(acted, kind) {
				acted = append(acted, kind)
			}
		}
	}
	slices.Sort(acted)
	if diff := cmp.Diff(acted, slices.Sorted(slices.Values(m.Events))); diff != "" {
		t.Errorf("app.yml's events against those serve acts on (-acted +manifest):\n%s", diff)
	}

	// The permissions: those of every request connectbot makes in a program's
	// life — pull requests judged, a check refused and set as a status, an
	// approval merged, a termination, a tick with its reminders and reconcile.
	srv := seed(t)
	for k, v := range map[string]string{"GITHUB_TOKEN": srv.Token(), "CONNECTBOT_REPOSITORY": "acme-program/connect",
		"GITHUB_API_URL": srv.URL(), "GITHUB_SERVER_URL": srv.URL(), "CONNECTBOT_BOT_LOGIN": forgetest.BotLogin} {
		t.Setenv(k, v)
	}
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	northwind, _ := os.ReadFile("../../applications/northwind-notes.cue")
	newco := strings.Replace(string(northwind), `maintainers: ["nwn-platform", "priya-castellano"]`, `maintainers: ["newco-dev"]`, 1)
	head := srv.Commit("newco", "Apply", map[string]string{"applications/newco.cue": newco})
	pr := srv.OpenPR(forgetest.PRSpec{Author: "newco-dev", Title: "Apply", Head: "newco"})
	otherHead := srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": string(acme) + "\n"})
	other := srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	srv.FailNext("POST", "/repos/acme-program/connect/check-runs", 403, nil) // a token that may not write checks
	srv.AddReview(pr, "okafor-pm", "APPROVED", head)
	srv.AddComment(other, "rivera-reviews", "/connectbot terminate acme-sync the integration no longer works")
	for _, args := range [][]string{{"reconcile"}, {"tick", "--now", "2027-01-29"}} {
		var out, errOut strings.Builder
		if code := Main(args, &out, &errOut, func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) }); code != 0 {
			t.Fatalf("%s: exit %d: %s%s", args[0], code, out.String(), errOut.String())
		}
	}
	statuses := len(srv.Statuses(head)) + len(srv.Statuses(otherHead))
	if !srv.PR(pr).Merged || statuses == 0 {
		t.Fatalf("the scenario did not run its course: merged %v, statuses %d", srv.PR(pr).Merged, statuses)
	}
	// Every App has metadata; merge_group deliveries come only with
	// merge_queues, which no call reads.
	used := map[string]string{"metadata": "read", "merge_queues": "read"}
	for _, call := range srv.Calls() {
		method, path, _ := strings.Cut(call, " ")
		perm := ""
		for _, p := range permissionOf {
			if p.re.MatchString(path) {
				perm = p.permission
				break
			}
		}
		if perm == "" {
			t.Errorf("no permission known for %s", call)
			continue
		}
		level := "read"
		if method != "GET" || strings.HasSuffix(path, "/git-receive-pack") {
			level = "write"
		}
		if used[perm] != "write" {
			used[perm] = level
		}
	}
	if diff := cmp.Diff(used, m.Permissions); diff != "" {
		t.Errorf("app.yml's permissions against those connectbot's calls need (-used +manifest):\n%s", diff)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
