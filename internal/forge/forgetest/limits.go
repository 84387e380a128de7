package forgetest

import (
	"fmt"
	"unicode/utf8"
)

// GitHub's size limits, as the fake enforces them. They are written out
// here rather than shared with the code under test, so that a wrong limit
// there fails a test here.
const (
	// maxBodyChars bounds issue, pull request and comment bodies, in
	// characters.
	maxBodyChars = 65536
	// maxCheckOutput bounds a check run's output.summary and output.text.
	// GitHub's request schema counts characters; its model then counts
	// bytes: a text of at most 65535 characters but more bytes is refused
	// too.
	maxCheckOutput = 65535
	// maxAnnotations is how many annotations GitHub takes per request.
	maxAnnotations = 50
	// maxAnnotationTitleChars bounds an annotation's title, in characters.
	maxAnnotationTitleChars = 255
	// maxAnnotationMessageBytes bounds an annotation's message: 64 KB.
	maxAnnotationMessageBytes = 64 * 1024
)

// commentBodyTooLong is GitHub's 422 for an issue comment, created or
// edited, whose body is over the limit.
func commentBodyTooLong(body string) *validationError {
	if utf8.RuneCountInString(body) <= maxBodyChars {
		return nil
	}
	return &validationError{message: "Validation Failed", errors: []fieldError{{
		Resource: "IssueComment", Field: "data", Code: "unprocessable",
		Message: fmt.Sprintf("Body is too long (maximum is %d characters)", maxBodyChars),
	}}}
}

// issueBodyTooLong is GitHub's 422 for an issue or a pull request, created
// or updated, whose body is over the limit; for a pull request too GitHub
// names the resource "Issue".
func issueBodyTooLong(body string) *validationError {
	if utf8.RuneCountInString(body) <= maxBodyChars {
		return nil
	}
	return &validationError{message: "Validation Failed", errors: []fieldError{{
		Resource: "Issue", Field: "body", Code: "custom",
		Message: fmt.Sprintf("body is too long (maximum is %d characters)", maxBodyChars),
	}}}
}

// checkOutputSchema is GitHub's answer when its request schema refuses a
// check run's summary or text for its length in characters; nil if the
// text passes.
func checkOutputSchema(text string) *validationError {
	if n := utf8.RuneCountInString(text); n > maxCheckOutput {
		return plain(fmt.Sprintf("Invalid request.\n\nOnly %d characters are allowed; %d were supplied.", maxCheckOutput, n))
	}
	return nil
}

// checkOutputBytes is GitHub's answer when a check run's summary or text
// (field) passes the schema but is over the limit in bytes; nil if not.
func checkOutputBytes(field, text string) *validationError {
	if len(text) <= maxCheckOutput {
		return nil
	}
	return &validationError{message: "Validation Failed", errors: []fieldError{{
		Resource: "CheckRun", Field: field, Code: "custom",
		Message: fmt.Sprintf("%s exceeds a maximum bytesize of %d", field, maxCheckOutput),
	}}}
}

// tooManyAnnotations is GitHub's answer to a request with more annotations
// than one request may carry; nil if n is within the limit.
func tooManyAnnotations(n int) *validationError {
	if n <= maxAnnotations {
		return nil
	}
	return plain(fmt.Sprintf("Invalid request.\n\nNo more than %d items are allowed; %d were supplied.", maxAnnotations, n))
}

// annotationTooLong is the 422 for annotation i whose title or message is
// over its limit; nil if neither is. GitHub's exact words for these two
// are not on record; they follow the shape of its other model validations.
func annotationTooLong(i int, title, message string) *validationError {
	var msg string
	switch {
	case utf8.RuneCountInString(title) > maxAnnotationTitleChars:
		msg = fmt.Sprintf("annotations[%d].title is too long (maximum is %d characters)", i, maxAnnotationTitleChars)
	case len(message) > maxAnnotationMessageBytes:
		msg = fmt.Sprintf("annotations[%d].message exceeds a maximum bytesize of %d", i, maxAnnotationMessageBytes)
	default:
		return nil
	}
	return &validationError{message: "Validation Failed", errors: []fieldError{{Resource: "CheckRun", Field: "annotations", Code: "custom", Message: msg}}}
}
