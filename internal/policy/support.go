package policy

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/connectbot/connectbot/internal/application"
)

// supportPromise checks Connect required criterion 3: support by ticket or
// by phone, with the means to reach it, and a first response within the
// program's hours. A promise of 0 hours (an immediate answer) is kept by
// any SLA; only a missing one is refused.
func (c *checker) supportPromise() {
	s := c.app.Support
	phone, ticket := slices.Contains(s.Channels, "phone"), slices.Contains(s.Channels, "ticket")
	if !ticket && !phone {
		c.errorf(RuleReq3, "support.channels",
			"support must be offered by ticket or by phone: add \"ticket\" or \"phone\" to support.channels")
	}
	if phone && s.Phone == "" {
		c.errorAt(RuleReq3, "support.phone", "support.channels",
			"the phone channel needs a number customers can call: add support.phone, like \"+44 20 7946 0000\"")
	}
	if ticket && s.URL == "" && s.Email == "" {
		c.errorAt(RuleReq3, "support.url", "support.channels",
			"the ticket channel needs somewhere to open a ticket: add support.url or support.email")
	}
	if s.Phone != "" {
		if msg := phoneProblem(s.Phone); msg != "" {
			c.errorf(RuleReq3, "support.phone", "%s", msg)
		}
	}
	switch max := c.cfg.SupportResponseHours; {
	case s.FirstResponseHours == nil:
		c.errorf(RuleReq3, "support.firstResponseHours",
			"state your first-response time in hours: the program requires %s or less", application.Plural(max, "hour"))
	case *s.FirstResponseHours > max:
		c.errorf(RuleReq3, "support.firstResponseHours",
			"first response within %s is too slow: the program requires %s or less",
			application.Plural(*s.FirstResponseHours, "hour"), application.Plural(max, "hour"))
	}
}

// phoneProblem says what keeps a support number from being dialled from
// anywhere, or "" when it is a valid number in international form. The
// number is parsed by libphonenumber's rules (github.com/nyaruka/phonenumbers),
// so the separators people write ("+1 (415) 555-0100", "+44 20.7946.0000")
// and extensions ("ext. 12", "x12") are accepted.
func phoneProblem(number string) string {
	if !strings.HasPrefix(strings.TrimSpace(number), "+") {
		return "the support phone " + strconv.Quote(number) + " has no country code: write it in international form, starting with + and the country code, like \"+44 20 7946 0000\""
	}
	n, err := phonenumbers.Parse(number, "")
	switch {
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "the support phone " + strconv.Quote(number) + " does not start with a country code that exists: write + and the country code, like \"+44 20 7946 0000\""
	case err != nil || !phonenumbers.IsValidNumber(n):
		return "the support phone " + strconv.Quote(number) + " is not a number that can be called: check its digits, written in international form like \"+44 20 7946 0000\" (an extension may follow, like \"ext. 12\")"
	}
	return ""
}

// hasScheme reports whether u is an address with the given scheme, which
// is case-insensitive ("HTTPS://" is https).
func hasScheme(u, scheme string) bool {
	prefix := scheme + "://"
	return len(u) >= len(prefix) && strings.EqualFold(u[:len(prefix)], prefix)
}
