package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/installs"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/plaintext"
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
	MergePR(ctx context.Context, number int, sha, method string) (string, error)
	// Issue reads the issue a form's pull request was opened for.
	Issue(ctx context.Context, number int) (forge.Issue, error)
	// FindPRsByHead finds the open pull requests whose head is a commit:
	// those of a merge queue's merge commits.
	FindPRsByHead(ctx context.Context, sha string) ([]forge.PR, error)
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
	// DryRun reads everything and writes the decision to Out instead of
	// changing anything on GitHub or in git.
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

// liveCounts asks the installs source the base's program.cue names for
// the counts of the new applications a pull request adds, which acceptance
// rests on; nil when there is no source or no new application.
func (h *Handler) liveCounts(ctx context.Context, facts *program.PullRequest) (map[string]program.Installs, error) {
	src := facts.Config.InstallsSource
	if src == nil {
		return nil, nil
	}
	var files []application.File
	for _, c := range facts.Changes {
		if c.Base == nil && c.Head != nil && c.Head.App != nil && c.Status != program.FileAffected {
			files = append(files, *c.Head)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	fetch := h.Installs
	if fetch == nil {
		fetch = installs.Fetch
	}
	return fetch(ctx, src.URL, files, facts.Now)
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
	return h.handle(ctx, number, false)
}

// Recheck is Handle for someone who asked for the check again (a re-run
// on GitHub, `/connectbot recheck`): the check is written even when the
// verdict did not change, since GitHub shows a re-run check as queued
// until a new result comes.
func (h *Handler) Recheck(ctx context.Context, number int) (Outcome, error) {
	return h.handle(ctx, number, true)
}

func (h *Handler) handle(ctx context.Context, number int, forceCheck bool) (Outcome, error) {
	var out Outcome
	err := h.withLease(ctx, prLease(number), func(ctx context.Context) error {
		var err error
		out, err = h.handleHeld(ctx, number, forceCheck)
		return err
	})
	return out, err
}

// handleHeld is handle with the pull request's lease held.
func (h *Handler) handleHeld(ctx context.Context, number int, forceCheck bool) (Outcome, error) {
	var out Outcome
	for attempt := 1; ; attempt++ {
		err := h.handleOnce(ctx, number, forceCheck, &out)
		if !errors.Is(err, errBaseMoved) {
			if err == nil && out.MergedInto != "" && !rejudging(ctx) {
				err = h.rejudgeAfterMerge(ctx, out.MergedInto, &out)
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

// handleOnce is one verdict on pull request number and what it does.
func (h *Handler) handleOnce(ctx context.Context, number int, forceCheck bool, out *Outcome) error {
	now := application.DateOf(h.Now())
	pr, err := h.Forge.PullRequest(ctx, number)
	if err != nil {
		return fmt.Errorf("pull request #%d: %w", number, err)
	}
	if pr.State != "open" {
		out.Done = append(out.Done, "pull request is "+pr.State+": nothing to do")
		return nil
	}
	facts, st, err := h.gather(ctx, pr, now, "")
	if err != nil {
		return err
	}
	if facts.ReopenedAt, err = h.lastReopened(ctx, *facts); err != nil {
		return err
	}
	v := program.JudgePullRequest(*facts)
	out.Verdict = v
	body := report.PRComment(v, st.impact, h.fixes(pr, facts, v))
	if h.DryRun {
		return h.printDryRun(pr, v, body)
	}
	// The check first, then the comment, whose hidden line says which
	// verdict stands: a check that failed to be written leaves the comment
	// stale, so the next event or tick writes both again. A comment GitHub
	// refuses never keeps the check from being written.
	existing, listErr := h.stickyComment(ctx, number)
	changed := existing == nil || existing.Body != body
	if forceCheck || ((changed || listErr != nil) && !h.checkShown(ctx, v)) {
		if err := h.check(ctx, v, out); err != nil {
			return errors.Join(listErr, err)
		}
	}
	if listErr != nil {
		return listErr
	}
	if err := h.writeComment(ctx, number, existing, body, out); err != nil {
		return err
	}
	if err := h.labels(ctx, pr, v, out); err != nil {
		return err
	}
	if v.Merge && st.merge != nil && st.merge.MergeBase == st.merge.Head {
		// GitHub marks a pull request merged a moment after its head lands:
		// never merge the same head twice.
		out.Done = append(out.Done, "not merged: the head is on the base branch already")
		return nil
	}
	if v.Merge {
		return h.merge(ctx, pr, v, st, out)
	}
	return nil
}

// judgement is what gather learnt besides the facts: the merge that was
// judged, and the impact of a change to program.cue (nil without one).
type judgement struct {
	merge  *gitrepo.MergeResult
	impact *report.Impact
}

// gather reads everything the decision needs into plain values: the pull
// request's head merged into the base branch's tip, judged; into commit
// onto instead, when it is not "" (a merge queue's entry before it).
func (h *Handler) gather(ctx context.Context, pr forge.PR, now application.Date, onto string) (*program.PullRequest, *judgement, error) {
	reviews, cut, err := h.Forge.ListReviewsAtEnds(ctx, pr.Number, listPages)
	if err != nil {
		return nil, nil, fmt.Errorf("pull request #%d reviews: %w", pr.Number, err)
	}
	if err := h.Git.Fetch(ctx, baseRefspec(pr.BaseRef)); err != nil {
		return nil, nil, err
	}
	headSHA, err := h.Git.FetchPull(ctx, pr.Number)
	var unread string
	if errors.Is(err, gitrepo.ErrFileTooLarge) {
		// Nothing of the branch was stored: answer from GitHub's head SHA.
		headSHA = pr.HeadSHA
		unread = fmt.Sprintf("connectbot does not read this pull request: its branch carries more than it reads (%s). Remove the large files from the branch's history (not only from its last commit) and push again.", gitrepoReason(err))
	} else if err != nil {
		return nil, nil, err
	}
	if headSHA != pr.HeadSHA {
		// A push landed between the two reads: judge what git has, which
		// is newer; the event of that push judges it again anyway.
		h.log().Info("head moved while reading", "pr", pr.Number, "api", pr.HeadSHA, "git", headSHA)
	}
	baseSHA, err := h.baseOf(pr.BaseRef, onto)
	if err != nil {
		return nil, nil, err
	}
	facts := &program.PullRequest{
		Number: pr.Number, Author: h.openedBy(pr),
		HeadSHA: headSHA, BaseSHA: baseSHA, BaseRef: pr.BaseRef, ProgramBranch: h.programBranch(pr), Draft: pr.Draft, Now: now,
		ReviewsCut: cut,
	}
	for _, r := range reviews {
		facts.Reviews = append(facts.Reviews, program.Review{
			Author: r.Author, State: r.State, CommitSHA: r.CommitSHA, Body: r.Body, SubmittedAt: r.SubmittedAt,
		})
	}
	if unread != "" {
		facts.Unread = unread
		return h.unreadFacts(facts, baseSHA, now)
	}
	if err := h.formApplicant(ctx, pr, headSHA, facts); err != nil {
		return nil, nil, err
	}
	if facts.Unread != "" {
		return h.unreadFacts(facts, baseSHA, now)
	}
	id := h.Identity
	id.When = h.Now()
	m, err := h.Git.Merge(ctx, gitrepo.MergeSpec{
		Base: baseSHA, Head: headSHA, Author: id,
		Message: plaintext.Cut(plaintext.Line(fmt.Sprintf("Merge pull request #%d from %s", pr.Number, pr.HeadRef)), plaintext.SubjectMax) +
			"\n\n" + plaintext.Cut(plaintext.Line(pr.Title), plaintext.TitleMax) + "\n",
	})
	if errors.Is(err, gitrepo.ErrMalformedTree) {
		facts.Unread = fmt.Sprintf("connectbot does not read this pull request: its branch holds a tree git itself refuses (%v). Recreate the branch from %s with git and push again.", err, pr.BaseRef)
		return h.unreadFacts(facts, baseSHA, now)
	}
	if errors.Is(err, gitrepo.ErrNoCommonHistory) {
		facts.Conflict = fmt.Sprintf("This pull request's branch shares no history with %s: branch from %s, add your application file and open the pull request again.", pr.BaseRef, pr.BaseRef)
	} else if err != nil {
		return nil, nil, err
	}
	base, err := h.tree(baseSHA)
	if err != nil {
		return nil, nil, err
	}
	st := &judgement{merge: m}
	if m == nil || len(m.Conflicts) > 0 {
		if m != nil {
			facts.Conflicts = m.Conflicts
		}
		if facts.Config, err = h.baseConfig(base, now); err != nil {
			return nil, nil, err
		}
		return facts, st, nil
	}
	merged, err := h.tree(m.Commit)
	if err != nil {
		return nil, nil, err
	}
	judged, err := h.judge().Judge(base, merged, Changes(m), now)
	if err != nil {
		return nil, nil, err
	}
	facts.Changes, facts.Config = judged.Changes, judged.Config
	st.impact = judged.Impact
	// A source that fails stops the judgement: nothing is decided from
	// bad numbers, and the next event or reconcile tries again.
	if facts.Installs, err = h.liveCounts(ctx, facts); err != nil {
		return nil, nil, err
	}
	return facts, st, nil
}

// baseOf is the commit a pull request into branch is judged merged into:
// onto, or else the branch's tip as last fetched.
func (h *Handler) baseOf(branch, onto string) (string, error) {
	if onto != "" {
		return onto, nil
	}
	return h.Git.Resolve("refs/remotes/origin/" + branch)
}

// reopenReader is what lastReopened needs beyond the handler's client.
type reopenReader interface {
	LastReopened(ctx context.Context, number, maxPages int) (time.Time, error)
}

// lastReopened reads when the pull request of facts was last reopened,
// which an approval must be given after; it asks GitHub only when a
// reviewer's approval is among the reviews, reading at most listPages
// pages of events (its author may close and reopen it at will). A client
// that cannot tell says never.
func (h *Handler) lastReopened(ctx context.Context, facts program.PullRequest) (time.Time, error) {
	r, ok := h.Forge.(reopenReader)
	if !ok || !facts.AsksReopened() {
		return time.Time{}, nil
	}
	at, err := r.LastReopened(ctx, facts.Number, listPages)
	if err != nil {
		return time.Time{}, fmt.Errorf("pull request #%d events: %w", facts.Number, err)
	}
	return at, nil
}

// unreadFacts completes the facts of a pull request connectbot does not
// read: nothing to judge but who may approve, from the base's
// configuration.
func (h *Handler) unreadFacts(facts *program.PullRequest, baseSHA string, now application.Date) (*program.PullRequest, *judgement, error) {
	base, err := h.tree(baseSHA)
	if err != nil {
		return nil, nil, err
	}
	if facts.Config, err = h.baseConfig(base, now); err != nil {
		return nil, nil, err
	}
	return facts, &judgement{}, nil
}

// baseConfig is all a verdict needs of the base when nothing of the pull
// request is judged (a conflict, a branch not read): who may approve, from
// the base's configuration.
func (h *Handler) baseConfig(base loader.Tree, now application.Date) (application.Config, error) {
	j, err := h.judge().Judge(base, base, nil, now)
	if err != nil {
		return application.Config{}, err
	}
	return j.Config, nil
}

// tree reads commit sha as one side of a judgement.
func (h *Handler) tree(sha string) (loader.Tree, error) { return loader.Read(h.Git, sha) }

// Changes turns the changes of a merge into the judge's.
func Changes(m *gitrepo.MergeResult) []Change {
	out := make([]Change, len(m.Changes))
	for i, c := range m.Changes {
		out[i] = Change{Path: c.Path, From: entry(c.From), To: entry(c.To)}
	}
	return out
}

// entry turns a git entry into the judge's.
func entry(e gitrepo.Entry) Entry {
	kind := map[gitrepo.EntryKind]string{
		gitrepo.KindFile: program.EntryFile, gitrepo.KindExecutable: program.EntryExecutable,
		gitrepo.KindSymlink: program.EntrySymlink, gitrepo.KindSubmodule: program.EntrySubmodule,
	}[e.Kind]
	if kind == "" && e.Exists() {
		kind = string(e.Kind)
	}
	return Entry{Kind: kind, Object: e.Object}
}

func (h *Handler) judge() *Judge {
	if h.Judge == nil {
		return NewJudge()
	}
	return h.Judge
}

// listPages bounds the pages of comments, and of reviews, one event
// reads: anyone may comment on or review a public pull request, and a
// flood of either must not cost more requests. The first page holds
// connectbot's comment, written when the pull request was opened; the
// last ones what is newest.
const listPages = 2

// stickyComment finds connectbot's one comment on pull request number;
// nil when there is none yet. It reads at most listPages pages: a comment
// of connectbot's buried under a flood of others is not found, and a new
// one is written, which the next event finds among the newest.
func (h *Handler) stickyComment(ctx context.Context, number int) (*forge.Comment, error) {
	comments, _, err := h.Forge.ListCommentsAtEnds(ctx, number, listPages)
	if err != nil {
		return nil, fmt.Errorf("pull request #%d comments: %w", number, err)
	}
	for _, c := range comments {
		if h.isBot(c.Author) && strings.HasPrefix(c.Body, report.CommentMarker) {
			return &c, nil
		}
		// someone else's comment, even one quoting the marker, is not it
	}
	return nil, nil
}

// writeComment makes connectbot's comment say body: it creates it, edits
// existing, or leaves an identical one alone.
func (h *Handler) writeComment(ctx context.Context, number int, existing *forge.Comment, body string, out *Outcome) error {
	switch {
	case existing != nil && existing.Body == body:
		out.Done = append(out.Done, "comment unchanged")
	case existing != nil:
		if _, err := h.Forge.EditComment(ctx, existing.ID, body); err != nil {
			return fmt.Errorf("edit comment: %w", err)
		}
		out.Done = append(out.Done, fmt.Sprintf("comment %d edited", existing.ID))
	default:
		c, err := h.Forge.CreateComment(ctx, number, body)
		if err != nil {
			return fmt.Errorf("create comment: %w", err)
		}
		out.Done = append(out.Done, fmt.Sprintf("comment %d created", c.ID))
	}
	return nil
}

// check posts the connectbot check on the head commit, with annotations.
func (h *Handler) check(ctx context.Context, v program.Verdict, out *Outcome) error {
	o := report.Check(v)
	run := forge.CheckRun{
		Name: CheckName, HeadSHA: v.HeadSHA, Status: "completed", Conclusion: v.Conclusion,
		Title: o.Title, Summary: o.Summary, Text: o.Text, ExternalID: ExternalID(v),
	}
	for _, a := range report.Annotations(v) {
		run.Annotations = append(run.Annotations, forge.Annotation{
			Path: a.Path, StartLine: a.Line, EndLine: a.Line, Level: a.Level, Title: a.Title, Message: a.Message,
		})
	}
	res, err := h.Forge.CreateCheckRun(ctx, run)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	out.Done = append(out.Done, fmt.Sprintf("check %s (%s) with %d annotations", v.Conclusion, res.Via, len(run.Annotations)))
	return nil
}

// checkLister is what checkShown needs beyond the handler's client.
type checkLister interface {
	ListCheckRuns(ctx context.Context, ref, name string) ([]forge.CheckRunInfo, error)
}

// checkShown reports whether the head already carries connectbot's check
// for verdict v — for the same base and head, with the same conclusion and
// summary — as when a run wrote the check and stopped before the comment
// that records it. It is asked only when the comment says otherwise, so
// a verdict is checked once however often it is taken up; a failure to
// read says no, and the check is written.
func (h *Handler) checkShown(ctx context.Context, v program.Verdict) bool {
	runs, ok := h.checkRuns(ctx, v.HeadSHA)
	if !ok {
		return false
	}
	summary := report.Check(v).Summary
	for _, r := range runs {
		if r.Name == CheckName && r.ExternalID == ExternalID(v) && r.Status == "completed" &&
			r.Conclusion == v.Conclusion && r.Summary == summary {
			return true
		}
	}
	return false
}

// ExternalID is what the check records of the verdict it carries: the base
// tip and the head commit judged, "base=<sha> head=<sha>".
func ExternalID(v program.Verdict) string {
	return "base=" + v.BaseSHA + " head=" + v.HeadSHA
}

// managedLabels are the labels connectbot owns, with their colours.
var managedLabels = map[string][2]string{
	program.LabelNew:              {"0e8a16", "A new application to the program"},
	program.LabelUpdate:           {"1d76db", "A change to an application"},
	program.LabelNeedsReview:      {"fbca04", "Waiting for a reviewer"},
	program.LabelInvalid:          {"d93f0b", "connectbot found errors"},
	program.LabelChangesRequested: {"b60205", "A reviewer asked for changes"},
	program.LabelNeedsRebase:      {"e99695", "Does not merge cleanly into the base branch: rebase"},
}

func isManaged(label string) bool {
	_, ok := managedLabels[label]
	return ok || strings.HasPrefix(label, "stage:")
}

// labels makes the pull request carry exactly the verdict's managed labels.
func (h *Handler) labels(ctx context.Context, pr forge.PR, v program.Verdict, out *Outcome) error {
	have := map[string]bool{}
	for _, l := range pr.Labels {
		have[l] = true
	}
	want := map[string]bool{}
	var add []string
	for _, l := range v.Labels {
		want[l] = true
		if have[l] {
			continue
		}
		color, desc := "c5def5", "Application stage"
		if m, ok := managedLabels[l]; ok {
			color, desc = m[0], m[1]
		}
		if err := h.Forge.EnsureLabel(ctx, l, color, desc); err != nil {
			return fmt.Errorf("label %s: %w", l, err)
		}
		add = append(add, l)
	}
	if len(add) > 0 {
		if err := h.Forge.AddLabels(ctx, pr.Number, add...); err != nil {
			return fmt.Errorf("labels: %w", err)
		}
		out.Done = append(out.Done, "labels added: "+strings.Join(add, ", "))
	}
	for _, l := range pr.Labels {
		if isManaged(l) && !want[l] {
			if err := h.Forge.RemoveLabel(ctx, pr.Number, l); err != nil {
				return fmt.Errorf("label %s: %w", l, err)
			}
			out.Done = append(out.Done, "label removed: "+l)
		}
	}
	return nil
}

// merge puts the judged merge on the base branch: the merge commit of the
// approved head into the judged base tip, then the commit recording the
// approval's transitions, pushed together under a lease on that tip. If the
// head moved since it was approved nothing merges; if the base moved, the
// push is refused and errBaseMoved says to judge again. GitHub marks the
// pull request merged when its head commit reaches the base branch.
func (h *Handler) merge(ctx context.Context, pr forge.PR, v program.Verdict, st *judgement, out *Outcome) error {
	current, err := h.Forge.PullRequest(ctx, pr.Number)
	if err != nil {
		return fmt.Errorf("pull request #%d: %w", pr.Number, err)
	}
	if current.HeadSHA != v.HeadSHA || current.State != "open" {
		out.Done = append(out.Done, "merge refused: the head moved since it was approved; the new commit needs its own approval")
		return nil
	}
	if current.Draft {
		out.Done = append(out.Done, "merge refused: the pull request became a draft; it merges once it is marked ready for review")
		return nil
	}
	tip := st.merge.Commit
	var why []string
	if len(v.Transitions) > 0 {
		files, err := h.transitionFiles(tip, v)
		if err != nil {
			return err
		}
		for _, t := range v.Transitions {
			why = append(why, fmt.Sprintf("%s: %s → %s (%s)", t.Slug, t.From, t.To, strings.Join(t.Set, ", ")))
		}
		msg := fmt.Sprintf("connectbot: record #%d approved by @%s\n\n%s\n", pr.Number, v.Approval.Author, strings.Join(why, "\n"))
		id := h.Identity
		id.When = h.Now()
		if tip, err = h.Git.Commit(ctx, gitrepo.Change{Parent: tip, Files: files, Message: msg, Author: id}); err != nil {
			return err
		}
	}
	if err := h.Git.SetBranch(pr.BaseRef, tip); err != nil {
		return err
	}
	err = h.Git.Push(ctx, pr.BaseRef, gitrepo.PushOptions{ExpectedRemote: v.BaseSHA})
	if errors.Is(err, gitrepo.ErrDeclined) {
		// The branch's rules, not a moved base: judging again cannot help.
		out.Done = append(out.Done, fmt.Sprintf("not merged: GitHub declined the push to %s by the branch's rules; connectbot's App must be a bypass actor of its ruleset", pr.BaseRef))
		return fmt.Errorf("merge #%d: GitHub declined connectbot's push of the approved merge to %s: make connectbot's App a bypass actor (always) of the branch's ruleset, as the README's \"Protect the program's branch\" shows: %w", pr.Number, pr.BaseRef, err)
	}
	if errors.Is(err, gitrepo.ErrRejected) {
		return errBaseMoved
	}
	if err != nil {
		return fmt.Errorf("merge #%d: %w", pr.Number, err)
	}
	out.Done = append(out.Done, fmt.Sprintf("merged %s into %s at %s as %s", shortSHA(v.HeadSHA), pr.BaseRef, shortSHA(v.BaseSHA), shortSHA(st.merge.Commit)))
	out.MergedInto = pr.BaseRef
	if len(why) > 0 {
		out.Done = append(out.Done, "recorded "+strings.Join(why, "; ")+" in "+shortSHA(tip))
		h.openTracking(ctx, v, out)
	}
	return nil
}

// openTracking opens the tracking issue of each application just accepted,
// where its deadlines will be posted. A failure is logged, not fatal: the
// first reminder opens it too.
func (h *Handler) openTracking(ctx context.Context, v program.Verdict, out *Outcome) {
	if h.Apply == nil {
		return
	}
	for _, t := range v.Transitions {
		if !slices.Contains(t.Set, "acceptedAt") {
			continue
		}
		n, err := h.Apply.Track(ctx, t.Slug)
		if err != nil {
			h.log().Error("tracking issue", "slug", t.Slug, "err", err)
			continue
		}
		out.Done = append(out.Done, fmt.Sprintf("tracking issue #%d for %s", n, t.Slug))
	}
}

// transitionFiles rewrites each transitioned application at commit sha (the
// merge), refusing to write a file connectbot would not accept.
func (h *Handler) transitionFiles(sha string, v program.Verdict) (map[string][]byte, error) {
	tree, err := h.tree(sha)
	if err != nil {
		return nil, err
	}
	l := h.judge().Loader
	files := map[string][]byte{}
	for _, t := range v.Transitions {
		p := "applications/" + t.Slug + ".cue"
		next, err := l.Rewrite(tree, p, t.Program)
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", t.Slug, err)
		}
		files[p] = next
	}
	return files, nil
}

// printDryRun writes what Handle would do.
func (h *Handler) printDryRun(pr forge.PR, v program.Verdict, body string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "dry run: pull request #%d at %s\n", pr.Number, v.HeadSHA)
	fmt.Fprintf(&b, "would post the check %q: %s\n", CheckName, v.Conclusion)
	fmt.Fprintf(&b, "would set the labels: %s\n", strings.Join(v.Labels, ", "))
	if v.Merge {
		fmt.Fprintf(&b, "would merge at %s, approved by @%s\n", v.HeadSHA, v.Approval.Author)
		for _, t := range v.Transitions {
			fmt.Fprintf(&b, "would record %s: %s -> %s (%s), %s\n", t.Slug, t.From, t.To, strings.Join(t.Set, ", "), t.Rule)
		}
	}
	b.WriteString("would post or edit the comment:\n\n" + body)
	_, err := io.WriteString(h.Out, b.String())
	return err
}

func (h *Handler) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

func shortSHA(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// baseRefspec fetches only the base branch: other branches of the
// repository are nobody's verdict, and may carry anything.
func baseRefspec(branch string) string {
	return "+refs/heads/" + branch + ":refs/remotes/origin/" + branch
}

// gitrepoReason is the part of a refused fetch's error that says what was
// refused, without the operation in front of it.
func gitrepoReason(err error) string {
	msg := err.Error()
	if _, after, ok := strings.Cut(msg, "refused the pack: "); ok {
		msg = after
	}
	return strings.TrimSuffix(msg, ": "+gitrepo.ErrFileTooLarge.Error())
}
