package policy

import (
	"strings"
	"unicode"
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
	letters, unspaced := 0, 0
	for _, r := range reason {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if unicode.In(r, unspacedScripts...) {
			unspaced++
		}
	}
	if 2*unspaced > letters {
		return letters < minReasonLetters
	}
	return len(strings.Fields(reason)) < minReasonWords
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
