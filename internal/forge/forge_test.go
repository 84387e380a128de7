package forge_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

const (
	owner = "octo-org"
	repo  = "partners"
	api   = "/repos/" + owner + "/" + repo
)

// testNow is the clock the client measures rate-limit resets against.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// sleepRecorder stands in for time.Sleep: it records and returns at once.
type sleepRecorder struct {
	mu     sync.Mutex
	sleeps []time.Duration
}

func (r *sleepRecorder) sleep(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sleeps = append(r.sleeps, d)
}

func (r *sleepRecorder) got() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.sleeps...)
}

// fixture is a fake GitHub and a client of it.
type fixture struct {
	srv    *forgetest.Server
	client *forge.Client
	sleeps *sleepRecorder
	logs   *bytes.Buffer
}

func newFixture(t *testing.T, configure ...func(*forge.Options)) *fixture {
	t.Helper()
	srv := forgetest.NewServer(t, owner, repo)
	f := &fixture{srv: srv, sleeps: &sleepRecorder{}, logs: &bytes.Buffer{}}
	opts := forge.Options{
		BaseURL:    srv.URL(),
		Token:      srv.Token(),
		Owner:      owner,
		Repo:       repo,
		HTTPClient: srv.Client(),
		Sleep:      f.sleeps.sleep,
		Now:        func() time.Time { return testNow },
		Logger:     slog.New(slog.NewTextHandler(&lockedWriter{w: f.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, c := range configure {
		c(&opts)
	}
	client, err := forge.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f.client = client
	return f
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// openPR commits files on branch and opens a pull request from it as
// author.
func (f *fixture) openPR(t *testing.T, author, branch string, files map[string]string) (int, string) {
	t.Helper()
	sha := f.srv.Commit(branch, "Change "+branch, files)
	n := f.srv.OpenPR(forgetest.PRSpec{Author: author, Title: "Change " + branch, Body: "Please review.", Head: branch})
	return n, sha
}

// callsTo returns the recorded calls that start with prefix.
func (f *fixture) callsTo(prefix string) []string {
	var out []string
	for _, c := range f.srv.Calls() {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func TestPullRequest(t *testing.T) {
	f := newFixture(t)
	n, sha := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
	if err := f.client.AddLabels(context.Background(), n, "stage: applied"); err != nil {
		t.Fatal(err)
	}
	got, err := f.client.PullRequest(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	want := forge.PR{
		Number: n, Title: "Change acme", Body: "Please review.", State: "open", Author: "acme-dev",
		HeadSHA: sha, HeadRef: "acme", HeadRepo: owner + "/" + repo,
		BaseRepo: owner + "/" + repo, BaseRef: "main", BaseSHA: f.srv.Branch("main"), DefaultBranch: "main", Labels: []string{"stage: applied"},
		Mergeable: true, UpdatedAt: got.UpdatedAt,
	}
	if got.UpdatedAt.IsZero() {
		t.Error("PullRequest: no updated_at read")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PullRequest (-want +got):\n%s", diff)
	}
}

func TestPullRequestFromFork(t *testing.T) {
	f := newFixture(t)
	f.srv.Commit("acme-fork-branch", "Add acme", map[string]string{"applications/acme.cue": "x\n"})
	n := f.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Add acme", Head: "acme-fork-branch", HeadRepo: "acme-dev/partners"})
	got, err := f.client.PullRequest(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if got.HeadRepo != "acme-dev/partners" {
		t.Errorf("HeadRepo = %q, want %q", got.HeadRepo, "acme-dev/partners")
	}
}

func TestNotFound(t *testing.T) {
	f := newFixture(t)
	_, err := f.client.PullRequest(context.Background(), 42)
	if !errors.Is(err, forge.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if want := "forge: get pull request #42: 404 Not Found"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

func TestBadTokenIsForbidden(t *testing.T) {
	f := newFixture(t, func(o *forge.Options) { o.Token = "not-the-token" })
	_, err := f.client.PullRequest(context.Background(), 1)
	if !errors.Is(err, forge.ErrForbidden) {
		t.Fatalf("err = %v, want ErrForbidden", err)
	}
}

func TestListsFollowPagination(t *testing.T) {
	f := newFixture(t, func(o *forge.Options) { o.PageSize = 2 })
	ctx := context.Background()
	files := map[string]string{}
	for i := range 5 {
		files[fmt.Sprintf("applications/app%d.cue", i)] = fmt.Sprintf("app %d\n", i)
	}
	n, sha := f.openPR(t, "acme-dev", "acme", files)
	var wantComments []forge.Comment
	var wantReviews []forge.Review
	for i := range 5 {
		body := fmt.Sprintf("comment %d", i)
		id := f.srv.AddComment(n, "reviewer", body)
		wantComments = append(wantComments, forge.Comment{ID: id, Author: "reviewer", Body: body})
		rid := f.srv.AddReview(n, fmt.Sprintf("reviewer%d", i), "approved", sha)
		wantReviews = append(wantReviews, forge.Review{ID: rid, Author: fmt.Sprintf("reviewer%d", i), State: "APPROVED", CommitSHA: sha})
	}
	f.srv.ResetCalls()

	gotFiles, err := f.client.ListPullFiles(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	var wantFiles []forge.File
	for i := range 5 {
		wantFiles = append(wantFiles, forge.File{Path: fmt.Sprintf("applications/app%d.cue", i), Status: "added"})
	}
	if diff := cmp.Diff(wantFiles, gotFiles); diff != "" {
		t.Errorf("ListPullFiles (-want +got):\n%s", diff)
	}

	gotComments, err := f.client.ListComments(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantComments, gotComments, cmpopts.IgnoreFields(forge.Comment{}, "Created")); diff != "" {
		t.Errorf("ListComments (-want +got):\n%s", diff)
	}
	// Each comment says when it was posted: the fake's clock moves a
	// second a change, from its first day.
	for i, c := range gotComments {
		if c.Created.Format(time.DateOnly) != "2026-01-01" || c.Created.Location() != time.UTC || i > 0 && !c.Created.After(gotComments[i-1].Created) {
			t.Errorf("comment %d created %v, after %v", c.ID, c.Created, gotComments[max(i-1, 0)].Created)
		}
	}

	gotReviews, err := f.client.ListReviews(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range gotReviews {
		if gotReviews[i].SubmittedAt.IsZero() {
			t.Errorf("review %d has no submission time", i)
		}
		gotReviews[i].SubmittedAt = time.Time{}
	}
	if diff := cmp.Diff(wantReviews, gotReviews); diff != "" {
		t.Errorf("ListReviews (-want +got):\n%s", diff)
	}

	for _, path := range []string{"files", "reviews"} {
		want := []string{"GET " + api + "/pulls/1/" + path, "GET " + api + "/pulls/1/" + path, "GET " + api + "/pulls/1/" + path}
		if got := f.callsTo("GET " + api + "/pulls/1/" + path); !cmp.Equal(want, got) {
			t.Errorf("calls for %s (-want +got):\n%s", path, cmp.Diff(want, got))
		}
	}
	if got := len(f.callsTo("GET " + api + "/issues/1/comments")); got != 3 {
		t.Errorf("%d pages of comments fetched, want 3", got)
	}
}

func TestListPullFilesReportsRenames(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("company: name: \"Acme Software Ltd\"\n", 10)
	f.srv.Commit("main", "Seed", map[string]string{"applications/acme.cue": long})
	f.srv.Commit("rename", "Rename", map[string]string{"applications/acme-software.cue": long}, "applications/acme.cue")
	n := f.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Rename", Head: "rename"})
	got, err := f.client.ListPullFiles(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	want := []forge.File{{Path: "applications/acme-software.cue", PreviousPath: "applications/acme.cue", Status: "renamed"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListPullFiles (-want +got):\n%s", diff)
	}
}

func TestCreateAndEditComment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"a.txt": "a\n"})
	created, err := f.client.CreateComment(ctx, n, "<!-- connectbot -->\nfirst")
	if err != nil {
		t.Fatal(err)
	}
	if created.Author != forgetest.BotLogin || created.Body != "<!-- connectbot -->\nfirst" || created.ID == 0 {
		t.Errorf("CreateComment = %+v", created)
	}
	edited, err := f.client.EditComment(ctx, created.ID, "<!-- connectbot -->\nsecond")
	if err != nil {
		t.Fatal(err)
	}
	want := []forgetest.Comment{{ID: created.ID, Author: forgetest.BotLogin, Body: "<!-- connectbot -->\nsecond"}}
	if diff := cmp.Diff(want, f.srv.Comments(n)); diff != "" {
		t.Errorf("stored comments (-want +got):\n%s", diff)
	}
	if edited.Body != "<!-- connectbot -->\nsecond" {
		t.Errorf("EditComment body = %q", edited.Body)
	}
	if _, err := f.client.EditComment(ctx, 999999, "x"); !errors.Is(err, forge.ErrNotFound) {
		t.Errorf("editing a missing comment: err = %v, want ErrNotFound", err)
	}
}

func TestLabels(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		setup     func(f *fixture, n int)
		act       func(c *forge.Client, n int) error
		wantLabel []string
		wantRepo  []forgetest.Label
		wantCalls []string
	}{
		{
			name: "EnsureLabel creates a missing label with its colour",
			act:  func(c *forge.Client, n int) error { return c.EnsureLabel(ctx, "stage: beta", "#1D76DB", "In beta") },
			wantRepo: []forgetest.Label{
				{Name: "stage: beta", Color: "1d76db", Description: "In beta"},
			},
			wantCalls: []string{"GET " + api + "/labels/stage: beta", "POST " + api + "/labels"},
		},
		{
			name: "EnsureLabel leaves an existing label alone",
			setup: func(f *fixture, n int) {
				if err := f.client.EnsureLabel(ctx, "stage: beta", "1d76db", ""); err != nil {
					panic(err)
				}
			},
			act:       func(c *forge.Client, n int) error { return c.EnsureLabel(ctx, "Stage: Beta", "000000", "other") },
			wantRepo:  []forgetest.Label{{Name: "stage: beta", Color: "1d76db"}},
			wantCalls: []string{"GET " + api + "/labels/Stage: Beta"},
		},
		{
			name: "EnsureLabel that loses a race to create takes already_exists as success",
			setup: func(f *fixture, n int) {
				if err := f.client.EnsureLabel(ctx, "stage: beta", "1d76db", ""); err != nil {
					panic(err)
				}
				f.srv.FailNext("GET", api+"/labels/", http.StatusNotFound, nil)
			},
			act:       func(c *forge.Client, n int) error { return c.EnsureLabel(ctx, "stage: beta", "1d76db", "") },
			wantRepo:  []forgetest.Label{{Name: "stage: beta", Color: "1d76db"}},
			wantCalls: []string{"GET " + api + "/labels/stage: beta", "POST " + api + "/labels"},
		},
		{
			name:      "AddLabels adds labels, creating them with GitHub's default colour",
			act:       func(c *forge.Client, n int) error { return c.AddLabels(ctx, n, "needs-review", "stage: applied") },
			wantLabel: []string{"needs-review", "stage: applied"},
			wantRepo:  []forgetest.Label{{Name: "needs-review", Color: "ededed"}, {Name: "stage: applied", Color: "ededed"}},
			wantCalls: []string{"POST " + api + "/issues/1/labels"},
		},
		{
			name: "RemoveLabel removes a label with a slash in its name",
			setup: func(f *fixture, n int) {
				if err := f.client.AddLabels(ctx, n, "stage/beta", "keep"); err != nil {
					panic(err)
				}
			},
			act:       func(c *forge.Client, n int) error { return c.RemoveLabel(ctx, n, "stage/beta") },
			wantLabel: []string{"keep"},
			wantRepo:  []forgetest.Label{{Name: "stage/beta", Color: "ededed"}, {Name: "keep", Color: "ededed"}},
			wantCalls: []string{"DELETE " + api + "/issues/1/labels/stage/beta"},
		},
		{
			name:      "RemoveLabel of a label the pull request lacks is not an error",
			act:       func(c *forge.Client, n int) error { return c.RemoveLabel(ctx, n, "absent") },
			wantCalls: []string{"DELETE " + api + "/issues/1/labels/absent"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"a.txt": "a\n"})
			if tt.setup != nil {
				tt.setup(f, n)
			}
			f.srv.ResetCalls()
			if err := tt.act(f.client, n); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantLabel, f.srv.Labels(n)); diff != "" {
				t.Errorf("labels on the pull request (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRepo, f.srv.RepoLabels()); diff != "" {
				t.Errorf("repository labels (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCalls, f.srv.Calls()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnsureLabelRejectsBadColour(t *testing.T) {
	f := newFixture(t)
	err := f.client.EnsureLabel(context.Background(), "foo", "invalid", "")
	if !errors.Is(err, forge.ErrValidation) {
		t.Fatalf("err = %v, want ErrValidation", err)
	}
	if want := `forge: ensure label "foo": 422 Validation Failed: Label.color invalid`; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

// annotations returns n annotations on successive lines.
func annotations(n int) ([]forge.Annotation, []forgetest.Annotation) {
	var in []forge.Annotation
	var stored []forgetest.Annotation
	for i := range n {
		line := i + 1
		in = append(in, forge.Annotation{Path: "applications/acme.cue", StartLine: line, StartColumn: 3, EndColumn: 9, Level: "failure", Title: "AUTH-1", Message: fmt.Sprintf("problem %d", i)})
		stored = append(stored, forgetest.Annotation{Path: "applications/acme.cue", StartLine: line, EndLine: line, StartColumn: 3, EndColumn: 9, Level: "failure", Title: "AUTH-1", Message: fmt.Sprintf("problem %d", i)})
	}
	return in, stored
}

func TestCreateCheckRunBatchesAnnotations(t *testing.T) {
	tests := []struct {
		name        string
		annotations int
		wantCalls   []string
	}{
		{name: "no annotations take one request", annotations: 0, wantCalls: []string{"POST " + api + "/check-runs"}},
		{name: "fifty annotations fit in the create request", annotations: 50, wantCalls: []string{"POST " + api + "/check-runs"}},
		{name: "fifty-one annotations need one update", annotations: 51, wantCalls: []string{"POST " + api + "/check-runs", "PATCH " + api + "/check-runs/"}},
		{
			name: "a hundred and twenty annotations take a create and two updates", annotations: 120,
			wantCalls: []string{"POST " + api + "/check-runs", "PATCH " + api + "/check-runs/", "PATCH " + api + "/check-runs/"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			_, sha := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
			in, stored := annotations(tt.annotations)
			f.srv.ResetCalls()
			res, err := f.client.CreateCheckRun(context.Background(), forge.CheckRun{
				Name: "connectbot", HeadSHA: sha, Conclusion: "failure",
				Title: fmt.Sprintf("%d problems", tt.annotations), Summary: "See the annotations.", Text: "Details.",
				Annotations: in,
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Via != forge.ViaCheckRun || res.ID == 0 {
				t.Errorf("result = %+v, want a check run", res)
			}
			var calls []string
			for _, c := range f.srv.Calls() {
				calls = append(calls, strings.TrimRight(c, "0123456789"))
			}
			if diff := cmp.Diff(tt.wantCalls, calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			want := []forgetest.CheckRun{{
				ID: res.ID, Name: "connectbot", HeadSHA: sha, Status: "completed", Conclusion: "failure",
				Title: fmt.Sprintf("%d problems", tt.annotations), Summary: "See the annotations.", Text: "Details.",
				Annotations: stored,
			}}
			if diff := cmp.Diff(want, f.srv.CheckRuns(sha)); diff != "" {
				t.Errorf("stored check runs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateCheckRunNormalisesAnnotations(t *testing.T) {
	f := newFixture(t)
	_, sha := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
	_, err := f.client.CreateCheckRun(context.Background(), forge.CheckRun{
		Name: "connectbot", HeadSHA: sha, Conclusion: "success",
		Annotations: []forge.Annotation{
			// Columns on a multi-line annotation would be refused: dropped.
			{Path: "a.cue", StartLine: 2, EndLine: 4, StartColumn: 1, EndColumn: 5, Level: "warning", Message: "spans lines"},
			// A missing end line is the start line; a missing level is a notice.
			{Path: "b.cue", StartLine: 7, Message: "one line"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []forgetest.Annotation{
		{Path: "a.cue", StartLine: 2, EndLine: 4, Level: "warning", Message: "spans lines"},
		{Path: "b.cue", StartLine: 7, EndLine: 7, Level: "notice", Message: "one line"},
	}
	runs := f.srv.CheckRuns(sha)
	if len(runs) != 1 {
		t.Fatalf("%d check runs, want 1", len(runs))
	}
	if diff := cmp.Diff(want, runs[0].Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	if runs[0].Title != "connectbot" || runs[0].Summary != "connectbot" {
		t.Errorf("title %q and summary %q, want both to default to the name", runs[0].Title, runs[0].Summary)
	}
	if _, err := f.client.CreateCheckRun(context.Background(), forge.CheckRun{Name: "x", HeadSHA: sha, Annotations: []forge.Annotation{{Path: "a", StartLine: 1, Level: "error", Message: "m"}}}); err == nil {
		t.Error("an annotation level GitHub does not know was accepted")
	}
}

// TestCreateCheckRunFallsBackToCommitStatus publishes with a personal
// access token, which GitHub (and the fake) refuse a check run with 403
// "You must authenticate via a GitHub App.": a commit status carries the
// result instead.
func TestCreateCheckRunFallsBackToCommitStatus(t *testing.T) {
	long := strings.Repeat("x", 200)
	const maintainer = "octo-maintainer"
	tests := []struct {
		name       string
		run        forge.CheckRun
		wantStatus forgetest.Status
	}{
		{
			name:       "a failing check becomes a failure status",
			run:        forge.CheckRun{Name: "connectbot", Conclusion: "failure", Title: "2 errors in applications/acme.cue", DetailsURL: "https://example.com/pr/1"},
			wantStatus: forgetest.Status{State: "failure", Context: "connectbot", Description: "2 errors in applications/acme.cue", TargetURL: "https://example.com/pr/1", Creator: maintainer},
		},
		{
			name:       "a passing check becomes a success status",
			run:        forge.CheckRun{Name: "connectbot", Conclusion: "success", Title: "All checks pass"},
			wantStatus: forgetest.Status{State: "success", Context: "connectbot", Description: "All checks pass", Creator: maintainer},
		},
		{
			name:       "a long title is cut to 140 characters",
			run:        forge.CheckRun{Name: "connectbot", Conclusion: "neutral", Title: long},
			wantStatus: forgetest.Status{State: "success", Context: "connectbot", Description: long[:139] + "…", Creator: maintainer},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(o *forge.Options) { o.Token = "maintainer-pat" })
			f.srv.AddUser(maintainer, "maintainer-pat")
			_, sha := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
			run := tt.run
			run.HeadSHA = sha
			in, _ := annotations(3)
			run.Annotations = in
			res, err := f.client.CreateCheckRun(context.Background(), run)
			if err != nil {
				t.Fatal(err)
			}
			if res.Via != forge.ViaStatus {
				t.Errorf("published via %q, want %q", res.Via, forge.ViaStatus)
			}
			if runs := f.srv.CheckRuns(sha); len(runs) != 0 {
				t.Errorf("%d check runs stored, want none", len(runs))
			}
			want := tt.wantStatus
			want.ID = res.ID
			if diff := cmp.Diff([]forgetest.Status{want}, f.srv.Statuses(sha)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if len(f.sleeps.got()) != 0 {
				t.Errorf("slept %v; a plain 403 is not retried", f.sleeps.got())
			}
		})
	}
}

// upsertComment is the caller's side of CreateComment's contract: look for
// the comment by its marker, edit it if found, create it otherwise.
func upsertComment(ctx context.Context, c *forge.Client, pr int, marker, body string) error {
	comments, err := c.ListComments(ctx, pr)
	if err != nil {
		return err
	}
	for _, cm := range comments {
		if strings.Contains(cm.Body, marker) {
			_, err := c.EditComment(ctx, cm.ID, body)
			return err
		}
	}
	_, err = c.CreateComment(ctx, pr, body)
	return err
}

func TestCommentAfterBadGatewayIsPostedOnce(t *testing.T) {
	const marker = "<!-- connectbot:summary -->"
	body := marker + "\nAll checks pass."
	tests := []struct {
		name string
		// fail injects the 502 on the first create.
		fail      func(srv *forgetest.Server, path string)
		wantCalls []string
	}{
		{
			name:      "a 502 that posted nothing: the retry finds no marker and posts",
			fail:      func(srv *forgetest.Server, p string) { srv.FailNext("POST", p, http.StatusBadGateway, nil) },
			wantCalls: []string{"GET", "POST", "GET", "POST"},
		},
		{
			name:      "a 502 after GitHub posted: the retry finds the marker and edits",
			fail:      func(srv *forgetest.Server, p string) { srv.FailNextAfterApplying("POST", p, http.StatusBadGateway) },
			wantCalls: []string{"GET", "POST", "GET", "PATCH"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"a.txt": "a\n"})
			tt.fail(f.srv, fmt.Sprintf("%s/issues/%d/comments", api, n))
			f.srv.ResetCalls()

			err := upsertComment(ctx, f.client, n, marker, body)
			if !errors.Is(err, forge.ErrUnavailable) {
				t.Fatalf("first attempt: err = %v, want ErrUnavailable", err)
			}
			if err := upsertComment(ctx, f.client, n, marker, body); err != nil {
				t.Fatalf("second attempt: %v", err)
			}
			if got := f.srv.Comments(n); len(got) != 1 || got[0].Body != body {
				t.Errorf("comments = %+v, want exactly one with the body", got)
			}
			var methods []string
			for _, c := range f.srv.Calls() {
				m, _, _ := strings.Cut(c, " ")
				methods = append(methods, m)
			}
			if diff := cmp.Diff(tt.wantCalls, methods); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if len(f.sleeps.got()) != 0 {
				t.Errorf("slept %v; creating a comment is not retried after a 5xx", f.sleeps.got())
			}
		})
	}
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	reset := func(d time.Duration) string { return strconv.FormatInt(testNow.Add(d).Unix(), 10) }
	primary := func(status int, d time.Duration) func(*forgetest.Server, string, string) {
		return func(srv *forgetest.Server, method, path string) {
			srv.FailNext(method, path, status, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset(d)})
		}
	}
	secondary := func(status int, retryAfter string) func(*forgetest.Server, string, string) {
		return func(srv *forgetest.Server, method, path string) {
			h := map[string]string{}
			if retryAfter != "" {
				h["Retry-After"] = retryAfter
			}
			srv.FailNext(method, path, status, h)
		}
	}
	times := func(n int, fail func(*forgetest.Server, string, string)) func(*forgetest.Server, string, string) {
		return func(srv *forgetest.Server, method, path string) {
			for range n {
				fail(srv, method, path)
			}
		}
	}
	getPR := func(c *forge.Client, n int) error { _, err := c.PullRequest(ctx, n); return err }
	comment := func(c *forge.Client, n int) error { _, err := c.CreateComment(ctx, n, "hi"); return err }
	editPR := func(c *forge.Client, n int) error { _, err := c.UpdatePR(ctx, n, "New title", "New body"); return err }

	tests := []struct {
		name       string
		maxRetries int
		maxWait    time.Duration
		method     string
		path       string // under /repos/o/r/, with %d for the number
		fail       func(srv *forgetest.Server, method, path string)
		act        func(c *forge.Client, n int) error
		wantSleeps []time.Duration
		// wantBackoff checks sleeps by range instead: each in [d/2, d).
		wantBackoff []time.Duration
		wantCalls   int
		wantErr     error
		wantReset   time.Duration
		wantSecond  bool
	}{
		{
			name: "a primary rate limit on a GET waits until X-RateLimit-Reset", method: "GET", path: "/pulls/%d",
			fail: primary(http.StatusForbidden, 30*time.Second), act: getPR,
			wantSleeps: []time.Duration{30 * time.Second}, wantCalls: 2,
		},
		{
			name: "a primary rate limit answered with 429 waits the same way", method: "GET", path: "/pulls/%d",
			fail: primary(http.StatusTooManyRequests, 45*time.Second), act: getPR,
			wantSleeps: []time.Duration{45 * time.Second}, wantCalls: 2,
		},
		{
			name: "a primary rate limit on a POST is retried: GitHub did not act", method: "POST", path: "/issues/%d/comments",
			fail: primary(http.StatusForbidden, 10*time.Second), act: comment,
			wantSleeps: []time.Duration{10 * time.Second}, wantCalls: 2,
		},
		{
			name: "a secondary rate limit waits Retry-After", method: "GET", path: "/pulls/%d",
			fail: secondary(http.StatusForbidden, "7"), act: getPR,
			wantSleeps: []time.Duration{7 * time.Second}, wantCalls: 2,
		},
		{
			name: "a secondary rate limit on a POST answered with 429 waits Retry-After", method: "POST", path: "/issues/%d/comments",
			fail: secondary(http.StatusTooManyRequests, "3"), act: comment,
			wantSleeps: []time.Duration{3 * time.Second}, wantCalls: 2,
		},
		{
			name: "a secondary rate limit without Retry-After waits a minute, then two", method: "GET", path: "/pulls/%d",
			fail: times(2, secondary(http.StatusTooManyRequests, "")), act: getPR,
			wantSleeps: []time.Duration{time.Minute, 2 * time.Minute}, wantCalls: 3,
			maxWait: 5 * time.Minute,
		},
		{
			name: "a 502 on a GET is retried with backoff", method: "GET", path: "/pulls/%d",
			fail: times(2, secondary(http.StatusBadGateway, "")), act: getPR,
			wantBackoff: []time.Duration{time.Second, 2 * time.Second}, wantCalls: 3,
		},
		{
			name: "a 502 on an idempotent PATCH is retried", method: "PATCH", path: "/pulls/%d",
			fail: secondary(http.StatusBadGateway, ""), act: editPR,
			wantBackoff: []time.Duration{time.Second}, wantCalls: 2,
		},
		{
			name: "a 502 on creating a comment is not retried", method: "POST", path: "/issues/%d/comments",
			fail: secondary(http.StatusBadGateway, ""), act: comment,
			wantCalls: 1, wantErr: forge.ErrUnavailable,
		},
		{
			name: "server errors past MaxRetries give ErrUnavailable", method: "GET", path: "/pulls/%d",
			maxRetries: 2, fail: times(3, secondary(http.StatusServiceUnavailable, "")), act: getPR,
			wantBackoff: []time.Duration{time.Second, 2 * time.Second}, wantCalls: 3, wantErr: forge.ErrUnavailable,
		},
		{
			name: "a primary reset past MaxWait returns RateLimitError without sleeping", method: "GET", path: "/pulls/%d",
			fail: primary(http.StatusForbidden, 10*time.Minute), act: getPR,
			wantCalls: 1, wantReset: 10 * time.Minute,
		},
		{
			name: "a Retry-After past MaxWait returns RateLimitError without sleeping", method: "POST", path: "/issues/%d/comments",
			fail: secondary(http.StatusForbidden, "600"), act: comment,
			wantCalls: 1, wantReset: 10 * time.Minute, wantSecond: true,
		},
		{
			name: "a 429 past MaxWait returns RateLimitError without sleeping", method: "GET", path: "/pulls/%d",
			fail: secondary(http.StatusTooManyRequests, "300"), act: getPR,
			wantCalls: 1, wantReset: 5 * time.Minute, wantSecond: true,
		},
		{
			name: "waits add up against MaxWait", method: "GET", path: "/pulls/%d",
			fail: times(2, secondary(http.StatusForbidden, "70")), act: getPR,
			wantSleeps: []time.Duration{70 * time.Second}, wantCalls: 2, wantReset: 70 * time.Second, wantSecond: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(o *forge.Options) { o.MaxRetries, o.MaxWait = tt.maxRetries, tt.maxWait })
			n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"a.txt": "a\n"})
			path := fmt.Sprintf(api+tt.path, n)
			tt.fail(f.srv, tt.method, path)
			f.srv.ResetCalls()

			err := tt.act(f.client, n)
			switch {
			case tt.wantReset != 0:
				var rle *forge.RateLimitError
				if !errors.As(err, &rle) {
					t.Fatalf("err = %v, want a *RateLimitError", err)
				}
				if want := testNow.Add(tt.wantReset); !rle.Reset.Equal(want) || rle.Secondary != tt.wantSecond {
					t.Errorf("RateLimitError reset %v secondary %v, want %v and %v", rle.Reset, rle.Secondary, want, tt.wantSecond)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			}
			sleeps := f.sleeps.got()
			if tt.wantBackoff != nil {
				if len(sleeps) != len(tt.wantBackoff) {
					t.Fatalf("sleeps = %v, want %d backoffs", sleeps, len(tt.wantBackoff))
				}
				for i, d := range tt.wantBackoff {
					if sleeps[i] < d/2 || sleeps[i] >= d {
						t.Errorf("backoff %d = %v, want within [%v, %v)", i, sleeps[i], d/2, d)
					}
				}
			} else if diff := cmp.Diff(tt.wantSleeps, sleeps); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
			if got := len(f.callsTo(tt.method + " " + path)); got != tt.wantCalls {
				t.Errorf("%d requests, want %d (%v)", got, tt.wantCalls, f.srv.Calls())
			}
		})
	}
}

func TestRetriedCommentIsPostedOnce(t *testing.T) {
	f := newFixture(t)
	n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"a.txt": "a\n"})
	f.srv.FailNext("POST", fmt.Sprintf("%s/issues/%d/comments", api, n), http.StatusForbidden, map[string]string{"Retry-After": "2"})
	if _, err := f.client.CreateComment(context.Background(), n, "once"); err != nil {
		t.Fatal(err)
	}
	if got := f.srv.Comments(n); len(got) != 1 {
		t.Errorf("%d comments, want 1", len(got))
	}
}

func TestCreatePRAndListPRs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	head := f.srv.Commit("connectbot/remove/acme", "Remove acme", map[string]string{"applications/acme.cue": "removed\n"})

	pr, err := f.client.CreatePR(ctx, forge.NewPR{Title: "Remove acme", Body: "Listing overdue.", Head: "connectbot/remove/acme", Base: "main"})
	if err != nil {
		t.Fatal(err)
	}
	want := forge.PR{
		Number: pr.Number, Title: "Remove acme", Body: "Listing overdue.", State: "open", Author: forgetest.BotLogin,
		HeadSHA: head, HeadRef: "connectbot/remove/acme", HeadRepo: owner + "/" + repo, BaseRepo: owner + "/" + repo, BaseRef: "main", BaseSHA: f.srv.Branch("main"),
		DefaultBranch: "main", Mergeable: true, UpdatedAt: pr.UpdatedAt,
	}
	if pr.UpdatedAt.IsZero() {
		t.Error("CreatePR: no updated_at read")
	}
	if diff := cmp.Diff(want, pr); diff != "" {
		t.Errorf("CreatePR (-want +got):\n%s", diff)
	}

	_, err = f.client.CreatePR(ctx, forge.NewPR{Title: "Again", Head: "connectbot/remove/acme", Base: "main"})
	if !errors.Is(err, forge.ErrValidation) {
		t.Fatalf("second CreatePR: err = %v, want ErrValidation", err)
	}
	if want := "A pull request already exists for octo-org:connectbot/remove/acme."; !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to carry GitHub's message %q", err, want)
	}

	tests := []struct {
		name  string
		head  string
		state string
		want  []int
	}{
		{name: "a bare branch is looked up in the repository's owner", head: "connectbot/remove/acme", state: "open", want: []int{pr.Number}},
		{name: "an owner:branch head is used as given", head: owner + ":connectbot/remove/acme", state: "", want: []int{pr.Number}},
		{name: "another branch has none", head: "connectbot/remove/other", state: "all", want: nil},
		{name: "no closed ones yet", head: "connectbot/remove/acme", state: "closed", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prs, err := f.client.ListPRs(ctx, tt.head, tt.state)
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, p := range prs {
				got = append(got, p.Number)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := f.client.ListPRs(ctx, "", "merged"); err == nil {
		t.Error("ListPRs accepted state \"merged\"")
	}
}

func TestUpdateAndClosePR(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, _ := f.openPR(t, forgetest.BotLogin, "connectbot/remove/acme", map[string]string{"a.txt": "a\n"})
	updated, err := f.client.UpdatePR(ctx, n, "Remove acme (listing overdue)", "Updated body.")
	if err != nil {
		t.Fatal(err)
	}
	if updated.Title != "Remove acme (listing overdue)" || updated.Body != "Updated body." {
		t.Errorf("UpdatePR = %+v", updated)
	}
	for range 2 { // closing twice is fine
		if err := f.client.ClosePR(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	got := f.srv.PR(n)
	if got.State != "closed" || got.Merged {
		t.Errorf("state %s merged %v, want closed and not merged", got.State, got.Merged)
	}
	closed, err := f.client.ListPRs(ctx, "connectbot/remove/acme", "closed")
	if err != nil || len(closed) != 1 || closed[0].Number != n {
		t.Errorf("closed PRs = %+v (%v), want #%d", closed, err, n)
	}
}

func TestMergePR(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		sha     func(head string) string
		method  string
		before  func(f *fixture, n int)
		wantErr error
	}{
		{name: "a merge pinned to the head merges", sha: func(h string) string { return h }, method: "merge"},
		{name: "a squash pinned to the head merges", sha: func(h string) string { return h }, method: "squash"},
		{
			name: "a merge pinned to an old head is a conflict and the pull request stays open",
			sha:  func(h string) string { return h },
			before: func(f *fixture, n int) {
				f.srv.Commit("acme", "Another change", map[string]string{"b.txt": "b\n"})
			},
			wantErr: forge.ErrConflict,
		},
		{
			name: "merging a closed pull request is refused",
			sha:  func(h string) string { return h },
			before: func(f *fixture, n int) {
				if err := f.client.ClosePR(ctx, n); err != nil {
					panic(err)
				}
			},
			wantErr: forge.ErrNotMergeable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			n, head := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "acme\n"})
			if tt.before != nil {
				tt.before(f, n)
			}
			sha, err := f.client.MergePR(ctx, n, tt.sha(head), tt.method)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if got := f.srv.PR(n); got.Merged {
					t.Errorf("pull request merged after %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := f.srv.PR(n)
			if !got.Merged || got.State != "closed" || got.MergeCommitSHA != sha || f.srv.Branch("main") != sha {
				t.Errorf("after merge: %+v, main at %s, merge SHA %s", got, f.srv.Branch("main"), sha)
			}
			if content, ok := f.srv.ReadFile("main", "applications/acme.cue"); !ok || content != "acme\n" {
				t.Errorf("main's acme.cue = %q (%v)", content, ok)
			}
			pr, err := f.client.PullRequest(ctx, n)
			if err != nil || !pr.Merged || pr.State != "closed" {
				t.Errorf("PullRequest after merge = %+v (%v)", pr, err)
			}
		})
	}
	f := newFixture(t)
	if _, err := f.client.MergePR(ctx, 1, "", "merge"); err == nil {
		t.Error("MergePR without a SHA was sent")
	}
	if _, err := f.client.MergePR(ctx, 1, "abc", "fast-forward"); err == nil {
		t.Error("MergePR with an unknown method was sent")
	}
}

func TestConditionalRequests(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"a.txt": "a\n"})
	f.srv.ResetCalls()

	first, err := f.client.PullRequest(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.client.PullRequest(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("the cached answer differs (-first +second):\n%s", diff)
	}
	if got := f.srv.NotModified(); got != 1 {
		t.Errorf("the server answered 304 %d times, want 1", got)
	}
	if got := len(f.callsTo("GET " + api + "/pulls/")); got != 2 {
		t.Errorf("%d GETs reached the server, want 2 (the second conditional)", got)
	}

	if _, err := f.client.UpdatePR(ctx, n, "Renamed", "Please review."); err != nil {
		t.Fatal(err)
	}
	third, err := f.client.PullRequest(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if third.Title != "Renamed" {
		t.Errorf("after a change the title is %q, want the fresh %q", third.Title, "Renamed")
	}
	if got := f.srv.NotModified(); got != 1 {
		t.Errorf("the server answered 304 %d times after the change, want still 1", got)
	}

	// Lists are cached page by page too.
	for range 2 {
		if _, err := f.client.ListComments(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.srv.NotModified(); got != 2 {
		t.Errorf("the server answered 304 %d times after listing twice, want 2", got)
	}
}

func TestTokenIsNeverLoggedOrReturned(t *testing.T) {
	f := newFixture(t, func(o *forge.Options) { o.MaxRetries = 1 })
	ctx := context.Background()
	n, sha := f.openPR(t, "acme-dev", "acme", map[string]string{"a.txt": "a\n"})
	prefix := fmt.Sprintf("%s/pulls/%d", api, n)
	f.srv.FailNext("GET", prefix, http.StatusBadGateway, nil)
	f.srv.FailNext("GET", prefix, http.StatusBadGateway, nil)
	f.srv.FailNext("POST", api+"/check-runs", http.StatusForbidden, nil)
	f.srv.FailNext("GET", prefix, http.StatusForbidden, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(testNow.Add(time.Hour).Unix(), 10)})

	var errs []error
	_, err := f.client.PullRequest(ctx, n)
	errs = append(errs, err)
	_, err = f.client.CreateCheckRun(ctx, forge.CheckRun{Name: "connectbot", HeadSHA: sha, Conclusion: "success"})
	errs = append(errs, err)
	_, err = f.client.PullRequest(ctx, n)
	errs = append(errs, err)
	_, err = f.client.PullRequest(ctx, 999)
	errs = append(errs, err)
	_, err = f.client.CreatePR(ctx, forge.NewPR{Title: "x", Head: "nope", Base: "main"})
	errs = append(errs, err)

	var failures int
	for _, err := range errs {
		if err == nil {
			continue
		}
		failures++
		if strings.Contains(err.Error(), f.srv.Token()) || strings.Contains(fmt.Sprintf("%#v", err), f.srv.Token()) {
			t.Errorf("error carries the token: %v", err)
		}
	}
	if failures != 4 {
		t.Errorf("%d calls failed, want 4: %v", failures, errs)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "retrying") || !strings.Contains(logs, "commit status") {
		t.Errorf("the logs miss the retry or the fallback:\n%s", logs)
	}
	if strings.Contains(logs, f.srv.Token()) {
		t.Errorf("the logs carry the token:\n%s", logs)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	tests := []struct {
		name string
		opts forge.Options
	}{
		{name: "an owner is required", opts: forge.Options{Repo: "r"}},
		{name: "a repository is required", opts: forge.Options{Owner: "o"}},
		{name: "the base URL must be HTTP", opts: forge.Options{Owner: "o", Repo: "r", BaseURL: "ftp://example.com/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := forge.New(tt.opts); err == nil {
				t.Error("New accepted the options")
			}
		})
	}
}

func TestFindPRsByHead(t *testing.T) {
	// Two to a page, so that the pull request from the fork, opened
	// first and listed last, is on the second page of four open ones.
	f := newFixture(t, func(o *forge.Options) { o.PageSize = 2 })
	ctx := context.Background()
	forkSHA := f.srv.Commit("patch-1", "Add acme", map[string]string{"applications/acme.cue": "x\n"})
	fork := f.srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Add acme", Head: "patch-1", HeadRepo: "acme-dev/partners"})
	shared, sharedSHA := f.openPR(t, "globex-dev", "globex", map[string]string{"applications/globex.cue": "x\n"})
	f.srv.Commit("release", "Branch off", map[string]string{"RELEASE": "1\n"})
	sharedIntoRelease := f.srv.OpenPR(forgetest.PRSpec{Author: "globex-dev", Title: "Globex into release", Head: "globex", Base: "release"})
	f.openPR(t, "initech-dev", "initech", map[string]string{"applications/initech.cue": "x\n"})
	closed, closedSHA := f.openPR(t, "hooli-dev", "hooli", map[string]string{"applications/hooli.cue": "x\n"})
	if err := f.client.ClosePR(ctx, closed); err != nil {
		t.Fatal(err)
	}
	numbers := func(prs []forge.PR) []int {
		var out []int
		for _, pr := range prs {
			out = append(out, pr.Number)
		}
		return out
	}
	tests := []struct {
		name, sha string
		want      []int
	}{
		{"the head of a pull request from a fork", forkSHA, []int{fork}},
		{"a head proposed into two bases", sharedSHA, []int{sharedIntoRelease, shared}},
		{"a head written in capitals", strings.ToUpper(forkSHA), []int{fork}},
		{"the head of a closed pull request only", closedSHA, nil},
		{"a commit no pull request has", f.srv.Branch("main"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.client.FindPRsByHead(ctx, tt.sha)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, numbers(got)); diff != "" {
				t.Errorf("pull requests (-want +got):\n%s", diff)
			}
		})
	}
	got, err := f.client.FindPRsByHead(ctx, forkSHA)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].HeadRepo != "acme-dev/partners" || got[0].HeadSHA != forkSHA {
		t.Errorf("the fork's pull request = %+v, want its head in acme-dev/partners at %s", got, forkSHA)
	}
	f.srv.ResetCalls()
	if _, err := f.client.FindPRsByHead(ctx, forkSHA); err != nil {
		t.Fatal(err)
	}
	if calls := f.callsTo("GET " + api + "/pulls"); len(calls) != 2 {
		t.Errorf("listed %d pages, want 2 (4 open pull requests, 2 a page): %q", len(calls), calls)
	}
	if _, err := f.client.FindPRsByHead(ctx, ""); err == nil {
		t.Error("an empty SHA was looked for")
	}
}

// reopen reopens pull request n as GitHub's API does.
func (f *fixture) reopen(t *testing.T, n int) {
	t.Helper()
	req, err := http.NewRequest("PATCH", fmt.Sprintf("%s/repos/%s/%s/pulls/%d", f.srv.URL(), owner, repo, n), strings.NewReader(`{"state":"open"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+f.srv.Token())
	resp, err := f.srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("reopen: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestLastReopened(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
	reopen := func() { f.reopen(t, n) }
	var got []time.Time
	for i := range 3 {
		at, err := f.client.LastReopened(ctx, n, 0)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, at)
		if i < 2 {
			if err := f.client.ClosePR(ctx, n); err != nil {
				t.Fatal(err)
			}
			reopen()
		}
	}
	if !got[0].IsZero() || got[1].IsZero() || !got[2].After(got[1]) {
		t.Errorf("last reopened, never then twice: %v", got)
	}
	if _, err := f.client.LastReopened(ctx, 999, 0); !errors.Is(err, forge.ErrNotFound) {
		t.Errorf("events of a pull request that does not exist: %v", err)
	}
}

func TestListsAtEndsReadTheFirstAndLastPagesOnly(t *testing.T) {
	f := newFixture(t, func(o *forge.Options) { o.PageSize = 2 })
	ctx := context.Background()
	n, sha := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/app.cue": "app\n"})
	for i := range 9 { // five pages of two
		f.srv.AddComment(n, "stranger", fmt.Sprintf("comment %d", i))
		f.srv.AddReview(n, "stranger", "commented", sha)
	}
	tests := []struct {
		name     string
		maxPages int
		want     []string
		cut      bool
	}{
		{"no bound reads every page", 0, []string{"comment 0", "comment 1", "comment 2", "comment 3", "comment 4", "comment 5", "comment 6", "comment 7", "comment 8"}, false},
		{"as many pages as there are reads them all", 5, []string{"comment 0", "comment 1", "comment 2", "comment 3", "comment 4", "comment 5", "comment 6", "comment 7", "comment 8"}, false},
		{"three pages are the first and the last two", 3, []string{"comment 0", "comment 1", "comment 6", "comment 7", "comment 8"}, true},
		{"one page is the first", 1, []string{"comment 0", "comment 1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.srv.ResetCalls()
			comments, cut, err := f.client.ListCommentsAtEnds(ctx, n, tt.maxPages)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range comments {
				got = append(got, c.Body)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || cut != tt.cut {
				t.Errorf("comments (-want +got):\n%s\ncut %v, want %v", diff, cut, tt.cut)
			}
			if calls := len(f.srv.Calls()); tt.maxPages > 0 && calls > tt.maxPages {
				t.Errorf("%d requests, want at most %d", calls, tt.maxPages)
			}
			reviews, cut, err := f.client.ListReviewsAtEnds(ctx, n, tt.maxPages)
			if err != nil {
				t.Fatal(err)
			}
			if len(reviews) != len(tt.want) || cut != tt.cut {
				t.Errorf("%d reviews (cut %v), want %d (cut %v)", len(reviews), cut, len(tt.want), tt.cut)
			}
		})
	}
}

func TestListCommentsSinceReadsFromATimeOn(t *testing.T) {
	f := newFixture(t, func(o *forge.Options) { o.PageSize = 2 })
	ctx := context.Background()
	n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/app.cue": "app\n"})
	var times []time.Time
	for i := range 7 {
		f.srv.AddComment(n, "stranger", fmt.Sprintf("comment %d", i))
		all, err := f.client.ListComments(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, all[len(all)-1].Created)
	}
	tests := []struct {
		name     string
		since    time.Time
		maxPages int
		want     []string
		cut      bool
	}{
		{"from the start every comment", time.Time{}, 0, []string{"comment 0", "comment 1", "comment 2", "comment 3", "comment 4", "comment 5", "comment 6"}, false},
		{"from the fifth comment's time the last three", times[4], 0, []string{"comment 4", "comment 5", "comment 6"}, false},
		{"from the fifth within one page the first two of them", times[4], 1, []string{"comment 4", "comment 5"}, true},
		{"from after the last nothing", times[6].Add(time.Hour), 1, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.srv.ResetCalls()
			comments, cut, err := f.client.ListCommentsSince(ctx, n, tt.since, tt.maxPages)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range comments {
				got = append(got, c.Body)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || cut != tt.cut {
				t.Errorf("comments (-want +got):\n%s\ncut %v, want %v", diff, cut, tt.cut)
			}
			if calls := len(f.srv.Calls()); tt.maxPages > 0 && calls > tt.maxPages {
				t.Errorf("%d requests, want at most %d", calls, tt.maxPages)
			}
		})
	}
}

func TestLastReopenedReadsTheNewestEventsOfAFlood(t *testing.T) {
	f := newFixture(t, func(o *forge.Options) { o.PageSize = 2 })
	ctx := context.Background()
	n, _ := f.openPR(t, "acme-dev", "acme", map[string]string{"applications/acme.cue": "x\n"})
	for range 5 { // ten events, five pages
		if err := f.client.ClosePR(ctx, n); err != nil {
			t.Fatal(err)
		}
		f.reopen(t, n)
	}
	all, err := f.client.LastReopened(ctx, n, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.srv.ResetCalls()
	bounded, err := f.client.LastReopened(ctx, n, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !bounded.Equal(all) || all.IsZero() {
		t.Errorf("last reopened reading two pages %v, every page %v", bounded, all)
	}
	if calls := len(f.srv.Calls()); calls != 2 {
		t.Errorf("%d requests, want 2", calls)
	}
}
