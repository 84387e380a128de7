package forgetest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-billy/v5/memfs"
	"github.com/go-git/go-billy/v5/util"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/webhook"
)

const hookSecret = "It's a Secret to Everybody"

// received is a delivery as a receiver saw it.
type received struct {
	id, event string
	headers   http.Header
	body      []byte
}

// receiver is a webhook endpoint that keeps what it is sent, checked by
// connectbot's own signature check and parser.
type receiver struct {
	t    *testing.T
	url  string
	mu   sync.Mutex
	got  []received
	seen []string
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			// A delivery cut off by the server closing is lost, as on
			// github.com; a test that counts deliveries sees it missing.
			t.Logf("read delivery: %v", err)
			return
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.got = append(rc.got, received{id: r.Header.Get("X-GitHub-Delivery"), event: r.Header.Get("X-GitHub-Event"), headers: r.Header.Clone(), body: body})
		if err := webhook.Verify(r.Header.Get("X-Hub-Signature-256"), body, [][]byte{[]byte(hookSecret)}); err != nil {
			t.Errorf("%s delivery: %v", r.Header.Get("X-GitHub-Event"), err)
		}
		ev, err := webhook.Parse(r.Header.Get("X-GitHub-Event"), body)
		if err != nil {
			t.Errorf("webhook.Parse: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		line := ev.Kind
		if ev.Action != "" {
			line += " " + ev.Action
		}
		if ev.Number != 0 {
			line += fmt.Sprintf(" #%d", ev.Number)
		}
		if ev.Ref != "" {
			line += " " + ev.Ref
		}
		if ev.Comment != nil {
			line += fmt.Sprintf(" %q", ev.Comment.Body)
		}
		if ev.Sender != "" {
			line += " by " + ev.Sender
		}
		rc.seen = append(rc.seen, line)
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	rc.url = srv.URL + "/webhook"
	return rc
}

// lines returns what the receiver parsed, one line a delivery.
func (rc *receiver) lines() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.seen...)
}

// deliveries returns what the receiver was sent.
func (rc *receiver) deliveries() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// pushFile clones branch (or main, for a new branch) as token's user,
// commits path with content and pushes it to branch.
func pushFile(t *testing.T, srv *forgetest.Server, token, branch, path, content string) string {
	t.Helper()
	auth := &githttp.BasicAuth{Username: "x", Password: token}
	fs := memfs.New()
	clone, err := git.Clone(memory.NewStorage(), fs, &git.CloneOptions{URL: srv.GitURL(), Auth: auth})
	if err != nil {
		t.Fatalf("clone: %v", err)
	}
	if srv.Branch(branch) != "" {
		if err := clone.Fetch(&git.FetchOptions{Auth: auth, RefSpecs: []config.RefSpec{config.RefSpec("+refs/heads/" + branch + ":refs/remotes/origin/" + branch)}}); err != nil && err != git.NoErrAlreadyUpToDate {
			t.Fatalf("fetch %s: %v", branch, err)
		}
		ref, err := clone.Reference(plumbing.ReferenceName("refs/remotes/origin/"+branch), true)
		if err != nil {
			t.Fatal(err)
		}
		wt, _ := clone.Worktree()
		if err := wt.Reset(&git.ResetOptions{Commit: ref.Hash(), Mode: git.HardReset}); err != nil {
			t.Fatal(err)
		}
	}
	wt, err := clone.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := util.WriteFile(fs, path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wt.Add(path); err != nil {
		t.Fatal(err)
	}
	h, err := wt.Commit("Update "+path, &git.CommitOptions{Author: &object.Signature{Name: "Alice", Email: "alice@example.com", When: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := clone.Push(&git.PushOptions{Auth: auth, RefSpecs: []config.RefSpec{config.RefSpec("refs/heads/main:refs/heads/" + branch)}}); err != nil {
		t.Fatalf("push: %v", err)
	}
	return h.String()
}

// TestDeliveriesOfAPullRequestsLife plays a pull request's life through
// git and the REST API, as its integrator, a reviewer and the bot would,
// and checks what a webhook receives: each delivery passes connectbot's
// signature check and is read by webhook.Parse, in the order things
// happened.
func TestDeliveriesOfAPullRequestsLife(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("alice", "alice-token")
	srv.AddUser("rivera", "rivera-token")
	srv.SetInstallation(42)
	rc := newReceiver(t)
	srv.AddWebhook(rc.url, hookSecret)

	pushFile(t, srv, "alice-token", "acme", "applications/acme.cue", "v1\n")
	if status, got := call(t, srv, "alice-token", "POST", "/pulls", `{"title":"Add acme","head":"acme","base":"main"}`); status != http.StatusCreated {
		t.Fatalf("open pull request: %d %v", status, got)
	}
	head := pushFile(t, srv, "alice-token", "acme", "applications/acme.cue", "v2\n")
	if status, got := call(t, srv, "alice-token", "POST", "/issues/1/comments", `{"body":"/connectbot help"}`); status != http.StatusCreated {
		t.Fatalf("comment: %d %v", status, got)
	}
	if status, got := call(t, srv, "rivera-token", "POST", "/pulls/1/reviews", `{"event":"APPROVE","commit_id":"`+head+`"}`); status != http.StatusOK {
		t.Fatalf("review: %d %v", status, got)
	}
	if status, got := call(t, srv, srv.Token(), "PATCH", "/pulls/1", `{"title":"Add Acme Sync"}`); status != http.StatusOK {
		t.Fatalf("edit: %d %v", status, got)
	}
	if status, got := call(t, srv, srv.Token(), "PUT", "/pulls/1/merge", `{"sha":"`+head+`"}`); status != http.StatusOK {
		t.Fatalf("merge: %d %v", status, got)
	}
	srv.WaitDeliveries()

	want := []string{
		"ping",
		"push refs/heads/acme by alice",
		"pull_request opened #1 by alice",
		"push refs/heads/acme by alice",
		"pull_request synchronize #1 by alice",
		`issue_comment created #1 "/connectbot help" by alice`,
		"pull_request_review submitted #1 by rivera",
		"pull_request edited #1 by connectbot[bot]",
		"push refs/heads/main by connectbot[bot]",
		"pull_request closed #1 by connectbot[bot]",
	}
	if diff := cmp.Diff(want, rc.lines()); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}

	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ids := map[string]bool{}
	for _, d := range rc.deliveries() {
		if !uuid.MatchString(d.id) || ids[d.id] {
			t.Errorf("%s: X-GitHub-Delivery %q is not a fresh UUID", d.event, d.id)
		}
		ids[d.id] = true
		if ua := d.headers.Get("User-Agent"); !strings.HasPrefix(ua, "GitHub-Hookshot/") {
			t.Errorf("%s: User-Agent %q", d.event, ua)
		}
		if ct := d.headers.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", d.event, ct)
		}
		var p struct {
			Installation *struct{ ID int64 } `json:"installation"`
		}
		if err := json.Unmarshal(d.body, &p); err != nil || p.Installation == nil || p.Installation.ID != 42 {
			t.Errorf("%s: installation = %+v (%v), want id 42", d.event, p.Installation, err)
		}
	}
	for _, d := range srv.Deliveries() {
		if d.Status != http.StatusAccepted || d.Fault != "" || d.Err != "" {
			t.Errorf("delivery %+v, want answered 202 without fault", d)
		}
	}
}

// TestPayloadsHaveGitHubsShape compares each delivery with GitHub's: every
// field of the recorded delivery of that event and action (octokit's
// examples) is in the fake's, at any depth, and the payload meets the
// webhook's schema in GitHub's OpenAPI description where the subset has it.
func TestPayloadsHaveGitHubsShape(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("alice", "alice-token")
	srv.AddUser("rivera", "rivera-token")
	srv.SetInstallation(42)
	rc := newReceiver(t)
	srv.AddWebhook(rc.url, hookSecret)

	srv.Commit("acme", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})
	call(t, srv, "alice-token", "POST", "/pulls", `{"title":"Add acme","head":"acme","base":"main","body":"Please"}`)
	srv.Commit("acme", "Fix acme", map[string]string{"applications/acme.cue": "v2\n"})
	call(t, srv, "alice-token", "POST", "/issues/1/comments", `{"body":"/connectbot help"}`)
	call(t, srv, "rivera-token", "POST", "/pulls/1/reviews", `{"event":"COMMENT","body":"Looks fine"}`)
	status, run := call(t, srv, srv.Token(), "POST", "/check-runs", `{"name":"connectbot","head_sha":"`+srv.Branch("acme")+`","status":"completed","conclusion":"success","output":{"title":"ok","summary":"ok"}}`)
	if status != http.StatusCreated {
		t.Fatalf("check run: %d %v", status, run)
	}
	call(t, srv, "rivera-token", "POST", fmt.Sprintf("/check-runs/%v/rerequest", run["id"]), `{}`)
	call(t, srv, "rivera-token", "POST", fmt.Sprintf("/check-suites/%d/rerequest", int64(run["check_suite"].(map[string]any)["id"].(float64))), `{}`)
	call(t, srv, "alice-token", "POST", "/issues", `{"title":"Apply: Acme"}`)
	queued := srv.QueueMergeGroups(1)[0]
	call(t, srv, "alice-token", "PATCH", "/pulls/1", `{"state":"closed"}`)
	srv.WaitDeliveries()

	want := []string{
		"ping",
		"push refs/heads/acme by connectbot[bot]",
		"pull_request opened #1 by alice",
		"push refs/heads/acme by connectbot[bot]",
		"pull_request synchronize #1 by connectbot[bot]",
		`issue_comment created #1 "/connectbot help" by alice`,
		"pull_request_review submitted #1 by rivera",
		"check_run rerequested #1 by rivera",
		"check_suite rerequested #1 by rivera",
		"issues opened #2 by alice",
		"push " + queued.HeadRef + " by connectbot[bot]",
		"merge_group checks_requested by " + forgetest.MergeQueueBot,
		"pull_request closed #1 by alice",
	}
	if diff := cmp.Diff(want, rc.lines()); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	byEvent := map[string]any{}
	for _, d := range rc.deliveries() {
		var v map[string]any
		if err := json.Unmarshal(d.body, &v); err != nil {
			t.Fatalf("%s: %v", d.event, err)
		}
		key := d.event
		if a, ok := v["action"].(string); ok {
			key += "/" + a
		}
		byEvent[key] = v
	}
	// A delivery names a review's state in lower case, as the recorded
	// submitted.payload.json does ("commented"); the REST API upper-cases it.
	if r, ok := byEvent["pull_request_review/submitted"].(map[string]any); ok {
		if got := r["review"].(map[string]any)["state"]; got != "commented" {
			t.Errorf("the review delivery's state is %q, want \"commented\"", got)
		}
	}
	tests := []struct {
		name, event, example, schema string
	}{
		{"a pull request opened", "pull_request/opened", "pull_request/opened.payload.json", "pull-request-opened"},
		{"a push to its head branch", "pull_request/synchronize", "pull_request/synchronize.payload.json", "pull-request-synchronize"},
		{"a pull request closed unmerged", "pull_request/closed", "pull_request/closed.payload.json", "pull-request-closed"},
		{"a review submitted", "pull_request_review/submitted", "pull_request_review/submitted.payload.json", "pull-request-review-submitted"},
		{"a comment created", "issue_comment/created", "issue_comment/created.with-installation.payload.json", "issue-comment-created"},
		{"a check run rerequested", "check_run/rerequested", "check_run/rerequested.payload.json", "check-run-rerequested"},
		{"a ping", "ping", "ping/payload.json", "ping"},
		{"a merge group", "merge_group/checks_requested", "merge_group/checks_requested.payload.json", ""},
	}
	spec := loadOpenAPI(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := byEvent[tt.event]
			if !ok {
				t.Fatalf("no %s delivery; got %v", tt.event, rc.lines())
			}
			data, err := os.ReadFile(filepath.Join("..", "..", "webhook", "testdata", "octokit-webhooks", tt.example))
			if err != nil {
				t.Fatal(err)
			}
			var example map[string]any
			if err := json.Unmarshal(data, &example); err != nil {
				t.Fatal(err)
			}
			// The recorded repositories belong to an organization, whose
			// deliveries name it; the fake's repository has no
			// organization. A ping for an App's hook names the App.
			delete(example, "organization")
			if missing := missingKeys("payload", example, got); len(missing) > 0 {
				t.Errorf("fields GitHub sent that the fake does not:\n%s", strings.Join(missing, "\n"))
			}
			if tt.schema == "" {
				return
			}
			schema := spec.webhookSchema(t, tt.schema)
			if problems := spec.check("payload", schema, got); len(problems) > 0 {
				t.Errorf("payload breaks the %s schema:\n%s", tt.schema, strings.Join(problems, "\n"))
			}
		})
	}
}

// TestDeliveriesNeverHoldUpAnswers makes the receiver hang: the REST
// answers come at once, the deliveries wait their turn, and a URL that
// does not answer loses its delivery while the next URL still gets it.
func TestDeliveriesNeverHoldUpAnswers(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	release := make(chan struct{})
	var mu sync.Mutex
	var order []string
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		mu.Lock()
		order = append(order, r.Header.Get("X-GitHub-Event"))
		mu.Unlock()
	}))
	defer slow.Close()
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := "http://" + dead.Addr().String() + "/webhook"
	dead.Close()

	srv.AddWebhook(slow.URL, "")
	srv.AddWebhook(deadURL, "")
	srv.Commit("acme", "Add acme", map[string]string{"a.cue": "1\n"})
	for i := 0; i < 3; i++ {
		if status, got := call(t, srv, srv.Token(), "POST", "/pulls", `{"title":"Add acme","head":"acme","base":"main"}`); status != http.StatusCreated && i == 0 {
			t.Fatalf("open: %d %v", status, got)
		}
	}
	// Every answer above came while the first delivery still waits.
	close(release)
	srv.WaitDeliveries()

	type outcome struct {
		Event, URL string
		Status     int
		Answered   bool
	}
	var got []outcome
	for _, d := range srv.Deliveries() {
		got = append(got, outcome{Event: d.Event, URL: d.URL, Status: d.Status, Answered: d.Err == ""})
	}
	want := []outcome{
		{"ping", slow.URL, 200, true},
		{"ping", deadURL, 0, false},
		{"push", slow.URL, 200, true},
		{"push", deadURL, 0, false},
		{"pull_request", slow.URL, 200, true},
		{"pull_request", deadURL, 0, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ping", "push", "pull_request"}, order); diff != "" {
		t.Errorf("order the slow URL got (-want +got):\n%s", diff)
	}
}

// faultRun plays 60 comments on a pull request with delivery faults from
// seed and returns what was recorded of each delivery (without its random
// ID), what the receiver got, and the fault counts. It checks that what
// arrived is what was recorded as sent, in the same order.
func faultRun(t *testing.T, seed uint64) (recorded, arrived []string, counts map[string]int) {
	t.Helper()
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.Commit("acme", "Add acme", map[string]string{"a.cue": "1\n"})
	n := srv.OpenPR(forgetest.PRSpec{Title: "Add acme", Head: "acme"})
	rc := newReceiver(t)
	srv.DeliveryFaults(seed, 0.4)
	srv.AddWebhook(rc.url, hookSecret)
	for i := 0; i < 60; i++ {
		srv.AddComment(n, "alice", fmt.Sprintf("comment %d", i))
	}
	srv.WaitDeliveries()
	var sent []string
	for _, d := range srv.Deliveries() {
		recorded = append(recorded, fmt.Sprintf("%s %s %s", d.Event, d.Action, d.Fault))
		if d.Fault != forgetest.FaultDropped {
			sent = append(sent, d.ID)
		}
	}
	var ids []string
	for _, d := range rc.deliveries() {
		ids = append(ids, d.id)
	}
	if diff := cmp.Diff(sent, ids); diff != "" {
		t.Errorf("seed %d: deliveries that arrived, by id, against those recorded as sent (-recorded +arrived):\n%s", seed, diff)
	}
	return recorded, rc.lines(), srv.FaultCounts()
}

// TestDeliveryFaultsComeFromTheSeed checks that a seed gives the same
// faults every time and another seed others, and that each kind does what
// it says: a dropped delivery never arrives, a duplicated one arrives twice
// with one id, a reordered one after the next.
func TestDeliveryFaultsComeFromTheSeed(t *testing.T) {
	rec1, arr1, counts1 := faultRun(t, 7)
	rec2, arr2, counts2 := faultRun(t, 7)
	if diff := cmp.Diff(rec1, rec2); diff != "" {
		t.Errorf("seed 7 twice: deliveries differ (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(arr1, arr2); diff != "" {
		t.Errorf("seed 7 twice: arrivals differ (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(counts1, counts2); diff != "" {
		t.Errorf("seed 7 twice: counts differ (-first +second):\n%s", diff)
	}
	for _, kind := range []string{forgetest.FaultDropped, forgetest.FaultDuplicated, forgetest.FaultDelayed, forgetest.FaultReordered} {
		if counts1[kind] == 0 {
			t.Errorf("seed 7 injected no %s in 61 deliveries: %v", kind, counts1)
		}
	}
	if rec3, _, _ := faultRun(t, 8); cmp.Equal(rec1, rec3) {
		t.Errorf("seeds 7 and 8 gave the same faults")
	}

	faulted := map[string]int{}
	for _, r := range rec1 {
		if strings.HasPrefix(r, "issue_comment ") {
			faulted[strings.TrimPrefix(r, "issue_comment created ")]++
		}
	}
	times := map[int]int{}
	late := 0
	last := -1
	for _, line := range arr1 {
		var i int
		if _, err := fmt.Sscanf(line, "issue_comment created #1 \"comment %d\" by alice", &i); err != nil {
			continue
		}
		times[i]++
		if i < last {
			late++
		}
		last = max(last, i)
	}
	missing, twice := 0, 0
	for i := 0; i < 60; i++ {
		switch times[i] {
		case 0:
			missing++
		case 2:
			twice++
		}
	}
	if missing != faulted[forgetest.FaultDropped] {
		t.Errorf("%d comments never arrived; %d were dropped", missing, faulted[forgetest.FaultDropped])
	}
	if twice*2 != faulted[forgetest.FaultDuplicated] {
		t.Errorf("%d comments arrived twice; %d deliveries were duplicates", twice, faulted[forgetest.FaultDuplicated])
	}
	if late == 0 || late > faulted[forgetest.FaultReordered] {
		t.Errorf("%d comments arrived after a later one; %d were reordered", late, faulted[forgetest.FaultReordered])
	}
	t.Logf("seed 7 injected %v", counts1)
}

// restOutcomes makes 300 GETs under Faults(seed, 0.1) with bursts of up to
// burst and returns each one's status (0 for a reset connection).
func restOutcomes(t *testing.T, seed uint64, burst int) []int {
	t.Helper()
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.Faults(seed, 0.1)
	srv.FaultBursts(burst)
	var out []int
	for i := 0; i < 300; i++ {
		req, err := http.NewRequest("GET", srv.URL()+testRepo+"/pulls", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "token "+srv.Token())
		req.Header.Set("Connection", "close")
		resp, err := srv.Client().Do(req)
		if err != nil {
			out = append(out, 0)
			continue
		}
		resp.Body.Close()
		out = append(out, resp.StatusCode)
	}
	return out
}

// TestFaultBurstsComeFromTheSeed checks that REST faults come in runs of
// several under FaultBursts, the same runs for the same seed, and single
// without it.
func TestFaultBurstsComeFromTheSeed(t *testing.T) {
	longest := func(statuses []int) int {
		best, run := 0, 0
		for _, st := range statuses {
			if st == http.StatusOK {
				run = 0
				continue
			}
			run++
			best = max(best, run)
		}
		return best
	}
	first, second := restOutcomes(t, 3, 5), restOutcomes(t, 3, 5)
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("seed 3 twice: statuses differ (-first +second):\n%s", diff)
	}
	if got := longest(first); got < 3 {
		t.Errorf("with bursts of up to 5, the longest run of faults is %d, want at least 3", got)
	}
	if got := longest(restOutcomes(t, 3, 1)); got > 2 {
		t.Errorf("without bursts, the longest run of faults is %d, want at most 2 at a rate of 0.1", got)
	}
}

// BenchmarkCommentWithWebhooks measures what delivering costs a REST
// request: a comment created with no webhook, and with one, whose payload
// (the pull request as an issue, the comment, the repository) is rendered
// before the answer and sent after it.
func BenchmarkCommentWithWebhooks(b *testing.B) {
	for _, hooks := range []int{0, 1} {
		b.Run(fmt.Sprintf("%d webhooks", hooks), func(b *testing.B) {
			srv := forgetest.NewServer(b, "octo-org", "hello-world")
			srv.Commit("acme", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})
			n := srv.OpenPR(forgetest.PRSpec{Title: "Add acme", Head: "acme"})
			sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.WriteHeader(http.StatusAccepted)
			}))
			defer sink.Close()
			for i := 0; i < hooks; i++ {
				srv.AddWebhook(sink.URL, hookSecret)
			}
			path := fmt.Sprintf("%s%s/issues/%d/comments", srv.URL(), testRepo, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req, err := http.NewRequest("POST", path, strings.NewReader(`{"body":"hello"}`))
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Authorization", "token "+srv.Token())
				resp, err := srv.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			b.StopTimer()
			srv.WaitDeliveries()
		})
	}
}

// TestRerequestedChecksOfAForkNameNoPullRequest re-runs the checks of a
// fork's pull request and of a pull request from a branch of the
// repository: as on GitHub, check_run and check_suite rerequested (and
// the check run's REST answer) list the pull request from the
// repository's branch, and an empty pull_requests for the fork's. Each
// delivery meets its webhook's schema in GitHub's OpenAPI description.
func TestRerequestedChecksOfAForkNameNoPullRequest(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("rivera", "rivera-token")
	rc := newReceiver(t)
	forkHead := srv.Commit("patch-1", "Edit from a fork", map[string]string{"applications/acme.cue": "fork\n"})
	srv.OpenPR(forgetest.PRSpec{Author: "mallory", Title: "From a fork", Head: "patch-1", HeadRepo: "mallory/hello-world"})
	branchHead := srv.Commit("acme", "Edit from a branch", map[string]string{"applications/acme.cue": "branch\n"})
	srv.OpenPR(forgetest.PRSpec{Author: "alice", Title: "From a branch", Head: "acme"})
	srv.AddWebhook(rc.url, hookSecret)

	want := map[string][]float64{}
	for _, c := range []struct {
		head string
		prs  []float64
	}{{forkHead, nil}, {branchHead, []float64{2}}} {
		status, run := call(t, srv, srv.Token(), "POST", "/check-runs", `{"name":"connectbot","head_sha":"`+c.head+`"}`)
		if status != http.StatusCreated {
			t.Fatalf("check run: %d %v", status, run)
		}
		if got := numbers(run["pull_requests"]); !cmp.Equal(c.prs, got) {
			t.Errorf("the check run on %s lists pull requests %v, want %v", c.head[:7], got, c.prs)
		}
		suite := int64(run["check_suite"].(map[string]any)["id"].(float64))
		call(t, srv, "rivera-token", "POST", fmt.Sprintf("/check-runs/%v/rerequest", run["id"]), `{}`)
		call(t, srv, "rivera-token", "POST", fmt.Sprintf("/check-suites/%d/rerequest", suite), `{}`)
		want["check_run "+c.head] = c.prs
		want["check_suite "+c.head] = c.prs
	}
	srv.WaitDeliveries()
	got := map[string][]float64{}
	for _, d := range rc.deliveries() {
		if d.event != "check_run" && d.event != "check_suite" {
			continue
		}
		var p map[string]any
		if err := json.Unmarshal(d.body, &p); err != nil {
			t.Fatal(err)
		}
		obj := p[d.event].(map[string]any)
		got[d.event+" "+obj["head_sha"].(string)] = numbers(obj["pull_requests"])
		name := strings.ReplaceAll(d.event, "_", "-") + "-rerequested"
		schema := spec.webhookSchema(t, name)
		for _, problem := range spec.check(d.event, schema, p) {
			t.Error(problem)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pull requests each delivery names (-want +got):\n%s", diff)
	}
}

// numbers are the "number"s of a pull_requests list.
func numbers(v any) []float64 {
	var out []float64
	list, _ := v.([]any)
	for _, e := range list {
		out = append(out, e.(map[string]any)["number"].(float64))
	}
	return out
}

// TestEveryDeliveryMeetsGitHubsWebhookSchema plays every event the fake
// delivers, through git, the REST API as users and the App, and checks
// each payload against its webhook's schema in GitHub's OpenAPI
// description: push, pull_request opened, synchronize, edited, closed and
// reopened, pull_request_review submitted and dismissed, issue_comment,
// issues opened, check_run and check_suite rerequested, and ping. Each
// carries the App's installation.
func TestEveryDeliveryMeetsGitHubsWebhookSchema(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.AddUser("alice", "alice-token")
	srv.AddUser("rivera", "rivera-token")
	srv.AddCollaborator("rivera")
	rc := newReceiver(t)
	srv.AddWebhook(rc.url, hookSecret)

	pushFile(t, srv, "alice-token", "acme", "applications/acme.cue", "v1\n")
	call(t, srv, "alice-token", "POST", "/pulls", `{"title":"Add acme","head":"acme","base":"main"}`)
	head := pushFile(t, srv, "alice-token", "acme", "applications/acme.cue", "v2\n")
	call(t, srv, "alice-token", "PATCH", "/pulls/1", `{"title":"Add Acme Sync"}`)
	_, review := call(t, srv, "rivera-token", "POST", "/pulls/1/reviews", `{"event":"APPROVE","commit_id":"`+head+`"}`)
	call(t, srv, "rivera-token", "PUT", fmt.Sprintf("/pulls/1/reviews/%v/dismissals", review["id"]), `{"message":"Pushed since"}`)
	call(t, srv, "alice-token", "POST", "/issues/1/comments", `{"body":"/connectbot help"}`)
	call(t, srv, "alice-token", "POST", "/issues", `{"title":"Apply: Acme"}`)
	_, run := call(t, srv, srv.Token(), "POST", "/check-runs", `{"name":"connectbot","head_sha":"`+head+`","conclusion":"success"}`)
	call(t, srv, "rivera-token", "POST", fmt.Sprintf("/check-runs/%v/rerequest", run["id"]), `{}`)
	call(t, srv, "rivera-token", "POST", fmt.Sprintf("/check-suites/%d/rerequest", int64(run["id"].(float64))+1_000_000), `{}`)
	call(t, srv, "alice-token", "PATCH", "/pulls/1", `{"state":"closed"}`)
	call(t, srv, "alice-token", "PATCH", "/pulls/1", `{"state":"open"}`)
	srv.WaitDeliveries()

	seen := map[string]bool{}
	for _, d := range rc.deliveries() {
		var p map[string]any
		if err := json.Unmarshal(d.body, &p); err != nil {
			t.Fatal(err)
		}
		name := strings.ReplaceAll(d.event, "_", "-")
		if a, ok := p["action"].(string); ok {
			name += "-" + a
		}
		seen[name] = true
		if !slices.Contains(openAPIWebhooks, name) {
			t.Errorf("the fake delivers %s, which the OpenAPI subset lacks: add it to openAPIWebhooks and regenerate", name)
			continue
		}
		for _, problem := range spec.check(name, spec.webhookSchema(t, name), p) {
			t.Error(problem)
		}
		// Every delivery names the App's installation, as an App's do,
		// with no SetInstallation.
		inst, _ := p["installation"].(map[string]any)
		if id, _ := inst["id"].(float64); int64(id) != forgetest.InstallationID || d.headers.Get("X-GitHub-Hook-Installation-Target-Type") != "integration" {
			t.Errorf("%s: installation %v (target %q), want id %d", name, p["installation"], d.headers.Get("X-GitHub-Hook-Installation-Target-Type"), forgetest.InstallationID)
		}
		for _, problem := range spec.check(name+".installation", spec.component(t, "simple-installation"), p["installation"]) {
			t.Error(problem)
		}
	}
	for _, name := range openAPIWebhooks {
		if !seen[name] {
			t.Errorf("no %s delivery was checked", name)
		}
	}
}

// TestClosePRClosesItUnmergedAndDeliversClosed closes a pull request as
// its author would, twice: the first closes it and delivers pull_request
// closed, the second finds it closed and does nothing.
func TestClosePRClosesItUnmergedAndDeliversClosed(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	srv.Commit("acme", "Add acme", map[string]string{"applications/acme.cue": "v1\n"})
	n := srv.OpenPR(forgetest.PRSpec{Author: "alice", Title: "Add acme", Head: "acme"})
	rc := newReceiver(t)
	srv.AddWebhook(rc.url, hookSecret)
	srv.ClosePR(n, "alice")
	srv.ClosePR(n, "alice")
	srv.WaitDeliveries()
	if pr := srv.PR(n); pr.State != "closed" || pr.Merged {
		t.Errorf("#%d is %s (merged %v), want closed unmerged", n, pr.State, pr.Merged)
	}
	want := []string{"ping", "pull_request closed #1 by alice"}
	if diff := cmp.Diff(want, rc.lines()); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}
}
