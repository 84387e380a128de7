// Package program is connectbot's engine: from every application, the
// program configuration, the install counts and a date, it decides each
// integrator's state, every running clock, and the exact actions a
// scheduled run must take. It is pure — no network, no git, no CUE, no
// clock of its own — so the program manager's daily view and the bot's
// decisions are the same function, and every case is a table test.
//
// The clocks follow the Connect Program Policies (the seed) and
// ../shared/DESIGN.md "Deadline semantics": days are calendar days in UTC,
// and a deadline is met until the end of its day.
package program

import (
	"github.com/connectbot/connectbot/internal/application"
)

// Deadline kinds.
const (
	// DeadlineListingInfo is the listing information due listingDueDays
	// after acceptance into beta (Connect beta-1, beta-2).
	DeadlineListingInfo = "listing-info"
	// DeadlineInstallWindow is the end of the installWindowDays after the
	// listing is published, by which a beta must reach
	// certificationInstalls (Connect beta-5, beta-6, beta-7).
	DeadlineInstallWindow = "install-window"
)

// Removal reasons.
const (
	ReasonListingOverdue       = "listing-overdue"
	ReasonInstallWindowLapsed  = "installs-window-lapsed"
	reasonConditionNoLongerMet = "condition-no-longer-holds"
)

// Installs is an install count, the day it was taken and where it came
// from: "recorded" (program.installs in the file) or the name of a live
// source.
type Installs struct {
	Count  int              `json:"count"`
	AsOf   application.Date `json:"asOf"`
	Source string           `json:"source"`
}

// SourceRecorded names the installs recorded in an application file.
const SourceRecorded = "recorded"

// OpenPR is a pull request the bot opened earlier and that is still open:
// its kind (KindOpenRemovalPR, KindPromote or KindLaunch), the application
// and, for a removal, the reason it was opened for.
type OpenPR struct {
	Number int        `json:"number"`
	Kind   ActionKind `json:"kind"`
	Slug   string     `json:"slug"`
	Reason string     `json:"reason,omitempty"`
}

// Input is everything a decision depends on, gathered beforehand.
type Input struct {
	// Files are the judged application files: decoded values and findings.
	Files []application.File
	// Config is the program configuration.
	Config application.Config
	// Installs are live counts by slug; they override the recorded ones.
	// Nil means the program names no install source; a map, even an empty
	// one, is the source's whole answer, and then a removal for a lapsed
	// install window waits for the source's count taken on or after the
	// window's end: an application it leaves out is not removed on its
	// recorded count.
	Installs map[string]Installs
	// Open are the bot's pull requests that are open now.
	Open []OpenPR
	// ListingSuppliedOn is, for each application ListingAsked names, the
	// first day its listing was complete in a commit of the program's
	// branch, read from git history beforehand; an application left out
	// never had it complete. Nil means no history was read (a plain
	// directory): a listing then counts as supplied when it is complete
	// today or was published by its due date.
	ListingSuppliedOn map[string]application.Date
	// Now is the day of the decision, in UTC.
	Now application.Date
}

// Deadline is one clock of one application.
type Deadline struct {
	Kind     string           `json:"kind"`
	Due      application.Date `json:"due"`
	DaysLeft int              `json:"daysLeft"`
	Met      bool             `json:"met"`
}

// Lapsed reports whether the deadline has passed unmet: from the day after
// its due date.
func (d Deadline) Lapsed() bool { return !d.Met && d.DaysLeft < 0 }

// Status is where one application stands.
type Status struct {
	Slug      string            `json:"slug"`
	Stage     application.Stage `json:"stage"`
	Installs  *Installs         `json:"installs"`
	Deadlines []Deadline        `json:"deadlines"`
	Next      string            `json:"next"`
	// Valid is false when the file has errors other than the clock's own
	// (an overdue listing). Its clocks still run unless Skipped.
	Valid bool `json:"valid"`
	// Skipped is true when the file's clock inputs (stage, dates,
	// installs, listing) cannot be read or are invalid: the plan skips it,
	// and Next begins with ActNow.
	Skipped bool `json:"skipped"`
	// Errors counts the file's error findings.
	Errors int `json:"errors"`
	// Held says why a clock that has come plans nothing: its action waits
	// for the application's own inputs (a launch whose certification steps
	// are incomplete). Empty when nothing is held.
	Held string `json:"held,omitempty"`
}

// Action is one thing a scheduled run must do. Every action names the rule
// and clause it enforces, the dates it rests on, and its evidence.
type Action struct {
	Kind ActionKind `json:"kind"`
	Slug string     `json:"slug"`
	// Reason is why: for removals "listing-overdue" or
	// "installs-window-lapsed"; for reminders the deadline kind; for
	// close-pr the condition that stopped holding.
	Reason string `json:"reason"`
	// Due is the deadline or date the action rests on.
	Due application.Date `json:"due"`
	// DaysBefore is, for a reminder, the reminder it is: the entry of
	// reminderDays, how many days before Due it is sent on its day. It
	// keeps the reminder once whichever day it goes out.
	DaysBefore int `json:"daysBefore,omitempty"`
	// DaysLate is, for a reminder, how many days after its day it is sent,
	// within reminderCatchUpDays: no run posted it on its day. Due is then
	// DaysBefore - DaysLate days away (DaysLeft).
	DaysLate int `json:"daysLate,omitempty"`
	// Rule is the rule id of the clause enforced, such as connect/beta-2.
	Rule string `json:"rule"`
	// Clause is the policy sentence behind the action, verbatim.
	Clause string `json:"clause"`
	// Dates are the application's dates the decision used, by name.
	Dates map[string]application.Date `json:"dates"`
	// Installs is the install count the decision used, if any.
	Installs *Installs `json:"installs,omitempty"`
	// PR is, for close-pr, the pull request to close.
	PR int `json:"pr,omitempty"`
	// Comment is, for a reviewer's termination, the id of the comment
	// that commanded it: its pull request is keyed on the comment, so the
	// same command never opens a second one, on any day.
	Comment int64 `json:"comment,omitempty"`
	// Evidence says in words what the decision rests on.
	Evidence string `json:"evidence"`
}

// Plan is every action of one run, in a stable order.
type Plan struct {
	Now     application.Date `json:"now"`
	Actions []Action         `json:"actions"`
}
