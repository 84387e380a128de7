package dispatch

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/internal/webhook"
)

// errJudged, errCommented, errFound and errGrouped mark which handler method
// Handle reached.
var (
	errJudged    = errors.New("judge")
	errCommented = errors.New("comment")
	errFound     = errors.New("find by head")
	errGrouped   = errors.New("merge group")
	errRejudged  = errors.New("list to judge again")
	errOpened    = errors.New("open the form's pull request")
	// errTipAsked is where the base branch points asked of origin, which
	// recording the stage changes merged into it starts with.
	errTipAsked = errors.New("ask origin for a branch's tip")
)

// routeForm is an application form's opener that says it was reached.
type routeForm struct{}

func (routeForm) Open(context.Context, issueform.Issue) (issueform.Outcome, error) {
	return issueform.Outcome{}, errOpened
}

// routeForge and routeGit stop the pull-request handler at its second
// call, telling Handle (which reads the reviews after the pull request)
// from Comment (which fetches after the pull request).
type routeForge struct{}

func (routeForge) PullRequest(context.Context, int) (forge.PR, error) {
	return forge.PR{State: "open", BaseRef: "main"}, nil
}
func (routeForge) ListPullFiles(context.Context, int) ([]forge.File, error) {
	return nil, nil
}
func (routeForge) ListComments(context.Context, int) ([]forge.Comment, error) { return nil, nil }
func (routeForge) ListReviewsAtEnds(context.Context, int, int) ([]forge.Review, bool, error) {
	return nil, false, errJudged
}
func (routeForge) ListCommentsAtEnds(context.Context, int, int) ([]forge.Comment, bool, error) {
	return nil, false, nil
}
func (routeForge) ListCommentsSince(context.Context, int, time.Time, int) ([]forge.Comment, bool, error) {
	return nil, false, nil
}
func (routeForge) CreateComment(context.Context, int, string) (forge.Comment, error) {
	return forge.Comment{}, nil
}
func (routeForge) EditComment(context.Context, int64, string) (forge.Comment, error) {
	return forge.Comment{}, nil
}
func (routeForge) AddLabels(context.Context, int, ...string) error           { return nil }
func (routeForge) RemoveLabel(context.Context, int, string) error            { return nil }
func (routeForge) EnsureLabel(context.Context, string, string, string) error { return nil }
func (routeForge) CreateCheckRun(context.Context, forge.CheckRun) (forge.CheckResult, error) {
	return forge.CheckResult{}, nil
}
func (routeForge) MergePR(context.Context, int, string, string) (string, error) { return "", nil }
func (routeForge) ListOpenPRsInto(context.Context, string) ([]forge.PR, error) {
	return nil, errRejudged
}
func (routeForge) FindPRsByHead(context.Context, string) ([]forge.PR, error) {
	return nil, errFound
}
func (routeForge) ListCheckRuns(context.Context, string, string) ([]forge.CheckRunInfo, error) {
	return nil, nil
}
func (routeForge) BranchRules(context.Context, string) ([]string, error) { return nil, nil }
func (routeForge) UpdateBranch(context.Context, int, string) error       { return nil }
func (routeForge) LastReopened(context.Context, int, int) (time.Time, error) {
	return time.Time{}, nil
}
func (routeForge) Issue(_ context.Context, n int) (forge.Issue, error) {
	return forge.Issue{Number: n, State: "open", Author: "someone"}, nil
}

type routeGit struct{}

func (routeGit) Fetch(_ context.Context, refspecs ...string) error {
	for _, r := range refspecs {
		if strings.Contains(r, "gh-readonly-queue/") {
			return errGrouped
		}
	}
	return errCommented
}
func (routeGit) FetchPull(context.Context, int) (string, error)         { return "", errCommented }
func (routeGit) Parents(string) ([]string, string, error)               { return nil, "", errGrouped }
func (routeGit) Resolve(string) (string, error)                         { return "", errCommented }
func (routeGit) RemoteTip(context.Context, string) (string, error)      { return "", errTipAsked }
func (routeGit) Tree(string) (fs.FS, error)                             { return nil, errCommented }
func (routeGit) Commit(context.Context, gitrepo.Change) (string, error) { return "", errCommented }
func (routeGit) Entries(string, string) (map[string]gitrepo.Entry, error) {
	return nil, errCommented
}
func (routeGit) Merge(context.Context, gitrepo.MergeSpec) (*gitrepo.MergeResult, error) {
	return nil, errCommented
}
func (routeGit) SetBranch(string, string) error { return errCommented }
func (routeGit) Author(string) (gitrepo.Signature, error) {
	return gitrepo.Signature{}, errCommented
}
func (routeGit) Message(string) (string, error) { return "", errCommented }
func (routeGit) Push(context.Context, string, gitrepo.PushOptions) error {
	return errCommented
}
func (routeGit) AcquireLease(context.Context, string, string, time.Duration, time.Time) (*gitrepo.Lease, error) {
	return nil, errCommented
}

// everyEvent is every kind of event under every action GitHub sends for
// it, so that a route Handle or Do gains or loses shows.
func everyEvent() []webhook.Event {
	actions := map[string][]string{
		webhook.KindPullRequest: {"opened", "synchronize", "reopened", "edited", "ready_for_review", "closed", "labeled", "assigned"},
		webhook.KindReview:      {"submitted", "edited", "dismissed"},
		webhook.KindComment:     {"created", "edited", "deleted"},
		webhook.KindCheckRun:    {"rerequested", "created", "completed"},
		webhook.KindCheckSuite:  {"rerequested", "requested", "completed"},
		webhook.KindPush:        {""},
		webhook.KindPing:        {""},
		webhook.KindIssue:       {"opened", "edited", "closed"},
		webhook.KindMergeGroup:  {"checks_requested", "destroyed"},
		"workflow_run":          {"completed", "requested"},
	}
	var events []webhook.Event
	for kind, list := range actions {
		for _, a := range list {
			for _, onPR := range []bool{true, false} {
				ev := webhook.Event{Kind: kind, Action: a, Repo: "o/r", Number: 7, IsPullRequest: onPR, HeadSHA: "d6fde92930d4715a2b49857d24b940956b26d2d3"}
				if kind == webhook.KindComment {
					ev.Comment = &webhook.Comment{ID: 1, Author: "someone", Body: "/connectbot recheck"}
				}
				if kind == webhook.KindIssue {
					ev.Issue = &webhook.Issue{Number: 7, Author: "someone", Body: "### Application slug\n\nacme-sync\n"}
				}
				if kind == webhook.KindMergeGroup {
					ev.Group = &webhook.MergeGroup{HeadSHA: ev.HeadSHA, HeadRef: "refs/heads/gh-readonly-queue/main/pr-7-" + ev.HeadSHA,
						BaseSHA: ev.HeadSHA, BaseRef: "refs/heads/main"}
				}
				if kind == webhook.KindPush {
					ev.Ref, ev.After = "refs/heads/main", ev.HeadSHA
				}
				events = append(events, ev)
				if kind == webhook.KindCheckRun {
					// connectbot's own check, and another App's.
					for _, name := range []string{"connectbot", "randscape"} {
						ev.Check = name
						events = append(events, ev)
					}
				}
			}
		}
	}
	return events
}

// routeHandler is a pull-request handler that stops at the second call
// it makes, telling which method was reached.
func routeHandler() *pullrequest.Handler {
	return &pullrequest.Handler{Forge: routeForge{}, Git: routeGit{}, BotLogin: "connectbot[bot]", Now: time.Now, Out: io.Discard,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func TestRouteAgreesWithHandle(t *testing.T) {
	h := routeHandler()
	for _, ev := range everyEvent() {
		kind, _ := Route(ev)
		_, err := Handle(context.Background(), h, routeForm{}, ev)
		reached := reachedBy(t, ev, err)
		if kind == "pull-request-closed" && reached == KeyPullRequest {
			// It reads the pull request as judging it does (the stand-in
			// shows it open).
			continue
		}
		if kind != reached {
			t.Errorf("%s %s (on a pull request: %v, check %q): Route says %s, Handle does %s", ev.Kind, ev.Action, ev.IsPullRequest, ev.Check, kind, reached)
		}
	}
}

func TestAnEventsKeyDoesWhatHandleDoesWithIt(t *testing.T) {
	h := routeHandler()
	for _, ev := range everyEvent() {
		kind, _ := Route(ev)
		key, w, ok := KeyOf(ev)
		if !ok {
			if kind != "none" {
				t.Errorf("%s %s (on a pull request: %v, check %q): no key, but Route says %s", ev.Kind, ev.Action, ev.IsPullRequest, ev.Check, kind)
			}
			continue
		}
		_, err := Do(context.Background(), h, routeForm{}, key, w)
		reached := reachedBy(t, ev, err)
		want := kind
		if kind == "pull-request-closed" {
			// A closed pull request's work is its pull request's.
			want = KeyPullRequest
		}
		if kind == "comment-command" {
			// A comment's work is its pull request's: judged, then every
			// command on it without an answer answered.
			want = KeyPullRequest
			if !w.Commands || !w.Recheck {
				t.Errorf("a /connectbot recheck comment: %+v, want its commands answered and the check written", w)
			}
		}
		if reached != want || key.Kind != want {
			t.Errorf("%s %s (on a pull request: %v, check %q): key %s does %s, want %s", ev.Kind, ev.Action, ev.IsPullRequest, ev.Check, key, reached, want)
		}
	}
}

// reachedBy names the handler method err says was reached.
func reachedBy(t *testing.T, ev webhook.Event, err error) string {
	t.Helper()
	var reached string
	switch {
	case errors.Is(err, errJudged):
		reached = "judge-pull-request"
	case errors.Is(err, errCommented):
		reached = "comment-command"
	case errors.Is(err, errFound):
		reached = "judge-pull-requests-at-head"
	case errors.Is(err, errRejudged):
		reached = "base-moved"
	case errors.Is(err, errOpened):
		reached = "application-form"
	case errors.Is(err, errGrouped):
		reached = "merge-group"
	case err == nil:
		reached = "none"
	default:
		t.Fatalf("%+v: %v", ev, err)
	}
	return reached
}

// TestAPushRecordsWhatGitHubMergedIntoTheProgramsBranchOnly shows which
// pushes start by recording the stage changes GitHub merged without their
// record: those to the program's branch, never to a merge queue's.
func TestAPushRecordsWhatGitHubMergedIntoTheProgramsBranchOnly(t *testing.T) {
	for _, tc := range []struct {
		name, base, ref string
		records         bool
	}{
		{name: "a push to the program's branch", base: "main", ref: "refs/heads/main", records: true},
		{name: "a push to the default branch, no program branch set", base: "", ref: "refs/heads/main", records: true},
		{name: "a push to another branch", base: "main", ref: "refs/heads/newco-apply", records: false},
		{name: "a merge queue's branch", base: "", ref: "refs/heads/gh-readonly-queue/main/pr-7-d6fde92930d4715a2b49857d24b940956b26d2d3", records: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := routeHandler()
			h.Base = tc.base
			_, err := Handle(context.Background(), h, routeForm{}, webhook.Event{Kind: webhook.KindPush, Ref: tc.ref, After: "d6fde92930d4715a2b49857d24b940956b26d2d3"})
			if got := errors.Is(err, errTipAsked); got != tc.records {
				t.Errorf("recorded %v, want %v (%v)", got, tc.records, err)
			}
		})
	}
}
