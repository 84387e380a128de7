package issueform

import (
	"context"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/pullrequest"
)

// commit writes the commit that adds d on top of base, on no branch yet,
// and judges it for ownership as the pull request carrying it will be
// judged: as the applicant's own. It returns the commit, and what the
// ownership rules refuse.
func (o *Opener) commit(ctx context.Context, base string, d Draft, who Applicant, today application.Date) (string, []Problem, error) {
	id := o.Identity
	id.When = o.Now()
	head, err := o.Git.Commit(ctx, gitrepo.Change{Parent: base, Files: map[string][]byte{d.Path: d.Source},
		Message: program.FormCommitMessage(d.Path, who.Issue, who.Login), Author: id})
	if err != nil {
		return "", nil, err
	}
	problems, err := o.ownership(base, head, d, who, today)
	return head, problems, err
}

// ownership judges commit head, which adds d on top of base, as the pull
// request proposing it will be judged — with the same judge, as the
// applicant's own pull request — and returns what the ownership rules
// refuse (naming a company of the program the applicant keeps no file
// of, say), said against the question to change. Findings the check
// reports like any application's are not problems here.
func (o *Opener) ownership(base, head string, d Draft, who Applicant, today application.Date) ([]Problem, error) {
	baseTree, err := pullrequest.ReadTree(o.Git, base)
	if err != nil {
		return nil, err
	}
	headTree, err := pullrequest.ReadTree(o.Git, head)
	if err != nil {
		return nil, err
	}
	added := []pullrequest.Change{{Path: d.Path, To: pullrequest.Entry{Kind: program.EntryFile, Object: headTree.Apps[d.Path]}}}
	judged, err := pullrequest.NewJudge().Judge(baseTree, headTree, added, today)
	if err != nil {
		return nil, err
	}
	found, _ := program.Ownership(program.Author{Login: who.Login}, judged.Changes, judged.Config)
	b := builder{}
	for _, f := range found[d.Path] {
		if f.Severity == application.SeverityError {
			b.problem(ownershipLabel(f.Rule), f.Message)
		}
	}
	return b.sorted(), nil
}

// ownershipLabel is the question an ownership rule's finding on a new
// application is about.
func ownershipLabel(rule string) string {
	switch rule {
	case policy.RuleCompanyClaim:
		return field(FieldCompanyName).Label
	case program.RuleMaintainer:
		return field(FieldMaintainers).Label
	}
	return formLabel
}
