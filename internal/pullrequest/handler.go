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
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// forgeClient is what the handler needs of GitHub.
type forgeClient interface {
	PullRequest(ctx context.Context, number int) (forge.PR, error)
	ListPullFiles(ctx context.Context, number int) ([]forge.File, error)
	ListReviews(ctx context.Context, number int) ([]forge.Review, error)
	ListComments(ctx context.Context, number int) ([]forge.Comment, error)
	CreateComment(ctx context.Context, number int, body string) (forge.Comment, error)
	EditComment(ctx context.Context, id int64, body string) (forge.Comment, error)
	AddLabels(ctx context.Context, number int, labels ...string) error
	RemoveLabel(ctx context.Context, number int, label string) error
	EnsureLabel(ctx context.Context, name, color, description string) error
	CreateCheckRun(ctx context.Context, run forge.CheckRun) (forge.CheckResult, error)
	MergePR(ctx context.Context, number int, sha, method string) (string, error)
}

// gitRepo is what the handler needs of the repository.
type gitRepo interface {
	Fetch(ctx context.Context, refspecs ...string) error
	FetchPull(ctx context.Context, number int) (string, error)
	Resolve(rev string) (string, error)
	Tree(sha string) (fs.FS, error)
	Commit(ctx context.Context, c gitrepo.Change) (string, error)
	Push(ctx context.Context, branch string, opts gitrepo.PushOptions) error
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
}

// Outcome says what handling a pull request did.
type Outcome struct {
	Verdict program.Verdict
	// Done lists the side effects carried out, in order ("comment created",
	// "merged abc1234", ...); an identical second run does nothing.
	Done []string
}

// Handle judges pull request number at its current head and acts: one
// sticky comment, one check, the labels, and on an authorised approval a
// merge pinned to the head commit followed by the transition commit.
func (h *Handler) Handle(ctx context.Context, number int) (Outcome, error) {
	now := application.DateOf(h.Now())
	pr, err := h.Forge.PullRequest(ctx, number)
	if err != nil {
		return Outcome{}, fmt.Errorf("pull request #%d: %w", number, err)
	}
	if pr.State != "open" {
		return Outcome{Done: []string{"pull request is " + pr.State + ": nothing to do"}}, nil
	}
	facts, impact, err := h.gather(ctx, pr, now)
	if err != nil {
		return Outcome{}, err
	}
	v := program.JudgePullRequest(*facts)
	out := Outcome{Verdict: v}
	body := report.PRComment(v, impact)
	if h.DryRun {
		return out, h.printDryRun(pr, v, body)
	}
	changed, err := h.stickyComment(ctx, number, body, &out)
	if err != nil {
		return out, err
	}
	if changed {
		if err := h.check(ctx, v, &out); err != nil {
			return out, err
		}
	}
	if err := h.labels(ctx, pr, v, &out); err != nil {
		return out, err
	}
	if v.Merge {
		if err := h.merge(ctx, pr, v, now, &out); err != nil {
			return out, err
		}
	}
	return out, nil
}

// gather reads everything the decision needs into plain values, and the
// impact of the pull request's change to program.cue (nil without one).
func (h *Handler) gather(ctx context.Context, pr forge.PR, now application.Date) (*program.PullRequest, *report.Impact, error) {
	files, err := h.Forge.ListPullFiles(ctx, pr.Number)
	if err != nil {
		return nil, nil, fmt.Errorf("pull request #%d files: %w", pr.Number, err)
	}
	reviews, err := h.Forge.ListReviews(ctx, pr.Number)
	if err != nil {
		return nil, nil, fmt.Errorf("pull request #%d reviews: %w", pr.Number, err)
	}
	if err := h.Git.Fetch(ctx); err != nil {
		return nil, nil, err
	}
	headSHA, err := h.Git.FetchPull(ctx, pr.Number)
	if err != nil {
		return nil, nil, err
	}
	if headSHA != pr.HeadSHA {
		// A push landed between the two reads: judge what git has, which
		// is newer; the event of that push judges it again anyway.
		h.log().Info("head moved while reading", "pr", pr.Number, "api", pr.HeadSHA, "git", headSHA)
	}
	baseSHA, err := h.Git.Resolve("refs/remotes/origin/" + pr.BaseRef)
	if err != nil {
		return nil, nil, err
	}
	base, err := h.Git.Tree(baseSHA)
	if err != nil {
		return nil, nil, err
	}
	head, err := h.Git.Tree(headSHA)
	if err != nil {
		return nil, nil, err
	}
	touched := make([]Touched, len(files))
	for i, f := range files {
		touched[i] = Touched{Path: f.Path, PreviousPath: f.PreviousPath, Status: f.Status}
	}
	judged, err := Judge(base, head, touched, now)
	if err != nil {
		return nil, nil, err
	}
	facts := &program.PullRequest{
		Number: pr.Number, Author: program.Author{Login: pr.Author, Bot: strings.EqualFold(pr.Author, h.BotLogin)},
		HeadSHA: headSHA, Changes: judged.Changes, Config: judged.Config, Now: now,
	}
	for _, r := range reviews {
		facts.Reviews = append(facts.Reviews, program.Review{
			Author: r.Author, State: r.State, CommitSHA: r.CommitSHA, Body: r.Body, SubmittedAt: r.SubmittedAt,
		})
	}
	return facts, judged.Impact, nil
}

// stickyComment creates or edits connectbot's one comment. It reports
// whether the body changed; an identical body is left alone.
func (h *Handler) stickyComment(ctx context.Context, number int, body string, out *Outcome) (bool, error) {
	comments, err := h.Forge.ListComments(ctx, number)
	if err != nil {
		return false, fmt.Errorf("pull request #%d comments: %w", number, err)
	}
	for _, c := range comments {
		if !strings.EqualFold(c.Author, h.BotLogin) || !strings.HasPrefix(c.Body, report.CommentMarker) {
			continue // someone else's comment, even one quoting the marker
		}
		if c.Body == body {
			out.Done = append(out.Done, "comment unchanged")
			return false, nil
		}
		if _, err := h.Forge.EditComment(ctx, c.ID, body); err != nil {
			return false, fmt.Errorf("edit comment: %w", err)
		}
		out.Done = append(out.Done, fmt.Sprintf("comment %d edited", c.ID))
		return true, nil
	}
	c, err := h.Forge.CreateComment(ctx, number, body)
	if err != nil {
		return false, fmt.Errorf("create comment: %w", err)
	}
	out.Done = append(out.Done, fmt.Sprintf("comment %d created", c.ID))
	return true, nil
}

// check posts the connectbot check on the head commit, with annotations.
func (h *Handler) check(ctx context.Context, v program.Verdict, out *Outcome) error {
	o := report.Check(v)
	run := forge.CheckRun{
		Name: CheckName, HeadSHA: v.HeadSHA, Status: "completed", Conclusion: v.Conclusion,
		Title: o.Title, Summary: o.Summary,
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

// managedLabels are the labels connectbot owns, with their colours.
var managedLabels = map[string][2]string{
	program.LabelNew:              {"0e8a16", "A new application to the program"},
	program.LabelUpdate:           {"1d76db", "A change to an application"},
	program.LabelNeedsReview:      {"fbca04", "Waiting for a reviewer"},
	program.LabelInvalid:          {"d93f0b", "connectbot found errors"},
	program.LabelChangesRequested: {"b60205", "A reviewer asked for changes"},
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

// merge merges the pull request pinned to the judged head commit, then
// records the transitions on the base branch.
func (h *Handler) merge(ctx context.Context, pr forge.PR, v program.Verdict, now application.Date, out *Outcome) error {
	sha, err := h.Forge.MergePR(ctx, pr.Number, v.HeadSHA, "merge")
	if errors.Is(err, forge.ErrConflict) {
		out.Done = append(out.Done, "merge refused: the head moved since it was approved; the new commit needs its own approval")
		return nil
	}
	if err != nil {
		return fmt.Errorf("merge #%d: %w", pr.Number, err)
	}
	out.Done = append(out.Done, "merged "+shortSHA(sha))
	if len(v.Transitions) == 0 {
		return nil
	}
	return h.recordTransitions(ctx, pr, v, now, out)
}

// recordTransitions commits the approval's transitions to the base branch,
// fetching and retrying when someone pushed in between.
func (h *Handler) recordTransitions(ctx context.Context, pr forge.PR, v program.Verdict, now application.Date, out *Outcome) error {
	const attempts = 3
	var lastErr error
	for range attempts {
		if err := h.Git.Fetch(ctx); err != nil {
			return err
		}
		baseSHA, err := h.Git.Resolve("refs/remotes/origin/" + pr.BaseRef)
		if err != nil {
			return err
		}
		files, err := h.transitionFiles(baseSHA, v)
		if err != nil {
			return err
		}
		var why []string
		for _, t := range v.Transitions {
			why = append(why, fmt.Sprintf("%s: %s → %s (%s)", t.Slug, t.From, t.To, strings.Join(t.Set, ", ")))
		}
		msg := fmt.Sprintf("connectbot: record #%d approved by @%s\n\n%s\n", pr.Number, v.Approval.Author, strings.Join(why, "\n"))
		id := h.Identity
		id.When = h.Now()
		commit, err := h.Git.Commit(ctx, gitrepo.Change{Parent: baseSHA, Branch: pr.BaseRef, Files: files, Message: msg, Author: id})
		if err != nil {
			return err
		}
		err = h.Git.Push(ctx, pr.BaseRef, gitrepo.PushOptions{ExpectedRemote: baseSHA})
		if errors.Is(err, gitrepo.ErrRejected) {
			lastErr = err
			continue
		}
		if err != nil {
			return err
		}
		out.Done = append(out.Done, "recorded "+strings.Join(why, "; ")+" in "+shortSHA(commit))
		h.openTracking(ctx, v, out)
		return nil
	}
	return fmt.Errorf("record transitions of #%d: %w", pr.Number, lastErr)
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

// transitionFiles rewrites each transitioned application at the base
// commit, refusing to write a file connectbot would not accept.
func (h *Handler) transitionFiles(baseSHA string, v program.Verdict) (map[string][]byte, error) {
	tree, err := h.Git.Tree(baseSHA)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.ForTree(tree)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, t := range v.Transitions {
		p := "applications/" + t.Slug + ".cue"
		src, err := fs.ReadFile(tree, p)
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", t.Slug, err)
		}
		next, err := cat.SetProgram(p, src, t.Program)
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", t.Slug, err)
		}
		if f := cat.Application(p, next); f.App == nil {
			return nil, fmt.Errorf("record %s: the rewritten file would not load: %s", t.Slug, f.Findings[0].Message)
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
