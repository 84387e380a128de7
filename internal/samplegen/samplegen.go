// Package samplegen writes synthetic, valid application files in bulk, for
// benchmarks and load tests of the loader, the policies and the engine. The
// files vary in stage, dates, scopes and installs the way a large real
// program would, and are deterministic: file i is always the same.
package samplegen

import (
	"fmt"
	"strings"
)

// Slug returns the slug of synthetic application i.
func Slug(i int) string { return fmt.Sprintf("synthetic-%05d", i) }

var scopes = []struct{ name, reason string }{
	{"crm.objects.contacts.read", "Reads contacts to mirror them into the partner's address book."},
	{"crm.objects.contacts.write", "Writes contact changes made in the partner app back to the CRM."},
	{"crm.objects.deals.read", "Reads deals to show pipeline value on the partner dashboard."},
	{"tickets", "Creates a help-desk ticket when a customer reports a problem in the app."},
	{"timeline", "Adds an event to the contact timeline for every signed document."},
	{"forms", "Reads form submissions to start onboarding sequences."},
}

// Application returns the source of synthetic application i.
func Application(i int) []byte {
	var b strings.Builder
	month := 1 + i%9
	fmt.Fprintf(&b, "// Synthetic integrator %d, generated for benchmarks.\n", i)
	fmt.Fprintf(&b, "company: {name: \"Synthetic Co %d\", website: \"https://co%d.example\"}\n", i, i)
	fmt.Fprintf(&b, "maintainers: [\"dev-%d\", \"ops-%d\"]\n", i, i)
	b.WriteString("integration: {\n")
	fmt.Fprintf(&b, "\tname:         \"Synthetic Sync %d\"\n", i)
	b.WriteString("\tbuiltInHouse: true\n\tauth:         \"oauth2\"\n")
	stage := []string{"applied", "beta", "beta", "beta", "certification", "partner"}[i%6]
	if stage == "certification" || stage == "partner" {
		fmt.Fprintf(&b, "\tappId:        \"%d\"\n", 1000000+i)
	}
	b.WriteString("\tscopes: [\n")
	for k := 0; k < 1+i%3; k++ {
		s := scopes[(i+k)%len(scopes)]
		fmt.Fprintf(&b, "\t\t{name: %q, reason: %q},\n", s.name, s.reason)
	}
	b.WriteString("\t]\n}\n")
	fmt.Fprintf(&b, "support: {channels: [\"ticket\"], firstResponseHours: %d, url: \"https://co%d.example/help\", email: \"help@co%d.example\"}\n", 4+i%20, i, i)
	fmt.Fprintf(&b, "privacy: {\n\tpolicyUrl: \"https://co%d.example/privacy\"\n\tdataRequestsUrl: \"https://co%d.example/privacy/requests\"\n\tsecurityContact: \"security@co%d.example\"\n\tsensitiveData: false\n}\n", i, i, i)
	b.WriteString("security: {authentication: true, loginAuditing: true}\n")
	b.WriteString("attestations: {developerTerms: true, noSaleOfCustomerData: true, lawfulBasis: true, credentialHandling: true, customerConsent: true}\n")
	if stage != "applied" {
		fmt.Fprintf(&b, "listing: {\n\ttagline: \"Sync number %d\"\n\tdescription: \"Keeps records in step between Synthetic Co %d and the CRM.\"\n\tsetupInstructionsUrl: \"https://co%d.example/docs\"\n\tsupportUrl: \"https://co%d.example/help\"\n}\n", i, i, i, i)
	}
	if stage == "certification" || stage == "partner" {
		fmt.Fprintf(&b, "certification: {demoVideoUrl: \"https://video.example/%d\", salesAssets: [\"https://co%d.example/one-pager.pdf\"]}\n", i, i)
	}
	b.WriteString("program: {\n")
	fmt.Fprintf(&b, "\tstage: %q\n", stage)
	fmt.Fprintf(&b, "\tinstalls: {count: %d, asOf: \"2026-%02d-20\"}\n", 10+i%60, month)
	if stage != "applied" {
		fmt.Fprintf(&b, "\tacceptedAt: \"2026-%02d-02\"\n\tlistingPublishedAt: \"2026-%02d-15\"\n", month, month)
	}
	if stage == "certification" || stage == "partner" {
		b.WriteString("\tfeedback: [{id: \"F1\", text: \"Handle expired tokens without asking the user to reconnect.\", status: \"addressed\"}]\n")
		fmt.Fprintf(&b, "\tapprovedAt: \"2026-%02d-25\"\n", month)
		if stage == "partner" {
			fmt.Fprintf(&b, "\tlaunchDate: \"2026-%02d-28\"\n", month)
		}
	}
	if stage != "applied" {
		fmt.Fprintf(&b, "\thistory: [{date: \"2026-%02d-02\", stage: \"beta\", by: \"rivera-reviews\", ref: \"#%d\"}]\n", month, i)
	}
	b.WriteString("}\n")
	return []byte(b.String())
}
