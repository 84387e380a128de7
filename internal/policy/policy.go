// Package policy checks decoded applications against every checkable
// sentence of the Connect Program Policies and the Developer Policy. Each
// finding names its rule, whose id cites the clause (connect/req-2,
// developer/B6) and whose sentence is quoted verbatim from the seed.
//
// The package is pure: it reads application values, the program
// configuration and a date, and returns findings. It imports no CUE, no
// network and no git.
package policy

import (
	"fmt"
	"sort"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/spelling"
)

// Check runs every rule on each file that decoded, then the cross-file
// rules over all files, and appends the findings to each file's Findings in
// file order. now decides which deadlines have passed.
func Check(files []application.File, cfg application.Config, now application.Date) {
	CheckEach(files, cfg, now)
	CrossFile(files)
}

// CheckEach runs the rules that read one file at a time, appending their
// findings. A file's findings from CheckEach depend only on its content, its
// path, cfg and now, so they may be kept and reused.
func CheckEach(files []application.File, cfg application.Config, now application.Date) {
	names := newNameMatchers(cfg)
	said := newSaidMatchers(cfg)
	for i := range files {
		f := &files[i]
		switch {
		case f.App != nil:
			c := checker{file: f, app: f.App, cfg: cfg, now: now, names: names, said: said}
			c.run()
		case f.Partial != nil:
			checkPartial(f, cfg, now, names, said)
		}
		sortByPosition(f.Findings)
	}
}

// checkPartial runs the rules on the parts of a file that pass the schema
// (f.Partial), so that the first round of findings lists everything wrong,
// and keeps only their findings about fields the file's own findings do
// not already name, nor hold or lie inside: a value that fails the schema
// is left out of Partial, and the rules would call it, or the section that
// holds it, missing.
func checkPartial(f *application.File, cfg application.Config, now application.Date, names nameMatchers, said *saidMatchers) {
	failed, holding := map[string]bool{}, map[string]bool{}
	for _, x := range f.Findings {
		failed[x.Path] = true
		for p := application.ParentPath(x.Path); p != ""; p = application.ParentPath(p) {
			holding[p] = true
		}
	}
	before := len(f.Findings)
	c := checker{file: f, app: f.Partial, cfg: cfg, now: now, names: names, said: said}
	c.run()
	kept := f.Findings[:before]
	for _, x := range f.Findings[before:] {
		if !holding[x.Path] && !underFailed(failed, x.Path) {
			kept = append(kept, x)
		}
	}
	f.Findings = kept
}

// underFailed reports whether path or one of its ancestors is in failed.
func underFailed(failed map[string]bool, path string) bool {
	for p := path; p != ""; p = application.ParentPath(p) {
		if failed[p] {
			return true
		}
	}
	return false
}

// CrossFile runs the rules that need every file of the program at once
// (unique App IDs and names, a company's maintainers, slugs) and appends
// their findings, keeping each file's findings in position order.
func CrossFile(files []application.File) {
	crossFile(files)
	for i := range files {
		sortByPosition(files[i].Findings)
	}
}

// CrossFileRules are the ids of the rules CrossFile applies.
var CrossFileRules = []string{RuleSlug, RuleUniqueAppID, RuleUniqueName, RuleCompanyClaim}

// checker gathers the findings of one application.
type checker struct {
	file  *application.File
	app   *application.Application
	cfg   application.Config
	now   application.Date
	names nameMatchers
	// said holds the phrases that contradict the file's own fields.
	said *saidMatchers
	// texts are the name and listing texts, folded once (listingTexts).
	texts []listingText
	// reasons are the scopes' reasons, each folded once (reasonText).
	reasons []*text
}

func (c *checker) errorf(rule, path, format string, args ...any) {
	c.add(rule, application.SeverityError, path, fmt.Sprintf(format, args...))
}

func (c *checker) warnf(rule, path, format string, args ...any) {
	c.add(rule, application.SeverityWarning, path, fmt.Sprintf(format, args...))
}

func (c *checker) add(rule string, sev application.Severity, path, msg string) {
	addFinding(c.file, rule, sev, path, msg)
}

// errorAt is errorf for a field whose whole section may be missing: the
// finding then points at anchor, the field that makes it required.
func (c *checker) errorAt(rule, path, anchor, format string, args ...any) {
	c.addAt(rule, application.SeverityError, path, anchor, fmt.Sprintf(format, args...))
}

// warnAt is warnf with an anchor, as errorAt.
func (c *checker) warnAt(rule, path, anchor, format string, args ...any) {
	c.addAt(rule, application.SeverityWarning, path, anchor, fmt.Sprintf(format, args...))
}

func (c *checker) addAt(rule string, sev application.Severity, path, anchor, msg string) {
	at := c.file.LocateAny(path, anchor)
	c.file.Findings = append(c.file.Findings, application.Finding{
		Rule: rule, Severity: sev, Message: msg, Path: path, Line: at.Line, Column: at.Column,
	})
}

// addFinding appends a finding positioned at path, or at its nearest
// written ancestor.
func addFinding(f *application.File, rule string, sev application.Severity, path, msg string) {
	at := f.Locate(path)
	f.Findings = append(f.Findings, application.Finding{
		Rule: rule, Severity: sev, Message: msg, Path: path, Line: at.Line, Column: at.Column,
	})
}

func (c *checker) run() {
	stage := c.app.Program.Stage
	c.programState()
	c.recordedDays()
	c.acceptanceInHistory()
	if stage == application.StageRemoved {
		return // a removed application is history; only its record is checked
	}
	c.entryCriteria()
	c.attested()
	c.installsEvidence()
	c.dataProtection()
	c.security()
	c.scopes()
	c.naming()
	c.language()
	c.contradictions()
	c.supportLinks()
	c.listing()
	c.certification()
}

// CataloguePage is the scope catalogue's page on the program's website,
// relative to its root.
const CataloguePage = "scopes.html"

// nearScopes is how many catalogue scopes an unknown scope's finding
// suggests.
const nearScopes = 3

// nearestScopes returns, for a scope the catalogue does not hold, the
// closest catalogue scopes as ": did you mean `a`, `b` or `c`?" and where
// the catalogue is, or where the catalogue is alone when none is close.
func (c *checker) nearestScopes(name string) string {
	known := make([]string, 0, len(c.cfg.Scopes))
	for k := range c.cfg.Scopes {
		known = append(known, k)
	}
	sort.Strings(known)
	where := " (the catalogue: schema/scopes.cue, which `connectbot schema` prints, and the scopes program.cue adds)"
	if page := c.cfg.SitePage(CataloguePage); page != "" {
		where = " (the catalogue: " + page + ")"
	}
	near := spelling.Nearest(name, known, nearScopes)
	if len(near) == 0 {
		return where
	}
	quoted := make([]string, len(near))
	for i, n := range near {
		quoted[i] = "`" + n + "`"
	}
	list := quoted[0]
	if len(quoted) > 1 {
		list = strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	}
	return "; did you mean " + list + "?" + where
}

// entryCriteria checks Connect required criteria 1–4.
func (c *checker) entryCriteria() {
	in := c.app.Integration
	if !in.BuiltInHouse {
		c.errorf(RuleReq1, "integration.builtInHouse",
			"the integration must be built in house: set builtInHouse: true if your own team builds it")
	}
	if in.Auth != "oauth2" {
		got := "missing"
		if in.Auth != "" {
			got = fmt.Sprintf("%q", in.Auth)
		}
		c.errorf(RuleReq2, "integration.auth",
			"auth is %s; the program accepts only OAuth 2.0: use auth: \"oauth2\" and no other credential flow", got)
	}
	c.supportPromise()
	if c.app.Program.Stage == application.StageApplied && c.app.Program.Installs.Count < c.cfg.MinInstalls {
		c.errorf(RuleReq4, "program.installs.count",
			"%s as of %s; an application is considered from %s",
			application.Plural(c.app.Program.Installs.Count, "install"), c.app.Program.Installs.AsOf,
			application.Plural(c.cfg.MinInstalls, "install"))
	}
}

// installsEvidence checks that the install count is evidence: taken on or
// before today. A count dated later is not used by the engine, for
// acceptance (Connect req-4) or promotion (beta-6), whichever the stage
// waits for.
func (c *checker) installsEvidence() {
	in := c.app.Program.Installs
	if in.AsOf <= c.now {
		return
	}
	rule := RuleReq4
	if c.app.Program.Stage != application.StageApplied {
		rule = RuleBeta6
	}
	c.errorf(rule, "program.installs.asOf",
		"installs are counted as of %s, after today (%s): a count not yet taken is no evidence and is not used; record the count as of a day that has passed",
		in.AsOf, c.now)
}

// dataProtection checks Developer A5, A7/A8, A9 and C2.
func (c *checker) dataProtection() {
	p := c.app.Privacy
	c.requireHTTPS(RuleDeveloperA5, "privacy.policyUrl", p.PolicyURL,
		"a privacy policy explaining how customer data is collected, used and processed")
	c.requireHTTPS(RuleDeveloperA7, "privacy.dataRequestsUrl", p.DataRequestsURL,
		"the page where customers ask for their data to be erased or corrected")
	c.platformPolicy(RuleDeveloperA5, "privacy.policyUrl", p.PolicyURL)
	c.platformPolicy(RuleDeveloperA7, "privacy.dataRequestsUrl", p.DataRequestsURL)
	if p.SecurityContact == "" {
		c.errorf(RuleDeveloperA9, "privacy.securityContact",
			"add privacy.securityContact: the email address or page the platform and customers use if data is breached")
	} else if hasScheme(p.SecurityContact, "http") {
		c.errorf(RuleDeveloperA9, "privacy.securityContact", "the security contact page must use https://")
	}
	switch {
	case p.SensitiveData == nil:
		c.errorf(RuleDeveloperC2, "privacy.sensitiveData",
			"add privacy.sensitiveData: false, saying that the integration does not ask customers for sensitive data such as card numbers or passwords")
	case *p.SensitiveData:
		c.errorf(RuleDeveloperC2, "privacy.sensitiveData",
			"the integration may not ask customers for sensitive data such as card numbers or passwords: sensitiveData must be false")
	}
}

// security checks Developer B1.
func (c *checker) security() {
	s := c.app.Security
	if !s.Authentication {
		c.errorf(RuleDeveloperB1, "security.authentication",
			"the integration must enforce authentication: attest it with authentication: true")
	}
	if !s.LoginAuditing {
		c.errorf(RuleDeveloperB1, "security.loginAuditing",
			"the integration must audit logins: attest it with loginAuditing: true")
	}
}

// scopes checks Developer B6: every scope known, needed and justified.
func (c *checker) scopes() {
	seenName := map[string]int{}
	// sharing lists, by a reason's folded words, the scopes it is given
	// for, so that punctuation, case and spacing make no new reason.
	sharing := map[string][]int{}
	for i, s := range c.app.Integration.Scopes {
		path := application.IndexPath("integration.scopes", i)
		if j, dup := seenName[s.Name]; dup {
			c.errorf(RuleDeveloperB6, path+".name", "scope %q is already requested at integration.scopes[%d]", s.Name, j)
			continue
		}
		seenName[s.Name] = i
		info, known := c.cfg.Scopes[s.Name]
		if !known {
			c.errorf(RuleDeveloperB6, path+".name",
				"scope %q is not in the program's scope catalogue; request only catalogue scopes your integration needs%s", s.Name, c.nearestScopes(s.Name))
		}
		reason := strings.Join(strings.Fields(s.Reason), " ")
		switch {
		case reason == "":
			c.errorf(RuleDeveloperB6, path+".reason",
				"say in words why the integration needs %q: add a reason", s.Name)
		case reasonTooShort(reason):
			if !c.weakReason(path+".reason", s, c.reasonText(i)) {
				c.errorf(RuleDeveloperB6, path+".reason",
					"the reason for %q is too short to justify it: write a sentence saying what the integration does with it", s.Name)
			}
		default:
			t := c.reasonText(i)
			c.weakReason(path+".reason", s, t)
			key := strings.Join(t.words, " ")
			sharing[key] = append(sharing[key], i)
		}
		if known && info.Sensitive {
			c.warnf(RuleDeveloperB6, path+".name",
				"scope %q reaches sensitive data (%s); a reviewer will check that the integration needs it", s.Name, info.Description)
		}
	}
	c.sharedReasons(sharing)
}

// supportLinks checks Developer F3: technical instructions and a support
// contact.
func (c *checker) supportLinks() {
	s := c.app.Support
	c.requireHTTPS(RuleDeveloperF3, "support.url", s.URL, "the page where customers get support")
	if s.Email == "" && s.Phone == "" {
		c.errorf(RuleDeveloperF3, "support",
			"give customers a support contact: add support.email or support.phone")
	}
	if w := c.app.Company.Website; hasScheme(w, "http") {
		// No sentence of the policies asks for the company's website; the
		// warning is connectbot's own.
		c.warnf(RuleHTTPS, "company.website", "the company website should use https://")
	}
}

// missingMaterial is what each certification rule says of its missing
// material (application.MissingMaterials names them).
var missingMaterial = map[string]string{
	RuleCert1: "certification needs the App ID from the developer portal for the technical review: add integration.appId",
	RuleCert2: "certification needs a video demo of the integration: add certification.demoVideoUrl",
	RuleCert3: "certification needs sales enablement assets: list their links in certification.salesAssets",
}

// certification checks the materials of Connect certification steps 1–4.
func (c *checker) certification() {
	p := c.app.Program
	if p.Stage != application.StageCertification && p.Stage != application.StagePartner {
		return
	}
	for _, m := range c.app.MissingMaterials() {
		c.errorAt(m.Rule, m.Path, "program.stage", "%s", missingMaterial[m.Rule])
	}
	if cert := c.app.Certification; cert != nil {
		if cert.DemoVideoURL != "" {
			c.requireHTTPS(RuleCert2, "certification.demoVideoUrl", cert.DemoVideoURL, "")
		}
		for i, a := range cert.SalesAssets {
			c.requireHTTPS(RuleCert3, application.IndexPath("certification.salesAssets", i), a, "")
		}
	}
	if open := p.OpenFeedback(); len(open) > 0 && p.Stage == application.StageCertification && p.ApprovedAt == nil {
		ids := make([]string, len(open))
		for i, f := range open {
			ids[i] = f.ID
		}
		c.warnf(RuleCert4, "program.feedback",
			"%s still open (%s): certification continues once every item is addressed",
			application.Plural(len(open), "product-review feedback item"), strings.Join(ids, ", "))
	}
}

// programState checks that the program-owned part is consistent: the stage
// has the dates it implies and the dates are in order.
func (c *checker) programState() {
	p := c.app.Program
	stage := p.Stage
	accepted := stage == application.StageBeta || stage == application.StageCertification || stage == application.StagePartner
	if accepted && p.AcceptedAt == nil {
		c.errorf(RuleBeta1, "program.acceptedAt",
			"stage %q needs program.acceptedAt, the day a reviewer accepted the application", stage)
	}
	if p.ListingPublishedAt != nil && stage == application.StageApplied {
		c.errorf(RuleBeta4, "program.listingPublishedAt",
			"the program publishes the listing of an accepted integrator only: program.listingPublishedAt is set while the application is %q", stage)
	}
	if p.ListingPublishedAt != nil && p.AcceptedAt != nil && *p.ListingPublishedAt < *p.AcceptedAt {
		c.errorf(RuleBeta5, "program.listingPublishedAt",
			"the listing cannot be published (%s) before the application was accepted (%s)", p.ListingPublishedAt, p.AcceptedAt)
	}
	if p.ApprovedAt != nil {
		if stage != application.StageCertification && stage != application.StagePartner && stage != application.StageRemoved {
			c.errorf(RuleCert4, "program.approvedAt",
				"only a certification can be approved; stage is %q", stage)
		}
		if p.AcceptedAt != nil && *p.ApprovedAt < *p.AcceptedAt {
			c.errorf(RuleCert4, "program.approvedAt",
				"approval (%s) cannot come before acceptance (%s)", p.ApprovedAt, p.AcceptedAt)
		}
		if open := p.OpenFeedback(); len(open) > 0 {
			c.errorf(RuleCert4, "program.approvedAt",
				"approved with %s still open: every item must be addressed first", application.Plural(len(open), "feedback item"))
		}
	}
	if p.LaunchDate != nil {
		switch {
		case p.ApprovedAt == nil:
			c.errorf(RuleCert6, "program.launchDate", "a launch date is set only after approval: program.approvedAt is missing")
		case *p.LaunchDate < *p.ApprovedAt:
			c.errorf(RuleCert6, "program.launchDate",
				"the launch date (%s) cannot be before approval (%s)", p.LaunchDate, p.ApprovedAt)
		}
	}
	if stage == application.StagePartner {
		if p.ApprovedAt == nil {
			c.errorf(RuleCert6, "program.approvedAt", "a partner has passed certification: program.approvedAt is missing")
		}
		if p.LaunchDate == nil {
			c.errorf(RuleCert6, "program.launchDate", "a partner has a launch date: program.launchDate is missing")
		}
	}
	switch {
	case stage == application.StageRemoved && p.Removed == nil:
		c.errorf(RuleBeta8, "program.removed",
			"a removed application records when, why and by whom: add program.removed {at, reason, by}")
	case stage != application.StageRemoved && p.Removed != nil:
		c.errorf(RuleBeta8, "program.removed",
			"program.removed is set but stage is %q; set stage: \"removed\" or drop the removal record", stage)
	}
}

// requireHTTPS reports a missing link (when what describes it) or one that
// is not https.
func (c *checker) requireHTTPS(rule, path, url, what string) {
	switch {
	case url == "" && what != "":
		c.errorf(rule, path, "add %s: %s", path, what)
	case url != "" && !hasScheme(url, "https"):
		c.errorf(rule, path, "links must use https:// so customers reach them safely: %s", url)
	case url != "":
		c.reachable(rule, path, url)
	}
}
