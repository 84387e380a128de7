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
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// openStep handles an issue opened or edited with a step form: it opens
// the one pull request that changes the application file the form names
// — or, when the issue has one already, updates it with the issue's
// answers as they are now — or refuses with the answers to fix, and
// answers on the issue.
func (o *Opener) openStep(ctx context.Context, form Form, answers Answers, is Issue, r request) (Outcome, error) {
	if msg, err := o.underReview(ctx, answers.Value(FieldSlug), r.tree); msg != "" || err != nil {
		if err != nil {
			return Outcome{}, err
		}
		return o.refuseStep(ctx, form, r.who, msg)
	}
	change, problems := BuildChange(r.cat, form, answers, r.tree)
	if len(problems) > 0 {
		return o.refuseAnswers(ctx, is.Number, StepRefusalReply(form, r.who, problems), len(problems))
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
			return o.refuseStep(ctx, form, r.who, changeUnderWay(form, pr))
		}
	}
	if mine == nil {
		others, err := o.othersBranch(branch)
		if err != nil {
			return Outcome{}, err
		}
		if others {
			return o.refuseStep(ctx, form, r.who, fmt.Sprintf("cannot be changed from the form: the branch %s holds someone else's work", branch))
		}
	}
	msg := program.StepCommitMessage(form.Step, change.Path, is.Number, is.Author)
	head, problems, err := o.commitAs(ctx, r.baseSHA, change.Path, change.Source, msg, r.who, r.today, form.Fields)
	if err != nil {
		return Outcome{}, err
	}
	if len(problems) > 0 {
		return o.refuseAnswers(ctx, is.Number, StepRefusalReply(form, r.who, problems), len(problems))
	}
	if mine != nil {
		return o.updateStep(ctx, *mine, branch, head, change, r.who)
	}
	return o.openPR(ctx, is.Number, branch, head, proposal{
		title: StepTitle(change), body: StepPRBody(change, r.who), source: change.Source, what: "changing " + change.Path,
		reply: func(pr int) string { return StepOpenedReply(change, r.who, pr) },
	})
}

// underReview says, when slug names no file of the tree but an
// application in an open pull request, that a step form waits for its
// acceptance, and where the application is; "" otherwise.
func (o *Opener) underReview(ctx context.Context, slug string, tree fs.FS) (string, error) {
	if !policy.ValidSlug(slug) {
		return "", nil
	}
	p := application.PathOf(slug)
	if _, err := fs.Stat(tree, p); err == nil {
		return "", nil
	}
	prs, err := o.Forge.ListPRs(ctx, program.FormBranch(slug), "open")
	if err != nil || len(prs) == 0 {
		return "", err
	}
	n, ok := program.FormMarkedIssue(prs[0].Body)
	if !ok {
		return fmt.Sprintf("names %s, which is not in the program yet: its application is in #%d, for a reviewer to decide. Use this form again once a reviewer has accepted it", p, prs[0].Number), nil
	}
	return fmt.Sprintf("names %s, which is not in the program yet: its application is in #%d, opened from issue #%d, for a reviewer to decide. "+
		"Use this form again once a reviewer has accepted it; until then, edit issue #%d to change the application's answers", p, prs[0].Number, n, n), nil
}

// changeUnderWay says that the open pull request pr changes the file from
// form already, and which issue to edit to change its answers.
func changeUnderWay(form Form, pr forge.PR) string {
	n, ok := program.FormMarkedIssue(pr.Body)
	if !ok {
		return fmt.Sprintf("has a change from the %s form under way already, in #%d: wait until it is decided", form.Name, pr.Number)
	}
	return fmt.Sprintf("has a change from the %s form under way already, in #%d, opened from issue #%d. Edit issue #%d to change its answers, and close this issue; or wait until #%d is decided", form.Name, pr.Number, n, n, pr.Number)
}

// updateStep brings the issue's open pull request pr to the commit head,
// made from the issue's answers as they are now, unless its branch holds
// that file already.
func (o *Opener) updateStep(ctx context.Context, pr forge.PR, branch, head string, change Change, who Applicant) (Outcome, error) {
	done := fmt.Sprintf("#%d holds these answers already", pr.Number)
	if out, held, err := o.answerIfHeld(ctx, pr, branch, change.Path, change.Source, who, done, StepOpenedReply(change, who, pr.Number)); held || err != nil {
		return out, err
	}
	return o.pushUpdate(ctx, pr, branch, head, change.Source, who)
}

// answerIfHeld answers the issue once with reply, saying done, when the
// branch of its open pull request pr holds src at p already; held is
// false, and nothing is said, when it does not.
func (o *Opener) answerIfHeld(ctx context.Context, pr forge.PR, branch, p string, src []byte, who Applicant, done, reply string) (out Outcome, held bool, err error) {
	held, err = o.branchHolds(branch, p, src)
	if err != nil || !held {
		return Outcome{}, held, err
	}
	out, err = o.replyOnce(ctx, who.Issue, reply, Outcome{PR: pr.Number, Done: []string{done}})
	return out, true, err
}

// remoteTip is the commit the remote branch points at as last fetched,
// "" when there is no such branch.
func (o *Opener) remoteTip(branch string) string {
	tip, err := o.Git.Resolve("refs/remotes/origin/" + branch)
	if err != nil {
		return ""
	}
	return tip
}

// branchHolds reports whether the remote branch holds src at p.
func (o *Opener) branchHolds(branch, p string, src []byte) (bool, error) {
	tip := o.remoteTip(branch)
	if tip == "" {
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

// proposal is a pull request an issue's answers make.
type proposal struct {
	// title and body are the pull request's; source is the file it
	// writes, which a dry run prints.
	title, body string
	source      []byte
	// what says what it does to the file: "adding applications/acme.cue".
	what string
	// reply is the answer on the issue once pull request pr is open; pr 0
	// stands for the one a dry run would open.
	reply func(pr int) string
}

// openPR points branch at head, pushes it and opens the pull request p
// from it, then answers on the issue.
func (o *Opener) openPR(ctx context.Context, issue int, branch, head string, p proposal) (Outcome, error) {
	if o.DryRun {
		if _, err := fmt.Fprintf(o.Out, "dry run: would open the pull request %q from %s %s:\n\n%s\n", p.title, branch, p.what, p.source); err != nil {
			return Outcome{}, err
		}
		return o.reply(ctx, issue, p.reply(0), Outcome{Done: []string{"dry run: nothing was changed"}})
	}
	if err := o.push(ctx, branch, head); err != nil {
		return Outcome{}, err
	}
	pr, err := o.Forge.CreatePR(ctx, forge.NewPR{Title: p.title, Body: p.body, Head: branch, Base: o.Base})
	if errors.Is(err, forge.ErrValidation) {
		// A concurrent delivery opened it between our look and our create.
		return Outcome{Done: []string{"opened by a concurrent run"}}, nil
	}
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{PR: pr.Number, Opened: true, Done: []string{fmt.Sprintf("opened #%d %s", pr.Number, p.what)}}
	return o.reply(ctx, issue, p.reply(pr.Number), out)
}

// pushUpdate points the branch of the issue's open pull request pr at
// head, the commit of source, pushes it and answers on the issue.
func (o *Opener) pushUpdate(ctx context.Context, pr forge.PR, branch, head string, source []byte, who Applicant) (Outcome, error) {
	if o.DryRun {
		_, err := fmt.Fprintf(o.Out, "dry run: would update #%d from %s:\n\n%s\n", pr.Number, branch, source)
		return Outcome{PR: pr.Number, Done: []string{"dry run: nothing was changed"}}, err
	}
	if err := o.push(ctx, branch, head); err != nil {
		return Outcome{}, err
	}
	out := Outcome{PR: pr.Number, Updated: true, Done: []string{fmt.Sprintf("updated #%d with the issue's answers", pr.Number)}}
	return o.reply(ctx, who.Issue, UpdatedReply(who, pr.Number, head), out)
}

// refuseAnswers answers with body, the reply listing the n answers to
// fix.
func (o *Opener) refuseAnswers(ctx context.Context, issue int, body string, n int) (Outcome, error) {
	return o.reply(ctx, issue, body, Outcome{Done: []string{fmt.Sprintf("refused: %d answers to fix", n)}})
}

// othersBranch reports whether the remote branch exists with a tip that
// someone other than connectbot committed: a branch connectbot must not
// replace.
func (o *Opener) othersBranch(branch string) (bool, error) {
	tip := o.remoteTip(branch)
	if tip == "" {
		return false, nil
	}
	author, err := o.Git.Author(tip)
	return err == nil && !strings.EqualFold(author.Email, o.Identity.Email), err
}

// closeReplaced closes the issue's other open pull requests once out.PR,
// open, holds its answers: an edit that changed the slug proposes them
// from another branch, and the pull request of the earlier answers must
// not stay open beside it, to be judged, approved and merged. Each is
// marked replaced first, saying by which, so that a slug edited back
// opens its pull request afresh.
func (o *Opener) closeReplaced(ctx context.Context, issue int, out Outcome) (Outcome, error) {
	if o.DryRun || out.PR == 0 {
		return out, nil
	}
	prs, err := o.issuePRs(ctx, issue)
	if err != nil {
		return out, err
	}
	var earlier []forge.PR
	current := false
	for _, pr := range prs {
		if pr.Number == out.PR {
			current = true
		} else {
			earlier = append(earlier, pr)
		}
	}
	if !current {
		return out, nil
	}
	for _, pr := range earlier {
		if _, err := o.Forge.UpdatePR(ctx, pr.Number, pr.Title, ReplacedBody(pr.Body, issue, out.PR)); err != nil {
			return out, err
		}
		if err := o.Forge.ClosePR(ctx, pr.Number); err != nil {
			return out, err
		}
		out.Done = append(out.Done, fmt.Sprintf("closed #%d, replaced by #%d", pr.Number, out.PR))
	}
	return out, nil
}

// issuePRs are the open pull requests connectbot opened for issue.
func (o *Opener) issuePRs(ctx context.Context, issue int) ([]forge.PR, error) {
	prs, err := o.Forge.ListPRs(ctx, "", "open")
	if err != nil {
		return nil, err
	}
	var out []forge.PR
	for _, pr := range prs {
		if strings.Contains(pr.Body, program.FormMarker(issue)) && strings.EqualFold(pr.Author, o.BotLogin) {
			out = append(out, pr)
		}
	}
	return out, nil
}
