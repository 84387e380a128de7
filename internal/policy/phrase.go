package policy

import (
	"slices"
	"strings"
	"unicode"
)

// phrase is one configured word or phrase, folded as integrator text is
// (newText), so that case, accents, lookalike letters and punctuation do
// not matter: "API-Schlüssel" is found in "api schlussel".
type phrase struct {
	term    string
	words   []string
	compact string
	// unspaced is true for a phrase with letters of a script written
	// without spaces between words ("APIキー", "パスワード"): it is found
	// anywhere in a text's compact form, not as whole words.
	unspaced bool
}

// newPhrases folds each term of a configured list; an empty term is left
// out.
func newPhrases(terms []string) []phrase {
	var out []phrase
	for _, s := range terms {
		t := newText(s)
		if t.compact == "" {
			continue
		}
		out = append(out, phrase{term: s, words: t.words, compact: t.compact, unspaced: hasUnspaced(s)})
	}
	return out
}

// mostlyUnspaced reports whether most of s's letters are in a script
// written without spaces between words.
func mostlyUnspaced(s string) bool {
	letters, unspaced := 0, 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.In(r, unspacedScripts...) {
			unspaced++
		}
	}
	return 2*unspaced > letters
}

// hasUnspaced reports whether s has a letter of a script written without
// spaces between words.
func hasUnspaced(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && unicode.In(r, unspacedScripts...) {
			return true
		}
	}
	return false
}

// in reports whether the phrase occurs in t: as consecutive whole words,
// or, for an unspaced phrase, anywhere.
func (p phrase) in(t text) bool {
	if p.unspaced {
		return strings.Contains(t.compact, p.compact)
	}
	return t.hasPhrase(p.words)
}

// found returns the terms of ps that occur in t, each once, in the order
// of ps.
func found(t text, ps []phrase) []string {
	var out []string
	for _, p := range ps {
		if p.in(t) && !slices.Contains(out, p.term) {
			out = append(out, p.term)
		}
	}
	return out
}
