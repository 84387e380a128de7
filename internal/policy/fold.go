package policy

import (
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
)

// Names are compared the way a reader sees them, not the way they are
// stored: "НubSpot" (a Cyrillic Н), "H\u200bubSpot" (a zero-width space),
// "ＨｕｂＳｐｏｔ" (fullwidth) and "HUBSP0T" all read as HubSpot. A text is
// turned into words, each folded to one key:
//
//  1. default-ignorable code points (zero-width spaces and joiners, soft
//     hyphens, variation selectors, bidirectional controls, tags) are
//     removed, since a reader never sees them, and so are the combining
//     diacritical marks after decomposition ("Hüb", "H\u0335ub"), since a
//     reader reads the letter under them, and a small capital is its
//     capital;
//  2. NFKC maps compatibility forms (fullwidth letters, ligatures) to their
//     plain letters;
//  3. the text splits into words at every character that is not a letter,
//     a mark or a digit (words, for slugs and company keys); a listing
//     text (newText) splits first into sentences and words on Unicode's
//     UAX #29 boundaries (github.com/rivo/uniseg), and a word further
//     where a small letter meets a capital or the script changes;
//  4. each word becomes its key: its skeleton as written (a Greek small
//     υ is a u), then its capitals' UTS #39 confusable skeleton, case
//     folded, then the skeleton of that again. Capitals next, because a Cyrillic Н is confusable with H while its small н
//     is confusable with nothing, and "Inc" and "inc" must be one word; the
//     second skeleton catches what only small letters confuse ("m" and
//     "rn").
//
// The confusables table is Unicode's (confusables.txt, as packaged by
// github.com/mtibben/confusables); case folding is golang.org/x/text's.

// foldKey is the comparison key of one word.
func foldKey(word string) string {
	if k, ok := asciiKey(word); ok {
		return k
	}
	return slowKey(word)
}

// slowKey is foldKey computed step by step, for any word.
func slowKey(word string) string {
	fold := cases.Fold()
	upper := confusables.Skeleton(strings.ToUpper(confusables.Skeleton(word)))
	return fold.String(confusables.Skeleton(fold.String(upper)))
}

// asciiKeys holds slowKey of each ASCII letter and digit. Every step of
// slowKey maps an ASCII letter or digit on its own to ASCII, so the key of
// a word of them is the keys of its letters, one after another, which is
// much faster than taking the word through every step.
var asciiKeys = func() (keys [128]string) {
	for r := range rune(128) {
		if unicode.In(r, unicode.L, unicode.N) {
			keys[r] = slowKey(string(r))
		}
	}
	return keys
}()

// asciiKey returns the key of a word of ASCII letters and digits from
// asciiKeys, or false for any other word.
func asciiKey(word string) (string, bool) {
	var b strings.Builder
	b.Grow(len(word) + 2)
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 128 || asciiKeys[c] == "" {
			return "", false
		}
		b.WriteString(asciiKeys[c])
	}
	return b.String(), true
}

// words splits s into the keys of its words, in order.
func words(s string) []string {
	if !isASCII(s) {
		s = normalise(s)
	}
	var out []string
	for _, w := range strings.FieldsFunc(s, notWordRune) {
		out = append(out, foldKey(w))
	}
	return out
}

// notWordRune reports whether r breaks words: anything but a letter, a
// mark or a digit.
func notWordRune(r rune) bool {
	if r < 0x80 {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}
	return !unicode.In(r, unicode.L, unicode.M, unicode.N)
}

// isASCII reports whether s is ASCII, which NFKC leaves as it is and which
// holds no default-ignorable code point.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// compactKey is the key of s with its word breaks removed: "Acme  Sync",
// "acme-sync" and "АсmeSync" have one compact key.
func compactKey(s string) string { return strings.Join(words(s), "") }

// dropIgnorable maps a default-ignorable code point to -1 (drop) and keeps
// anything else.
func dropIgnorable(r rune) rune {
	if defaultIgnorable(r) {
		return -1
	}
	return r
}

// plainLetter maps a combining diacritical mark to -1 (drop) and a Latin
// small capital to its capital, and keeps anything else. A reader sees
// "Hüb" and "H\u0335ub" as "Hub" with marks on it, and "ʜᴜʙ" as "HUB";
// Unicode's confusables table has neither. The marks of a script's own
// letters (Devanagari vowel signs, Hebrew points, ...) are outside these
// blocks and stay.
func plainLetter(r rune) rune {
	switch {
	case r >= 0x0300 && r <= 0x036F, // Combining Diacritical Marks
		r >= 0x1AB0 && r <= 0x1AFF, // ... Extended
		r >= 0x1DC0 && r <= 0x1DFF, // ... Supplement
		r >= 0x20D0 && r <= 0x20FF, // ... for Symbols
		r >= 0xFE20 && r <= 0xFE2F: // Combining Half Marks
		return -1
	}
	if c, ok := smallCapitals[r]; ok {
		return c
	}
	return r
}

// smallCapitals maps each Latin letter small capital to its capital.
var smallCapitals = map[rune]rune{
	'ᴀ': 'A', 'ʙ': 'B', 'ᴄ': 'C', 'ᴅ': 'D', 'ᴇ': 'E', 'ꜰ': 'F', 'ɢ': 'G', 'ʜ': 'H', 'ɪ': 'I',
	'ᴊ': 'J', 'ᴋ': 'K', 'ʟ': 'L', 'ᴍ': 'M', 'ɴ': 'N', 'ᴏ': 'O', 'ᴘ': 'P', 'ꞯ': 'Q', 'ʀ': 'R',
	'ꜱ': 'S', 'ᴛ': 'T', 'ᴜ': 'U', 'ᴠ': 'V', 'ᴡ': 'W', 'ʏ': 'Y', 'ᴢ': 'Z',
}

// defaultIgnorable reports whether r has Unicode's derived property
// Default_Ignorable_Code_Point: Other_Default_Ignorable_Code_Point, the
// format characters (Cf) and the variation selectors, less white space,
// the interlinear annotation characters and the prepended concatenation
// marks (which are Cf but visible).
func defaultIgnorable(r rune) bool {
	switch {
	case unicode.Is(unicode.White_Space, r):
		return false
	case r >= 0xFFF9 && r <= 0xFFFB, unicode.Is(unicode.Prepended_Concatenation_Mark, r):
		return false
	case r >= 0x13430 && r <= 0x1343F: // Egyptian hieroglyph format controls are visible
		return false
	}
	return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector)
}
