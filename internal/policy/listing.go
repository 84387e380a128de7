package policy

import (
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// listing checks the listing information against Connect beta 1–3,
// certification 5 and Developer F3, depending on the stage and on today's
// date. The link to setup instructions is owed with the listing and at
// every stage after (docs/policy.md says why): a beta's by its due date
// (connect/beta-1, beta-2) and once published (connect/beta-3), a
// certification's or a partner's at once (developer/F3: every Application
// must include it).
func (c *checker) listing() {
	p := c.app.Program
	l := c.app.Listing
	if l != nil {
		if l.SetupInstructionsURL != "" {
			c.requireHTTPS(RuleBeta3, "listing.setupInstructionsUrl", l.SetupInstructionsURL, "")
		}
		if l.SupportURL != "" {
			c.requireHTTPS(RuleDeveloperF3, "listing.supportUrl", l.SupportURL, "")
		}
	}
	missing := l.Missing()
	if len(missing) == 0 {
		return
	}
	if p.Stage == application.StageBeta && p.ListingPublishedAt == nil {
		if p.AcceptedAt != nil {
			c.listingClock(missing)
		}
		return
	}
	rest := slices.DeleteFunc(slices.Clone(missing), func(f string) bool { return f == "setupInstructionsUrl" })
	if len(rest) < len(missing) {
		switch {
		case p.Stage == application.StageBeta:
			c.errorAt(RuleBeta3, "listing.setupInstructionsUrl", "program.listingPublishedAt",
				"the listing published on %s has no link to setup instructions: add listing.setupInstructionsUrl", p.ListingPublishedAt)
		case p.Stage == application.StageCertification || p.Stage == application.StagePartner:
			c.errorAt(RuleDeveloperF3, "listing.setupInstructionsUrl", "program.stage",
				"every integration must include a link to its technical instructions: add listing.setupInstructionsUrl, the page that explains how to set it up")
		}
	}
	if len(rest) == 0 {
		return
	}
	list := "listing." + strings.Join(rest, ", listing.")
	switch {
	case p.Stage == application.StagePartner || p.ApprovedAt != nil:
		c.errorAt(RuleCert5, "listing", "program.approvedAt",
			"the integration is approved: the listing page needs %s", list)
	case p.ListingPublishedAt != nil:
		c.errorAt(RuleBeta1, "listing", "program.listingPublishedAt",
			"the listing was published on %s but the listing information lacks %s", p.ListingPublishedAt, list)
	}
}

// listingClock reports a beta's unpublished listing information against
// its due date: a warning until the date (connect/beta-1), an error from
// the day after (connect/beta-2), each naming every missing field.
func (c *checker) listingClock(missing []string) {
	p := c.app.Program
	list := "listing." + strings.Join(missing, ", listing.")
	due := p.AcceptedAt.AddDays(c.cfg.ListingDueDays)
	if c.now > due {
		c.errorAt(RuleBeta2, "listing", "program.acceptedAt",
			"listing information was due on %s (%s after acceptance on %s) and still lacks %s; the application is due for removal",
			due, application.Plural(c.cfg.ListingDueDays, "day"), p.AcceptedAt, list)
	} else {
		c.warnAt(RuleBeta1, "listing", "program.acceptedAt",
			"listing information is due by %s (%s): add %s", due, application.DaysLeft(c.now.DaysUntil(due)), list)
	}
}
