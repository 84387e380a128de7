package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	facts, err := h.readPull(ctx, pr, now, onto)
	if err != nil {
		return nil, nil, err
	}
	if facts.Unread != "" {
		return h.unreadFacts(facts, facts.BaseSHA, now)
	}
	if err := h.formApplicant(ctx, pr, facts.HeadSHA, facts); err != nil {
		return nil, nil, err
	}
	if facts.Unread != "" {
		return h.unreadFacts(facts, facts.BaseSHA, now)
	}
	return h.judgeMerge(ctx, pr, facts)
}

// readPull reads pull request pr as git and GitHub hold it: its reviews,
// its head and the base branch's tip, or in facts.Unread why its branch
// is not read.
func (h *Handler) readPull(ctx context.Context, pr forge.PR, now application.Date, onto string) (*program.PullRequest, error) {
	reviews, cut, err := h.Forge.ListReviewsAtEnds(ctx, pr.Number, listPages)
	if err != nil {
		return nil, fmt.Errorf("pull request #%d reviews: %w", pr.Number, err)
	}
	if err := h.Git.Fetch(ctx, baseRefspec(pr.BaseRef)); err != nil {
		return nil, err
	}
	headSHA, err := h.Git.FetchPull(ctx, pr.Number)
	var unread string
	if errors.Is(err, gitrepo.ErrFileTooLarge) {
		// Nothing of the branch was stored: answer from GitHub's head SHA.
		headSHA = pr.HeadSHA
		unread = fmt.Sprintf("connectbot does not read this pull request: its branch carries more than it reads (%s). Remove the large files from the branch's history (not only from its last commit) and push again.", tooLarge(err))
	} else if err != nil {
		return nil, err
	}
	if headSHA != pr.HeadSHA {
		// A push landed between the two reads: judge what git has, which
		// is newer; the event of that push judges it again anyway.
		h.log().Info("head moved while reading", "pr", pr.Number, "api", pr.HeadSHA, "git", headSHA)
	}
	baseSHA, err := h.baseOf(pr.BaseRef, onto)
	if err != nil {
		return nil, err
	}
	facts := &program.PullRequest{
		Number: pr.Number, Author: h.openedBy(pr),
		HeadSHA: headSHA, BaseSHA: baseSHA, BaseRef: pr.BaseRef, ProgramBranch: h.programBranch(pr), Draft: pr.Draft, Now: now,
		ReviewsCut: cut, Unread: unread,
	}
	for _, r := range reviews {
		facts.Reviews = append(facts.Reviews, program.Review{
			Author: r.Author, State: r.State, CommitSHA: r.CommitSHA, Body: r.Body, SubmittedAt: r.SubmittedAt,
		})
	}
	return facts, nil
}

// judgeMerge merges the head of the pull request of facts into the base
// tip, as GitHub would, and judges the result: the changes, the
// configuration and the live install counts they rest on, or the
// conflicts that stop the merge.
func (h *Handler) judgeMerge(ctx context.Context, pr forge.PR, facts *program.PullRequest) (*program.PullRequest, *judgement, error) {
	now := facts.Now
	id := h.Identity
	id.When = h.Now()
	m, err := h.Git.Merge(ctx, gitrepo.MergeSpec{
		Base: facts.BaseSHA, Head: facts.HeadSHA, Author: id,
		Message: plaintext.Cut(plaintext.Line(fmt.Sprintf("Merge pull request #%d from %s", pr.Number, pr.HeadRef)), plaintext.SubjectMax) +
			"\n\n" + plaintext.Cut(plaintext.Line(pr.Title), plaintext.TitleMax) + "\n",
	})
	if errors.Is(err, gitrepo.ErrMalformedTree) {
		facts.Unread = fmt.Sprintf("connectbot does not read this pull request: its branch holds a tree git itself refuses (%v). Recreate the branch from %s with git and push again.", err, pr.BaseRef)
		return h.unreadFacts(facts, facts.BaseSHA, now)
	}
	if errors.Is(err, gitrepo.ErrNoCommonHistory) {
		facts.Conflict = fmt.Sprintf("This pull request's branch shares no history with %s: branch from %s, add your application file and open the pull request again.", pr.BaseRef, pr.BaseRef)
	} else if err != nil {
		return nil, nil, err
	}
	base, err := h.tree(facts.BaseSHA)
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

// lastReopened reads when the pull request of facts was last reopened,
// which an approval must be given after; it asks GitHub only when a
// reviewer's approval is among the reviews, reading at most listPages
// pages of events (its author may close and reopen it at will).
func (h *Handler) lastReopened(ctx context.Context, facts program.PullRequest) (time.Time, error) {
	if !facts.AsksReopened() {
		return time.Time{}, nil
	}
	at, err := h.Forge.LastReopened(ctx, facts.Number, listPages)
	if err != nil {
		return time.Time{}, fmt.Errorf("pull request #%d events: %w", facts.Number, err)
	}
	return at, nil
}

// queuedBranch reports whether branch takes changes only through GitHub's
// merge queue: then connectbot's merge, pushed past the queue as a bypass
// actor, would skip what the queue checks, and the queue merges instead.
// A repository whose rules GitHub does not show (404) has none.
func (h *Handler) queuedBranch(ctx context.Context, branch string) (bool, error) {
	rules, err := h.Forge.BranchRules(ctx, branch)
	if errors.Is(err, forge.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("the rules of %s: %w", branch, err)
	}
	return slices.Contains(rules, forge.RuleMergeQueue), nil
}

// decide judges the pull request of facts as connectbot would carry it
// out. Whether its base branch takes changes only through GitHub's merge
// queue is read only when the verdict rests on it (an approval connectbot
// would merge), so no other pull request costs the request; behind a
// queue it is judged again, knowing.
func (h *Handler) decide(ctx context.Context, facts *program.PullRequest) (program.Verdict, error) {
	v := program.JudgePullRequest(*facts)
	if !facts.AsksMergeQueue(v) {
		return v, nil
	}
	queued, err := h.queuedBranch(ctx, facts.BaseRef)
	if err != nil || !queued {
		return v, err
	}
	facts.MergeQueue = true
	return program.JudgePullRequest(*facts), nil
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
		gitrepo.KindDir: program.EntryDirectory, gitrepo.KindOther: program.EntryOther,
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
		if c.Base == nil && c.Head != nil && c.Head.App != nil && c.Status != program.ChangeAffected {
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

// listPages bounds the pages of comments, and of reviews, one event
// reads: anyone may comment on or review a public pull request, and a
// flood of either must not cost more requests. The first page holds
// connectbot's comment, written when the pull request was opened; the
// last ones what is newest.
const listPages = 2

// baseRefspec fetches only the base branch: other branches of the
// repository are nobody's verdict, and may carry anything.
func baseRefspec(branch string) string {
	return "+refs/heads/" + branch + ":refs/remotes/origin/" + branch
}

// tooLarge says what a refused fetch carried over which limit, from
// git's typed refusal; err's own words when git gave no reason.
func tooLarge(err error) string {
	var refused *gitrepo.PackTooLargeError
	if errors.As(err, &refused) {
		return refused.Reason
	}
	return err.Error()
}

// baseOf is the commit a pull request into branch is judged merged into:
// onto, or else the branch's tip as last fetched.
func (h *Handler) baseOf(branch, onto string) (string, error) {
	if onto != "" {
		return onto, nil
	}
	return h.Git.Resolve("refs/remotes/origin/" + branch)
}
