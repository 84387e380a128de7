package issueform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/program"
)

// openStep handles an issue opened or edited with a step form: it opens
// the one pull request that changes the application file the form names
// — or, when the issue has one already, updates it with the issue's
// answers as they are now — or refuses with the answers to fix, and
// answers on the issue.
func (o *Opener) openStep(ctx context.Context, form Form, answers Answers, is Issue) (Outcome, error) {
	who := Applicant{Login: is.Author, Issue: is.Number}
	today := application.DateOf(o.Now())
	baseSHA, tree, cat, err := o.base(ctx)
	if err != nil {
		return Outcome{}, err
	}
	change, problems := BuildChange(cat, form, answers, tree)
	if len(problems) > 0 {
		return o.reply(ctx, is.Number, StepRefusalReply(form, who, problems), Outcome{Done: []string{fmt.Sprintf("refused: %d answers to fix", len(problems))}})
	}
	branch := program.StepBranch(form.Step, change.Slug)
	prs, err := o.Forge.ListPRs(ctx, branch, "all")
	if err != nil {
		return Outcome{}, err
	}
	var mine *forge.PR
	for i, pr := range prs {
		switch {
		case strings.Contains(pr.Body, program.FormMarker(is.Number)) && pr.State == "open":
			mine = &prs[i]
		case strings.Contains(pr.Body, program.FormMarker(is.Number)):
			// A pull request closed or merged for this issue stays so;
			// a new change needs a new issue.
		case pr.State == "open":
			return o.refuseStep(ctx, form, who, fmt.Sprintf("has a change from the %s form under way already, in #%d: edit that issue, or wait until it is decided", form.Name, pr.Number))
		}
	}
	if mine == nil {
		if remote, err := o.Git.Resolve("refs/remotes/origin/" + branch); err == nil && remote != "" {
			author, err := o.Git.Author(remote)
			if err != nil {
				return Outcome{}, err
			}
			if !strings.EqualFold(author.Email, o.Identity.Email) {
				return o.refuseStep(ctx, form, who, fmt.Sprintf("cannot be changed from the form: the branch %s holds someone else's work", branch))
			}
		}
	}
	msg := program.StepCommitMessage(form.Step, change.Path, is.Number, is.Author)
	head, problems, err := o.commitAs(ctx, baseSHA, change.Path, change.Source, msg, who, today, form.Fields)
	if err != nil {
		return Outcome{}, err
	}
	if len(problems) > 0 {
		return o.reply(ctx, is.Number, StepRefusalReply(form, who, problems), Outcome{Done: []string{fmt.Sprintf("refused: %d answers to fix", len(problems))}})
	}
	if mine != nil {
		return o.updateStep(ctx, *mine, branch, head, change, who)
	}
	if o.DryRun {
		if _, err := fmt.Fprintf(o.Out, "dry run: would open the pull request %q from %s changing %s:\n\n%s\n", StepTitle(change), branch, change.Path, change.Source); err != nil {
			return Outcome{}, err
		}
		return o.reply(ctx, is.Number, StepOpenedReply(change, who, 0), Outcome{Done: []string{"dry run: nothing was changed"}})
	}
	if err := o.push(ctx, branch, head); err != nil {
		return Outcome{}, err
	}
	pr, err := o.Forge.CreatePR(ctx, forge.NewPR{Title: StepTitle(change), Body: StepPRBody(change, who), Head: branch, Base: o.Base})
	if errors.Is(err, forge.ErrValidation) {
		return Outcome{Done: []string{"opened by a concurrent run"}}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{PR: pr.Number, Opened: true, Done: []string{fmt.Sprintf("opened #%d changing %s", pr.Number, change.Path)}}
	return o.reply(ctx, is.Number, StepOpenedReply(change, who, pr.Number), out)
}

// updateStep brings the issue's open pull request pr to the commit head,
// made from the issue's answers as they are now, unless its branch holds
// that file already.
func (o *Opener) updateStep(ctx context.Context, pr forge.PR, branch, head string, change Change, who Applicant) (Outcome, error) {
	same, err := o.branchHolds(branch, change.Path, change.Source)
	if err != nil {
		return Outcome{}, err
	}
	if same {
		out := Outcome{PR: pr.Number, Done: []string{fmt.Sprintf("#%d holds these answers already", pr.Number)}}
		return o.replyOnce(ctx, who.Issue, StepOpenedReply(change, who, pr.Number), out)
	}
	if o.DryRun {
		_, err := fmt.Fprintf(o.Out, "dry run: would update #%d from %s:\n\n%s\n", pr.Number, branch, change.Source)
		return Outcome{PR: pr.Number, Done: []string{"dry run: nothing was changed"}}, err
	}
	if err := o.push(ctx, branch, head); err != nil {
		return Outcome{}, err
	}
	out := Outcome{PR: pr.Number, Updated: true, Done: []string{fmt.Sprintf("updated #%d with the issue's answers", pr.Number)}}
	return o.reply(ctx, who.Issue, UpdatedReply(who, pr.Number, head), out)
}

// branchHolds reports whether the remote branch holds src at p.
func (o *Opener) branchHolds(branch, p string, src []byte) (bool, error) {
	tip, err := o.Git.Resolve("refs/remotes/origin/" + branch)
	if err != nil || tip == "" {
		return false, nil
	}
	tree, err := o.Git.Tree(tip)
	if err != nil {
		return false, err
	}
	have, err := fs.ReadFile(tree, p)
	if err != nil {
		return false, nil
	}
	return bytes.Equal(have, src), nil
}

// push points branch at head and pushes it, replacing what it held: the
// branch is connectbot's, and holds one commit made from one issue.
func (o *Opener) push(ctx context.Context, branch, head string) error {
	if err := o.Git.SetBranch(branch, head); err != nil {
		return err
	}
	return o.Git.Push(ctx, branch, gitrepo.PushOptions{Force: true})
}

// base fetches the program's branch and returns its tip, tree and
// catalog: the base branch's schema judges what a form proposes, as it
// judges the pull request.
func (o *Opener) base(ctx context.Context) (string, fs.FS, *catalog.Catalog, error) {
	if err := o.Git.Fetch(ctx); err != nil {
		return "", nil, nil, err
	}
	sha, err := o.Git.Resolve("refs/remotes/origin/" + o.Base)
	if err != nil {
		return "", nil, nil, fmt.Errorf("branch %s: %w", o.Base, err)
	}
	tree, err := loader.Read(o.Git, sha)
	if err != nil {
		return "", nil, nil, err
	}
	cat, err := o.loader().Catalog(tree)
	if err != nil {
		return "", nil, nil, err
	}
	return sha, tree.FS, cat, nil
}

// refuseStep answers with one problem, about the slug.
func (o *Opener) refuseStep(ctx context.Context, form Form, who Applicant, msg string) (Outcome, error) {
	problems := []Problem{{Field: slugOfYours.Label, Message: msg}}
	return o.reply(ctx, who.Issue, StepRefusalReply(form, who, problems), Outcome{Done: []string{"refused: the slug"}})
}
