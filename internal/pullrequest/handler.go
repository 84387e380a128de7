package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/installs"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// forgeClient is what the handler needs of GitHub.
type forgeClient interface {
	PullRequest(ctx context.Context, number int) (forge.PR, error)
	ListReviewsAtEnds(ctx context.Context, number, maxPages int) ([]forge.Review, bool, error)
	ListComments(ctx context.Context, number int) ([]forge.Comment, error)
	ListCommentsAtEnds(ctx context.Context, number, maxPages int) ([]forge.Comment, bool, error)
	ListCommentsSince(ctx context.Context, number int, since time.Time, maxPages int) ([]forge.Comment, bool, error)
	CreateComment(ctx context.Context, number int, body string) (forge.Comment, error)
	EditComment(ctx context.Context, id int64, body string) (forge.Comment, error)
	AddLabels(ctx context.Context, number int, labels ...string) error
	RemoveLabel(ctx context.Context, number int, label string) error
	EnsureLabel(ctx context.Context, name, color, description string) error
	CreateCheckRun(ctx context.Context, run forge.CheckRun) (forge.CheckResult, error)
	// Issue reads the issue a form's pull request was opened for.
	Issue(ctx context.Context, number int) (forge.Issue, error)
	// ListCheckRuns reads the checks on a head, to tell a verdict the
	// check shows already and a pull request settled since a reconcile.
	ListCheckRuns(ctx context.Context, ref, name string) ([]forge.CheckRunInfo, error)
	// LastReopened reads when a pull request was last reopened, which an
	// approval must be given after.
	LastReopened(ctx context.Context, number, maxPages int) (time.Time, error)
	// ListOpenPRsInto lists the open pull requests into a branch: those
	// Reconcile and Rejudge take up.
	ListOpenPRsInto(ctx context.Context, base string) ([]forge.PR, error)
	// FindPRsByHead finds the open pull requests whose head is a commit:
	// those a re-run check is for (internal/dispatch asks it through the
	// handler, as GitHub names none for a fork's).
	FindPRsByHead(ctx context.Context, sha string) ([]forge.PR, error)
	// BranchRules reads the types of the rules of a branch's rulesets:
	// one behind GitHub's merge queue takes no merge of connectbot's.
	BranchRules(ctx context.Context, branch string) ([]string, error)
	// UpdateBranch asks GitHub to merge the base branch into a pull
	// request's head branch, pinned to its head commit.
	UpdateBranch(ctx context.Context, number int, sha string) error
}

// gitRepo is what the handler needs of the repository.
type gitRepo interface {
	Fetch(ctx context.Context, refspecs ...string) error
	FetchPull(ctx context.Context, number int) (string, error)
	Resolve(rev string) (string, error)
	// RemoteTip asks where a branch of origin points, fetching nothing.
	RemoteTip(ctx context.Context, branch string) (string, error)
	Tree(sha string) (fs.FS, error)
	Entries(sha, dir string) (map[string]gitrepo.Entry, error)
	Merge(ctx context.Context, spec gitrepo.MergeSpec) (*gitrepo.MergeResult, error)
	Commit(ctx context.Context, c gitrepo.Change) (string, error)
	SetBranch(branch, sha string) error
	Push(ctx context.Context, branch string, opts gitrepo.PushOptions) error
	// Author and Message read the commit at a form's pull request's head.
	Author(sha string) (gitrepo.Signature, error)
	Message(sha string) (string, error)
	// AcquireLease takes turns with other connectbot processes on one
	// pull request (see withLease).
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, now time.Time) (*gitrepo.Lease, error)
	// Parents reads a merge queue's merge commit: its parents and tree.
	Parents(sha string) (parents []string, tree string, err error)
}

// CheckName is the name of connectbot's check on a commit.
const CheckName = "connectbot"

// Handler judges pull requests and carries out the verdicts.
type Handler struct {
	Forge forgeClient
	Git   gitRepo
	// BotLogin is the GitHub login connectbot comments as; only comments
	// by it are ever edited.
	BotLogin string
	// Base is the branch the program lives on (CONNECTBOT_BASE_BRANCH):
	// the only one connectbot merges into, and whose reviewers and
	// applications a command reads. "" means the repository's default
	// branch, as GitHub names it on each pull request.
	Base string
	// Identity signs the commits that record transitions.
	Identity gitrepo.Signature
	// Apply carries out a reviewer's termination; nil means terminations
	// are answered but not carried out.
	Apply executor
	// DryRun reads everything and decides every write as a run would,
	// then says those writes to Out instead of making them on GitHub or in
	// git (see recorder).
	DryRun bool
	Out    io.Writer
	// Now reads the clock once per event.
	Now func() time.Time
	Log *slog.Logger
	// Web is the repository's web address, https://github.com/owner/name,
	// for the links a failing comment ends with (the step's form, the file
	// in GitHub's web editor); "" leaves them out.
	Web string
	// Judge keeps what judging loaded between events; nil judges every
	// pull request from scratch.
	Judge *Judge
	// Holder names this process in the leases it takes on the repository
	// (host and process id, say), so that several connectbots — replicas
	// of serve, serve and the Actions workflows — take turns on each pull
	// request; "" takes no leases.
	Holder string
	// ReconcileBudget is the most writes one reconcile pass makes; the
	// pull requests left over are reported skipped and taken up first by
	// the next pass. 0 means no limit.
	ReconcileBudget int
	// Settled remembers the pull requests a reconcile found settled, so
	// that a later one does not judge again those with nothing new; nil
	// judges every one.
	Settled *Settled
	// Backlog remembers which pull requests reconciles took up when, so
	// that each pass starts with those left longest; nil takes them up in
	// the order they were opened.
	Backlog *Backlog
	// Installs reads the live install counts of the source the base's
	// program.cue names, for acceptance (Connect req-4); nil asks the
	// source over HTTP (internal/installs).
	Installs installs.Reader
}

// programBranch is the branch the program lives on: h.Base, or else
// the default branch of pull request pr's repository.
func (h *Handler) programBranch(pr forge.PR) string {
	if h.Base != "" {
		return h.Base
	}
	return pr.DefaultBranch
}

// isBot reports whether login is connectbot's own. An unset BotLogin
// matches no one, so an empty author is never taken for the bot.
func (h *Handler) isBot(login string) bool {
	return h.BotLogin != "" && strings.EqualFold(login, h.BotLogin)
}

// Outcome says what handling a pull request did.
type Outcome struct {
	Verdict program.Verdict
	// Done lists the side effects carried out, in order ("comment created",
	// "merged abc1234", ...); an identical second run does nothing.
	Done []string
	// MergedInto is the branch the pull request was merged into, "" when
	// it was not merged.
	MergedInto string
}

// mergeAttempts bounds how many times Handle judges again because the base
// branch moved between a verdict and its merge.
const mergeAttempts = 3

// errBaseMoved means the base branch moved between judging a pull request
// and pushing its merge: the verdict is stale.
var errBaseMoved = errors.New("the base branch moved since the verdict")

// Handle judges pull request number as it would merge — its current head
// merged into the base branch's current tip — and acts: one sticky comment,
// one check, the labels, and on an authorised approval the judged merge
// pushed to the base branch, with the transition commit, under a lease on
// the tip that was judged. If the base moved in between, the push is
// refused and the pull request is judged again against the new tip.
func (h *Handler) Handle(ctx context.Context, number int) (Outcome, error) {
	return h.handle(ctx, turn{}, number, false)
}

// Recheck is Handle for someone who asked for the check again (a re-run
// on GitHub, `/connectbot recheck`): the check is written even when the
// verdict did not change, since GitHub shows a re-run check as queued
// until a new result comes.
func (h *Handler) Recheck(ctx context.Context, number int) (Outcome, error) {
	return h.handle(ctx, turn{}, number, true)
}

// handle is Handle, or Recheck when forceCheck, within the work t is
// doing.
func (h *Handler) handle(ctx context.Context, t turn, number int, forceCheck bool) (Outcome, error) {
	var out Outcome
	err := h.withLease(ctx, t, prLease(number), func(ctx context.Context, t turn) error {
		var err error
		out, err = h.handleHeld(ctx, t, number, forceCheck)
		return err
	})
	return out, err
}

// handleHeld is handle with the pull request's lease held.
func (h *Handler) handleHeld(ctx context.Context, t turn, number int, forceCheck bool) (Outcome, error) {
	var out Outcome
	for attempt := 1; ; attempt++ {
		err := h.handleOnce(ctx, number, forceCheck, &out)
		if !errors.Is(err, errBaseMoved) {
			if err == nil && out.MergedInto != "" && !t.rejudging {
				err = h.rejudgeAfterMerge(ctx, t, out.MergedInto, &out)
			}
			return out, err
		}
		if attempt == mergeAttempts {
			out.Done = append(out.Done, fmt.Sprintf("not merged: the base branch kept moving (%d verdicts); the next event or tick judges it again", attempt))
			return out, nil
		}
		out.Done = append(out.Done, "the base branch moved before the merge: judging again")
	}
}

// handleOnce is one verdict on pull request number, carried out.
func (h *Handler) handleOnce(ctx context.Context, number int, forceCheck bool, out *Outcome) error {
	now := application.DateOf(h.Now())
	pr, err := h.Forge.PullRequest(ctx, number)
	if err != nil {
		return fmt.Errorf("pull request #%d: %w", number, err)
	}
	if pr.State != "open" {
		return h.closed(ctx, pr, out)
	}
	facts, st, err := h.gather(ctx, pr, now, "")
	if err != nil {
		return err
	}
	if facts.ReopenedAt, err = h.lastReopened(ctx, *facts); err != nil {
		return err
	}
	v, err := h.decide(ctx, facts)
	if err != nil {
		return err
	}
	w, done := h.writer(fmt.Sprintf("pull request #%d at %s", pr.Number, v.HeadSHA))
	if v, err = h.bringUpToDate(ctx, w, pr, facts, v, out); err != nil {
		return done(err)
	}
	out.Verdict = v
	body := report.PRComment(v, st.impact, h.fixes(pr, facts, v))
	return done(h.carryOut(ctx, w, pr, v, st, body, forceCheck, out))
}

// closed is what handling pull request pr, closed, does: for one GitHub
// merged into the program's branch, the stage changes of the approved
// pull requests merged there that are not recorded yet are recorded
// (RecordMerged); nothing otherwise.
func (h *Handler) closed(ctx context.Context, pr forge.PR, out *Outcome) error {
	if !pr.Merged || pr.BaseRef != h.programBranch(pr) {
		out.Done = append(out.Done, "pull request is "+pr.State+": nothing to do")
		return nil
	}
	recorded, err := h.RecordMerged(ctx, pr.BaseRef)
	for _, r := range recorded {
		for _, d := range r.Done {
			out.Done = append(out.Done, fmt.Sprintf("#%d: %s", r.Number, d))
		}
	}
	if len(out.Done) == 0 && err == nil {
		out.Done = append(out.Done, fmt.Sprintf("pull request is merged, and %s records every stage change merged into it: nothing to do", pr.BaseRef))
	}
	return err
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}
