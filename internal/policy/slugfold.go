package policy

import (
	"strings"
	"unicode"

	"github.com/mtibben/confusables"
)

// SlugKey is how a word reads as a slug: its words folded as names are
// (NFKC, case, default-ignorable characters, diacritics, confusable
// skeletons), joined by single hyphens. "Northwind-Notes",
// "northwind\u2011notes" (a non-breaking hyphen), "nоrthwind-notes" (a
// Cyrillic о) and "northwind\u200b-notes" all have the key of
// "northwind-notes". Two slugs with one key cannot be told apart by a
// reader.
func SlugKey(s string) string { return strings.Join(words(s), "-") }

// HasDash reports whether s holds dash punctuation: a character of Unicode
// category Pd (the hyphen-minus, U+2010 hyphen, U+2011 non-breaking
// hyphen, the dashes) or one that Unicode's confusables table reads as a
// hyphen-minus (U+2212 minus sign, U+02D7, U+2043, ...).
func HasDash(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return unicode.Is(unicode.Pd, r) || r > unicode.MaxASCII && confusables.Skeleton(string(r)) == "-"
	})
}
