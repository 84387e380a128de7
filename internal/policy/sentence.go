package policy

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"
)

// text is one integrator text read as a reader reads it: its sentences
// (Unicode UAX #29 sentence boundaries), each as the folded keys of its
// words (UAX #29 word boundaries, split further where a reader sees two
// words in one: "HubSpotSync", "HubSpot의"). A term is found in a
// sentence's compact form, whatever the spacing, and then accepted only
// where it starts and ends as a reader's word does (see sentence.startOK
// and sentence.endOK).
type text struct {
	// words are the keys of every word, in order, for whole-word phrases.
	words     []string
	sentences []sentence
}

// sentence is one sentence of a text as its folded tokens.
type sentence struct {
	// raw is the sentence as written (normalised, trimmed), for messages.
	raw string
	// compact is the keys of the tokens, joined.
	compact string
	tokens  []token
}

// token is one word's key in a sentence's compact form: compact[from:to].
type token struct {
	from, to int
	script   scriptClass
	// pause is true after a punctuation mark that ends a phrase.
	pause bool
	// elided is true for a word that follows the word before it across
	// one apostrophe and nothing else ("un" of "HubSpot'un").
	elided bool
}

// scriptClass says how words are written in a token's script, which
// decides where a term may start and end inside it.
type scriptClass uint8

const (
	// spaced scripts separate words with spaces: a term is whole words.
	spaced scriptClass = iota
	// unspaced scripts (Han, kana, Thai, ...) write words without
	// spaces: a term may start and end anywhere.
	unspaced
	// hangul words carry their particles: a term starts a word and may end
	// inside it ("허브스팟의", "허브스팟에서").
	hangul
	// arabic words may carry a clitic before them ("لهب سبوت"): a
	// term starts at a word or after a configured prefix.
	arabic
)

func newText(s string) text {
	if !isASCII(s) {
		s = normalise(s)
	}
	var t text
	from := 0
	for _, to := range sentenceEnds(s) {
		if st := newSentence(s[from:to]); len(st.tokens) > 0 {
			t.sentences = append(t.sentences, st)
		}
		from = to
	}
	n := 0
	for _, st := range t.sentences {
		n += len(st.tokens)
	}
	t.words = make([]string, 0, n)
	for _, st := range t.sentences {
		for _, tk := range st.tokens {
			t.words = append(t.words, st.compact[tk.from:tk.to])
		}
	}
	return t
}

// sentenceEnds returns where each sentence of s ends, by UAX #29 (the last
// is len(s)). A sentence can end only after a terminator ("." "!" "。") or
// a paragraph separator, so uniseg reads only a window around each: from
// the word before it to the first letter after it (which closes the
// window for every terminator before that letter), enough for every rule
// of UAX #29 ("U.S. law", "e.g. contacts", "Fine.” Then"), instead of
// every character of the text.
func sentenceEnds(s string) []int {
	var ends []int
	last := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && c != '.' && c != '!' && c != '?' && c != '\n' && c != '\r' {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !mayEndSentence(r) {
			i += n
			continue
		}
		from, to := windowStart(s, i, last), windowEnd(s, i+n)
		w, pos, state := s[from:to], from, -1
		for w != "" {
			var seg string
			seg, w, state = uniseg.FirstSentenceInString(w, state)
			pos += len(seg)
			if w != "" && pos > i && pos > last {
				ends = append(ends, pos)
				last = pos
			}
		}
		// Every terminator up to the letter that closes the window has
		// been read with all it looks at.
		i = max(i+n, to)
	}
	if last < len(s) {
		ends = append(ends, len(s))
	}
	return ends
}

// window is how many bytes before a terminator sentenceEnds reads at
// most: the word before it.
const window = 64

// mayEndSentence reports whether a sentence may end after r: a sentence
// terminator (UAX #29 STerm or ATerm) or a paragraph separator.
func mayEndSentence(r rune) bool {
	switch r {
	case '.', '\n', '\r', '\u0085', '\u2028', '\u2029', '\u2024', '\uFE52', '\uFF0E':
		return true
	}
	return r >= 0x80 && unicode.Is(unicode.Sentence_Terminal, r) || r == '!' || r == '?'
}

// windowStart is where the word before byte i begins: after the space
// before it, at most window bytes back, never before from.
func windowStart(s string, i, from int) int {
	lo := max(from, i-window)
	for j := i; j > lo; {
		if c := s[j-1]; c < utf8.RuneSelf {
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
				return j
			}
			j--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s[:j])
		if unicode.IsSpace(r) {
			return j
		}
		j -= n
	}
	for lo > from && !utf8.RuneStart(s[lo]) {
		lo++
	}
	return lo
}

// windowEnd is just after the first letter at or after byte i: UAX #29
// looks ahead that far past a terminator (SB8).
func windowEnd(s string, i int) int {
	for j := i; j < len(s); {
		if c := s[j]; c < utf8.RuneSelf {
			j++
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				return j
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[j:])
		j += n
		if unicode.IsLetter(r) {
			return j
		}
	}
	return len(s)
}

// normalise removes what a reader does not see and maps compatibility
// forms to their letters, as words does.
func normalise(s string) string {
	return norm.NFKC.String(strings.Map(plainLetter, norm.NFD.String(strings.Map(dropIgnorable, s))))
}

// newSentence folds the words of one sentence. ASCII has no word that
// UAX #29 joins and splitParts splits differently, so it goes straight to
// splitParts; other text goes word by word.
func newSentence(raw string) sentence {
	st := sentence{raw: strings.TrimSpace(raw), tokens: make([]token, 0, len(raw)/6+1)}
	var b strings.Builder
	b.Grow(len(raw))
	last := 0
	add := func(part string, from, to int, sc scriptClass) {
		at := b.Len()
		b.WriteString(foldKey(part))
		gap := raw[last:from]
		st.tokens = append(st.tokens, token{from: at, to: b.Len(), script: sc, pause: pauses(gap),
			elided: at > 0 && loneApostrophe(gap)})
		last = to
	}
	if isASCII(raw) {
		splitParts(raw, 0, add)
	} else {
		state := -1
		for base, rest := 0, raw; rest != ""; {
			var w string
			w, rest, state = uniseg.FirstWordInString(rest, state)
			splitParts(w, base, add)
			base += len(w)
		}
	}
	st.compact = b.String()
	return st
}

// pauses reports whether the characters between two words hold a
// punctuation mark that ends a phrase (a comma, a semicolon, a dash), so
// that a word after it does not qualify the word before it ("HubSpot,
// approved by our works council"). Hyphens, slashes, quotes, brackets
// ("HubSpot (official)") and full stops inside a sentence join.
func pauses(gap string) bool {
	for _, r := range gap {
		switch r {
		case ',', ';', '|', '\u2013', '\u2014', '\u2026', '\u3001', '\uFF0C', '\uFF1B', '\u060C', '\u061B':
			return true
		}
	}
	return false
}

// splitParts calls add with each part of a word a reader sees: runs of
// letters, marks and digits, split where a small letter meets a capital
// ("HubSpotSync" is Hub, Spot, Sync) and where the script's way of writing
// words changes ("HubSpot의" is HubSpot, 의). An apostrophe before a
// closing s joins it ("HubSpot's" reads as "HubSpots", the possessive); any
// other apostrophe breaks ("l'application").
// base is where w starts in the sentence; add receives each part and
// where it stands in the sentence.
func splitParts(w string, base int, add func(part string, from, to int, sc scriptClass)) {
	start := -1
	var sc scriptClass
	var prev rune
	apostrophe := false
	flush := func(end int) {
		if start >= 0 {
			part := w[start:end]
			if apostrophe {
				part = strings.Map(dropApostrophe, part)
				apostrophe = false
			}
			add(part, base+start, base+end, sc)
			start = -1
		}
	}
	for i, r := range w {
		if isApostrophe(r) && start >= 0 && possessiveAt(w[i+utf8.RuneLen(r):]) {
			apostrophe = true
			continue
		}
		if notWordRune(r) {
			flush(i)
			prev = 0
			continue
		}
		c, letter := classOf(r)
		switch {
		case start < 0:
			start, sc = i, c
		case letter && c != sc:
			flush(i)
			start, sc = i, c
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush(i)
			start, sc = i, c
		}
		prev = r
	}
	flush(len(w))
}

// classOf returns the script class of r, and whether r is a letter that
// decides it (marks, digits and letters common to scripts do not).
func classOf(r rune) (scriptClass, bool) {
	switch {
	case r < 0x80:
		return spaced, true
	case unicode.Is(unicode.Hangul, r):
		return hangul, true
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar):
		return unspaced, true
	case unicode.Is(unicode.Arabic, r):
		return arabic, unicode.IsLetter(r)
	case unicode.IsLetter(r) && !unicode.Is(unicode.Common, r):
		return spaced, true
	}
	return spaced, false
}

// loneApostrophe reports whether gap is one apostrophe. Most gaps are a
// space, and are passed over by their first byte.
func loneApostrophe(gap string) bool {
	if gap == "'" {
		return true
	}
	if len(gap) < 2 || gap[0] < utf8.RuneSelf {
		return false
	}
	r, n := utf8.DecodeRuneInString(gap)
	return n == len(gap) && isApostrophe(r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

func dropApostrophe(r rune) rune {
	if isApostrophe(r) {
		return -1
	}
	return r
}

// possessiveAt reports whether rest, after an apostrophe, is a closing s.
func possessiveAt(rest string) bool {
	if rest == "" || (rest[0] != 's' && rest[0] != 'S') {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest[1:])
	return len(rest) == 1 || notWordRune(r)
}

// tokenAt returns the index of the token that holds byte i of compact.
func (s sentence) tokenAt(i int) int {
	return sort.Search(len(s.tokens), func(k int) bool { return s.tokens[k].to > i })
}

// startOK reports whether a term may start at byte p: where a token
// starts, anywhere in an unspaced script, or after one of prefixes in
// an Arabic word.
func (s sentence) startOK(p int, prefixes map[string]bool) bool {
	if p >= len(s.compact) {
		return false
	}
	tk := s.tokens[s.tokenAt(p)]
	switch {
	case tk.from == p:
		return true
	case tk.script == unspaced && s.unspacedBefore(p):
		return true
	case tk.script == arabic:
		return prefixes[s.compact[tk.from:p]]
	}
	return false
}

// unspacedBefore reports whether the letter before p is of an unspaced
// script, so that a term may start at p inside its token.
func (s sentence) unspacedBefore(p int) bool {
	return p > 0 && s.tokens[s.tokenAt(p-1)].script == unspaced
}

// endOK reports whether a term may end at byte q: where a token ends, or
// inside a word of an unspaced script or of Hangul.
func (s sentence) endOK(q int) bool {
	if q <= 0 || q > len(s.compact) {
		return false
	}
	tk := s.tokens[s.tokenAt(q-1)]
	return tk.to == q || tk.script == unspaced || tk.script == hangul
}

// rest returns the part of the token holding byte q-1 after q: what
// follows a term inside its last word.
func (s sentence) rest(q int) string {
	return s.compact[q:s.tokens[s.tokenAt(q-1)].to]
}

// occurrence is where a term was found in a sentence: compact[from:to].
type occurrence struct{ from, to int }

// find returns every place the compact key term occurs in the sentence,
// without regard to word breaks; the caller decides which are words.
func (s sentence) find(term string) []occurrence {
	if term == "" {
		return nil
	}
	var out []occurrence
	for i := 0; i+len(term) <= len(s.compact); {
		j := strings.Index(s.compact[i:], term)
		if j < 0 {
			break
		}
		out = append(out, occurrence{i + j, i + j + len(term)})
		i += j + 1
	}
	return out
}

// compactOf returns the compact form of s read as one sentence: the keys
// of its words, joined.
func compactOf(s string) string {
	t := newText(s)
	var b strings.Builder
	for _, st := range t.sentences {
		b.WriteString(st.compact)
	}
	return b.String()
}

// hasPhrase reports whether the words of phrase (already folded) occur in
// t as consecutive whole words.
func (t text) hasPhrase(phrase []string) bool {
	if len(phrase) == 0 {
		return false
	}
	for i := 0; i+len(phrase) <= len(t.words); i++ {
		match := true
		for j, w := range phrase {
			if t.words[i+j] != w {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
