package policy

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// A vulgar word is often written masked, so that a filter misses it and a
// reader does not: letters swapped for digits and symbols ("sh1t", "$h!t"),
// some hidden behind asterisks ("f*ck", "f**k"), a letter repeated
// ("shiiit"), or the letters spaced or dotted apart ("c r a p", "c.r.a.p").
// maskedVulgar reads each word of a text that way and compares it, whole,
// with each one-word vulgar term: a word that only contains a term
// ("Scunthorpe", "classic", "assessment", "cockpit") is never one.

// maskLetters are the digits and symbols written for a letter, with the
// letters each may stand for.
var maskLetters = map[rune]string{
	'0': "o", '1': "il", '3': "e", '4': "a", '5': "s", '7': "t", '8': "b", '9': "g",
	'@': "a", '$': "s", '!': "il", '+': "t", '|': "il", '€': "e",
}

// maskHidden are the symbols written to hide one or more letters.
const maskHidden = "*#%?_"

// wordEdges are trimmed from each side of a word: punctuation around it
// ("crap!", "(shit)"), not inside it.
const wordEdges = ".,;:!?\"'()[]{}«»“”‘’…"

// spacedLetters is a word spelled with a separator between its letters.
var spacedLetters = regexp.MustCompile(`^(?:\pL[.\-·_])+\pL$`)

// maskedVulgar returns the one-word terms, other than those in already,
// that a word of s spells when read through its masks.
func maskedVulgar(s string, terms []nameTerm, already []string) []string {
	plain := map[string]string{}
	for _, t := range terms {
		if len(t.words) == 1 && !slices.Contains(already, t.term) {
			plain[squeeze(plainText(t.term))] = t.term
		}
	}
	if len(plain) == 0 {
		return nil
	}
	var out []string
	for _, w := range maskWords(plainText(s)) {
		for key, term := range plain {
			if !slices.Contains(out, term) && spells(w, key) {
				out = append(out, term)
			}
		}
	}
	slices.Sort(out)
	return out
}

// maskWords splits s into words at white space, trims punctuation around
// each, joins runs of three or more single letters ("c r a p"), and drops
// the separators of a word spelled letter by letter ("c.r.a.p").
func maskWords(s string) []string {
	var out, run []string
	flush := func() {
		if len(run) >= 3 {
			out = append(out, strings.Join(run, ""))
		}
		run = run[:0]
	}
	for _, f := range strings.Fields(s) {
		w := strings.Trim(f, wordEdges)
		if utf8Len(w) == 1 && unicode.IsLetter([]rune(w)[0]) {
			run = append(run, w)
			continue
		}
		flush()
		if spacedLetters.MatchString(w) {
			out = append(out, strings.Map(onlyLetters, w))
			continue
		}
		for _, part := range strings.FieldsFunc(w, isHyphen) {
			if part = strings.Trim(part, wordEdges); part != "" {
				out = append(out, part)
			}
		}
	}
	flush()
	return out
}

// onlyLetters keeps letters and drops anything else.
func onlyLetters(r rune) rune {
	if unicode.IsLetter(r) {
		return r
	}
	return -1
}

// isHyphen reports whether r joins two words ("f*ck-ups", "and/or").
func isHyphen(r rune) bool { return r == '-' || r == '/' || unicode.Is(unicode.Pd, r) }

func utf8Len(s string) int { return len([]rune(s)) }

// spells reports whether the word w, read through its masks and with
// repeated letters squeezed, is key (a squeezed term). A word needs
// letters for at least half its characters, so that numbers and symbols
// alone spell nothing.
func spells(w, key string) bool {
	letters, masked := 0, false
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			letters++
		case maskLetters[r] != "" || strings.ContainsRune(maskHidden, r):
			masked = true
		default:
			return false
		}
	}
	if 2*letters < utf8Len(w) || letters == 0 {
		return false
	}
	if !masked {
		return squeeze(w) == key
	}
	return maskPattern(squeeze(w)).MatchString(key)
}

// maskPattern is the pattern of the letters a masked word may stand for:
// a letter for itself (repeated or not), a digit or symbol for its
// letters, a run of hiding symbols for one to a few letters.
func maskPattern(w string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	rs := []rune(w)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case strings.ContainsRune(maskHidden, r):
			n := 1
			for i+1 < len(rs) && strings.ContainsRune(maskHidden, rs[i+1]) {
				i++
				n++
			}
			b.WriteString(`\pL{1,` + strconv.Itoa(n+1) + `}`)
		case maskLetters[r] != "":
			b.WriteString("[" + regexp.QuoteMeta(maskLetters[r]) + "]+")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)) + "+")
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// squeeze writes each run of one letter once: "shiiit" is "shit",
// "bollocks" "bolocks".
func squeeze(s string) string {
	var b strings.Builder
	var last rune = -1
	for _, r := range s {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}
