package application

import (
	"net/netip"
	"net/url"
	"strings"
)

// Config is the program configuration, program.cue at the repository root.
// Every number the policies state lives here, with the seed's value as the
// schema's default, so changing the program never needs a Go change.
type Config struct {
	// MinInstalls is the entry criterion (Connect req-4).
	MinInstalls int `json:"minInstalls"`
	// CertificationInstalls is the count that opens certification (Connect beta-6).
	CertificationInstalls int `json:"certificationInstalls"`
	// ListingDueDays is how long after acceptance listing information is due (beta-1).
	ListingDueDays int `json:"listingDueDays"`
	// InstallWindowDays is the window after listing publication (beta-5).
	InstallWindowDays int `json:"installWindowDays"`
	// SupportResponseHours is the first-response SLA (Connect req-3).
	SupportResponseHours int `json:"supportResponseHours"`
	// ReminderDays are the offsets, in days before a due date, of reminders.
	ReminderDays []int `json:"reminderDays"`
	// ReminderCatchUpDays is how many days after its day a reminder that
	// no run posted is still planned, while its deadline has not passed:
	// a scheduled run GitHub dropped, a serve that was down or a day a
	// clock change left without a tick loses no reminder. 0 plans each
	// reminder on its day only.
	ReminderCatchUpDays int `json:"reminderCatchUpDays"`
	// Reviewers are the GitHub logins allowed to advance applications.
	Reviewers []string `json:"reviewers"`
	// BrandTerms are the platform's own names, which an integration may not
	// use as if it were the platform (Developer E1).
	BrandTerms []string `json:"brandTerms"`
	// ProtectedNames are other companies' names an integration may not claim
	// to be (Developer D5).
	ProtectedNames []string `json:"protectedNames"`
	// BrandAliases are the platform's names in other scripts and spellings
	// ("ハブスポット", "허브스팟"), held to the same rule as BrandTerms.
	BrandAliases []string `json:"brandAliases"`
	// ClaimWords are, per language (a BCP 47 tag such as "en" or "ja"), the
	// words that make a name a claim and the words around them. Every
	// language's words apply to every text, since a text need not say its
	// language.
	ClaimWords map[string]ClaimWords `json:"claimWords"`
	// Certifiers name standards and bodies that certify something other
	// than the platform ("ISO", "SOC"): a certification word next to one,
	// or next to a number ("ISO 27001 certified"), claims nothing about
	// the platform.
	Certifiers []string `json:"certifiers"`
	// ObjectNames are the platform's objects, each by the word scope names
	// give it ("contacts" of "crm.objects.contacts.read"), with the nouns
	// that name it in each language the program reads ("Kontakte",
	// "連絡先"). A sentence naming the objects of several scopes may
	// justify them all, and a claim word before the platform's name that
	// stands before one of its objects qualifies the object ("approved
	// HubSpot quotes").
	ObjectNames map[string][]string `json:"objectNames"`
	// VulgarTerms are words and phrases of vulgar or obscene language,
	// a warning for the reviewer in listing text (Developer F2).
	VulgarTerms []string `json:"vulgarTerms"`
	// Scopes is the scope catalogue: every scope an integration may request.
	Scopes map[string]ScopeInfo `json:"scopes"`
	// MaxNewApplications is the most application files one pull request
	// may add; a pull request adding more fails with one finding and is
	// not judged file by file. 0 means no limit (the schema's least is 1).
	MaxNewApplications int `json:"maxNewApplicationsPerPullRequest"`
	// MaxAnnotations is the most findings the connectbot check marks on
	// their lines, errors first; 0 means every finding (the schema's least
	// is 1).
	MaxAnnotations int `json:"maxAnnotationsPerCheck"`
	// DocumentationDomains says what a link on a domain reserved for
	// documentation and testing (RFC 2606, RFC 6761: example.com,
	// *.example, *.test, *.invalid) is: "warning", "error" or "allow".
	// "" allows them.
	DocumentationDomains string `json:"documentationDomains"`
	// PlatformDomains are the platform's own domains: a privacy policy on
	// one of them, or a subdomain, is the platform's, not the integrator's.
	PlatformDomains []string `json:"platformDomains"`
	// Contradictions are the words that, in listing text or a scope's
	// reason, contradict a field the application declares.
	Contradictions Contradictions `json:"contradictions"`
	// WeakReasons are phrases that justify no scope ("n/a", "same as
	// above", "not used yet").
	WeakReasons []string `json:"weakReasons"`
	// SiteURL is where the program's website is published ("" when not
	// given): findings link its pages, the scope catalogue among them.
	SiteURL string `json:"siteUrl,omitempty"`
	// InstallsSource is where live install counts come from, if anywhere.
	InstallsSource *InstallsSource `json:"installsSource,omitempty"`
}

// ClaimWords are one language's words that, standing next to the
// platform's or a protected company's name in one sentence, claim its
// status, certification, endorsement, preference, partnership or
// authorship, and the grammar words the rules read around them. Words are
// compared folded (case, accents, lookalike letters); inflected forms are
// listed one by one. In Origin, Bridge and Link, "{name}" marks where the
// name stands ("{name}製", "developed by {name}"); a phrase without it
// comes before the name.
type ClaimWords struct {
	// Status words claim official status ("official", "offiziell", "公式").
	Status []string `json:"status,omitempty"`
	// Certification words claim certification ("certified", "zertifiziert").
	Certification []string `json:"certification,omitempty"`
	// Endorsement words claim approval or endorsement ("endorsed", "公認").
	Endorsement []string `json:"endorsement,omitempty"`
	// Preference words claim the name's recommendation ("recommended", "推奨").
	Preference []string `json:"preference,omitempty"`
	// Partnership words claim a partnership ("partner", "パートナー"); the
	// platform's partners (program stage partner) may use them.
	Partnership []string `json:"partnership,omitempty"`
	// Origin phrases say the name made the integration ("developed by",
	// "a product of", "{name}が開発").
	Origin []string `json:"origin,omitempty"`
	// By words say who made something in a name or a tagline ("by").
	By []string `json:"by,omitempty"`
	// Bridge words say what an integration works with ("for", "für",
	// "{name}用"): a claim word across one still qualifies the product.
	Bridge []string `json:"bridge,omitempty"`
	// Link words may stand between a claim word and the name ("the", "of",
	// "{name}の").
	Link []string `json:"link,omitempty"`
	// Terms are legal and industry terms that hold a claim word and claim
	// nothing ("certified translation", "officially registered").
	Terms []string `json:"terms,omitempty"`
	// NamePrefixes are letters written onto the front of a name that leave
	// it the name (Arabic "ل", "و"); the phrases of Contradictions and
	// WeakReasons are found after them too ("وكلمة المرور").
	NamePrefixes []string `json:"namePrefixes,omitempty"`
	// NameSuffixes are endings that leave a name the name: a possessive or
	// genitive ("s" of "HubSpot's", German "HubSpots").
	NameSuffixes []string `json:"nameSuffixes,omitempty"`
}

// InstallsSource locates a live install-count endpoint.
type InstallsSource struct {
	URL string `json:"url"`
}

// Problem says why the source's address cannot be trusted with counts
// that admit, promote and remove integrators, or "" when it can: it must
// be https://, as anyone on the path of a plain http:// answer could
// change a count; plain http:// is accepted only for this machine
// (localhost or a loopback address), where a test or a sidecar serves it.
func (s InstallsSource) Problem() string {
	u, err := url.Parse(s.URL)
	if err != nil || u.Host == "" {
		return "is not a web address"
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return ""
	case "http":
		host := u.Hostname()
		if ip, err := netip.ParseAddr(host); strings.EqualFold(host, "localhost") || (err == nil && ip.IsLoopback()) {
			return ""
		}
		return "must use https://: counts decide who is admitted, promoted and removed, and a plain http:// answer can be changed on its way (http:// is accepted only for localhost)"
	}
	return "must be an https:// address"
}

// Contradictions are phrases, in every language the program reads, that
// contradict a field the application declares; each list may be empty.
type Contradictions struct {
	// Credentials name a credential other than OAuth ("API key"), against
	// integration.auth: "oauth2".
	Credentials []string `json:"credentials"`
	// OutsideBuilders say someone else builds the integration ("our
	// partner agency"), against integration.builtInHouse: true.
	OutsideBuilders []string `json:"outsideBuilders"`
	// SensitiveData say the integration collects card numbers or
	// passwords, against privacy.sensitiveData: false.
	SensitiveData []string `json:"sensitiveData"`
	// ResponseWords are the words of answering a customer ("respond",
	// "Antwort"): a duration in their sentence is a response time,
	// against support.firstResponseHours.
	ResponseWords []string `json:"responseWords"`
	// HourUnits, DayUnits and WeekUnits are the words of those units that
	// follow a number ("48 hours", "2 Werktage", "3営業日").
	HourUnits []string `json:"hourUnits"`
	DayUnits  []string `json:"dayUnits"`
	WeekUnits []string `json:"weekUnits"`
	// NumberWords are the words of the numbers from one, in order, that a
	// response time may spell out ("two business days", "zwei Werktagen"):
	// NumberWords[0] says one, NumberWords[1] two.
	NumberWords [][]string `json:"numberWords"`
}

// ScopeInfo describes one scope of the catalogue.
type ScopeInfo struct {
	Description string `json:"description"`
	Sensitive   bool   `json:"sensitive"`
}

// SitePage returns the address of a page of the program's website, its
// path relative to the site's root, or "" when SiteURL is not set.
func (c Config) SitePage(path string) string {
	if c.SiteURL == "" {
		return ""
	}
	return strings.TrimSuffix(c.SiteURL, "/") + "/" + path
}
