// Package ghlimit holds the sizes GitHub's REST API accepts for the text
// connectbot writes, and cuts text to them without breaking a character.
//
// GitHub counts some limits in characters (Unicode code points) and some in
// bytes of UTF-8, whatever its documentation says: a check run's summary is
// documented as "65535 characters" but refused past 65,535 bytes ("summary
// exceeds a maximum bytesize of 65535"). Each constant says which it is.
package ghlimit

import "unicode/utf8"

// The limits, each in the unit GitHub counts it in.
const (
	// BodyChars bounds the body of an issue comment, an issue and a pull
	// request, in characters: "body is too long (maximum is 65536
	// characters)".
	BodyChars = 65536
	// CheckOutputBytes bounds a check run's output.summary and
	// output.text, in bytes.
	CheckOutputBytes = 65535
	// AnnotationTitleChars bounds a check run annotation's title, in
	// characters.
	AnnotationTitleChars = 255
	// AnnotationMessageBytes bounds a check run annotation's message (64
	// KB), in bytes.
	AnnotationMessageBytes = 65536
	// AnnotationsPerRequest is how many annotations one check run create
	// or update request may carry; more are sent with further updates.
	AnnotationsPerRequest = 50
	// StatusDescriptionChars bounds a commit status's description, in
	// characters.
	StatusDescriptionChars = 140
)

// Ellipsis ends text that was cut.
const Ellipsis = "…"

// Chars reports the size of s as GitHub counts characters: code points.
func Chars(s string) int { return utf8.RuneCountInString(s) }

// Bytes reports the size of s as GitHub counts bytes.
func Bytes(s string) int { return len(s) }

// CutChars returns s if it has at most n characters, and otherwise its
// first characters followed by Ellipsis, n characters in all.
func CutChars(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	i, count := 0, 0
	for i < len(s) && count < n-1 {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		count++
	}
	return s[:i] + Ellipsis
}

// CutBytes returns s if it has at most n bytes, and otherwise its longest
// prefix that ends on a character boundary and leaves room for Ellipsis,
// followed by Ellipsis: at most n bytes in all, never half a character.
func CutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	room := n - len(Ellipsis)
	if room < 0 {
		return ""
	}
	for room > 0 && !utf8.RuneStart(s[room]) {
		room--
	}
	return s[:room] + Ellipsis
}
