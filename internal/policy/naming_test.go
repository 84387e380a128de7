package policy_test

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
)

// nameCases are the cases of a name rule for one configured term: the
// platform's brand for developer/E1 ("Your Application should not violate
// the HubSpot brand guidelines"), another company's name for developer/D5
// ("Representing that your Application is authorized by or produced by
// another company or organization"). The same sentences hold for both.
func nameCases(rule, term string) []checkCase {
	named := func(name string) func(*application.Application) {
		return func(a *application.Application) { a.Integration.Name = name }
	}
	tagline := func(s string) func(*application.Application) {
		return func(a *application.Application) { a.Listing.Tagline = s }
	}
	description := func(s string) func(*application.Application) {
		return func(a *application.Application) { a.Listing.Description = s }
	}
	onName := []result{failing(rule, "integration.name")}
	onTagline := []result{failing(rule, "listing.tagline")}
	onDescription := []result{failing(rule, "listing.description")}
	return []checkCase{
		// Descriptive uses pass.
		{name: "Sync for " + term + " says what it works with and passes",
			mutate: named("Sync for " + term)},
		{name: "Acme Sync for " + term + " ERP says what it works with and passes",
			mutate: named("Acme Sync for " + term + " ERP")},
		{name: "a tagline saying the integration syncs with " + term + " passes",
			mutate: tagline("Two-way contact sync with " + term)},
		{name: "a description of " + term + "'s own data passes",
			mutate: description("Reads " + term + "'s contacts and keeps them in step with Acme every five minutes.")},
		{name: "a description of records created by " + term + " forms passes",
			mutate: description("Copies contacts created by " + term + " forms into Acme.")},

		// A name that begins with the term, however it is written.
		{name: term + " at the start of the name is refused",
			mutate: named(term + " Sync by Acme"), want: onName},
		{name: term + " in lowercase with a hyphen at the start of the name is refused",
			mutate: named(strings.ToLower(term) + "-sync"), want: onName},
		{name: term + " alone as the name is refused",
			mutate: named(term), want: onName},
		{name: term + "Sync without spaces is refused",
			mutate: named(term + "Sync"), want: onName},
		{name: "a word that only begins with the letters of " + term + " is another word and passes",
			mutate: named(term + "ter Sync")},
		{name: "a company name that begins with the letters of " + term + " is another company and passes",
			mutate: description(term + "a Logistics GmbH keeps its shipments in step with Acme.")},
		{name: term + " glued between capitalised words is still read, so OfficialXSync is refused",
			mutate: named("Official" + term + "Sync"), want: onName},
		{name: term + " with a Cyrillic lookalike letter is refused",
			mutate: named(cyrillic(term) + " Sync"), want: onName},
		{name: term + " with a zero-width space inside is refused",
			mutate: named(term[:1] + "\u200b" + term[1:] + " Sync"), want: onName},
		{name: term + " with a soft hyphen and a right-to-left mark inside is refused",
			mutate: named(term[:2] + "\u00ad\u200f" + term[2:] + " Sync"), want: onName},
		{name: term + " in fullwidth letters is refused",
			mutate: named(fullwidth(term) + " Sync"), want: onName},
		{name: term + " with digits for letters is refused",
			mutate: named(strings.NewReplacer("o", "0", "l", "1").Replace(term) + " Sync"), want: onName},

		// Claims of endorsement or official status, anywhere.
		{name: "Official " + term + " Sync is refused",
			mutate: named("Official " + term + " Sync"), want: onName},
		{name: "0fficial " + term + " Sync, with a zero for the O, is refused",
			mutate: named("0fficial " + term + " Sync"), want: onName},
		{name: "a company named " + term + " Tools Ltd may still not call its app Official " + term + " Sync",
			mutate: func(a *application.Application) {
				a.Company.Name = term + " Tools Ltd"
				a.Integration.Name = "Official " + term + " Sync"
			},
			want: onName},
		{name: "a name with the possessive " + term + "'s is refused",
			mutate: named("Contacts: " + term + "'s Sync"), want: onName},
		{name: "Acme Sync by " + term + " is refused",
			mutate: named("Acme Sync by " + term), want: onName},
		{name: "a tagline saying certified by " + term + " is refused",
			mutate: tagline("Contact sync certified by " + term), want: onTagline},
		{name: "a tagline saying " + term + "-endorsed is refused",
			mutate: tagline("The " + term + "-endorsed contact sync"), want: onTagline},
		{name: "a tagline saying " + term + "'s official sync is refused",
			mutate: tagline("Acme, " + term + "'s official contact sync"), want: onTagline},
		{name: "a description saying officially endorsed by the " + term + " team is refused",
			mutate: description("Acme Sync is officially endorsed by the " + term + " team."), want: onDescription},
		{name: "a description saying made by " + term + " is refused",
			mutate: description("Made by " + term + " for teams that sell."), want: onDescription},

		// Evasions: a claim word a few words before "for <term>", a mark
		// over a letter, a claim word in another language.
		{name: "Official sync for " + term + " is refused: the claim word need not touch the name",
			mutate: named("Official sync for " + term), want: onName},
		{name: "a tagline calling it the certified connector for " + term + " is a warning for the reviewer: it may claim " + term + "'s certification",
			mutate: tagline("The certified contact connector for " + term), want: []result{warning(rule, "listing.tagline")}},
		{name: "a tagline saying SOC 2 certified sync for " + term + " passes: SOC 2 is the certification",
			mutate: tagline("SOC 2 certified contact sync for " + term)},
		{name: "a claim word in the next sentence says nothing about " + term + " and passes",
			mutate: description("Keeps contacts in step with " + term + ". Certified translations of every quote are attached.")},
		{name: "an endorsed sync for " + term + " in a name is a warning for the reviewer",
			mutate: named("Endorsed sync for " + term), want: []result{warning(rule, "integration.name")}},
		{name: "Officially the sync for " + term + " is refused: official status is claimed wherever it stands",
			mutate: named("Officially the sync for " + term), want: onName},
		{name: "a description calling it the official sync for " + term + " is refused",
			mutate: description("Acme is the official contact sync for " + term + "."), want: onDescription},
		{name: "a description with a claim word far from " + term + " passes",
			mutate: description("Our support team is certified in data protection and answers every ticket from teams on " + term + ".")},
		{name: "a tagline saying what the sync is audited for, then " + term + ", passes",
			mutate: tagline("Audited contact sync for " + term)},
		{name: term + " with a combining accent over a letter is refused",
			mutate: named(term[:1] + term[1:2] + "\u0301" + term[2:] + " Sync"), want: onName},
		{name: term + " with a combining stroke through its first letter is refused",
			mutate: named(term[:1] + "\u0335" + term[1:] + " Sync"), want: onName},
		{name: "Offizielle " + term + " Sync, official in German, is refused",
			mutate: named("Offizielle " + term + " Sync"), want: onName},
		{name: "a tagline saying synchronisation certifiée " + term + ", certified in French, is refused",
			mutate: tagline("Synchronisation certifiée " + term), want: onTagline},
	}
}

// cyrillic replaces the first letter of s that has a Cyrillic lookalike.
func cyrillic(s string) string {
	look := map[rune]rune{'H': 'Н', 'o': 'о', 'e': 'е', 'a': 'а', 'p': 'р', 'c': 'с', 'x': 'х'}
	for i, r := range s {
		if c, ok := look[r]; ok {
			return s[:i] + string(c) + s[i+1:]
		}
	}
	panic("no Cyrillic lookalike in " + s)
}

// fullwidth writes the ASCII letters of s as fullwidth letters.
func fullwidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' {
			return r - '!' + '！'
		}
		return r
	}, s)
}

// TestNamingMessages checks what a person reads for each kind of claim.
func TestNamingMessages(t *testing.T) {
	tests := []messageCase{
		{
			in: checkCase{name: "a name beginning with the brand says so and suggests a descriptive name",
				mutate: func(a *application.Application) { a.Integration.Name = "НubSpot Sync" }},
			want: []string{`the name "НubSpot Sync" begins with the platform's brand "HubSpot", as if the platform made it; name it after your product ("Acme Sync for HubSpot" is fine)`},
		},
		{
			in: checkCase{name: "a tagline claiming certification names the claim word",
				mutate: func(a *application.Application) { a.Listing.Tagline = "Contact sync certified by Globex" }},
			want: []string{`the tagline claims that "Globex" made, authorised or endorsed the integration (by "Globex"); an integration may not present itself as authorised by or produced by another company ("… for Globex" is fine)`},
		},
		{
			in: checkCase{name: "an official claim on the brand names the word that makes it",
				mutate: func(a *application.Application) { a.Integration.Name = "Official HubSpot Sync" }},
			want: []string{`the name claims the platform's endorsement or official status (official "HubSpot"); say what the integration does instead ("… for HubSpot" is fine)`},
		},
		{
			in: checkCase{name: "a claim word a few words before for the brand says the reviewer will check who certified what",
				mutate: func(a *application.Application) {
					a.Listing.Tagline = "Audited by KPMG. The certified contact sync for HubSpot"
				}},
			want: []string{`the tagline may claim the platform's certification or endorsement (certified … for "HubSpot", in "The certified contact sync for HubSpot"); a reviewer will check, so say who certified what ("SOC 2 certified") or describe the integration instead`},
		},
		{
			in: checkCase{name: "a beta calling itself the platform's partner is told only partners may",
				mutate: func(a *application.Application) { a.Listing.Tagline = "Contact sync from a HubSpot Partner" }},
			want: []string{`the tagline calls the integration the platform's partner (partner "HubSpot"), which only a partner of the program may (this application's stage is beta); say what the integration does instead ("… for HubSpot" is fine)`},
		},
		{
			in: checkCase{name: "a phrase of origin names the phrase",
				mutate: func(a *application.Application) { a.Listing.Description = "Diese App wurde entwickelt von HubSpot." }},
			want: []string{`the description says the platform made the integration (entwickelt von "HubSpot"); say who made it and what it does instead ("… for HubSpot" is fine)`},
		},
		{
			in: checkCase{name: "a partnership with a protected company is for the reviewer, with its sentence",
				mutate: func(a *application.Application) {
					a.Listing.Description = "Keeps contacts in step with HubSpot. Acme ist Globex-Partner seit 2019."
				}},
			want: []string{`the description may claim that "Globex" certified, endorsed or partners with the integration (partner "Globex", in "Acme ist Globex-Partner seit 2019."); a reviewer will check, so say who certified what ("SOC 2 certified") or describe the integration instead`},
		},
		{
			in: checkCase{name: "vulgar language names the listed words found",
				mutate: func(a *application.Application) { a.Listing.Tagline = "Contact sync without the crap" }},
			want: []string{`the tagline uses "crap", listed by the program as vulgar or obscene; a reviewer will read it before it is listed`},
		},
	}
	checkMessages(t, tests)
}

// TestCompanyKey checks when two company names are one company: the same
// after folding and without legal suffixes.
func TestCompanyKey(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"the same name with another legal suffix is the same company", "Acme Software Ltd", "ACME software, Inc.", true},
		{"the same name without a legal suffix is the same company", "Acme Software Ltd", "Acme Software", true},
		{"a name with Cyrillic lookalike letters is the same company", "Acme Software Ltd", "Асmе Software", true},
		{"a name in fullwidth letters with a zero-width joiner is the same company", "Acme Software", "Ａｃｍｅ Soft\u200dware GmbH", true},
		{"a name with several suffixes is the same company", "Acme", "Acme GmbH & Co. KG", true},
		{"a name without spaces is the same company", "Acme Software", "AcmeSoftware LLC", true},
		{"another name is another company", "Acme Software Ltd", "Acme Hardware Ltd", false},
		{"a name that is only a legal suffix keeps it", "Limited", "Ltd", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := policy.CompanyKey(tc.a) == policy.CompanyKey(tc.b); got != tc.same {
				t.Errorf("CompanyKey(%q) = %q, CompanyKey(%q) = %q; same = %v, want %v",
					tc.a, policy.CompanyKey(tc.a), tc.b, policy.CompanyKey(tc.b), got, tc.same)
			}
		})
	}
}
