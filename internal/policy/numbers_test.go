package policy_test

import (
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
)

// TestMessagesQuoteTheConfiguredNumbers: a program whose numbers are not
// the seed's gets messages that say its numbers — “You must have a minimum
// of 10 Installs with HubSpot.” becomes a minimum of 25 — and none of the
// seed's.
func TestMessagesQuoteTheConfiguredNumbers(t *testing.T) {
	other := func(c *application.Config) {
		c.MinInstalls, c.SupportResponseHours, c.ListingDueDays = 25, 8, 45
	}
	tests := []struct {
		name      string
		tc        checkCase
		want, not string
	}{
		{"“You must have a minimum of 10 Installs with HubSpot.” says the configured minimum",
			checkCase{config: other, mutate: func(a *application.Application) { toApplied(a); a.Program.Installs.Count = 20 }},
			"an application is considered from 25 installs", "from 10 installs"},
		{"“(with a required 24 hr response time SLA)” says the configured hours",
			checkCase{config: other, mutate: func(a *application.Application) { a.Support.FirstResponseHours = new(12) }},
			"the program requires 8 hours or less", "24 hours"},
		{"“within the first 30 days after acceptance” says the configured days",
			checkCase{config: other, now: "2026-02-20", mutate: func(a *application.Application) {
				withoutListing(a)
				a.Program.AcceptedAt = dayPtr("2026-01-01")
			}},
			"(45 days after acceptance on 2026-01-01)", "30 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msgs []string
			for _, f := range tt.tc.run() {
				msgs = append(msgs, f.Message)
			}
			all := strings.Join(msgs, "\n")
			if !strings.Contains(all, tt.want) {
				t.Errorf("no message says %q:\n%s", tt.want, all)
			}
			if strings.Contains(all, tt.not) {
				t.Errorf("a message says the seed's %q:\n%s", tt.not, all)
			}
		})
	}
}
