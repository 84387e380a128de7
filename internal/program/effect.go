package program

import (
	"fmt"
	"slices"

	"github.com/connectbot/connectbot/internal/application"
)

// BotLogin is how connectbot signs what it records in an application.
const BotLogin = "connectbot"

// Effect returns the program part an action's pull request proposes for
// an application: a removal sets stage removed with when, why and by whom;
// a promotion enters certification; a launch makes a partner. Each adds a
// history row, and the install count the decision used is recorded with
// its date. Both are dated the day of the event that decided the action
// (EventDay), never the day a run happened to carry it out. ok is false
// for actions that change no file.
func Effect(a Action, p application.ProgramState, now application.Date) (application.ProgramState, bool) {
	next := p
	day := RecordDay(EventDay(a, now), now, p)
	switch a.Kind {
	case KindOpenRemovalPR:
		next.Stage = application.StageRemoved
		next.Removed = &application.Removal{At: day, Reason: a.Reason, By: BotLogin}
	case KindPromote:
		next.Stage = application.StageCertification
	case KindLaunch:
		next.Stage = application.StagePartner
	default:
		return p, false
	}
	if a.Installs != nil {
		next.Installs = application.Installs{Count: a.Installs.Count, AsOf: a.Installs.AsOf}
	}
	next.History = append(slices.Clone(p.History), application.HistoryRow{
		Date: day, Stage: next.Stage, By: BotLogin, Ref: fmt.Sprintf("%s %s", a.Rule, a.Reason),
	})
	return next, true
}

// EventDay is the day of the event that decided an action: for a removal
// because a clock lapsed, the first day it was lapsed (the day after its
// due date: on the due date itself it is still met); for any other
// action, its Due — the day the count reaching certification was taken
// for a promotion, the launch date for a launch, the day of the command
// for a termination. An action without a Due is dated now.
func EventDay(a Action, now application.Date) application.Date {
	switch {
	case a.Due == 0:
		return now
	case a.Kind == KindOpenRemovalPR && (a.Reason == ReasonListingOverdue || a.Reason == ReasonInstallWindowLapsed):
		return a.Due.AddDays(1)
	}
	return a.Due
}

// RecordDay is the day a stage change records for an event on day event:
// that day, but never later than today (a date in the future, or a clock
// ahead of connectbot's, is taken as today) and never before the last
// day the application's record already shows (LastRecorded), so that its
// dates and history stay in order.
func RecordDay(event, today application.Date, p application.ProgramState) application.Date {
	day := max(event, LastRecorded(p))
	return min(day, today)
}

// LastRecorded is the latest day an application's program part records
// as having happened — acceptance, publication, approval, removal, a
// history row — or 0 when it records none. The launch date, a day
// planned ahead, is not one.
func LastRecorded(p application.ProgramState) application.Date {
	var last application.Date
	for _, r := range p.Recorded() {
		last = max(last, r.Day)
	}
	return last
}

// Branch is the deterministic branch of an action's pull request, so that
// a second run finds the first one's work: connectbot/remove/<slug>,
// connectbot/promote/<slug>, connectbot/launch/<slug>.
func Branch(a Action) string {
	verb := a.Kind.Verb()
	if verb == "" {
		return ""
	}
	return "connectbot/" + verb + "/" + a.Slug
}

// Marker identifies the deadline an action's pull request is for, or the
// comment that commanded it, hidden in its body: a pull request a
// reviewer closed for this deadline or command is not opened again, while
// a later deadline or another command gets its own.
func Marker(a Action) string {
	key := a.Due.String()
	if a.Comment != 0 {
		key = fmt.Sprintf("comment-%d", a.Comment)
	}
	return fmt.Sprintf("<!-- connectbot:action %s %s %s %s -->", a.Kind, a.Slug, a.Reason, key)
}
