package program

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// The application form's words. connectbot turns an issue opened with the
// application form into a pull request of its own, from FormBranch, whose
// body carries FormMarker and whose one commit says FormCommitMessage: the
// pull request is the issue author's application, and is judged as their
// own pull request would be.

// formBranchPrefix starts every branch FormBranch names.
const formBranchPrefix = "connectbot/apply/"

// FormBranch is the branch connectbot proposes the application slug from,
// made from the application form.
func FormBranch(slug string) string { return formBranchPrefix + slug }

// The forms for the steps after applying, each changing the fields of an
// application it owns: the listing; the certification materials (App ID,
// demo video, sales assets); an answer to product-review feedback; the
// support and privacy details. Each names its branch, StepBranch.
const (
	StepListing       = "listing"
	StepCertification = "certification"
	StepFeedback      = "feedback"
	StepContact       = "contact"
)

// Steps lists the step forms, in the order of an integrator's journey.
var Steps = []string{StepListing, StepCertification, StepFeedback, StepContact}

// StepBranch is the branch connectbot proposes a change to the
// application slug from, made from the step form step:
// connectbot/<step>/<slug>.
func StepBranch(step, slug string) string { return "connectbot/" + step + "/" + slug }

// IsFormBranch reports whether ref is a branch FormBranch or StepBranch
// names.
func IsFormBranch(ref string) bool {
	if slug, ok := strings.CutPrefix(ref, formBranchPrefix); ok {
		return policy.ValidSlug(slug)
	}
	for _, step := range Steps {
		if slug, ok := strings.CutPrefix(ref, StepBranch(step, "")); ok {
			return policy.ValidSlug(slug)
		}
	}
	return false
}

// FormMarker marks, hidden in its body, the pull request opened for the
// application form in issue n.
func FormMarker(issue int) string { return fmt.Sprintf("<!-- connectbot:application #%d -->", issue) }

// formMarker reads FormMarker.
var formMarker = regexp.MustCompile(`<!-- connectbot:application #([0-9]{1,9}) -->`)

// FormMarkedIssue returns the issue the markers in a pull request's body
// name, or false when they name none or more than one.
func FormMarkedIssue(body string) (int, bool) {
	return oneIssue(formMarker.FindAllStringSubmatch(body, -1))
}

// FormCommitMessage is the message of connectbot's commit adding the
// application at path from the form in issue n, opened by login.
func FormCommitMessage(path string, issue int, login string) string {
	return fmt.Sprintf("Add %s from the application form in #%d\n\nApplied by @%s.\n", path, issue, login)
}

// StepCommitMessage is the message of connectbot's commit changing the
// application at path from the step form step in issue n, opened by
// login.
func StepCommitMessage(step, path string, issue int, login string) string {
	return fmt.Sprintf("Change %s from the %s form in #%d\n\nAsked by @%s.\n", path, step, issue, login)
}

// formSubject reads the subject line of FormCommitMessage and
// StepCommitMessage.
var formSubject = regexp.MustCompile(`\A(?:Add ` + pathRE + ` from the application form|` +
	`Change ` + pathRE + ` from the (?:` + strings.Join(Steps, "|") + `) form) in #([0-9]{1,9})\n`)

// pathRE matches the path of an application file in a commit subject.
var pathRE = regexp.QuoteMeta(application.Dir+"/") + `[a-z0-9-]+` + regexp.QuoteMeta(application.Ext)

// FormCommitIssue returns the issue a commit message written by
// FormCommitMessage or StepCommitMessage names, or false when it is not
// one.
func FormCommitIssue(message string) (int, bool) {
	return oneIssue(formSubject.FindAllStringSubmatch(message, -1))
}

// oneIssue returns the issue number every match names, when there is one.
func oneIssue(matches [][]string) (int, bool) {
	issue := 0
	for _, m := range matches {
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 || (issue != 0 && n != issue) {
			return 0, false
		}
		issue = n
	}
	return issue, issue != 0
}

// FormFile is the file name of a step form in .github/ISSUE_TEMPLATE:
// <step>.yml.
func FormFile(step string) string { return step + ".yml" }

// stepFields are the fields each step form owns, by the path of the field
// or of the struct holding them.
var stepFields = []struct{ step, path string }{
	{StepListing, "listing"},
	{StepCertification, "integration.appId"},
	{StepFeedback, "certification.answers"},
	{StepCertification, "certification"},
	{StepContact, "support"},
	{StepContact, "privacy.policyUrl"},
	{StepContact, "privacy.dataRequestsUrl"},
	{StepContact, "privacy.securityContact"},
}

// StepOf returns the step form that sets the application field at path
// ("listing.tagline", "certification.salesAssets[2]"), or false when no
// step form does: the fields a maintainer changes by editing the file.
func StepOf(path string) (string, bool) {
	for _, s := range stepFields {
		if path == s.path || strings.HasPrefix(path, s.path+".") || strings.HasPrefix(path, s.path+"[") {
			return s.step, true
		}
	}
	return "", false
}
