package issueform

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/program"
)

// forgeClient is what the opener needs of GitHub.
type forgeClient interface {
	ListPRs(ctx context.Context, head, state string) ([]forge.PR, error)
	CreatePR(ctx context.Context, pr forge.NewPR) (forge.PR, error)
	UpdatePR(ctx context.Context, number int, title, body string) (forge.PR, error)
	ClosePR(ctx context.Context, number int) error
	ListComments(ctx context.Context, number int) ([]forge.Comment, error)
	CreateComment(ctx context.Context, number int, body string) (forge.Comment, error)
}

// gitRepo is what the opener needs of the repository.
type gitRepo interface {
	Fetch(ctx context.Context, refspecs ...string) error
	Resolve(rev string) (string, error)
	Tree(sha string) (fs.FS, error)
	Entries(sha, dir string) (map[string]gitrepo.Entry, error)
	Commit(ctx context.Context, c gitrepo.Change) (string, error)
	SetBranch(branch, sha string) error
	Push(ctx context.Context, branch string, opts gitrepo.PushOptions) error
	Author(sha string) (gitrepo.Signature, error)
}

// Opener turns application issues into pull requests. Each step looks
// before it acts — the branch is named after the slug, the pull request
// carries the issue's marker, the answer on the issue is found by its
// marker — so a delivery handled twice opens one pull request and answers
// once.
type Opener struct {
	Forge forgeClient
	Git   gitRepo
	// Base is the branch the program lives on.
	Base string
	// Identity signs the commit; BotLogin is the login connectbot
	// comments as.
	Identity gitrepo.Signature
	BotLogin string
	// DryRun reads everything and writes what it would do to Out.
	DryRun bool
	Out    io.Writer
	// Now reads the clock once per issue.
	Now func() time.Time
	// Loader loads the base branch, by its one rule for the schema, and
	// judges what a form proposes as the pull request carrying it will be
	// judged; nil gives the opener a loader of its own.
	Loader *loader.Loader
}

// loader is the opener's Loader, or a new one.
func (o *Opener) loader() *loader.Loader {
	if o.Loader == nil {
		return loader.New()
	}
	return o.Loader
}

// Issue is an issue as opened.
type Issue struct {
	Number int
	Author string
	Body   string
}

// Outcome says what handling an issue did.
type Outcome struct {
	// PR is the application's pull request, 0 when there is none.
	PR int
	// Opened is true when this call opened it, Updated when it pushed
	// the issue's edited answers to it.
	Opened, Updated bool
	Done            []string
}

// Open handles an issue opened or edited with one of the forms. The
// application form opens the pull request that adds the application file;
// a step form the one that changes the file it names. Either is judged as
// the issue author's own; an edited issue updates the pull request it
// opened. Answers that do not fit are refused with the answers to fix.
// An issue that is no form is left alone.
func (o *Opener) Open(ctx context.Context, is Issue) (Outcome, error) {
	form, answers, ok := Recognise(is.Body)
	if !ok {
		return Outcome{Done: []string{fmt.Sprintf("issue #%d is not an application form: nothing to do", is.Number)}}, nil
	}
	if strings.EqualFold(is.Author, o.BotLogin) || strings.HasSuffix(is.Author, "[bot]") {
		return Outcome{Done: []string{fmt.Sprintf("issue #%d was opened by an app, @%s: nothing to do", is.Number, is.Author)}}, nil
	}
	today := application.DateOf(o.Now())
	baseSHA, tree, cat, err := o.base(ctx)
	if err != nil {
		return Outcome{}, err
	}
	mine, err := o.issuePRs(ctx, is.Number)
	if err != nil {
		return Outcome{}, err
	}
	who := Applicant{Login: is.Author, Issue: is.Number}
	if len(mine) > 0 {
		who.PR = mine[0].Number
	}
	r := request{who: who, today: today, baseSHA: baseSHA, tree: tree, cat: cat}
	var out Outcome
	if form.Step != "" {
		out, err = o.openStep(ctx, form, answers, is, r)
	} else {
		out, err = o.openApplication(ctx, answers, is, r)
	}
	if err != nil {
		return out, err
	}
	return o.closeReplaced(ctx, is.Number, out)
}

// request is what handling a form's issue starts from: who asks, the day,
// and the base branch as fetched, with the catalog of its schema.
type request struct {
	who     Applicant
	today   application.Date
	baseSHA string
	tree    fs.FS
	cat     *catalog.Catalog
}

// openApplication handles an issue of the application form: it opens the
// pull request that adds the application file, or updates the one the
// issue opened already.
func (o *Opener) openApplication(ctx context.Context, answers Answers, is Issue, r request) (Outcome, error) {
	draft, problems := Build(r.cat, answers, r.who, r.today)
	if len(problems) > 0 {
		return o.refuseAnswers(ctx, is.Number, RefusalReply(r.who, problems), len(problems))
	}
	branch := program.FormBranch(draft.Slug)
	prs, err := o.Forge.ListPRs(ctx, branch, "all")
	if err != nil {
		return Outcome{}, err
	}
	for _, pr := range prs {
		if strings.Contains(pr.Body, program.FormMarker(is.Number)) && pr.State == "open" {
			return o.updateApplication(ctx, pr, r.baseSHA, draft, r.who, r.today)
		}
		if strings.Contains(pr.Body, program.FormMarker(is.Number)) && !strings.Contains(pr.Body, ReplacedMarker) {
			out := Outcome{PR: pr.Number, Done: []string{fmt.Sprintf("#%d, opened for this issue, is decided", pr.Number)}}
			return o.reply(ctx, is.Number, DecidedReply(draft, r.who, pr.Number, pr.Merged), out)
		}
		if pr.State == "open" {
			return o.refuse(ctx, r.who, appliedAlready(pr))
		}
	}
	if _, err := fs.Stat(r.tree, draft.Path); err == nil {
		return o.refuse(ctx, r.who, fmt.Sprintf("is taken: %s exists already. Choose another slug; if you maintain that file, change it by pull request instead", draft.Path))
	}
	others, err := o.othersBranch(branch)
	if err != nil {
		return Outcome{}, err
	}
	if others {
		return o.refuse(ctx, r.who, fmt.Sprintf("cannot be proposed: the branch %s holds someone else's work; choose another slug", branch))
	}
	head, problems, err := o.commit(ctx, r.baseSHA, draft, r.who, r.today)
	if err != nil {
		return Outcome{}, err
	}
	if len(problems) > 0 {
		return o.refuseAnswers(ctx, is.Number, RefusalReply(r.who, problems), len(problems))
	}
	return o.openPR(ctx, is.Number, branch, head, proposal{
		title: Title(draft), body: PRBody(draft, r.who), source: draft.Source, what: "adding " + draft.Path,
		reply: func(pr int) string { return OpenedReply(draft, r.who, pr) },
	})
}

// updateApplication brings the issue's open pull request pr to the file
// its answers make now, judged for ownership as its applicant's, unless
// the branch holds that file already.
func (o *Opener) updateApplication(ctx context.Context, pr forge.PR, baseSHA string, draft Draft, who Applicant, today application.Date) (Outcome, error) {
	branch := program.FormBranch(draft.Slug)
	done := fmt.Sprintf("#%d was opened for this issue already", pr.Number)
	if out, held, err := o.answerIfHeld(ctx, pr, branch, draft.Path, draft.Source, who, done, OpenedReply(draft, who, pr.Number)); held || err != nil {
		return out, err
	}
	head, problems, err := o.commit(ctx, baseSHA, draft, who, today)
	if err != nil {
		return Outcome{}, err
	}
	if len(problems) > 0 {
		return o.refuseAnswers(ctx, who.Issue, RefusalReply(who, problems), len(problems))
	}
	return o.pushUpdate(ctx, pr, branch, head, draft.Source, who)
}

// appliedAlready says that the slug is applied for in the open pull
// request pr, and what to do about it: edit the issue it was opened from
// when it is the applicant's own, choose another slug when not.
func appliedAlready(pr forge.PR) string {
	n, ok := program.FormMarkedIssue(pr.Body)
	if !ok {
		return fmt.Sprintf("is being applied for already, in #%d: choose another slug", pr.Number)
	}
	return fmt.Sprintf("is being applied for already, in #%d, opened from issue #%d. If that is your application, edit issue #%d to change its answers, and close this issue; if not, choose another slug", pr.Number, n, n)
}

// refuse answers with one problem, about the slug.
func (o *Opener) refuse(ctx context.Context, who Applicant, msg string) (Outcome, error) {
	problems := []Problem{{Field: field(FieldSlug).Label, Message: msg}}
	return o.reply(ctx, who.Issue, RefusalReply(who, problems), Outcome{Done: []string{"refused: the slug"}})
}

// reply posts body on the issue unless connectbot's last answer there is
// body already.
func (o *Opener) reply(ctx context.Context, issue int, body string, out Outcome) (Outcome, error) {
	return o.answer(ctx, issue, body, false, out)
}

// replyOnce posts body on the issue unless connectbot has answered it at
// all: for a pull request that holds the issue's answers already, so that
// a repeated delivery of an edit answers once.
func (o *Opener) replyOnce(ctx context.Context, issue int, body string, out Outcome) (Outcome, error) {
	return o.answer(ctx, issue, body, true, out)
}

// answer posts body on the issue, unless connectbot's last answer is body
// already, or (once) it has answered at all.
func (o *Opener) answer(ctx context.Context, issue int, body string, once bool, out Outcome) (Outcome, error) {
	if o.DryRun {
		_, err := fmt.Fprintf(o.Out, "dry run: would answer on #%d:\n\n%s", issue, body)
		return out, err
	}
	comments, err := o.Forge.ListComments(ctx, issue)
	if err != nil {
		return out, fmt.Errorf("issue #%d comments: %w", issue, err)
	}
	// The last answer stands until the issue's answers make another: a
	// delivery handled twice answers once, an edit that changes the
	// outcome is answered again.
	last := ""
	for _, c := range comments {
		if strings.EqualFold(c.Author, o.BotLogin) && strings.HasPrefix(c.Body, ReplyMarker) {
			last = c.Body
		}
	}
	if last == body || once && last != "" {
		out.Done = append(out.Done, "answered already")
		return out, nil
	}
	c, err := o.Forge.CreateComment(ctx, issue, body)
	if err != nil {
		return out, fmt.Errorf("answer on #%d: %w", issue, err)
	}
	out.Done = append(out.Done, fmt.Sprintf("answered on #%d (comment %d)", issue, c.ID))
	return out, nil
}
