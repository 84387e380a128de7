package issueform

import (
	"context"
	"slices"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/gitrepo"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/pullrequest"
)

// commit writes the commit that adds d on top of base, on no branch yet,
// and judges it for ownership as the pull request carrying it will be
// judged: as the applicant's own. It returns the commit, and what the
// ownership rules refuse.
func (o *Opener) commit(ctx context.Context, base string, d Draft, who Applicant, today application.Date) (string, []Problem, error) {
	msg := program.FormCommitMessage(d.Path, who.Issue, who.Login)
	return o.commitAs(ctx, base, d.Path, d.Source, msg, who, today, Fields)
}

// commitAs writes the commit that writes src at p on top of base with
// message msg, on no branch yet, and judges it for ownership as the pull
// request carrying it will be judged — with the same judge, as the
// applicant's own pull request — and returns the commit and what the
// ownership rules refuse (a file the applicant does not maintain, naming
// a company of the program the applicant keeps no file of), said against
// the question of fields to change. Findings the check reports like any
// application's are not problems here.
func (o *Opener) commitAs(ctx context.Context, base, p string, src []byte, msg string, who Applicant, today application.Date, fields []Field) (string, []Problem, error) {
	id := o.Identity
	id.When = o.Now()
	head, err := o.Git.Commit(ctx, gitrepo.Change{Parent: base, Files: map[string][]byte{p: src}, Message: msg, Author: id})
	if err != nil {
		return "", nil, err
	}
	baseTree, err := loader.Read(o.Git, base)
	if err != nil {
		return "", nil, err
	}
	headTree, err := loader.Read(o.Git, head)
	if err != nil {
		return "", nil, err
	}
	change := pullrequest.Change{Path: p, To: pullrequest.Entry{Kind: program.EntryFile, Object: headTree.Apps[p]}}
	if blob, ok := baseTree.Apps[p]; ok {
		change.From = pullrequest.Entry{Kind: program.EntryFile, Object: blob}
	}
	judged, err := (&pullrequest.Judge{Loader: o.loader()}).Judge(baseTree, headTree, []pullrequest.Change{change}, today)
	if err != nil {
		return "", nil, err
	}
	found, _ := program.Ownership(program.Author{Login: who.Login}, judged.Changes, judged.Config)
	b := builder{fields: fields}
	for _, f := range found[p] {
		if f.Severity == application.SeverityError {
			b.problem(ownershipLabel(f.Rule, fields), f.Message)
		}
	}
	return head, b.sorted(), nil
}

// ownershipLabel is the question an ownership rule's finding on a new
// application is about.
func ownershipLabel(rule string, fields []Field) string {
	b := builder{fields: fields}
	switch {
	case rule == policy.RuleCompanyClaim && slices.ContainsFunc(fields, func(f Field) bool { return f.ID == FieldCompanyName }):
		return b.label(FieldCompanyName)
	case rule == program.RuleMaintainer && slices.ContainsFunc(fields, func(f Field) bool { return f.ID == FieldMaintainers }):
		return b.label(FieldMaintainers)
	case rule == program.RuleMaintainer:
		return b.label(FieldSlug)
	}
	return formLabel
}
