// Package calendar renders the program's upcoming deadlines and launch
// dates as an iCalendar feed (RFC 5545): one all-day event per unmet
// deadline and per coordinated launch, with a UID that stays the same when
// a date moves, so calendar clients update an event instead of adding a
// second one.
//
// It is pure: the statuses, the application files and the time come in as
// values, and the feed goes out to an io.Writer. Every text an application
// supplies is escaped; nothing from a file can end a property or a line.
package calendar

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
)

// ProdID identifies connectbot as the producer of the feed.
const ProdID = "-//connectbot//program deadlines//EN"

// Name is the calendar's display name (X-WR-CALNAME).
const Name = "connectbot program deadlines"

// KindLaunch is the event kind of a coordinated launch date; the other
// kinds are the program's deadline kinds.
const KindLaunch = "launch"

// Calendar is a feed of all-day events.
type Calendar struct {
	// Name is shown by calendar clients as the calendar's title.
	Name string
	// Stamp is when the feed was made: every event's DTSTAMP.
	Stamp time.Time
	// Events are written in this order.
	Events []Event
}

// Event is one all-day event.
type Event struct {
	// UID identifies the event across feeds: the same deadline of the same
	// application keeps its UID whatever its date.
	UID string
	// Day is the day of the event; it ends at the start of the next day.
	Day         application.Date
	Summary     string
	Description string
	Categories  []string
}

// UID returns the stable identifier of an application's event of a kind.
// A slug is a file name, so it holds no "/", and the pair is unambiguous.
func UID(slug, kind string) string {
	return slug + "/" + kind + "@connectbot"
}

// Program returns the feed of the program as of now: every unmet deadline
// due today or later, and the launch date of every approved certification
// application that is today or later. Events are ordered by day, then UID.
func Program(statuses []program.Status, files []application.File, now time.Time) Calendar {
	today := application.DateOf(now)
	apps := make(map[string]*application.Application, len(files))
	for _, f := range files {
		if f.App != nil {
			apps[f.Slug] = f.App
		}
	}
	var events []Event
	for _, s := range statuses {
		for _, d := range s.Deadlines {
			if d.Met || d.Due < today {
				continue
			}
			events = append(events, deadlineEvent(s, d, apps[s.Slug]))
		}
	}
	bySlug := make(map[string]program.Status, len(statuses))
	for _, s := range statuses {
		bySlug[s.Slug] = s
	}
	for i := range files {
		// A file that fails the schema elsewhere keeps its launch date:
		// its program part is read alone.
		c := files[i].ClockInputs()
		if c == nil {
			continue
		}
		if launch, ok := c.Program.ScheduledLaunch(); !ok || launch < today {
			continue
		}
		events = append(events, launchEvent(files[i].Slug, files[i].App, c.Program, bySlug[files[i].Slug]))
	}
	slices.SortFunc(events, func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), strings.Compare(a.UID, b.UID))
	})
	return Calendar{Name: Name, Stamp: now, Events: events}
}

// deadlineText is what the feed says about each kind of deadline: the
// summary, the rule that sets it and the rule applied if it is missed.
var deadlineText = map[string]struct{ summary, rule, missed string }{
	program.DeadlineListingInfo:   {"listing information due", policy.RuleBeta1, policy.RuleBeta2},
	program.DeadlineInstallWindow: {"install window ends", policy.RuleBeta5, policy.RuleBeta7},
}

func deadlineEvent(s program.Status, d program.Deadline, app *application.Application) Event {
	text, ok := deadlineText[d.Kind]
	if !ok {
		text.summary = d.Kind + " due"
	}
	var b strings.Builder
	writeIntegration(&b, app)
	if text.rule != "" {
		fmt.Fprintf(&b, "Rule %s\n", ruleText(text.rule))
	}
	if text.missed != "" {
		fmt.Fprintf(&b, "If missed: %s\n", ruleText(text.missed))
	}
	if s.Installs != nil && d.Kind == program.DeadlineInstallWindow {
		fmt.Fprintf(&b, "Installs: %d as of %s (%s)\n", s.Installs.Count, s.Installs.AsOf, s.Installs.Source)
	}
	summary := s.Slug + ": " + text.summary
	if s.Skipped {
		// The plan acts on nothing of a file whose clock inputs are
		// invalid: the event says what the status says.
		summary += waiting
		fmt.Fprintf(&b, "As things stand connectbot acts on nothing of %s: %s.\n", s.Slug, s.Next)
	}
	return Event{
		UID:         UID(s.Slug, d.Kind),
		Day:         d.Due,
		Summary:     summary,
		Description: strings.TrimSuffix(b.String(), "\n"),
		Categories:  []string{"connectbot", "deadline", d.Kind},
	}
}

// waiting ends the summary of an event on whose day connectbot will not
// act as things stand; its description says why.
const waiting = ", waiting"

// launchEvent is the event of a coordinated launch date. A launch the plan
// will not carry out on its day as things stand — the certification steps
// are incomplete (Connect cert-6 launches one that passed them) or cannot
// be read (app is nil: the file fails the schema), or the file is skipped
// for invalid clock inputs — is marked as waiting, and says for what in
// the words of the application's status.
func launchEvent(slug string, app *application.Application, p application.ProgramState, s program.Status) Event {
	var b strings.Builder
	writeIntegration(&b, app)
	fmt.Fprintf(&b, "Rule %s\n", ruleText(policy.RuleCert6))
	summary := slug + ": launch"
	if s.Skipped || app == nil || !app.CertificationStepsComplete() {
		summary += waiting
		fmt.Fprintf(&b, "Approved on %s. As things stand connectbot does not launch %s on this day: %s.", p.ApprovedAt, slug, s.Next)
	} else {
		fmt.Fprintf(&b, "Approved on %s. On this day connectbot opens the pull request that makes %s a partner and publishes its listing.", p.ApprovedAt, slug)
	}
	return Event{
		UID:         UID(slug, KindLaunch),
		Day:         *p.LaunchDate,
		Summary:     summary,
		Description: b.String(),
		Categories:  []string{"connectbot", KindLaunch},
	}
}

func writeIntegration(b *strings.Builder, app *application.Application) {
	if app == nil {
		return
	}
	fmt.Fprintf(b, "Integration: %s by %s\n", app.Integration.Name, app.Company.Name)
}

// ruleText cites a rule with its source and its words.
func ruleText(id string) string {
	r, ok := policy.Lookup(id)
	if !ok {
		return id
	}
	return fmt.Sprintf("%s (%s): \"%s\"", r.ID, r.Source, r.Sentence)
}

// WriteICS writes the feed: CRLF line endings, every line folded at 75
// octets, every TEXT value escaped.
func (c Calendar) WriteICS(w io.Writer) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) {
		bw.WriteString(fold(name + ":" + value))
	}
	line("BEGIN", "VCALENDAR")
	line("PRODID", escapeText(ProdID))
	line("VERSION", "2.0")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("X-WR-CALNAME", escapeText(c.Name))
	stamp := c.Stamp.UTC().Format("20060102T150405Z")
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", escapeText(e.UID))
		line("DTSTAMP", stamp)
		line("DTSTART;VALUE=DATE", icsDate(e.Day))
		line("DTEND;VALUE=DATE", icsDate(e.Day.AddDays(1)))
		line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escapeText(e.Description))
		}
		if len(e.Categories) > 0 {
			cats := make([]string, len(e.Categories))
			for i, s := range e.Categories {
				cats[i] = escapeText(s)
			}
			line("CATEGORIES", strings.Join(cats, ","))
		}
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	if len(c.Events) == 0 {
		// RFC 5545's grammar asks for at least one component, and strict
		// readers refuse a calendar without: the one an empty feed holds
		// is the zone its days are counted in.
		for _, l := range utcZone {
			line(l[0], l[1])
		}
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// utcZone is UTC as a VTIMEZONE (RFC 5545 3.6.5), as name and value of
// each line.
var utcZone = [][2]string{
	{"BEGIN", "VTIMEZONE"},
	{"TZID", "UTC"},
	{"BEGIN", "STANDARD"},
	{"DTSTART", "19700101T000000"},
	{"TZOFFSETFROM", "+0000"},
	{"TZOFFSETTO", "+0000"},
	{"END", "STANDARD"},
	{"END", "VTIMEZONE"},
}

// icsDate formats a day as an iCalendar DATE value.
func icsDate(d application.Date) string { return d.Time().Format("20060102") }

// escapeText makes s a valid TEXT value (RFC 5545 3.3.11): backslash,
// semicolon and comma are escaped, every line break (CRLF, CR or LF)
// becomes "\n", other control characters are dropped, and invalid UTF-8
// is replaced.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteByte(c)
		default:
			if c < 0x20 || c == 0x7f {
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// maxLine is the longest a content line may be, in octets, without its
// CRLF (RFC 5545 3.1).
const maxLine = 75

// fold splits a content line into lines of at most 75 octets, each
// continuation starting with a space, never inside a UTF-8 sequence, and
// ends every line with CRLF.
func fold(s string) string {
	var b strings.Builder
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
