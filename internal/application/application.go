// Package application holds the plain Go form of the documented application
// format and of the program configuration. The loader (internal/catalog)
// fills these types after CUE has validated a file; the policy rules and the
// program engine read them. Nothing here depends on CUE, so the pure packages
// can import it freely.
package application

// Stage is where an application is in the program's lifecycle.
type Stage string

// The stages of the lifecycle, in the order an integrator moves through them.
const (
	StageApplied       Stage = "applied"
	StageBeta          Stage = "beta"
	StageCertification Stage = "certification"
	StagePartner       Stage = "partner"
	StageRemoved       Stage = "removed"
)

// Stages are the stages of the lifecycle in that order: the one list of it.
var Stages = []Stage{StageApplied, StageBeta, StageCertification, StagePartner, StageRemoved}

// Application is one integrator's file, applications/<slug>.cue. The JSON
// names are the documented format's field names and must not change.
type Application struct {
	Company       Company        `json:"company"`
	Maintainers   []string       `json:"maintainers"`
	Integration   Integration    `json:"integration"`
	Support       Support        `json:"support"`
	Privacy       Privacy        `json:"privacy"`
	Security      Security       `json:"security"`
	Attestations  Attestations   `json:"attestations"`
	Listing       *Listing       `json:"listing,omitempty"`
	Certification *Certification `json:"certification,omitempty"`
	Program       ProgramState   `json:"program"`
	// PreviousApplication is the slug of the removed application this one
	// applies again for, when it does: its name, App ID and company then
	// do not block this one, opened by one of its maintainers.
	PreviousApplication string `json:"previousApplication,omitempty"`
}

// Company is the integrator's organisation.
type Company struct {
	Name    string `json:"name"`
	Website string `json:"website"`
}

// Integration describes the integration being applied with.
type Integration struct {
	Name         string  `json:"name"`
	BuiltInHouse bool    `json:"builtInHouse"`
	Auth         string  `json:"auth"`
	AppID        string  `json:"appId,omitempty"`
	Scopes       []Scope `json:"scopes"`
}

// Scope is one OAuth scope the integration requests and why.
type Scope struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Support is how the integrator's customers get help.
type Support struct {
	Channels []string `json:"channels"`
	// FirstResponseHours is the promised first response, in hours; nil
	// when the file states none (0 is a promise: an immediate answer).
	FirstResponseHours *int   `json:"firstResponseHours,omitempty"`
	URL                string `json:"url"`
	Email              string `json:"email,omitempty"`
	Phone              string `json:"phone,omitempty"`
}

// Privacy holds the integrator's data-protection commitments.
type Privacy struct {
	PolicyURL       string `json:"policyUrl"`
	DataRequestsURL string `json:"dataRequestsUrl"`
	SecurityContact string `json:"securityContact"`
	// SensitiveData says whether the integration asks customers for card
	// numbers, passwords or the like; nil when the file does not say.
	SensitiveData *bool `json:"sensitiveData,omitempty"`
}

// Security holds the integrator's security attestations.
type Security struct {
	Authentication bool `json:"authentication"`
	LoginAuditing  bool `json:"loginAuditing"`
}

// Attestations are what the integrator promises in the policies' own
// words, for the sentences only the integrator can vouch for. Each is
// required true from stage applied on; policy.Attestations names the
// clause and sentence behind each field.
type Attestations struct {
	// DeveloperTerms agrees to the Developer Policy, the Developer Terms
	// and the Acceptable Use Policy (developer/preamble).
	DeveloperTerms bool `json:"developerTerms"`
	// NoSaleOfCustomerData promises customer data is not sold, rented,
	// exploited or distributed without consent (developer/A4).
	NoSaleOfCustomerData bool `json:"noSaleOfCustomerData"`
	// LawfulBasis promises consent or a lawful basis for personal data
	// (developer/A6).
	LawfulBasis bool `json:"lawfulBasis"`
	// CredentialHandling promises customer credentials are handled with
	// industry-standard protocols (developer/B2).
	CredentialHandling bool `json:"credentialHandling"`
	// CustomerConsent promises customer data is used only with the
	// customer's consent (developer/C1).
	CustomerConsent bool `json:"customerConsent"`
}

// Listing is the information the program needs to build a listing page.
type Listing struct {
	Tagline              string `json:"tagline,omitempty"`
	Description          string `json:"description,omitempty"`
	SetupInstructionsURL string `json:"setupInstructionsUrl,omitempty"`
	SupportURL           string `json:"supportUrl,omitempty"`
}

// Complete reports whether every field the listing page needs is present.
func (l *Listing) Complete() bool { return len(l.Missing()) == 0 }

// Missing names the listing fields not yet supplied, in the documented
// order; all of them when there is no listing.
func (l *Listing) Missing() []string {
	if l == nil {
		l = &Listing{}
	}
	var out []string
	for _, f := range []struct{ name, value string }{
		{"tagline", l.Tagline},
		{"description", l.Description},
		{"setupInstructionsUrl", l.SetupInstructionsURL},
		{"supportUrl", l.SupportURL},
	} {
		if f.value == "" {
			out = append(out, f.name)
		}
	}
	return out
}

// Certification holds the materials an integrator submits for certification.
type Certification struct {
	DemoVideoURL string   `json:"demoVideoUrl,omitempty"`
	SalesAssets  []string `json:"salesAssets,omitempty"`
	// Answers are the integrator's answers to product-review feedback,
	// each naming the item of program.feedback it answers.
	Answers []FeedbackAnswer `json:"answers,omitempty"`
}

// FeedbackAnswer is the integrator's answer to one item of product-review
// feedback: what they changed, or why no change is needed. A reviewer
// reads it and marks the item addressed.
type FeedbackAnswer struct {
	Feedback string `json:"feedback"`
	Answer   string `json:"answer"`
}

// ProgramState is the program-owned part of an application: only reviewers
// and the bot may change it.
type ProgramState struct {
	Stage              Stage        `json:"stage"`
	Installs           Installs     `json:"installs"`
	AcceptedAt         *Date        `json:"acceptedAt,omitempty"`
	ListingPublishedAt *Date        `json:"listingPublishedAt,omitempty"`
	Feedback           []Feedback   `json:"feedback,omitempty"`
	ApprovedAt         *Date        `json:"approvedAt,omitempty"`
	LaunchDate         *Date        `json:"launchDate,omitempty"`
	Removed            *Removal     `json:"removed,omitempty"`
	History            []HistoryRow `json:"history,omitempty"`
}

// ScheduledLaunch is the launch date of an application whose
// certification is approved and which has not launched yet (it is still
// in certification): the day it becomes a partner (Connect cert-6).
func (p ProgramState) ScheduledLaunch() (Date, bool) {
	if p.Stage != StageCertification || p.ApprovedAt == nil || p.LaunchDate == nil {
		return 0, false
	}
	return *p.LaunchDate, true
}

// ListingDue is the day a beta's listing information is due, days after
// acceptance (Connect beta-1); ok is false before acceptance.
func (p ProgramState) ListingDue(days int) (due Date, ok bool) {
	if p.AcceptedAt == nil {
		return 0, false
	}
	return p.AcceptedAt.AddDays(days), true
}

// ListingSupplied reports whether a listing counts as supplied by due
// (Connect beta-2 removes who fail to supply it in time): complete today,
// published on or before due, or complete in a commit of the program's
// branch on or before it — suppliedOn, the first day it was, when git
// history was read (nil when it was not, or never complete).
func ListingSupplied(l *Listing, p ProgramState, due Date, suppliedOn *Date) bool {
	return l.Complete() || ListingSuppliedInTime(p, due, suppliedOn)
}

// ListingSuppliedInTime reports whether a listing is known to have been
// supplied by due, whatever it is today: published on or before due, or
// complete in a commit on or before it (suppliedOn).
func ListingSuppliedInTime(p ProgramState, due Date, suppliedOn *Date) bool {
	if p.ListingPublishedAt != nil && *p.ListingPublishedAt <= due {
		return true
	}
	return suppliedOn != nil && *suppliedOn <= due
}

// Material is a certification material an application has not yet
// submitted for the technical review: the rule that asks for it, the
// field that holds it, and its name in a sentence.
type Material struct {
	Rule, Path, Name string
}

// MissingMaterials returns the certification materials of Connect
// certification steps 1–3 the application has not submitted, in step
// order: the App ID, a demo video, sales assets. The certification rules
// and the launch read this one list.
func (a *Application) MissingMaterials() []Material {
	var missing []Material
	if a.Integration.AppID == "" {
		missing = append(missing, Material{Rule: "connect/cert-1", Path: "integration.appId", Name: "App ID"})
	}
	c := a.Certification
	if c == nil || c.DemoVideoURL == "" {
		missing = append(missing, Material{Rule: "connect/cert-2", Path: "certification.demoVideoUrl", Name: "demo video"})
	}
	if c == nil || len(c.SalesAssets) == 0 {
		missing = append(missing, Material{Rule: "connect/cert-3", Path: "certification.salesAssets", Name: "sales assets"})
	}
	return missing
}

// CertificationStepsComplete reports whether the application has done
// every certification step a launch waits for (Connect cert-1 to cert-4):
// no material missing and no product-review feedback open.
func (a *Application) CertificationStepsComplete() bool {
	return len(a.MissingMaterials()) == 0 && len(a.Program.OpenFeedback()) == 0
}

// OpenFeedback returns the product-review feedback items not yet addressed.
func (p ProgramState) OpenFeedback() []Feedback {
	var open []Feedback
	for _, f := range p.Feedback {
		if f.Status != FeedbackAddressed {
			open = append(open, f)
		}
	}
	return open
}

// Installs is an install count and the day it was taken.
type Installs struct {
	Count int  `json:"count"`
	AsOf  Date `json:"asOf"`
}

// FeedbackStatus is whether an item of product-review feedback still
// waits for the integrator, in the schema's words (program.feedback[].status).
type FeedbackStatus string

// The feedback statuses: a reviewer opens an item, and marks it addressed
// once the integrator's answer settles it.
const (
	FeedbackOpen      FeedbackStatus = "open"
	FeedbackAddressed FeedbackStatus = "addressed"
)

// Feedback is one item of the product team's certification review.
type Feedback struct {
	ID     string         `json:"id"`
	Text   string         `json:"text"`
	Status FeedbackStatus `json:"status"`
}

// Removal records why and when an application left the program.
type Removal struct {
	At     Date   `json:"at"`
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// HistoryRow is one recorded stage change.
type HistoryRow struct {
	Date  Date   `json:"date"`
	Stage Stage  `json:"stage"`
	By    string `json:"by"`
	Ref   string `json:"ref,omitempty"`
	// Checklist is the commit whose pull-request comment showed the
	// reviewer checklist the approval recorded here was given on.
	Checklist string `json:"checklist,omitempty"`
}
