package program_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/program"
)

func TestTheFormsWordsAreReadBackOnlyAsWritten(t *testing.T) {
	type read struct {
		Issue int
		OK    bool
	}
	message := program.FormCommitMessage("applications/tidy-ledger.cue", 12, "tidy-dev")
	tests := []struct {
		name string
		got  func() (int, bool)
		want read
	}{
		{"the marker connectbot writes names its issue", func() (int, bool) {
			return program.FormMarkedIssue("Opened from the form.\n\n" + program.FormMarker(12) + "\n")
		}, read{12, true}},
		{"the marker twice, for one issue, names it", func() (int, bool) { return program.FormMarkedIssue(program.FormMarker(12) + program.FormMarker(12)) }, read{12, true}},
		{"markers naming two issues name none", func() (int, bool) {
			return program.FormMarkedIssue(program.FormMarker(12) + "\n" + program.FormMarker(13))
		}, read{0, false}},
		{"a body without the marker names none", func() (int, bool) { return program.FormMarkedIssue("Adds tidy-ledger, from #12.") }, read{0, false}},
		{"issue zero is no issue", func() (int, bool) { return program.FormMarkedIssue("<!-- connectbot:application #0 -->") }, read{0, false}},
		{"connectbot's commit names its issue", func() (int, bool) { return program.FormCommitIssue(message) }, read{12, true}},
		{"a commit naming the issue below its subject names none", func() (int, bool) {
			return program.FormCommitIssue("Fix a typo\n\nAdd applications/x.cue from the application form in #12\n")
		}, read{0, false}},
		{"connectbot's commit from a step form names its issue", func() (int, bool) {
			return program.FormCommitIssue(program.StepCommitMessage(program.StepListing, "applications/tidy-ledger.cue", 14, "tidy-dev"))
		}, read{14, true}},
		{"a change from a form connectbot has not names none", func() (int, bool) {
			return program.FormCommitIssue("Change applications/x.cue from the program form in #12\n")
		}, read{0, false}},
		{"a commit adding a file outside applications names none", func() (int, bool) {
			return program.FormCommitIssue("Add program.cue from the application form in #12\n")
		}, read{0, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := tt.got()
			if diff := cmp.Diff(tt.want, read{n, ok}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestOnlyTheFormsBranchesAreFormBranches(t *testing.T) {
	tests := []struct {
		ref  string
		want bool
	}{
		{program.FormBranch("tidy-ledger"), true},
		{program.StepBranch(program.StepListing, "tidy-ledger"), true},
		{program.StepBranch(program.StepContact, "tidy-ledger"), true},
		{"connectbot/listing/", false},
		{"connectbot/remove/tidy-ledger", false},
		{"connectbot/apply/", false},
		{"connectbot/apply/Tidy_Ledger", false},
		{"connectbot/apply/tidy-ledger/more", false},
		{"feature/connectbot/apply/tidy-ledger", false},
	}
	for _, tt := range tests {
		if got := program.IsFormBranch(tt.ref); got != tt.want {
			t.Errorf("IsFormBranch(%q) = %v, want %v", tt.ref, got, tt.want)
		}
	}
}

func TestEachStepFormOwnsItsFields(t *testing.T) {
	tests := []struct {
		path, want string
	}{
		{"listing.tagline", program.StepListing},
		{"listing", program.StepListing},
		{"integration.appId", program.StepCertification},
		{"certification.salesAssets[2]", program.StepCertification},
		{"certification.answers[0].answer", program.StepFeedback},
		{"support.firstResponseHours", program.StepContact},
		{"privacy.securityContact", program.StepContact},
		{"privacy.sensitiveData", ""},
		{"integration.scopes[0].reason", ""},
		{"listingX", ""},
	}
	for _, tt := range tests {
		if got, _ := program.StepOf(tt.path); got != tt.want {
			t.Errorf("StepOf(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
