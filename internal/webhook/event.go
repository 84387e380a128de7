// Package webhook turns GitHub deliveries into connectbot events: it checks
// a delivery's signature, parses the payload with go-github, and keeps only
// what the bot needs to know to act. Payloads are untrusted: a delivery is
// a trigger, and the handlers read the current state of a pull request
// from GitHub rather than believing the payload's copy of it.
package webhook

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
)

// Event kinds connectbot acts on.
const (
	KindPullRequest = "pull_request"
	KindReview      = "pull_request_review"
	KindComment     = "issue_comment"
	KindIssue       = "issues"
	KindCheckRun    = "check_run"
	KindPing        = "ping"
	// KindWorkflowRun is a GitHub Actions run that finished: connectbot's
	// report workflow acts on the run of its validate workflow.
	KindWorkflowRun = "workflow_run"
)

// Event is one delivery, reduced to what the bot acts on.
type Event struct {
	// Kind is the X-GitHub-Event name; Action the payload's action.
	Kind, Action string
	// Repo is "owner/name".
	Repo string
	// Number is the pull request or issue number, 0 when there is none.
	Number int
	// IsPullRequest is true when Number names a pull request (an issue
	// comment may be on either).
	IsPullRequest bool
	// Sender is the login of who caused the event.
	Sender string
	// Comment is the comment of an issue_comment event.
	Comment *Comment
	// Issue is the issue of an issues event (the application form).
	Issue *Issue
	// HeadSHA is the head commit the payload names, for logging only.
	HeadSHA string
	// Installation is the GitHub App installation id, 0 without one.
	Installation int64
	// Run is the workflow run of a workflow_run event.
	Run *WorkflowRun
}

// WorkflowRun is a GitHub Actions workflow run, as a workflow_run event
// names it. Its pull requests are GitHub's own list, empty for a pull
// request from a fork; HeadSHA is the commit the run was for.
type WorkflowRun struct {
	ID int64
	// Name is the workflow's name ("validate"); Event the event that
	// started the run ("pull_request").
	Name, Event string
	// Status is "completed" once it finished; Conclusion then says how
	// ("success", "failure", "cancelled", ...).
	Status, Conclusion string
	HeadSHA            string
	PullRequests       []int
}

// Comment is a comment on an issue or pull request.
type Comment struct {
	ID     int64
	Author string
	Body   string
}

// Issue is an issue as opened by someone.
type Issue struct {
	Number int
	Title  string
	Body   string
	Author string
	Labels []string
}

// ErrIgnored reports an event kind connectbot does not act on; the caller
// acknowledges it and does nothing.
var ErrIgnored = errors.New("event ignored")

// Parse reads a delivery's payload for the event kind named by its
// X-GitHub-Event header. Kinds connectbot does not act on give ErrIgnored;
// a payload that does not parse is an error.
func Parse(kind string, payload []byte) (Event, error) {
	switch kind {
	case KindPullRequest, KindReview, KindComment, KindIssue, KindCheckRun, KindPing, KindWorkflowRun:
	default:
		return Event{}, ErrIgnored
	}
	raw, err := github.ParseWebHook(kind, payload)
	if err != nil {
		return Event{}, fmt.Errorf("%s payload: %v", kind, oneLine(err.Error()))
	}
	e := Event{Kind: kind}
	switch p := raw.(type) {
	case *github.PullRequestEvent:
		e.Action, e.Repo, e.Sender = p.GetAction(), p.GetRepo().GetFullName(), p.GetSender().GetLogin()
		e.Number, e.IsPullRequest = p.GetPullRequest().GetNumber(), true
		e.HeadSHA = p.GetPullRequest().GetHead().GetSHA()
		e.Installation = p.GetInstallation().GetID()
	case *github.PullRequestReviewEvent:
		e.Action, e.Repo, e.Sender = p.GetAction(), p.GetRepo().GetFullName(), p.GetSender().GetLogin()
		e.Number, e.IsPullRequest = p.GetPullRequest().GetNumber(), true
		e.HeadSHA = p.GetPullRequest().GetHead().GetSHA()
		e.Installation = p.GetInstallation().GetID()
	case *github.IssueCommentEvent:
		e.Action, e.Repo, e.Sender = p.GetAction(), p.GetRepo().GetFullName(), p.GetSender().GetLogin()
		e.Number, e.IsPullRequest = p.GetIssue().GetNumber(), p.GetIssue().IsPullRequest()
		e.Comment = &Comment{ID: p.GetComment().GetID(), Author: p.GetComment().GetUser().GetLogin(), Body: p.GetComment().GetBody()}
		e.Installation = p.GetInstallation().GetID()
	case *github.IssuesEvent:
		e.Action, e.Repo, e.Sender = p.GetAction(), p.GetRepo().GetFullName(), p.GetSender().GetLogin()
		is := p.GetIssue()
		e.Number = is.GetNumber()
		e.Issue = &Issue{Number: is.GetNumber(), Title: is.GetTitle(), Body: is.GetBody(), Author: is.GetUser().GetLogin()}
		for _, l := range is.Labels {
			e.Issue.Labels = append(e.Issue.Labels, l.GetName())
		}
		e.Installation = p.GetInstallation().GetID()
	case *github.CheckRunEvent:
		e.Action, e.Repo, e.Sender = p.GetAction(), p.GetRepo().GetFullName(), p.GetSender().GetLogin()
		e.HeadSHA = p.GetCheckRun().GetHeadSHA()
		if cr := p.GetCheckRun(); cr != nil && len(cr.PullRequests) > 0 {
			prs := cr.PullRequests
			e.Number, e.IsPullRequest = prs[0].GetNumber(), true
		}
		e.Installation = p.GetInstallation().GetID()
	case *github.WorkflowRunEvent:
		e.Action, e.Repo, e.Sender = p.GetAction(), p.GetRepo().GetFullName(), p.GetSender().GetLogin()
		run := p.GetWorkflowRun()
		e.HeadSHA = run.GetHeadSHA()
		e.Run = &WorkflowRun{
			ID: run.GetID(), Name: run.GetName(), Event: run.GetEvent(),
			Status: run.GetStatus(), Conclusion: run.GetConclusion(), HeadSHA: run.GetHeadSHA(),
		}
		if e.Run.Name == "" {
			e.Run.Name = p.GetWorkflow().GetName()
		}
		for _, pr := range run.PullRequests {
			e.Run.PullRequests = append(e.Run.PullRequests, pr.GetNumber())
		}
		e.Installation = p.GetInstallation().GetID()
	case *github.PingEvent:
		e.Installation = p.GetInstallation().GetID()
	}
	if e.Kind != KindPing && e.Repo == "" {
		return Event{}, fmt.Errorf("%s payload names no repository", kind)
	}
	return e, nil
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
