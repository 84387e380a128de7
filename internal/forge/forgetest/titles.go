package forgetest

import (
	"fmt"
	"unicode/utf8"
)

// maxTitleChars is the longest title GitHub takes for an issue or a pull
// request, counted in characters.
const maxTitleChars = 256

// titleTooLong is GitHub's 422 for an issue or pull request title over
// maxTitleChars, or nil when title fits. resource is "Issue" or
// "PullRequest".
func titleTooLong(resource, title string) *validationError {
	if utf8.RuneCountInString(title) <= maxTitleChars {
		return nil
	}
	return &validationError{message: "Validation Failed", errors: []fieldError{{
		Resource: resource, Field: "title", Code: "custom",
		Message: fmt.Sprintf("title is too long (maximum is %d characters)", maxTitleChars),
	}}}
}
