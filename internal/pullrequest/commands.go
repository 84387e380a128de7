package pullrequest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/apply"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/markdown"
	"github.com/connectbot/connectbot/internal/program"
)

// executor carries out a plan and keeps applications' tracking issues;
// internal/apply's Executor is one.
type executor interface {
	Apply(ctx context.Context, plan program.Plan) ([]apply.Result, error)
	Track(ctx context.Context, slug string) (int, error)
}

// Comment handles comment c on pull request number: `/connectbot recheck`
// judges it again; `/connectbot terminate [slug] <reason>` from a reviewer
// opens a removal pull request, dated the day c was posted; anything else
// addressed to connectbot gets a polite answer, and nothing happens.
//
// Each comment is answered once, ever: connectbot's answer names the
// comment, and it is looked up before anything is done, so a comment
// delivered again, replayed under another delivery id or read again by a
// reconcile, on any day, does nothing the second time. When connectbot
// acted and stopped before it answered, the next run finds what it did (a
// removal is keyed on the comment, open or closed) and answers.
func (h *Handler) Comment(ctx context.Context, number int, c forge.Comment) ([]string, error) {
	if h.isBot(c.Author) {
		return nil, nil // never answer itself
	}
	if _, ok, _ := program.ParseCommand(c.Body, nil); !ok {
		return nil, nil // no command: nothing to look up
	}
	return h.once(ctx, number, c, func(ctx context.Context, t turn) ([]string, error) { return h.comment(ctx, t, number, c) })
}

// once runs fn, with the pull request's lease held, unless connectbot
// answered comment c already.
func (h *Handler) once(ctx context.Context, number int, c forge.Comment, fn func(context.Context, turn) ([]string, error)) ([]string, error) {
	var done []string
	err := h.withLease(ctx, turn{}, prLease(number), func(ctx context.Context, t turn) error {
		answered, err := h.answered(ctx, number, c)
		if err != nil || answered {
			done = []string{"already answered"}
			return err
		}
		done, err = fn(ctx, t)
		return err
	})
	return done, err
}

// answerPages is how many pages of comments, from the commanding comment
// on, connectbot reads looking for its answer: a flood after a command
// costs no more than these requests.
const answerPages = 3

// ErrAnswerUnknown is answered's error when more comments came after a
// command than connectbot reads looking for its answer: it cannot tell
// whether the command was answered, so it is not carried out.
var ErrAnswerUnknown = errors.New("cannot tell whether the command was answered")

// answered reports whether connectbot answered comment c on pull request
// number. Its answer is never older than c, so only the comments since c
// was posted are read (from a minute before, so that an answer in the same
// second counts however GitHub compares), at most answerPages pages of them.
func (h *Handler) answered(ctx context.Context, number int, c forge.Comment) (bool, error) {
	since := c.Created
	if !since.IsZero() {
		since = since.Add(-time.Minute)
	}
	comments, cut, err := h.Forge.ListCommentsSince(ctx, number, since, answerPages)
	if err != nil {
		return false, fmt.Errorf("pull request #%d comments: %w", number, err)
	}
	for _, r := range comments {
		// Only connectbot's own answer counts: anyone can write the marker.
		if h.isBot(r.Author) {
			if to, ok := replyTo(r.Body); ok && to == c.ID {
				return true, nil
			}
		}
	}
	if cut {
		return false, fmt.Errorf("comment %d on #%d: over %d pages of comments came after it: %w; a reviewer posts the command again", c.ID, number, answerPages, ErrAnswerUnknown)
	}
	return false, nil
}

// comment is Comment with the pull request's lease held and the comment
// not yet answered.
func (h *Handler) comment(ctx context.Context, t turn, number int, c forge.Comment) ([]string, error) {
	pr, err := h.Forge.PullRequest(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("pull request #%d: %w", number, err)
	}
	// A command acts on the program, which lives on its own branch
	// (h.Base, or the default branch): its reviewers and applications
	// count, whatever branch the pull request is into (another branch's
	// program.cue may list anyone).
	branch := h.programBranch(pr)
	if branch == "" {
		branch = pr.BaseRef
	}
	if err := h.Git.Fetch(ctx, baseRefspec(branch)); err != nil {
		return nil, err
	}
	baseSHA, err := h.Git.Resolve("refs/remotes/origin/" + branch)
	if err != nil {
		return nil, err
	}
	base, err := h.tree(baseSHA)
	if err != nil {
		return nil, err
	}
	slugs := map[string]bool{}
	if names, err := fs.Glob(base.FS, application.Glob); err == nil {
		for _, n := range names {
			slugs[application.SlugOf(n)] = true
		}
	}
	cmd, ok, perr := program.ParseCommand(c.Body, slugs)
	if !ok {
		return nil, nil
	}
	reply := func(text string) ([]string, error) { return h.answer(ctx, number, c, text) }
	if perr != nil {
		// The word after /connectbot is the commenter's: shown, never markup.
		return reply(markdown.Escape(perr.Error()))
	}
	switch cmd.Name {
	case program.CommandRecheck:
		out, err := h.handle(ctx, t, number, true)
		return out.Done, err
	case program.CommandTerminate:
		return h.terminate(ctx, pr.Number, cmd, c, baseSHA, base, reply)
	}
	return nil, nil
}

// answer answers comment c on pull request number with text, through the
// handler's writer (see live.answer).
func (h *Handler) answer(ctx context.Context, number int, c forge.Comment, text string) ([]string, error) {
	w, done := h.writer("")
	answered, err := w.answer(ctx, number, c, text)
	return answered, done(err)
}

// postedOn is the day comment c was posted, the day its command takes
// effect: never later than today (a clock ahead of connectbot's is taken
// as today), and today when GitHub did not say.
func (h *Handler) postedOn(c forge.Comment) application.Date {
	today := application.DateOf(h.Now())
	if c.Created.IsZero() {
		return today
	}
	return min(application.DateOf(c.Created), today)
}

// terminate carries out a termination: the removal pull request, keyed on
// comment c and dated the day c was posted.
func (h *Handler) terminate(ctx context.Context, number int, cmd program.Command, c forge.Comment, baseSHA string, base loader.Tree,
	reply func(string) ([]string, error)) ([]string, error) {
	now := h.postedOn(c)
	cat, cfg, err := h.judge().Loader.Program(base)
	if err != nil {
		return nil, err
	}
	if cmd.Slug == "" {
		apps, err := h.applicationsTouched(ctx, number, baseSHA)
		if err != nil {
			return nil, err
		}
		if len(apps) == 1 {
			cmd.Slug = apps[0]
		}
	}
	var file *application.File
	if cmd.Slug != "" {
		file = loadOne(cat, base.FS, application.PathOf(cmd.Slug), cfg, now)
	}
	action, err := program.Terminate(cmd, c.Author, c.ID, file, cfg, now)
	if err != nil {
		return reply(markdown.Escape(err.Error()))
	}
	w, done := h.writer("")
	proposed, err := w.propose(ctx, now, action, reply)
	return proposed, done(err)
}

// applicationsTouched names the applications pull request number changes,
// from the git trees of its head merged into baseSHA (GitHub's list of a
// pull request's files stops at 3,000).
func (h *Handler) applicationsTouched(ctx context.Context, number int, baseSHA string) ([]string, error) {
	headSHA, err := h.Git.FetchPull(ctx, number)
	if err != nil {
		return nil, err
	}
	id := h.Identity
	id.When = h.Now()
	m, err := h.Git.Merge(ctx, gitrepo.MergeSpec{Base: baseSHA, Head: headSHA, Message: "judge\n", Author: id})
	if err != nil {
		return nil, err
	}
	paths := slices.Clone(m.Conflicts)
	for _, c := range m.Changes {
		paths = append(paths, c.Path)
	}
	var apps []string
	for _, p := range paths {
		if application.IsPath(p) {
			apps = append(apps, application.SlugOf(p))
		}
	}
	return apps, nil
}
