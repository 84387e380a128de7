package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// nameMatchers hold the folded forms of the configured terms, made once
// per check: the platform's brand terms (Developer E1), other companies'
// names (Developer D5) and the words of vulgar language (Developer F2).
type nameMatchers struct {
	brand, protected []nameTerm
	// vulgar holds each configured word or phrase as its folded words.
	vulgar []nameTerm
}

// nameTerm is one configured term and its folded form.
type nameTerm struct {
	term    string
	compact string
	words   []string
}

func newNameTerm(s string) nameTerm {
	t := newText(s)
	return nameTerm{term: s, compact: t.compact, words: t.words}
}

func newNameMatchers(cfg application.Config) nameMatchers {
	var m nameMatchers
	for _, t := range cfg.BrandTerms {
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

// Words that, next to a brand or a company's name, claim its endorsement
// or official status, or say it made the integration. They are folded like
// the text they are compared with, so "0fficial" is "official".
var (
	// claimWords claim status when they come just before the name
	// ("official HubSpot", "certified by Globex") or just after it
	// ("HubSpot-certified", "Globex's official").
	claimWords = foldedWords("official", "officially", "certified", "endorsed", "endorsement",
		"approved", "authorised", "authorized", "sanctioned", "sponsored", "accredited", "affiliated",
		// The same claims in the program's other common languages
		// (French, German, Spanish, Portuguese, Italian, Dutch), as
		// folded: accents are dropped.
		"officiel", "officielle", "offiziell", "offizielle", "offizieller", "oficial", "oficiales",
		"ufficiale", "officieel", "officiele", "certifie", "certifiee", "zertifiziert", "zertifizierte",
		"certificado", "certificada", "certificato", "gecertificeerd")
	// officialWords are the claim words that claim official status
	// wherever they stand before a bridge word ("Official sync for
	// HubSpot"); the others there may name another certifier ("SOC 2
	// certified sync for HubSpot") and are left to the reviewer.
	officialWords = foldedSet("official", "officially", "officiel", "officielle", "offiziell",
		"offizielle", "offizieller", "oficial", "oficiales", "ufficiale", "officieel", "officiele")
	// makerWords say who made something: with "by" before a name, they
	// claim that company made the integration ("made by Globex").
	makerWords = foldedWords("made", "built", "developed", "produced", "powered", "published",
		"brought", "designed", "maintained")
	// linkWords may stand between a claim word and the name ("official
	// partner of the HubSpot ...", "endorsed by the Globex team").
	linkWords = foldedSet("the", "a", "an", "of", "from", "to")
	// bridgeWords say what an integration works with ("sync for
	// HubSpot"); a claim word before them claims status for that pairing
	// ("Official sync for HubSpot", "the certified connector for Globex").
	bridgeWords = foldedSet("for", "with")
	byWord      = foldKey("by")
	// possessive is what remains of "HubSpot's" after the apostrophe.
	possessive = foldKey("s")
)

// foldedWords maps the key of each word to the word.
func foldedWords(ws ...string) map[string]string {
	m := make(map[string]string, len(ws))
	for _, w := range ws {
		m[foldKey(w)] = w
	}
	return m
}

// foldedSet holds the key of each word.
func foldedSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[foldKey(w)] = true
	}
	return m
}

// listingText is one text a reader sees as the integration's own words.
type listingText struct {
	path, what, value string
	// folded is value as its folded words.
	folded text
	// name is true for the integration's name, in which beginning with
	// a term, a possessive or a bare "by" is a claim by itself.
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
// claim to be neither the platform nor another company. A term is found
// after folding (NFKC, case, default-ignorable characters, confusable
// skeletons) and without regard to word breaks, so "НubSpot",
// "H\u200bubSpot" and "HubSpotSync" are the brand. A descriptive use
// ("Acme Sync for HubSpot", "… for Globex ERP") passes; a name that begins
// with the term, or any text claiming endorsement or official status
// ("Official HubSpot Sync", "certified by Globex", "HubSpot's Sync",
// "Official sync for HubSpot", "offizielle HubSpot Sync"), is an
// error. The company's own name exempts nothing.
func (c *checker) naming() {
	for _, lt := range c.listingTexts() {
		t := lt.folded
		for _, term := range c.names.brand {
			switch how := claim(t, term, lt); {
			case how == claimBegins:
				c.errorf("developer/E1", lt.path,
					"the name %q begins with the platform's brand %q, as if the platform made it; name it after your product (\"Acme Sync for %s\" is fine)",
					lt.value, term.term, term.term)
			case strings.HasSuffix(how, claimUnsure):
				c.warnf("developer/E1", lt.path,
					"the %s may claim the platform's certification or endorsement (%s %q); a reviewer will check, so say who certified what (\"SOC 2 certified\") or describe the integration instead",
					lt.what, how, term.term)
			case how != "":
				c.errorf("developer/E1", lt.path,
					"the %s claims the platform's endorsement or official status (%s %q); say what the integration does instead (\"… for %s\" is fine)",
					lt.what, how, term.term, term.term)
			}
		}
		for _, term := range c.names.protected {
			switch how := claim(t, term, lt); {
			case how == claimBegins:
				c.errorf("developer/D5", lt.path,
					"the name %q begins with %q, another company's name, as if that company made it; an integration may not present itself as produced by another company (\"Acme Sync for %s\" is fine)",
					lt.value, term.term, term.term)
			case strings.HasSuffix(how, claimUnsure):
				c.warnf("developer/D5", lt.path,
					"the %s may claim that %q certified or endorsed the integration (%s %q); a reviewer will check, so say who certified what (\"SOC 2 certified\") or describe the integration instead",
					lt.what, term.term, how, term.term)
			case how != "":
				c.errorf("developer/D5", lt.path,
					"the %s claims that %q made, authorised or endorsed the integration (%s %q); an integration may not present itself as authorised by or produced by another company (\"… for %s\" is fine)",
					lt.what, term.term, how, term.term, term.term)
			}
		}
	}
}

// claimBegins is claim's answer for a name that begins with the term.
const claimBegins = "begins with"

// claimUnsure ends claim's answer for a claim word other than "official"
// a few words before "for"/"with" the term ("the certified connector for
// Globex"): it may claim the term's certification or another's ("SOC 2
// certified sync for Globex"), so it is a warning for the reviewer, not an
// error.
const claimUnsure = " … for"

// claim says how t claims the term's endorsement or authorship: "" when
// it does not (it does not use the term, or uses it descriptively),
// claimBegins for a name that begins with it, or the words that make the
// claim ("official", "by", "'s").
func claim(t text, term nameTerm, lt listingText) string {
	for _, o := range t.find(term.compact) {
		if lt.name && o.from == 0 {
			return claimBegins
		}
		if how := claimBefore(t.before(o), lt.short); how != "" {
			return how
		}
		if how := claimAfter(t.after(o), lt.name); how != "" {
			return how
		}
	}
	return ""
}

// claimBefore reads the words before a term, nearest first: a claim word
// straight before it or past a link word ("official HubSpot", "certified
// by the Globex team"), "by" as claim says, or a claim word anywhere in
// the words read before a bridge word ("Official sync for HubSpot").
func claimBefore(before []string, short bool) string {
	for i, w := range before {
		if word, ok := claimWords[w]; ok {
			return word
		}
		switch {
		case w == byWord:
			// "by HubSpot": in a name or tagline it says who made it;
			// elsewhere only with a word of making or approving before it.
			if short {
				return "by"
			}
			if i+1 < len(before) {
				if word, ok := makerWords[before[i+1]]; ok {
					return word + " by"
				}
				if word, ok := claimWords[before[i+1]]; ok {
					return word + " by"
				}
			}
			return ""
		case linkWords[w] && i < 2:
			continue
		case bridgeWords[w] && i < 2:
			for _, v := range before[i+1:] {
				if word, ok := claimWords[v]; ok {
					if officialWords[v] {
						return word
					}
					return word + claimUnsure
				}
			}
			return ""
		}
		return ""
	}
	return ""
}

// claimAfter reads the words after a term, nearest first: a claim word
// straight after it ("HubSpot-certified", "HubSpot's official"), or in a
// name a possessive ("HubSpot's Sync").
func claimAfter(after []string, name bool) string {
	for i, w := range after {
		if word, ok := claimWords[w]; ok {
			return word
		}
		if w == possessive && i == 0 {
			if name {
				return "'s"
			}
			continue
		}
		return ""
	}
	return ""
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
		if len(found) > 0 {
			c.warnf("developer/F2", lt.path,
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
