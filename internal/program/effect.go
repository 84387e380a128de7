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
// its date. ok is false for actions that change no file.
func Effect(a Action, p application.ProgramState, now application.Date) (application.ProgramState, bool) {
	next := p
	if a.Reason == ReasonTerminated && a.Due != 0 && a.Due < now {
		now = a.Due // a termination takes effect the day it was commanded
	}
	switch a.Kind {
	case KindOpenRemovalPR:
		next.Stage = application.StageRemoved
		next.Removed = &application.Removal{At: now, Reason: a.Reason, By: BotLogin}
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
		Date: now, Stage: next.Stage, By: BotLogin, Ref: fmt.Sprintf("%s %s", a.Rule, a.Reason),
	})
	return next, true
}

// Branch is the deterministic branch of an action's pull request, so that
// a second run finds the first one's work: connectbot/remove/<slug>,
// connectbot/promote/<slug>, connectbot/launch/<slug>.
func Branch(a Action) string {
	verb := map[string]string{KindOpenRemovalPR: "remove", KindPromote: "promote", KindLaunch: "launch"}[a.Kind]
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
