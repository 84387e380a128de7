package policy

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/connectbot/connectbot/internal/application"
)

// A scope's reason must be a sentence, not a label. In a language written
// with spaces between words that is a few words; in one written without
// them (Chinese, Japanese, Thai, ...) a whole sentence is one "word", so it
// is judged by its length in letters instead.
const (
	// minReasonWords is how many words make a reason more than a label.
	minReasonWords = 3
	// minReasonLetters is how many letters make a reason written without
	// spaces more than a label: "同步联系人" (sync contacts) is a label,
	// "連絡先を同期します" a sentence.
	minReasonLetters = 6
)

// unspacedScripts are the scripts written without spaces between words.
var unspacedScripts = []*unicode.RangeTable{
	unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao,
	unicode.Khmer, unicode.Myanmar, unicode.Tibetan, unicode.Yi,
}

// reasonTooShort reports whether reason is too short to justify a scope:
// fewer than minReasonWords words, or, when most of its letters are in a
// script written without spaces, fewer than minReasonLetters letters.
func reasonTooShort(reason string) bool {
	if mostlyUnspaced(reason) {
		letters := 0
		for _, r := range reason {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		return letters < minReasonLetters
	}
	return len(strings.Fields(reason)) < minReasonWords
}

// weakReason flags a reason that says nothing of the scope: a placeholder
// from the program's weakReasons ("n/a", "same as above", "not used yet",
// "siehe oben", "未使用"), and reports whether it did. A phrase of one
// word ("none", "TBD") is a placeholder only as the whole reason; a longer
// one anywhere in it. A placeholder is flagged for the reviewer even when
// it is too short to be a sentence: it says it justifies nothing.
func (c *checker) weakReason(path string, s application.Scope, t text) bool {
	var hits []string
	for _, term := range found(t, c.said.weak) {
		p := c.said.weak.list[slices.IndexFunc(c.said.weak.list, func(p phrase) bool { return p.term == term })]
		if len(p.words) > 1 || p.unspaced || slices.Equal(t.words, p.words) {
			hits = append(hits, term)
		}
	}
	if len(hits) > 0 {
		c.flagf(RuleDeveloperB6, path,
			"the reason for %q, %q, says %s, which does not say what the integration does with the scope: a reviewer will ask why it is requested",
			s.Name, s.Reason, quoteAll(hits))
	}
	return len(hits) > 0
}

// reasonText is the reason of scope i, folded once for every rule that
// reads it.
func (c *checker) reasonText(i int) text {
	if c.reasons == nil {
		c.reasons = make([]*text, len(c.app.Integration.Scopes))
	}
	if c.reasons[i] == nil {
		t := newText(c.app.Integration.Scopes[i].Reason)
		c.reasons[i] = &t
	}
	return *c.reasons[i]
}

// sharedReasons judges each reason given for more than one scope, found
// by its folded words (so "Keeps contacts in sync." and "keeps  contacts
// in SYNC" are one). One sentence may justify the scopes of one feature:
// the read and write scopes of the same object, or scopes whose objects
// the sentence names ("Reads and updates contacts and their companies to
// keep both address books in sync" for the contacts and companies scopes).
// Any other repeat — one reason pasted for every scope — is flagged on each
// scope after the first, for the reviewer.
func (c *checker) sharedReasons(sharing map[string][]int) {
	scopes := c.app.Integration.Scopes
	keys := make([]string, 0, len(sharing))
	for key := range sharing {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool { return sharing[keys[i]][0] < sharing[keys[j]][0] })
	for _, key := range keys {
		idx := sharing[key]
		if len(idx) < 2 {
			continue
		}
		first := idx[0]
		every := len(idx) == len(scopes)
		reason := strings.Fields(key)
		for _, i := range idx[1:] {
			a, b := scopes[first].Name, scopes[i].Name
			if sameObject(a, b) || c.names.vocab.namesScope(reason, a) && c.names.vocab.namesScope(reason, b) {
				continue
			}
			path := application.IndexPath("integration.scopes", i) + ".reason"
			if every {
				c.flagf(RuleDeveloperB6, path,
					"the same reason, %q, is given for every scope: say what the integration does with %q", scopes[i].Reason, b)
				continue
			}
			c.flagf(RuleDeveloperB6, path,
				"the reason for %q, %q, repeats the reason given for integration.scopes[%d] and does not name what %q reaches: say why this scope is needed",
				b, scopes[i].Reason, first, b)
		}
	}
}

// genericScopeWords are the parts of a scope's name that say how it
// reaches data, not what: "crm.objects.contacts.read" is about contacts.
var genericScopeWords = []string{"crm", "objects", "schemas", "read", "write", "sensitive", "oauth"}

// namesScope reports whether the folded words of a reason name what a
// scope reaches: every word of the scope's name but the generic ones is
// in the reason, or one of its nouns in program.cue's objectNames, in any
// inflection that keeps its stem ("company" for "companies", "Kontakten"
// for "Kontakte"; "連絡先" anywhere in a reason written without spaces).
func (v vocabulary) namesScope(reason []string, name string) bool {
	named := false
	joined := strings.Join(reason, "")
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '.' || r == '-' || r == '_' }) {
		if len(part) < 2 || slices.Contains(genericScopeWords, part) {
			continue
		}
		names := append([]objectName{{key: foldKey(part), stem: true}}, v.objectNames[part]...)
		if !slices.ContainsFunc(names, func(n objectName) bool { return n.in(reason, joined) }) {
			return false
		}
		named = true
	}
	return named
}

// in reports whether the noun is among the folded words of a reason
// (joined, the same words without spaces).
func (n objectName) in(reason []string, joined string) bool {
	if n.stem {
		return slices.ContainsFunc(reason, func(w string) bool { return sameStem(w, n.key) })
	}
	return strings.Contains(joined, n.key)
}

// sameStem reports whether two folded words share a stem: a common
// beginning as long as the shorter word less two letters, and at least
// three letters ("deal" and "deals", "company" and "companies").
func sameStem(a, b string) bool {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n >= 3 && n >= min(len(a), len(b))-2
}

// sameObject reports whether two scopes read and write the same object
// ("crm.objects.contacts.read" and "crm.objects.contacts.write"), which
// one sentence may justify together.
func sameObject(a, b string) bool {
	oa, ok := scopeObject(a)
	if !ok {
		return false
	}
	ob, ok := scopeObject(b)
	return ok && oa == ob
}

// scopeObject is a scope's name without its final ".read" or ".write".
func scopeObject(name string) (string, bool) {
	for _, access := range []string{".read", ".write"} {
		if o, ok := strings.CutSuffix(name, access); ok && o != "" {
			return o, true
		}
	}
	return "", false
}
