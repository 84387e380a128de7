package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// nameMatchers hold the folded forms of the configured terms, made once
// per check: the platform's brand terms and aliases (Developer E1), other
// companies' names (Developer D5), the words of vulgar language (Developer
// F2), and the vocabulary of claims.
type nameMatchers struct {
	brand, protected []nameTerm
	// vulgar holds each configured word or phrase as its folded words.
	vulgar []nameTerm
	vocab  vocabulary
}

// nameTerm is one configured term and its folded form.
type nameTerm struct {
	term    string
	compact string
	words   []string
}

func newNameTerm(s string) nameTerm {
	t := newText(s)
	return nameTerm{term: s, compact: strings.Join(t.words, ""), words: t.words}
}

func newNameMatchers(cfg application.Config) nameMatchers {
	m := nameMatchers{vocab: newVocabulary(cfg)}
	for _, t := range slices.Concat(cfg.BrandTerms, cfg.BrandAliases) {
		m.brand = append(m.brand, newNameTerm(t))
	}
	for _, t := range cfg.ProtectedNames {
		m.protected = append(m.protected, newNameTerm(t))
	}
	for _, t := range cfg.VulgarTerms {
		m.vulgar = append(m.vulgar, newNameTerm(t))
	}
	return m
}

// listingText is one text a reader sees as the integration's own words.
type listingText struct {
	path, what, value string
	// folded is value as its folded sentences.
	folded text
	// name is true for the integration's name, in which beginning with
	// a term or a possessive is a claim by itself.
	name bool
	// short is true for the name and the tagline, where "by Globex" says
	// who made the integration; in a description it may describe data
	// ("contacts created by HubSpot forms") and needs a maker word.
	short bool
}

// listingTexts returns the texts of the name and the listing that are not
// empty, each folded once for every rule that reads them.
func (c *checker) listingTexts() []listingText {
	if c.texts != nil {
		return c.texts
	}
	all := []listingText{{path: "integration.name", what: "name", value: c.app.Integration.Name, name: true, short: true}}
	if l := c.app.Listing; l != nil {
		all = append(all,
			listingText{path: "listing.tagline", what: "tagline", value: l.Tagline, short: true},
			listingText{path: "listing.description", what: "description", value: l.Description})
	}
	c.texts = []listingText{}
	for _, lt := range all {
		if lt.value != "" {
			lt.folded = newText(lt.value)
			c.texts = append(c.texts, lt)
		}
	}
	return c.texts
}

// naming checks Developer D5 and E1: the name, tagline and description
// claim to be neither the platform nor another company. Texts are read
// sentence by sentence (UAX #29), after folding (NFKC, case,
// default-ignorable characters, confusable skeletons), so "НubSpot",
// "H\u200bubSpot" and "HubSpotSync" are the brand and "Globexa" is not
// Globex. A claim is about a name only in its sentence, where a claim
// word of program.cue's claimWords qualifies it or the product: next to it
// ("Official HubSpot Sync", "certified by Globex", "HubSpot公式",
// "허브스팟 공식 파트너"), across a bridge word ("Official sync for
// HubSpot", "HubSpot用の公式アプリ"), or in a phrase of origin
// ("developed by Globex", "HubSpot製"). A certain claim is an error; a
// claim word other than official status across a bridge word is a warning
// for the reviewer. Legal and industry terms ("certified translation")
// and certifications by another ("ISO 27001 certified") claim nothing.
// The platform's partners may call themselves its partner. The company's
// own name exempts nothing.
func (c *checker) naming() {
	partner := c.app.Program.Stage == application.StagePartner
	for _, lt := range c.listingTexts() {
		for _, term := range c.names.brand {
			c.brandClaim(lt, term, c.names.vocab.claim(lt, term, partner))
		}
		for _, term := range c.names.protected {
			c.protectedClaim(lt, term, c.names.vocab.claim(lt, term, false))
		}
	}
}

// brandClaim reports a claim on the platform's name (Developer E1).
func (c *checker) brandClaim(lt listingText, term nameTerm, f claimFound) {
	switch {
	case !f.found:
	case f.begins:
		c.errorf(RuleDeveloperE1, lt.path,
			"the name %q begins with the platform's brand %q, as if the platform made it; name it after your product (\"Acme Sync for %s\" is fine)",
			lt.value, term.term, term.term)
	case !f.sure:
		c.warnf(RuleDeveloperE1, lt.path,
			"the %s may claim the platform's certification or endorsement (%s %q, in %q); a reviewer will check, so say who certified what (\"SOC 2 certified\") or describe the integration instead",
			lt.what, f.how, term.term, f.sentence)
	case f.class == classPartnership:
		c.errorf(RuleDeveloperE1, lt.path,
			"the %s calls the integration the platform's partner (%s %q), which only a partner of the program may (this application's stage is %s); say what the integration does instead (\"… for %s\" is fine)",
			lt.what, f.how, term.term, c.app.Program.Stage, term.term)
	case f.origin:
		c.errorf(RuleDeveloperE1, lt.path,
			"the %s says the platform made the integration (%s %q); say who made it and what it does instead (\"… for %s\" is fine)",
			lt.what, f.how, term.term, term.term)
	default:
		c.errorf(RuleDeveloperE1, lt.path,
			"the %s claims the platform's endorsement or official status (%s %q); say what the integration does instead (\"… for %s\" is fine)",
			lt.what, f.how, term.term, term.term)
	}
}

// protectedClaim reports a claim on another company's name (Developer D5).
func (c *checker) protectedClaim(lt listingText, term nameTerm, f claimFound) {
	switch {
	case !f.found:
	case f.begins:
		c.errorf(RuleDeveloperD5, lt.path,
			"the name %q begins with %q, another company's name, as if that company made it; an integration may not present itself as produced by another company (\"Acme Sync for %s\" is fine)",
			lt.value, term.term, term.term)
	case !f.sure || f.class == classPartnership:
		c.warnf(RuleDeveloperD5, lt.path,
			"the %s may claim that %q certified, endorsed or partners with the integration (%s %q, in %q); a reviewer will check, so say who certified what (\"SOC 2 certified\") or describe the integration instead",
			lt.what, term.term, f.how, term.term, f.sentence)
	default:
		c.errorf(RuleDeveloperD5, lt.path,
			"the %s claims that %q made, authorised or endorsed the integration (%s %q); an integration may not present itself as authorised by or produced by another company (\"… for %s\" is fine)",
			lt.what, term.term, f.how, term.term, term.term)
	}
}

// language checks Developer F2: vulgar or obscene language in the name,
// tagline or description, from the program's word list, is a warning for
// the reviewer. Words are folded as for names, and matched as whole words
// so that no innocent word containing one is flagged.
func (c *checker) language() {
	if len(c.names.vulgar) == 0 {
		return
	}
	for _, lt := range c.listingTexts() {
		t := lt.folded
		var found []string
		for _, v := range c.names.vulgar {
			if t.hasPhrase(v.words) && !slices.Contains(found, v.term) {
				found = append(found, v.term)
			}
		}
		found = append(found, maskedVulgar(lt.value, t, c.said.vulgar, found)...)
		if len(found) > 0 {
			c.flagf(RuleDeveloperF2, lt.path,
				"the %s uses %s, listed by the program as vulgar or obscene; a reviewer will read it before it is listed",
				lt.what, quoteAll(found))
		}
	}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
