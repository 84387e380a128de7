package policy

import "github.com/connectbot/connectbot/internal/application"

// clockRules are the days the program's clocks run from, each with the
// rule of the event it records: the listing's due date from acceptance,
// the install window from publication, the launch from approval.
var clockRules = map[string]string{
	"program.acceptedAt":         RuleBeta1,
	"program.listingPublishedAt": RuleBeta5,
	"program.approvedAt":         RuleCert4,
}

// StageRules are the clauses behind entering each stage, which a stage
// change connectbot records cites.
var StageRules = map[application.Stage]string{
	application.StageApplied:       RuleReq4,
	application.StageBeta:          RuleBeta1,
	application.StageCertification: RuleBeta6,
	application.StagePartner:       RuleCert6,
	application.StageRemoved:       RuleBeta8,
}

// recordedDays checks that every day a clock runs from (clockRules) is
// today or earlier: a day to come, such as a year mistyped, would move
// the clock by as much. The launch date, planned ahead, may be later.
// The removal's day and the history rows start no clock, and a tick run
// with --now ahead of today records its removal or promotion on that
// day, judged as of today; they are not judged here.
func (c *checker) recordedDays() {
	for _, r := range c.app.Program.Recorded() {
		rule, ok := clockRules[r.Path]
		if !ok || r.Day <= c.now {
			continue
		}
		c.errorf(rule, r.Path,
			"%s is after today (%s, UTC): the field records a day that has passed; write the day it happened",
			r.Day, c.now)
	}
}

// acceptanceInHistory checks that the history row recording acceptance —
// the first that enters beta, or certification for an application
// accepted straight into it — is dated acceptedAt, as connectbot writes
// both: they record one event, and the clocks run from acceptedAt. A file
// without such a row is not judged.
func (c *checker) acceptanceInHistory() {
	p := c.app.Program
	if p.AcceptedAt == nil {
		return
	}
	for i, h := range p.History {
		if h.Stage != application.StageBeta && h.Stage != application.StageCertification {
			continue
		}
		if h.Date != *p.AcceptedAt {
			c.warnf(RuleBeta1, "program.acceptedAt",
				"acceptedAt is %s but the history row entering %s (history[%d]) is dated %s: both record the acceptance, and the clocks run from acceptedAt; make them the same day",
				p.AcceptedAt, h.Stage, i, h.Date)
		}
		return
	}
}
