// Package webhook turns GitHub deliveries into connectbot events: it checks
// a delivery's signature, reads the few fields of the payload the bot acts
// on, and keeps only those. Payloads are untrusted: a delivery is a
// trigger, and the handlers read the current state of a pull request from
// GitHub rather than believing the payload's copy of it.
//
// Only the fields the bot reads are decoded, so a field it does not read
// never rejects a delivery, whatever its type: GitHub has sent the same
// field in more than one shape over the years (a repository's created_at
// is a Unix time in push payloads and a string elsewhere).
package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Event kinds connectbot acts on.
const (
	KindPullRequest = "pull_request"
	KindReview      = "pull_request_review"
	KindComment     = "issue_comment"
	KindIssue       = "issues"
	KindCheckRun    = "check_run"
	// KindCheckSuite is sent when someone re-runs all of an App's checks
	// on a commit; connectbot's suite holds its one check.
	KindCheckSuite = "check_suite"
	KindPing       = "ping"
	// KindPush is a push to a branch or tag; a push to the base branch
	// changes what every open pull request would merge into.
	KindPush = "push"
	// KindWorkflowRun is a GitHub Actions run that finished: connectbot's
	// report workflow acts on the run of its validate workflow.
	KindWorkflowRun = "workflow_run"
	// KindMergeGroup is sent when GitHub's merge queue builds a merge
	// group and asks for its required checks (action checks_requested).
	KindMergeGroup = "merge_group"
)

// Event is one delivery, reduced to what the bot acts on. Its json tags
// only keep the fields of one kind out of the others' testdata/parse.golden.
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
	// HeadSHA is the head commit the payload names: a pull request's
	// head, a check's commit, or the commit a push moved its ref to.
	HeadSHA string
	// Installation is the GitHub App installation id, 0 without one.
	Installation int64
	// Run is the workflow run of a workflow_run event.
	Run *WorkflowRun
	// Check is the name of the check run of a check_run event.
	Check string `json:",omitempty"`
	// Ref is the full ref a push moved ("refs/heads/main"); After is the
	// commit it points to now (also in HeadSHA), all zeros when Deleted.
	Ref, After string `json:",omitempty"`
	// Deleted is true when the push deleted Ref.
	Deleted bool `json:",omitempty"`
	// PushedAt is when the push happened, zero when the payload does not
	// say.
	PushedAt time.Time `json:",omitzero"`
	// Group is the merge group of a merge_group event.
	Group *MergeGroup `json:",omitempty"`
}

// MergeGroup is a merge queue's merge group: HeadSHA, the commit to
// check, on the temporary branch HeadRef
// ("refs/heads/gh-readonly-queue/main/pr-104-<sha>"), built on BaseSHA of
// the branch BaseRef it will merge into.
type MergeGroup struct {
	HeadSHA, HeadRef, BaseSHA, BaseRef string
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
	// Created is when the comment was posted (its created_at), in UTC: a
	// command takes effect on that day, however late it is handled.
	Created time.Time
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
// X-GitHub-Event header. Kinds connectbot does not act on give ErrIgnored.
// A payload that is not a JSON object, that names no repository, or where
// a field the bot reads has the wrong type is an error of one line that
// says which field; fields the bot does not read are never looked at.
func Parse(kind string, payload []byte) (Event, error) {
	read, ok := readers[kind]
	if !ok {
		return Event{}, ErrIgnored
	}
	e, err := read(payload)
	if err != nil {
		return Event{}, fmt.Errorf("%s payload: %s", kind, describe(err))
	}
	e.Kind = kind
	if e.Kind != KindPing && e.Repo == "" {
		return Event{}, fmt.Errorf("%s payload names no repository", kind)
	}
	return e, nil
}

// readers read the payload of each kind connectbot acts on.
var readers = map[string]func([]byte) (Event, error){
	KindPullRequest: read[pullRequestPayload],
	KindReview:      read[pullRequestPayload],
	KindComment:     read[commentPayload],
	KindIssue:       read[issuePayload],
	KindCheckRun:    read[checkRunPayload],
	KindCheckSuite:  read[checkSuitePayload],
	KindPush:        read[pushPayload],
	KindWorkflowRun: read[workflowRunPayload],
	KindMergeGroup:  read[mergeGroupPayload],
	KindPing:        read[pingPayload],
}

// payload is the shape of one kind of payload, as much of it as
// connectbot reads.
type payload interface {
	// base is the event as far as what every kind carries says (common).
	base() Event
	// event completes e, the base, with what this kind says, or says
	// which field is wrong.
	event(e Event) (Event, error)
}

// read decodes a payload of shape P and makes its event. A field of the
// wrong type is an error that describe turns into one line naming it.
func read[P payload](b []byte) (Event, error) {
	var p P
	if err := json.Unmarshal(b, &p); err != nil {
		return Event{}, err
	}
	return p.event(p.base())
}

// The payload types below hold only what connectbot reads; encoding/json
// skips every other field without looking at its type.

// common is what every event but ping carries.
type common struct {
	Action       string     `json:"action"`
	Repository   repository `json:"repository"`
	Sender       user       `json:"sender"`
	Installation struct {
		ID int64 `json:"id"`
	} `json:"installation"`
}

// base is the event as far as common says.
func (c common) base() Event {
	return Event{Action: c.Action, Repo: c.Repository.FullName, Sender: c.Sender.Login, Installation: c.Installation.ID}
}

// repository is a payload's repository. PushedAt is kept raw: only a
// push's is read, and GitHub has written it both as a Unix time and as a
// string.
type repository struct {
	FullName string          `json:"full_name"`
	PushedAt json.RawMessage `json:"pushed_at"`
}

type user struct {
	Login string `json:"login"`
}

// numbered is a pull request as a list in a check or a run names it.
type numbered struct {
	Number int `json:"number"`
}

// label is a label as an issue lists it.
type label struct {
	Name string `json:"name"`
}

// each is f of every element of xs, in order; nil when xs is empty.
func each[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

// checked is what a check run or suite says of what it checks: the head
// commit, and the pull requests it stands for.
type checked struct {
	HeadSHA      string     `json:"head_sha"`
	PullRequests []numbered `json:"pull_requests"`
}

// into makes e name the head commit, and the first of the pull requests
// when there is one: the pull request a check run or suite of its head
// commit stands for.
func (c checked) into(e *Event) {
	e.HeadSHA = c.HeadSHA
	if len(c.PullRequests) > 0 {
		e.Number, e.IsPullRequest = c.PullRequests[0].Number, true
	}
}

// present records whether a field is there and not null, whatever it
// holds.
type present bool

// UnmarshalJSON implements json.Unmarshaler.
func (p *present) UnmarshalJSON(b []byte) error {
	*p = string(b) != "null"
	return nil
}

// pullRequestPayload is a pull_request or pull_request_review payload.
type pullRequestPayload struct {
	common
	PullRequest struct {
		Number int `json:"number"`
		Head   struct {
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
}

func (p pullRequestPayload) event(e Event) (Event, error) {
	e.Number, e.IsPullRequest, e.HeadSHA = p.PullRequest.Number, true, p.PullRequest.Head.SHA
	return e, nil
}

// commentPayload is an issue_comment payload.
type commentPayload struct {
	common
	Issue struct {
		Number      int     `json:"number"`
		PullRequest present `json:"pull_request"`
	} `json:"issue"`
	Comment struct {
		ID      int64           `json:"id"`
		User    user            `json:"user"`
		Body    string          `json:"body"`
		Created json.RawMessage `json:"created_at"`
	} `json:"comment"`
}

func (p commentPayload) event(e Event) (Event, error) {
	created, err := parseTime(p.Comment.Created)
	if err != nil {
		return Event{}, fmt.Errorf("comment.created_at: %w", err)
	}
	e.Number, e.IsPullRequest = p.Issue.Number, bool(p.Issue.PullRequest)
	e.Comment = &Comment{ID: p.Comment.ID, Author: p.Comment.User.Login, Body: p.Comment.Body, Created: created}
	return e, nil
}

// issuePayload is an issues payload: the application form.
type issuePayload struct {
	common
	Issue struct {
		Number int     `json:"number"`
		Title  string  `json:"title"`
		Body   string  `json:"body"`
		User   user    `json:"user"`
		Labels []label `json:"labels"`
	} `json:"issue"`
}

func (p issuePayload) event(e Event) (Event, error) {
	is := p.Issue
	e.Number = is.Number
	e.Issue = &Issue{Number: is.Number, Title: is.Title, Body: is.Body, Author: is.User.Login,
		Labels: each(is.Labels, func(l label) string { return l.Name })}
	return e, nil
}

// checkRunPayload is a check_run payload.
type checkRunPayload struct {
	common
	CheckRun struct {
		Name         string     `json:"name"`
		HeadSHA      string     `json:"head_sha"`
		PullRequests []numbered `json:"pull_requests"`
	} `json:"check_run"`
}

func (p checkRunPayload) event(e Event) (Event, error) {
	e.Check = p.CheckRun.Name
	checked{p.CheckRun.HeadSHA, p.CheckRun.PullRequests}.into(&e)
	return e, nil
}

// checkSuitePayload is a check_suite payload.
type checkSuitePayload struct {
	common
	CheckSuite checked `json:"check_suite"`
}

func (p checkSuitePayload) event(e Event) (Event, error) {
	p.CheckSuite.into(&e)
	return e, nil
}

// pushPayload is a push payload.
type pushPayload struct {
	common
	Ref     string `json:"ref"`
	After   string `json:"after"`
	Deleted bool   `json:"deleted"`
}

func (p pushPayload) event(e Event) (Event, error) {
	at, err := parseTime(p.Repository.PushedAt)
	if err != nil {
		return Event{}, fmt.Errorf("repository.pushed_at: %w", err)
	}
	e.Ref, e.After, e.HeadSHA, e.Deleted, e.PushedAt = p.Ref, p.After, p.After, p.Deleted, at
	return e, nil
}

// workflowRunPayload is a workflow_run payload.
type workflowRunPayload struct {
	common
	WorkflowRun struct {
		ID           int64      `json:"id"`
		Name         string     `json:"name"`
		Event        string     `json:"event"`
		Status       string     `json:"status"`
		Conclusion   string     `json:"conclusion"`
		HeadSHA      string     `json:"head_sha"`
		PullRequests []numbered `json:"pull_requests"`
	} `json:"workflow_run"`
	Workflow struct {
		Name string `json:"name"`
	} `json:"workflow"`
}

func (p workflowRunPayload) event(e Event) (Event, error) {
	run := p.WorkflowRun
	e.HeadSHA = run.HeadSHA
	e.Run = &WorkflowRun{ID: run.ID, Name: run.Name, Event: run.Event, Status: run.Status, Conclusion: run.Conclusion, HeadSHA: run.HeadSHA}
	if e.Run.Name == "" {
		e.Run.Name = p.Workflow.Name
	}
	e.Run.PullRequests = each(run.PullRequests, func(pr numbered) int { return pr.Number })
	return e, nil
}

// mergeGroupPayload is a merge_group payload.
type mergeGroupPayload struct {
	common
	MergeGroup struct {
		HeadSHA string `json:"head_sha"`
		HeadRef string `json:"head_ref"`
		BaseSHA string `json:"base_sha"`
		BaseRef string `json:"base_ref"`
	} `json:"merge_group"`
}

func (p mergeGroupPayload) event(e Event) (Event, error) {
	g := MergeGroup(p.MergeGroup)
	e.HeadSHA, e.Group = g.HeadSHA, &g
	return e, nil
}

// pingPayload is only the installation: a ping is acknowledged, never
// acted on.
type pingPayload struct {
	Installation struct {
		ID int64 `json:"id"`
	} `json:"installation"`
}

// base is the installation alone.
func (p pingPayload) base() Event { return Event{Installation: p.Installation.ID} }

func (pingPayload) event(e Event) (Event, error) { return e, nil }

// describe says in one line what is wrong with a payload, naming the
// field when it is a field of the wrong type.
func describe(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return fmt.Sprintf("the payload is a JSON %s, not an object", typeErr.Value)
		}
		return fmt.Sprintf("%s is a JSON %s, where a JSON %s was expected", typeErr.Field, typeErr.Value, jsonKind(typeErr.Type))
	}
	return oneLine(err.Error())
}

// jsonKind names the JSON value that decodes into a Go type.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}

func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
