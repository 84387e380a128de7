package program

import "strings"

// Labels a verdict puts on a pull request: the handler keeps exactly the
// verdict's on it (see IsVerdictLabel).
const (
	LabelNew              = "application:new"
	LabelUpdate           = "application:update"
	LabelNeedsReview      = "needs-review"
	LabelInvalid          = "invalid"
	LabelChangesRequested = "changes-requested"
	LabelNeedsRebase      = "needs-rebase"
	labelStagePrefix      = "stage:"
)

// Labels of the pull requests connectbot opens for a scheduled action (see
// ActionLabel).
const (
	LabelRemoval   = "removal"
	LabelPromotion = "promotion"
	LabelLaunch    = "launch"
)

// Labels of issues: GitHub creates them with its default style when an
// issue first carries them.
const (
	// LabelTracking marks the one issue per application where connectbot
	// posts its reminders.
	LabelTracking = "connectbot:tracking"
	// LabelApplication is the label every issue form puts on its issues;
	// the workflow that reads forms waits for it, and a program creates it
	// when it starts (see its README).
	LabelApplication = "application"
)

// LabelStyle is how GitHub shows a label connectbot creates: its colour,
// six hex digits, and its description.
type LabelStyle struct {
	Color, Description string
}

// verdictStyles are the verdict's labels, with their styles; a stage label
// ("stage: beta") has stageStyle.
var verdictStyles = map[string]LabelStyle{
	LabelNew:              {"0e8a16", "A new application to the program"},
	LabelUpdate:           {"1d76db", "A change to an application"},
	LabelNeedsReview:      {"fbca04", "Waiting for a reviewer"},
	LabelInvalid:          {"d93f0b", "connectbot found errors"},
	LabelChangesRequested: {"b60205", "A reviewer asked for changes"},
	LabelNeedsRebase:      {"e99695", "Does not merge cleanly into the base branch: rebase"},
}

// stageStyle is the style of every stage label.
var stageStyle = LabelStyle{"c5def5", "Application stage"}

// actionStyle is the style of the labels of connectbot's own pull requests.
var actionStyle = LabelStyle{"d93f0b", "Opened by connectbot"}

// IsVerdictLabel reports whether label is one a verdict sets or clears: a
// label of the verdict's set, or a stage label.
func IsVerdictLabel(label string) bool {
	_, ok := verdictStyles[label]
	return ok || strings.HasPrefix(label, labelStagePrefix)
}

// StyleOf returns the style connectbot gives label when it creates it: a
// verdict label's own, the action labels' for LabelRemoval, LabelPromotion
// and LabelLaunch, else the stage labels'.
func StyleOf(label string) LabelStyle {
	if s, ok := verdictStyles[label]; ok {
		return s
	}
	switch label {
	case LabelRemoval, LabelPromotion, LabelLaunch:
		return actionStyle
	}
	return stageStyle
}

// ActionLabel returns the label of the pull request connectbot opens for an
// action of kind: LabelRemoval, LabelPromotion, else LabelLaunch.
func ActionLabel(kind ActionKind) string {
	switch kind {
	case KindOpenRemovalPR:
		return LabelRemoval
	case KindPromote:
		return LabelPromotion
	}
	return LabelLaunch
}
