package policy_test

import (
	"testing"

	"github.com/connectbot/connectbot/internal/application"
)

// openFeedback adds an open item of product-review feedback.
func openFeedback(a *application.Application) {
	a.Program.Feedback = append(a.Program.Feedback,
		application.Feedback{ID: "FB-2", Text: "Handle rate limits.", Status: application.FeedbackOpen})
}

// TestMessagesCountOne checks that a message counting one thing, a count
// or a policy number the program sets to 1, says it in the singular.
func TestMessagesCountOne(t *testing.T) {
	checkMessages(t, []messageCase{
		{
			in: checkCase{name: "a listing due one day after acceptance says one day",
				config: func(c *application.Config) { c.ListingDueDays = 1 }, mutate: withoutListing},
			want: []string{"listing information was due on 2026-01-02 (1 day after acceptance on 2026-01-01) and still lacks listing.tagline, listing.description, listing.setupInstructionsUrl, listing.supportUrl; the application is due for removal"},
		},
		{
			in: checkCase{name: "a support SLA of one hour says one hour",
				config: func(c *application.Config) { c.SupportResponseHours = 1 },
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = new(2) }},
			want: []string{"first response within 2 hours is too slow: the program requires 1 hour or less"},
		},
		{
			in: checkCase{name: "a missing response time under a one-hour SLA says one hour",
				config: func(c *application.Config) { c.SupportResponseHours = 1 },
				mutate: func(a *application.Application) { a.Support.FirstResponseHours = nil }},
			want: []string{"state your first-response time in hours: the program requires 1 hour or less"},
		},
		{
			in: checkCase{name: "a minimum of one install says one install",
				config: func(c *application.Config) { c.MinInstalls = 1 },
				mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 0 }},
			want: []string{"0 installs as of 2026-01-14; an application is considered from 1 install"},
		},
		{
			in: checkCase{name: "one open feedback item in certification is one item",
				mutate: func(a *application.Application) { toCertification(a); openFeedback(a) }},
			want: []string{"1 product-review feedback item still open (FB-2): certification continues once every item is addressed"},
		},
		{
			in: checkCase{name: "an approval with one open feedback item says one item",
				mutate: func(a *application.Application) {
					toApproved(a)
					a.Program.LaunchDate = dayPtr("2026-01-12")
					openFeedback(a)
				}},
			want: []string{"approved with 1 feedback item still open: every item must be addressed first"},
		},
	})
}
