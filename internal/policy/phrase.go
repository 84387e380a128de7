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
	// anywhere in a sentence's compact form, not as whole words.
	unspaced bool
}

// phrases is a configured list of phrases, indexed by their first word so
// that a text is read once for all of them.
type phrases struct {
	list []phrase
	// byFirst holds, by the first word of each spaced phrase, the
	// indexes of the phrases that begin with it.
	byFirst map[string][]int
	// lengths has, for each first byte of a first word, bit n set when a
	// first word of n bytes (n < 64) starts with it: most words of a
	// text are passed over without a map lookup.
	lengths [256]uint64
	// unspaced are the indexes of the unspaced phrases, which only a
	// text with letters beyond ASCII can hold.
	unspaced []int
	// clitics are letters written onto the front of a word that leave it
	// the word (program.cue's namePrefixes: Arabic "و" and, "ال" the), as
	// folded: a phrase is found after one too ("وكلمة المرور").
	clitics []string
	// cliticFirst has the first byte of each clitic, so that most words
	// are passed over without trying them.
	cliticFirst [256]bool
}

// newPhrases folds each term of a configured list and the clitics that
// may be written onto a phrase's first word; an empty term is left out.
func newPhrases(terms, clitics []string) phrases {
	ps := phrases{byFirst: map[string][]int{}}
	for _, c := range clitics {
		if k := compactOf(c); k != "" && !slices.Contains(ps.clitics, k) {
			ps.clitics = append(ps.clitics, k)
			ps.cliticFirst[k[0]] = true
		}
	}
	for _, s := range terms {
		t := newText(s)
		if len(t.words) == 0 {
			continue
		}
		i := len(ps.list)
		p := phrase{term: s, words: t.words, compact: strings.Join(t.words, ""), unspaced: hasUnspaced(s)}
		ps.list = append(ps.list, p)
		if p.unspaced {
			ps.unspaced = append(ps.unspaced, i)
		} else {
			w := p.words[0]
			ps.byFirst[w] = append(ps.byFirst[w], i)
			ps.lengths[w[0]] |= 1 << min(len(w), 63)
		}
	}
	return ps
}

// startingAt adds to hit the spaced phrases that begin at words[i], whose
// first word is read as first (words[i], or what follows a clitic on it).
func (ps *phrases) startingAt(words []string, i int, first string, hit []int) []int {
	if ps.lengths[first[0]]&(1<<min(len(first), 63)) == 0 {
		return hit
	}
	for _, k := range ps.byFirst[first] {
		p := ps.list[k]
		if i+len(p.words) <= len(words) && slices.Equal(words[i+1:i+len(p.words)], p.words[1:]) && !slices.Contains(hit, k) {
			hit = append(hit, k)
		}
	}
	return hit
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

// found returns the terms of ps that occur in t, each once, in the order
// of the list.
func found(t text, ps phrases) []string {
	var hit []int
	for i, w := range t.words {
		if ps.lengths[w[0]]&(1<<min(len(w), 63)) != 0 {
			hit = ps.startingAt(t.words, i, w, hit)
		}
		if !ps.cliticFirst[w[0]] {
			continue
		}
		for _, c := range ps.clitics {
			if rest, ok := strings.CutPrefix(w, c); ok && rest != "" {
				hit = ps.startingAt(t.words, i, rest, hit)
			}
		}
	}
	for _, st := range t.sentences {
		if len(ps.unspaced) == 0 || isASCII(st.compact) {
			continue
		}
		for _, k := range ps.unspaced {
			if strings.Contains(st.compact, ps.list[k].compact) && !slices.Contains(hit, k) {
				hit = append(hit, k)
			}
		}
	}
	if len(hit) == 0 {
		return nil
	}
	slices.Sort(hit)
	out := make([]string, 0, len(hit))
	for _, k := range hit {
		if !slices.Contains(out, ps.list[k].term) {
			out = append(out, ps.list[k].term)
		}
	}
	return out
}

// begin reports whether s, folded, begins with one of the phrases: what a
// text without spaces says right after a particle ("の返信").
func (ps *phrases) begin(s string) bool {
	k := compactOf(s)
	for _, p := range ps.list {
		if strings.HasPrefix(k, p.compact) {
			return true
		}
	}
	return false
}
