package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/gitsha"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// writer makes the writes the handler decided on: live, on GitHub and in
// git, or in a dry run, in a recorder that says what would be written.
// What to write is decided before, the same for both (carryOut, and the
// commands): a dry run shows what a run would write.
type writer interface {
	// check posts connectbot's check of verdict v on its head.
	check(ctx context.Context, v program.Verdict, out *Outcome) error
	// comment makes connectbot's comment on pull request number say body,
	// editing existing when there is one.
	comment(ctx context.Context, number int, existing *forge.Comment, body string, out *Outcome) error
	// labels adds labels add to pull request number and removes remove.
	labels(ctx context.Context, number int, add, remove []string, out *Outcome) error
	// merge pushes the judged merge of approved verdict v, with the
	// commit recording its transitions, to the base branch.
	merge(ctx context.Context, pr forge.PR, v program.Verdict, st *judgement, out *Outcome) error
	// updateBranch asks GitHub to merge the base into the branch of pull
	// request number, pinned to its head sha.
	updateBranch(ctx context.Context, number int, sha string, out *Outcome) error
	// answer answers comment c on pull request number with text.
	answer(ctx context.Context, number int, c forge.Comment, text string) ([]string, error)
	// propose opens the removal pull request of a reviewer's termination,
	// dated now, and answers the reviewer through reply.
	propose(ctx context.Context, now application.Date, action program.Action, reply func(string) ([]string, error)) ([]string, error)
}

// writer returns where handling writes: live, or in a dry run a recorder;
// done writes what the recorder holds to h.Out, under heading, and joins
// a failure to do so to err.
func (h *Handler) writer(heading string) (w writer, done func(err error) error) {
	if !h.DryRun {
		return live{h}, func(err error) error { return err }
	}
	rec := &recorder{heading: heading}
	return rec, func(err error) error { return errors.Join(err, rec.flush(h.Out)) }
}

// live writes on GitHub and in git.
type live struct{ h *Handler }

// check posts the connectbot check on the head commit, with annotations.
func (w live) check(ctx context.Context, v program.Verdict, out *Outcome) error {
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
	res, err := w.h.Forge.CreateCheckRun(ctx, run)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	out.Done = append(out.Done, fmt.Sprintf("check %s (%s) with %d annotations", v.Conclusion, res.Via, len(run.Annotations)))
	return nil
}

// comment makes connectbot's comment say body: it edits existing, or
// creates it when there is none.
func (w live) comment(ctx context.Context, number int, existing *forge.Comment, body string, out *Outcome) error {
	if existing != nil {
		if _, err := w.h.Forge.EditComment(ctx, existing.ID, body); err != nil {
			return fmt.Errorf("edit comment: %w", err)
		}
		out.Done = append(out.Done, fmt.Sprintf("comment %d edited", existing.ID))
		return nil
	}
	c, err := w.h.Forge.CreateComment(ctx, number, body)
	if err != nil {
		return fmt.Errorf("create comment: %w", err)
	}
	out.Done = append(out.Done, fmt.Sprintf("comment %d created", c.ID))
	return nil
}

// labels adds labels add, creating each with its colour where the
// repository lacks it, and removes labels remove.
func (w live) labels(ctx context.Context, number int, add, remove []string, out *Outcome) error {
	for _, l := range add {
		style := program.StyleOf(l)
		if err := w.h.Forge.EnsureLabel(ctx, l, style.Color, style.Description); err != nil {
			return fmt.Errorf("label %s: %w", l, err)
		}
	}
	if len(add) > 0 {
		if err := w.h.Forge.AddLabels(ctx, number, add...); err != nil {
			return fmt.Errorf("labels: %w", err)
		}
		out.Done = append(out.Done, "labels added: "+strings.Join(add, ", "))
	}
	for _, l := range remove {
		if err := w.h.Forge.RemoveLabel(ctx, number, l); err != nil {
			return fmt.Errorf("label %s: %w", l, err)
		}
		out.Done = append(out.Done, "label removed: "+l)
	}
	return nil
}

// merge puts the judged merge on the base branch: the merge commit of the
// approved head into the judged base tip, then the commit recording the
// approval's transitions, pushed together under a lease on that tip. If
// the base moved, the push is refused and errBaseMoved says to judge
// again. GitHub marks the pull request merged when its head commit
// reaches the base branch.
func (w live) merge(ctx context.Context, pr forge.PR, v program.Verdict, st *judgement, out *Outcome) error {
	h := w.h
	tip := st.merge.Commit
	if len(v.Transitions) > 0 {
		files, err := h.transitionFiles(tip, v)
		if err != nil {
			return err
		}
		id := h.Identity
		id.When = h.Now()
		if tip, err = h.Git.Commit(ctx, gitrepo.Change{Parent: tip, Files: files, Message: recordMessage(pr.Number, v), Author: id}); err != nil {
			return err
		}
	}
	if err := h.Git.SetBranch(pr.BaseRef, tip); err != nil {
		return err
	}
	err := h.Git.Push(ctx, pr.BaseRef, gitrepo.PushOptions{ExpectedRemote: v.BaseSHA})
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
	out.Done = append(out.Done, fmt.Sprintf("merged %s into %s at %s as %s", gitsha.Short(v.HeadSHA), pr.BaseRef, gitsha.Short(v.BaseSHA), gitsha.Short(st.merge.Commit)))
	out.MergedInto = pr.BaseRef
	if len(v.Transitions) > 0 {
		out.Done = append(out.Done, "recorded "+transitionsText(v)+" in "+gitsha.Short(tip))
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
		p := application.PathOf(t.Slug)
		next, err := l.Rewrite(tree, p, t.Program)
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", t.Slug, err)
		}
		files[p] = next
	}
	return files, nil
}

// answer answers comment c on pull request number with text. The caller
// has looked: c is not answered yet. Should GitHub post the answer and
// report an error, the next run finds it and answers nothing more.
func (w live) answer(ctx context.Context, number int, c forge.Comment, text string) ([]string, error) {
	if _, err := w.h.Forge.CreateComment(ctx, number, fmt.Sprintf(replyMarker, c.ID)+"\n@"+c.Author+" "+text); err != nil {
		return nil, err
	}
	return []string{"answered: " + text}, nil
}

// propose opens the removal pull request of a termination through the
// executor, and answers with it; a removal that failed is not answered,
// so the next reconcile carries the command out again, finding what this
// attempt did.
func (w live) propose(ctx context.Context, now application.Date, action program.Action, reply func(string) ([]string, error)) ([]string, error) {
	if w.h.Apply == nil {
		return reply("termination is understood, but this connectbot cannot open pull requests here.")
	}
	results, err := w.h.Apply.Apply(ctx, program.Plan{Now: now, Actions: []program.Action{action}})
	if err != nil {
		return nil, err
	}
	r := results[0]
	switch {
	case r.Status == apply.Failed:
		return nil, fmt.Errorf("the removal of %s: %s", action.Slug, r.Detail)
	case r.PR != 0:
		// The same answer whether this attempt opened it or found it open.
		return reply(fmt.Sprintf("the removal of %s is proposed in #%d.", action.Slug, r.PR))
	}
	return reply(fmt.Sprintf("the removal of %s could not be proposed: %s", action.Slug, markdown.Escape(r.Detail)))
}
