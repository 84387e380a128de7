// Package apply carries out a plan of internal/program through GitHub and
// git: it opens the pull requests that remove, promote or launch an
// integrator, and closes the ones whose condition no longer holds. Every
// step looks before it acts — deterministic branch names, open and closed
// pull requests found by branch and by a hidden marker — so a run repeated,
// run twice at once or restarted after a crash does what one run does.
//
// An action is reported done or already done only on what GitHub shows:
// when GitHub refuses a write, the executor reads back whether what it
// wanted is there (another run may have made it) and otherwise reports the
// action Failed with GitHub's own message. A failed action leaves nothing
// that makes the next run think it done, so the next run tries it again.
package apply

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/plaintext"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// forgeClient is what the executor needs of GitHub.
type forgeClient interface {
	ListPRs(ctx context.Context, head, state string) ([]forge.PR, error)
	CreatePR(ctx context.Context, pr forge.NewPR) (forge.PR, error)
	PullRequest(ctx context.Context, number int) (forge.PR, error)
	ClosePR(ctx context.Context, number int) error
	CreateComment(ctx context.Context, number int, body string) (forge.Comment, error)
	ListComments(ctx context.Context, number int) ([]forge.Comment, error)
	AddLabels(ctx context.Context, number int, labels ...string) error
	EnsureLabel(ctx context.Context, name, color, description string) error
	CreateIssue(ctx context.Context, title, body string, labels ...string) (forge.Issue, error)
	ListIssues(ctx context.Context, state string, labels ...string) ([]forge.Issue, error)
}

// gitRepo is what the executor needs of the repository.
type gitRepo interface {
	Fetch(ctx context.Context, refspecs ...string) error
	Resolve(rev string) (string, error)
	Tree(sha string) (fs.FS, error)
	Entries(sha, dir string) (map[string]gitrepo.Entry, error)
	Commit(ctx context.Context, c gitrepo.Change) (string, error)
	Push(ctx context.Context, branch string, opts gitrepo.PushOptions) error
	Author(sha string) (gitrepo.Signature, error)
}

// Result statuses.
const (
	// Done: this run made the change, and GitHub answered that it holds.
	Done = "done"
	// AlreadyDone: GitHub shows the change made, by an earlier or a
	// concurrent run.
	AlreadyDone = "already done"
	// Skipped: not tried — over the run's budget, or a person's work or
	// decision in the way.
	Skipped = "skipped"
	// Failed: tried, and GitHub or git refused it; Detail says why, in
	// GitHub's words. The next run tries it again.
	Failed = "failed"
)

// Result is what became of one action.
type Result struct {
	Action program.Action
	Status string
	// Detail says what was done or why not, for the run summary.
	Detail string
	// PR is the pull request (or tracking issue) the action concerns, when
	// there is one.
	PR int
	// Err is why a Failed action failed: a *forge.APIError carries
	// GitHub's status and message.
	Err error
}

// failed reports an action that GitHub or git refused.
func failed(a program.Action, pr int, err error) Result {
	return Result{Action: a, Status: Failed, PR: pr, Detail: why(err), Err: err}
}

// why says in one line why a write failed: for an answer from GitHub, the
// call, the status and GitHub's message with its per-field details.
func why(err error) string {
	msg := err.Error()
	var apiErr *forge.APIError
	if errors.As(err, &apiErr) {
		msg = strings.Replace(msg, apiErr.Error(), fmt.Sprintf("%s: GitHub answered %d %s", apiErr.Op, apiErr.Status, apiErr.Detail()), 1)
	}
	return plaintext.Line(msg)
}

// Executor carries plans out.
type Executor struct {
	Forge forgeClient
	Git   gitRepo
	// Base is the branch the program lives on.
	Base string
	// Identity signs connectbot's commits; its email tells the bot's own
	// commits from a person's.
	Identity gitrepo.Signature
	// BotLogin is the GitHub login connectbot comments as: only its
	// comments mark a reminder or a closing as posted, since anyone can
	// write a marker. With "" a reminder or a closing fails rather than
	// trust anyone's marker.
	BotLogin string
	// Budget is how many actions one run may carry out or try (a failed
	// action counts, as its requests were made); the rest are skipped and
	// worked off by the next run. 0 means no limit.
	Budget int
	// Now reads the clock, once per run.
	Now func() time.Time
	Log *slog.Logger
	// Web is the repository's web address, https://github.com/owner/name,
	// for the links a reminder ends with (the step's form, the file in
	// GitHub's web editor); "" leaves the links out.
	Web string
	// Loader loads the program at the base branch, by its one rule for
	// the schema; the run's tick and pull-request handler share it. Nil
	// gives the executor a loader of its own.
	Loader *loader.Loader
}

// Apply carries out every action of plan, in the plan's order, and
// reports each: pull requests opened or closed, reminders posted on each
// application's tracking issue.
// An error from GitHub or git on one action is reported on that action,
// Failed, and the run goes on to the next; Apply returns an error only
// when the repository itself cannot be read.
func (x *Executor) Apply(ctx context.Context, plan program.Plan) ([]Result, error) {
	if len(plan.Actions) == 0 {
		return nil, nil
	}
	if err := x.Git.Fetch(ctx); err != nil {
		return nil, err
	}
	if x.Loader == nil {
		// One loader for the run's actions.
		run := *x
		run.Loader = loader.New()
		x = &run
	}
	now := application.DateOf(x.Now())
	var out []Result
	spent := 0
	tracking := &trackingIssues{x: x}
	for _, a := range plan.Actions {
		if x.Budget > 0 && spent >= x.Budget {
			out = append(out, Result{Action: a, Status: Skipped, Detail: fmt.Sprintf("the run's budget of %d actions is spent; the next run takes it up", x.Budget)})
			continue
		}
		var r Result
		var err error
		switch a.Kind {
		case program.KindClosePR:
			r, err = x.closePR(ctx, a)
		case program.KindRemind:
			r, err = x.remind(ctx, a, tracking)
		default:
			r, err = x.openPR(ctx, a, now)
		}
		if err != nil {
			r = failed(a, r.PR, err)
		}
		if r.Status == Done || r.Status == Failed {
			// A failed action was tried: what it asked of GitHub counts.
			spent++
		}
		out = append(out, r)
	}
	return out, nil
}

// openPR opens the pull request that removes, promotes or launches, unless
// it is already open, merged, or a reviewer closed it for this deadline
// or command (program.Marker).
func (x *Executor) openPR(ctx context.Context, a program.Action, now application.Date) (Result, error) {
	branch := program.Branch(a)
	if branch == "" {
		return Result{}, fmt.Errorf("%s is not an action that opens a pull request", a.Kind)
	}
	if !policy.ValidSlug(a.Slug) {
		// The slug names the branch: only a well-formed one may.
		return Result{}, fmt.Errorf("%q is not a slug (lowercase letters, digits and single hyphens); no branch is named after it", a.Slug)
	}
	if r, found, err := x.openedBefore(ctx, a, branch); found || err != nil {
		return r, err
	}
	baseSHA := x.baseSHA()
	if baseSHA == "" {
		return Result{}, fmt.Errorf("branch %s not found", x.Base)
	}
	if r, mine, err := x.branchIsMine(a, branch); !mine || err != nil {
		return r, err
	}
	app, err := x.propose(ctx, a, branch, baseSHA, now)
	if err != nil {
		return Result{}, err
	}
	return x.create(ctx, a, app, branch)
}

// openedBefore finds the pull request an earlier run opened on branch for
// a: open (labelled, if it was not), merged, or closed by a reviewer.
// found is false when there is none, and a is still to be done.
func (x *Executor) openedBefore(ctx context.Context, a program.Action, branch string) (Result, bool, error) {
	marker := program.Marker(a)
	prs, err := x.Forge.ListPRs(ctx, branch, "all")
	if err != nil {
		return Result{}, true, err
	}
	for _, pr := range prs {
		switch {
		case pr.State == "open":
			if err := x.label(ctx, pr, program.ActionLabel(a.Kind)); err != nil {
				return Result{PR: pr.Number}, true, err
			}
			return Result{Action: a, Status: AlreadyDone, PR: pr.Number, Detail: fmt.Sprintf("#%d is open", pr.Number)}, true, nil
		case pr.Merged && strings.Contains(pr.Body, marker):
			return Result{Action: a, Status: AlreadyDone, PR: pr.Number, Detail: fmt.Sprintf("#%d was merged", pr.Number)}, true, nil
		case strings.Contains(pr.Body, marker):
			return Result{Action: a, Status: Skipped, PR: pr.Number,
				Detail: fmt.Sprintf("a reviewer closed #%d for this %s; it is not opened again", pr.Number, keyedOn(a))}, true, nil
		}
	}
	return Result{}, false, nil
}

// branchIsMine reports whether branch may be written: it is not there, or
// it is left from an earlier deadline and every tip commit is the bot's
// own. A person's work is never overwritten: then the result says so.
func (x *Executor) branchIsMine(a program.Action, branch string) (Result, bool, error) {
	remote, err := x.Git.Resolve("refs/remotes/origin/" + branch)
	if err != nil || remote == "" {
		return Result{}, true, nil
	}
	author, err := x.Git.Author(remote)
	if err != nil {
		return Result{}, false, err
	}
	if !strings.EqualFold(author.Email, x.Identity.Email) {
		return Result{Action: a, Status: Skipped, Detail: fmt.Sprintf("branch %s has commits by %s; connectbot does not overwrite a person's work", branch, author.Name)}, false, nil
	}
	return Result{}, true, nil
}

// propose commits a's change to the application, made on baseSHA, to
// branch and pushes it, and returns the application as it was.
func (x *Executor) propose(ctx context.Context, a program.Action, branch, baseSHA string, now application.Date) (application.File, error) {
	app, tree, err := x.application(baseSHA, a.Slug)
	if err != nil {
		return application.File{}, err
	}
	next, ok := program.Effect(a, app.App.Program, now)
	if !ok {
		return application.File{}, fmt.Errorf("%s changes no file", a.Kind)
	}
	p := application.PathOf(a.Slug)
	written, err := x.loader().Rewrite(tree, p, next)
	if err != nil {
		return application.File{}, err
	}
	id := x.Identity
	id.When = x.Now()
	if _, err := x.Git.Commit(ctx, gitrepo.Change{Parent: baseSHA, Branch: branch, Files: map[string][]byte{p: written},
		Message: Message(a, app.App), Author: id}); err != nil {
		return application.File{}, err
	}
	// A branch pushed for a pull request that then fails to open is no
	// sign of done: the next run finds no pull request, reuses the branch
	// (its commits are the bot's) and opens it.
	if err := x.Git.Push(ctx, branch, gitrepo.PushOptions{Force: true}); err != nil {
		return application.File{}, err
	}
	return app, nil
}

// create opens the pull request of a from branch, and labels it.
func (x *Executor) create(ctx context.Context, a program.Action, app application.File, branch string) (Result, error) {
	body := report.FitComment(program.Marker(a) + "\n" + Body(a, app.App))
	pr, err := x.Forge.CreatePR(ctx, forge.NewPR{Title: Title(a, app.App), Body: body, Head: branch, Base: x.Base})
	status, detail := Done, "opened #%d"
	if err != nil {
		// GitHub refused (422) or answered with a server error, after which
		// the pull request may or may not be there: read back. Only a pull
		// request GitHub shows open on the branch counts.
		open, found, lerr := x.openOn(ctx, branch)
		switch {
		case lerr != nil:
			return Result{}, fmt.Errorf("%w; reading back: %w", err, lerr)
		case !found:
			return Result{}, err
		}
		pr = open
		status, detail = AlreadyDone, "#%d was opened by a concurrent run"
		if !errors.Is(err, forge.ErrValidation) {
			status, detail = Done, "opened #%d (GitHub answered with an error, but it is open)"
		}
	}
	if err := x.label(ctx, pr, program.ActionLabel(a.Kind)); err != nil {
		return Result{PR: pr.Number}, fmt.Errorf("opened #%d, but %w", pr.Number, err)
	}
	return Result{Action: a, Status: status, PR: pr.Number, Detail: fmt.Sprintf(detail, pr.Number)}, nil
}

// Relabel puts on pr, an open pull request connectbot opened for an
// action of kind, the label that kind carries, unless it is there: a run
// that opened the pull request and stopped before labelling it leaves the
// label to the next. It reports whether pr lacked the label, with the
// result of putting it on (Done or Failed).
func (x *Executor) Relabel(ctx context.Context, pr forge.PR, kind program.ActionKind) (Result, bool) {
	a := program.Action{Kind: kind, PR: pr.Number}
	if parts := strings.Split(pr.HeadRef, "/"); len(parts) == 3 {
		a.Slug = parts[2]
	}
	l := program.ActionLabel(a.Kind)
	if slices.Contains(pr.Labels, l) {
		return Result{}, false
	}
	if err := x.label(ctx, pr, l); err != nil {
		return failed(a, pr.Number, err), true
	}
	return Result{Action: a, Status: Done, PR: pr.Number, Detail: fmt.Sprintf("labelled #%d %q, which an earlier run opened", pr.Number, l)}, true
}

// label puts label on pr unless it is there.
func (x *Executor) label(ctx context.Context, pr forge.PR, label string) error {
	if slices.Contains(pr.Labels, label) {
		return nil
	}
	style := program.StyleOf(label)
	if err := x.Forge.EnsureLabel(ctx, label, style.Color, style.Description); err != nil {
		return fmt.Errorf("labelling #%d %q failed: %w", pr.Number, label, err)
	}
	if err := x.Forge.AddLabels(ctx, pr.Number, label); err != nil {
		return fmt.Errorf("labelling #%d %q failed: %w", pr.Number, label, err)
	}
	return nil
}

// openOn returns the open pull request whose head is branch, if GitHub
// shows one.
func (x *Executor) openOn(ctx context.Context, branch string) (forge.PR, bool, error) {
	prs, err := x.Forge.ListPRs(ctx, branch, "open")
	if err != nil {
		return forge.PR{}, false, err
	}
	for _, pr := range prs {
		if pr.State == "open" && pr.HeadRef == branch {
			return pr, true, nil
		}
	}
	return forge.PR{}, false, nil
}

// closePR closes a bot pull request whose condition stopped holding, with
// a comment saying why — or only comments when a person has pushed to it.
func (x *Executor) closePR(ctx context.Context, a program.Action) (Result, error) {
	pr, err := x.Forge.PullRequest(ctx, a.PR)
	if err != nil {
		return Result{}, err
	}
	if pr.State != "open" {
		return Result{Action: a, Status: AlreadyDone, PR: pr.Number, Detail: fmt.Sprintf("#%d is %s", pr.Number, pr.State)}, nil
	}
	author, err := x.Git.Author(pr.HeadSHA)
	if err != nil {
		if err := x.Git.Fetch(ctx, fmt.Sprintf("+refs/pull/%d/head:refs/remotes/origin/pull/%d", pr.Number, pr.Number)); err != nil {
			return Result{}, err
		}
		if author, err = x.Git.Author(pr.HeadSHA); err != nil {
			return Result{}, err
		}
	}
	personal := !strings.EqualFold(author.Email, x.Identity.Email)
	body := fmt.Sprintf("%s\n\nconnectbot closes this pull request: %s (%s: “%s”)", closeMarker(a), markdown.Escape(a.Evidence), a.Rule, a.Clause)
	if personal {
		body = fmt.Sprintf("%s\n\nThis pull request no longer applies: %s (%s). @%s pushed to it, so connectbot leaves it open for a reviewer to close.", closeMarker(a), markdown.Escape(a.Evidence), a.Rule, author.Name)
	}
	if _, err := x.commentOnce(ctx, pr.Number, closeMarker(a), body); err != nil {
		return Result{PR: pr.Number}, err
	}
	if personal {
		return Result{Action: a, Status: Skipped, PR: pr.Number, Detail: "a person pushed to it: commented instead of closing"}, nil
	}
	if err := x.Forge.ClosePR(ctx, pr.Number); err != nil {
		return Result{PR: pr.Number}, err
	}
	return Result{Action: a, Status: Done, PR: pr.Number, Detail: fmt.Sprintf("closed #%d", pr.Number)}, nil
}

// commentOnce posts body unless a comment carrying marker is there
// already, and reports whether it posted it. When GitHub answers the post
// with an error, it reads back: the comment counts as posted only if
// GitHub shows it.
func (x *Executor) commentOnce(ctx context.Context, number int, marker, body string) (bool, error) {
	there, err := x.hasComment(ctx, number, marker)
	if err != nil || there {
		return false, err
	}
	if _, err := x.Forge.CreateComment(ctx, number, report.FitComment(body)); err != nil {
		if there, lerr := x.hasComment(ctx, number, marker); lerr == nil && there {
			return true, nil
		}
		return false, err
	}
	return true, nil
}

// hasComment reports whether a comment on number carries marker.
func (x *Executor) hasComment(ctx context.Context, number int, marker string) (bool, error) {
	if x.BotLogin == "" {
		// Without it anyone's comment could carry the marker and hold a
		// reminder or a closing off.
		return false, errors.New("the executor has no BotLogin: it cannot tell its own comments from anyone's")
	}
	comments, err := x.Forge.ListComments(ctx, number)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(comments, func(c forge.Comment) bool {
		return strings.EqualFold(c.Author, x.BotLogin) && strings.Contains(c.Body, marker)
	}), nil
}

// keyedOn names what an action's pull request is keyed on.
func keyedOn(a program.Action) string {
	if a.Comment != 0 {
		return "command"
	}
	return "deadline"
}

func closeMarker(a program.Action) string {
	return fmt.Sprintf("<!-- connectbot:close %d %s -->", a.PR, a.Due)
}

// application reads an application at commit sha through the loader,
// with the tree it is in; one that does not load is an error.
func (x *Executor) application(sha, slug string) (application.File, loader.Tree, error) {
	tree, err := loader.Read(x.Git, sha)
	if err != nil {
		return application.File{}, loader.Tree{}, err
	}
	p := application.PathOf(slug)
	f, _, err := x.loader().Application(tree, p)
	if err != nil {
		return application.File{}, loader.Tree{}, err
	}
	if f.App == nil {
		return application.File{}, loader.Tree{}, fmt.Errorf("%s does not load: %s", p, f.Findings[0].Message)
	}
	return f, tree, nil
}

// loader is the executor's Loader, or a new one.
func (x *Executor) loader() *loader.Loader {
	if x.Loader == nil {
		return loader.New()
	}
	return x.Loader
}

// baseSHA is the commit the base branch was at when last fetched, or "".
func (x *Executor) baseSHA() string {
	sha, err := x.Git.Resolve("refs/remotes/origin/" + x.Base)
	if err != nil {
		return ""
	}
	return sha
}
