package policy

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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

// wordEdge reports whether r is trimmed from each side of a word:
// punctuation around it ("crap!", "(shit)"), not inside it.
func wordEdge(r rune) bool {
	switch r {
	case '.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '[', ']', '{', '}', '«', '»', '“', '”', '‘', '’', '…':
		return true
	}
	return false
}

// joiner reports whether r joins the letters of a word spelled out
// ("c.r.a.p") or two words ("f*ck-ups").
func joiner(r rune) bool {
	switch r {
	case '-', '/', '.', '·', '_', '–', '—':
		return true
	}
	return false
}

// spacedLetters is a word spelled with a separator between its letters.
var spacedLetters = regexp.MustCompile(`^(?:\pL[.\-·_])+\pL$`)

// vulgarKeys are the one-word vulgar terms with their repeated letters
// squeezed, as folded words (folded) and as plain text (plain), made once
// per check.
type vulgarKeys struct {
	folded []squeezedTerm
	// first marks the first bytes of the folded keys.
	first [256]bool
	plain map[string]string
}

// squeezedTerm is a term and its squeezed key.
type squeezedTerm struct{ key, term string }

func newVulgarKeys(terms []string) vulgarKeys {
	v := vulgarKeys{plain: map[string]string{}}
	for _, term := range terms {
		t := newText(term)
		if len(t.words) != 1 {
			continue
		}
		key := squeeze(t.words[0])
		v.folded = append(v.folded, squeezedTerm{key, term})
		v.first[key[0]] = true
		v.plain[squeeze(plainText(term))] = term
	}
	return v
}

// maskedVulgar returns the one-word terms, other than those in already,
// that a word of s (folded as t) spells when read through its masks. The
// folded words give the repeated letters and the spelled-out words ("c r
// a p", "c.r.a.p" are single letters there); the text as written is read
// word by word only when a digit or symbol stands next to a letter.
func maskedVulgar(s string, t text, v vulgarKeys, already []string) []string {
	if len(v.folded) == 0 {
		return nil
	}
	var out []string
	add := func(term string) {
		if !slices.Contains(out, term) && !slices.Contains(already, term) {
			out = append(out, term)
		}
	}
	for i := 0; i < len(t.words); i++ {
		w := t.words[i]
		if j := singleLetters(t.words, i); j-i >= 3 {
			joined := strings.Join(t.words[i:j], "")
			for _, f := range v.folded {
				if squeezesTo(joined, f.key) {
					add(f.term)
				}
			}
			i = j - 1
			continue
		}
		if !v.first[w[0]] {
			continue
		}
		for _, f := range v.folded {
			if w[0] == f.key[0] && squeezesTo(w, f.key) {
				add(f.term)
			}
		}
	}
	if maybeMasked(s) {
		for _, w := range maskWords(plainText(s)) {
			for _, term := range spelled(w, v.plain) {
				add(term)
			}
		}
	}
	slices.Sort(out)
	return out
}

// singleLetters returns the end of the run of one-letter words that
// starts at words[i] (i itself when words[i] is longer).
func singleLetters(words []string, i int) int {
	j := i
	for j < len(words) && len(words[j]) <= utf8.UTFMax && utf8.RuneCountInString(words[j]) == 1 {
		j++
	}
	return j
}

// maybeMasked reports whether s may hold a masked word: a digit or symbol
// of maskLetters or maskHidden next to a letter, or any character beyond
// ASCII (read the slow way).
func maybeMasked(s string) bool {
	letter := func(i int) bool {
		return i >= 0 && i < len(s) && (s[i]|0x20 >= 'a' && s[i]|0x20 <= 'z')
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80:
			return true
		case maskASCII[c] && (letter(i-1) || letter(i+1)):
			return true
		}
	}
	return false
}

// maskWords splits s into words at white space and hyphens, trims
// punctuation around each, joins runs of three or more single letters
// ("c r a p"), and drops the separators of a word spelled letter by letter
// ("c.r.a.p"). It returns only the words that may be masked: those so
// joined, and those with a digit or symbol among their letters or a letter
// repeated; a plain word was matched already, and is passed over without
// being copied.
func maskWords(s string) []string {
	var out, run []string
	flush := func() {
		if len(run) >= 3 {
			out = append(out, strings.Join(run, ""))
		}
		run = run[:0]
	}
	for s != "" {
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i < 0 {
			i = len(s)
		}
		w := strings.TrimFunc(s[:i], wordEdge)
		s = strings.TrimLeftFunc(s[i:], unicode.IsSpace)
		if w == "" {
			continue
		}
		if len(w) <= utf8.UTFMax && utf8.RuneCountInString(w) == 1 && unicode.IsLetter([]rune(w)[0]) {
			run = append(run, w)
			continue
		}
		flush()
		switch {
		case strings.IndexFunc(w, joiner) < 0:
			if mayBeMasked(w) {
				out = append(out, w)
			}
		case spacedLetters.MatchString(w):
			out = append(out, strings.Map(onlyLetters, w))
		default:
			for _, part := range strings.FieldsFunc(w, isHyphen) {
				if part = strings.TrimFunc(part, wordEdge); mayBeMasked(part) {
					out = append(out, part)
				}
			}
		}
	}
	flush()
	return out
}

// mayBeMasked reports whether w has a digit or symbol that stands for a
// letter, a symbol that hides one, or a letter written twice in a row.
func mayBeMasked(w string) bool {
	var last rune = -1
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return mayBeMaskedRunes(w)
		}
		r := rune(w[i])
		if r == last || maskASCII[r] {
			return true
		}
		last = r
	}
	return false
}

// maskASCII marks the ASCII digits and symbols of maskLetters and
// maskHidden.
var maskASCII = func() (m [128]bool) {
	for r := range maskLetters {
		if r < 128 {
			m[r] = true
		}
	}
	for _, r := range maskHidden {
		m[r] = true
	}
	return m
}()

// mayBeMaskedRunes is mayBeMasked for a word beyond ASCII.
func mayBeMaskedRunes(w string) bool {
	var last rune = -1
	for _, r := range w {
		if r == last || maskLetters[r] != "" || strings.ContainsRune(maskHidden, r) {
			return true
		}
		last = r
	}
	return false
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

// spelled returns the terms of plain (by squeezed term) that the word w,
// read through its masks and with repeated letters squeezed, spells. A
// word needs letters for at least half its characters, so that numbers
// and symbols alone spell nothing.
func spelled(w string, plain map[string]string) []string {
	letters, masked, n := 0, false, 0
	for _, r := range w {
		n++
		switch {
		case unicode.IsLetter(r):
			letters++
		case maskLetters[r] != "" || strings.ContainsRune(maskHidden, r):
			masked = true
		default:
			return nil
		}
	}
	if 2*letters < n || letters == 0 {
		return nil
	}
	if !masked {
		for key, term := range plain {
			if squeezesTo(w, key) {
				return []string{term}
			}
		}
		return nil
	}
	re := maskPattern(squeeze(w))
	var out []string
	for key, term := range plain {
		if re.MatchString(key) {
			out = append(out, term)
		}
	}
	return out
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

// squeezesTo reports whether squeeze(w) is key, without writing it.
func squeezesTo(w, key string) bool {
	j := 0
	var last rune = -1
	for _, r := range w {
		if r == last {
			continue
		}
		last = r
		k, size := utf8.DecodeRuneInString(key[j:])
		if j >= len(key) || k != r {
			return false
		}
		j += size
	}
	return j == len(key)
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
