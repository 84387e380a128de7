package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/issueform"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/policy"
)

// newCommand writes applications/<slug>.cue: a commented template in which
// every value the integrator must supply is a placeholder that fails
// validation until it is replaced.
func newCommand(flags *flag.FlagSet) runFunc {
	repo := flags.String("repo", ".", "the program repository")
	return func(e *env, pos []string) int {
		if len(pos) != 1 {
			return e.failf(exitCantRun, "new: give exactly one slug, like: connectbot new acme-sync")
		}
		slug := pos[0]
		if !policy.ValidSlug(slug) {
			return e.failf(exitCantRun, "new: %q is not a slug: use lowercase letters, digits and single hyphens, like acme-sync", slug)
		}
		_, cfg, err := loader.New().Program(loader.Dir(os.DirFS(*repo)))
		if err != nil {
			return e.failf(exitCantRun, "new: %v", err)
		}
		path := filepath.Join(*repo, application.Dir, slug+application.Ext)
		err = createFile(path, []byte(applicationTemplate(slug, application.DateOf(e.now()), cfg)))
		if errors.Is(err, fs.ErrExist) {
			return e.failf(exitCantRun, "new: %s already exists; edit it instead", path)
		}
		if err != nil {
			return e.failf(exitCantRun, "new: %v", err)
		}
		fmt.Fprintf(e.stdout, "wrote %s\nfill in every line marked REPLACE, then run: connectbot validate %s\n", path, path)
		return exitOK
	}
}

// placeholder marks the lines of the template an integrator must change.
const placeholder = "// REPLACE"

// applicationTemplate is the application file `connectbot new` writes,
// quoting the numbers of the program configured by cfg. Every value on a
// line marked REPLACE fails validation as written.
func applicationTemplate(slug string, today application.Date, cfg application.Config) string {
	var promises strings.Builder
	for _, a := range policy.Attestations() {
		r, _ := policy.Lookup(a.Rule)
		name := strings.TrimPrefix(a.Field, "attestations.")
		fmt.Fprintf(&promises, "\t// %s (%s):\n\t// “%s”\n", a.Promise, a.Rule, r.Sentence)
		fmt.Fprintf(&promises, "\t%s: false %s: true once it is so\n", name, placeholder)
	}
	return issueform.Numbers(cfg).Replace(fmt.Sprintf(applicationText, slug, today, placeholder, promises.String(), application.PathOf(slug)))
}

// applicationText is the text of applicationTemplate: %[1]s is the slug,
// %[2]s today, %[3]s the placeholder, %[4]s the attestations and %[5]s
// the file's path; the program's numbers are in braces, for
// issueform.Numbers.
const applicationText = `// Application to the Connect Program: %[1]s
//
// Fill in every line marked REPLACE, then check the file with
//
//	connectbot validate %[5]s
//
// Text goes in "double quotes"; true and false and numbers do not. Links
// must start with https://. The program reads only plain values: no
// imports, references or expressions.
//
// Editor help: the JSON Schema that connectbot schema --format jsonschema
// prints gives the JSON and YAML language servers completion and hover
// for a file written as one JSON object, which is accepted too; cue lsp
// checks the syntax of this file as you type. See connectbot's
// docs/integrators.md, "Editor help and preview"; connectbot site
// --preview %[1]s shows your listing page.

company: {
	name:    "" %[3]s: your company's name
	website: "" %[3]s: https://... your company's website
}

// GitHub logins of the people who may edit this file (you, at least).
maintainers: [""] %[3]s

integration: {
	name:         "" %[3]s: the integration's name; not the platform's name, not another company's
	builtInHouse: false %[3]s: true if your own team builds the integration (Connect requirement 1)
	auth:         "" %[3]s: "oauth2", the only credential flow the program accepts (requirement 2)
	// appId: "1234567"  // the App ID from the developer portal, needed for certification ({certificationInstalls} installs)

	// Every OAuth scope you request, from the program's scope catalogue,
	// with a sentence saying what the integration does with it (Developer Policy B6).
	scopes: [
		{name: "", reason: ""}, %[3]s: one entry per scope
	]
}

support: {
	channels:           [""] %[3]s: "ticket" and/or "phone" (requirement 3)
	firstResponseHours: -1 %[3]s: hours to a first response; {supportResponseHours} or less
	url:                "" %[3]s: https://... your support page
	email:              "" %[3]s: the support email address
}

privacy: {
	policyUrl:       "" %[3]s: https://... your privacy policy (Developer Policy A5)
	dataRequestsUrl: "" %[3]s: https://... where customers ask to erase or correct their data (A7, A8)
	securityContact: "" %[3]s: who the platform contacts about a breach, email or https page (A9)
	sensitiveData:   false // must stay false: no card numbers or passwords (C2)
}

security: {
	authentication: false %[3]s: true once the integration enforces authentication (B1)
	loginAuditing:  false %[3]s: true once it audits logins (B1)
}

// What you promise, each in the Developer Policy's own words: set each to
// true only when it is so. Every application makes all of them.
attestations: {
%[4]s}

// listing: {...} is due {listingDueDays} days after acceptance into beta:
// tagline, description, setupInstructionsUrl and supportUrl. Once it is
// published you have {installWindowDays} days to reach {certificationInstalls} installs.

// The program's part: reviewers and the bot change it, you do not, except
// for the install count you apply with.
program: {
	stage: "applied"
	installs: {count: 0, asOf: "%[2]s"} %[3]s: installs with the platform today; {minInstalls} are needed
}
`
