package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

func day(t *testing.T, s string) application.Date {
	t.Helper()
	d, err := application.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func datePtr(t *testing.T, s string) *application.Date {
	d := day(t, s)
	return &d
}

func TestEscapeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is unchanged", "Acme Sync", "Acme Sync"},
		{"a backslash is doubled", `C:\path`, `C:\\path`},
		{"a semicolon is escaped", "a;b", `a\;b`},
		{"a comma is escaped", "Acme, Inc.", `Acme\, Inc.`},
		{"a colon and a double quote need no escape", `say: "hi"`, `say: "hi"`},
		{"a newline becomes backslash n", "one\ntwo", `one\ntwo`},
		{"CRLF becomes one backslash n", "one\r\ntwo", `one\ntwo`},
		{"a lone CR becomes backslash n", "one\rtwo", `one\ntwo`},
		{"a tab is kept", "a\tb", "a\tb"},
		{"other control characters are dropped", "a\x00b\x1bc\x7fd", "abcd"},
		{"an escaped-looking sequence is escaped again", `\n\;`, `\\n\\\;`},
		{"a property injection stays inside the value", "x\r\nEND:VEVENT\r\nBEGIN:VEVENT", `x\nEND:VEVENT\nBEGIN:VEVENT`},
		{"multi-byte text is kept", "Zürich 東京 🚀", "Zürich 東京 🚀"},
		{"invalid UTF-8 is replaced", "a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, escapeText(tt.in)); diff != "" {
				t.Errorf("escapeText(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestFold(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name, in, want string
	}{
		{"a short line is not folded", "SUMMARY:x", "SUMMARY:x\r\n"},
		{"exactly 75 octets is not folded", a(75), a(75) + "\r\n"},
		{"76 octets fold after 75", a(76), a(75) + "\r\n a\r\n"},
		{"continuations hold 74 octets after the space", a(75 + 74 + 1), a(75) + "\r\n " + a(74) + "\r\n a\r\n"},
		{"a two-byte character at the boundary moves to the next line", a(74) + "é", a(74) + "\r\n é\r\n"},
		{"a two-byte character ending at the boundary stays", a(73) + "éb", a(73) + "é\r\n b\r\n"},
		{"a four-byte character across the boundary moves whole", a(73) + "🚀", a(73) + "\r\n 🚀\r\n"},
		{"a three-byte character across a continuation boundary moves whole", a(75) + a(73) + "東", a(75) + "\r\n " + a(73) + "\r\n 東\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fold(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fold (-want +got):\n%s", diff)
			}
			checkLines(t, got)
		})
	}
}

// checkLines checks the folding invariants of written iCalendar text: CRLF
// endings, at most 75 octets a line, whole UTF-8 on every line.
func checkLines(t *testing.T, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Errorf("output does not end with CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(l) > maxLine {
			t.Errorf("line %d is %d octets, over %d: %q", i+1, len(l), maxLine, l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, l)
		}
	}
}

// unfold undoes fold (RFC 5545 3.1).
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func TestLongSummaryFoldsAndUnfolds(t *testing.T) {
	// 300 octets mixing one-, two-, three- and four-byte characters and
	// characters that need escaping, so folds land everywhere.
	unit := "ab,é;東🚀\\x" // 1+1+1+2+1+3+4+1+1 = 15 octets
	summary := strings.Repeat(unit, 20)
	if len(summary) != 300 {
		t.Fatalf("summary is %d octets, want 300", len(summary))
	}
	line := "SUMMARY:" + escapeText(summary)
	got := fold(line)
	checkLines(t, got)
	if diff := cmp.Diff(line+"\r\n", unfold(got)); diff != "" {
		t.Errorf("unfolded line differs (-want +got):\n%s", diff)
	}
}

// sample returns statuses and files covering every case of Program.
func sample(t *testing.T) ([]program.Status, []application.File) {
	app := func(name, company string, p application.ProgramState) *application.Application {
		return certified(&application.Application{
			Company:     application.Company{Name: company},
			Integration: application.Integration{Name: name},
			Program:     p,
		})
	}
	files := []application.File{
		{Slug: "acme-sync", App: app("Acme; Sync", "Acme, Inc.", application.ProgramState{Stage: application.StageBeta})},
		{Slug: "due-today", App: app("Due Today", "Today Ltd", application.ProgramState{Stage: application.StageBeta})},
		{Slug: "launching", App: app("Launch\r\nEND:VEVENT", `Back\slash`, application.ProgramState{
			Stage: application.StageCertification, ApprovedAt: datePtr(t, "2026-11-16"), LaunchDate: datePtr(t, "2026-12-31"),
		})},
		{Slug: "launch-today", App: app("L", "C", application.ProgramState{
			Stage: application.StageCertification, ApprovedAt: datePtr(t, "2026-11-16"), LaunchDate: datePtr(t, "2026-11-25"),
		})},
		{Slug: "launch-passed", App: app("L", "C", application.ProgramState{
			Stage: application.StageCertification, ApprovedAt: datePtr(t, "2026-11-16"), LaunchDate: datePtr(t, "2026-11-24"),
		})},
		{Slug: "not-approved", App: app("L", "C", application.ProgramState{
			Stage: application.StageCertification, LaunchDate: datePtr(t, "2026-12-20"),
		})},
		{Slug: "partner", App: app("L", "C", application.ProgramState{
			Stage: application.StagePartner, ApprovedAt: datePtr(t, "2026-11-16"), LaunchDate: datePtr(t, "2026-12-20"),
		})},
		{Slug: "broken"},
	}
	statuses := []program.Status{
		{Slug: "acme-sync", Stage: application.StageBeta, Deadlines: []program.Deadline{
			{Kind: program.DeadlineListingInfo, Due: day(t, "2026-12-10"), DaysLeft: 15, Met: true},
			{Kind: program.DeadlineInstallWindow, Due: day(t, "2028-02-29"), DaysLeft: 461},
		}},
		{Slug: "due-today", Stage: application.StageBeta, Deadlines: []program.Deadline{
			{Kind: program.DeadlineListingInfo, Due: day(t, "2026-11-25"), DaysLeft: 0},
		}},
		{Slug: "lapsed", Stage: application.StageBeta, Deadlines: []program.Deadline{
			{Kind: program.DeadlineListingInfo, Due: day(t, "2026-11-24"), DaysLeft: -1},
		}},
		{Slug: "broken", Deadlines: []program.Deadline{}},
	}
	return statuses, files
}

var sampleNow = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

func TestProgramEvents(t *testing.T) {
	statuses, files := sample(t)
	got := Program(statuses, files, sampleNow)
	type ev struct{ UID, Day, Summary string }
	var gotEvents []ev
	for _, e := range got.Events {
		gotEvents = append(gotEvents, ev{e.UID, e.Day.String(), e.Summary})
	}
	want := []ev{
		{"due-today/listing-info@connectbot", "2026-11-25", "due-today: listing information due"},
		{"launch-today/launch@connectbot", "2026-11-25", "launch-today: launch"},
		{"launching/launch@connectbot", "2026-12-31", "launching: launch"},
		{"acme-sync/install-window@connectbot", "2028-02-29", "acme-sync: install window ends"},
	}
	if diff := cmp.Diff(want, gotEvents); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestUIDStaysWhenTheDateMoves(t *testing.T) {
	statuses, files := sample(t)
	before := Program(statuses, files, sampleNow)
	statuses[0].Deadlines[1].Due = day(t, "2027-03-01")
	*files[2].App.Program.LaunchDate = day(t, "2027-01-05")
	after := Program(statuses, files, sampleNow)

	byUID := func(c Calendar) map[string]string {
		m := map[string]string{}
		for _, e := range c.Events {
			m[e.UID] = e.Day.String()
		}
		return m
	}
	b, a := byUID(before), byUID(after)
	for _, tc := range []struct{ uid, before, after string }{
		{"acme-sync/install-window@connectbot", "2028-02-29", "2027-03-01"},
		{"launching/launch@connectbot", "2026-12-31", "2027-01-05"},
	} {
		if b[tc.uid] != tc.before || a[tc.uid] != tc.after {
			t.Errorf("%s: %q then %q, want %q then %q under the same UID", tc.uid, b[tc.uid], a[tc.uid], tc.before, tc.after)
		}
	}
	if len(a) != len(b) {
		t.Errorf("%d events after the move, %d before: a moved date must not add or drop events", len(a), len(b))
	}
}

func TestWriteICS(t *testing.T) {
	statuses, files := sample(t)
	var buf bytes.Buffer
	if err := Program(statuses, files, sampleNow).WriteICS(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkLines(t, out)
	lines := strings.Split(unfold(out), "\r\n")
	for _, want := range []string{
		"BEGIN:VCALENDAR",
		"PRODID:-//connectbot//program deadlines//EN",
		"VERSION:2.0",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"X-WR-CALNAME:connectbot program deadlines",
		"DTSTAMP:20261125T093000Z",
		// A year end: the event ends on the first day of the next year.
		"DTSTART;VALUE=DATE:20261231",
		"DTEND;VALUE=DATE:20270101",
		// A leap day: it ends on 1 March.
		"DTSTART;VALUE=DATE:20280229",
		"DTEND;VALUE=DATE:20280301",
		"CATEGORIES:connectbot,deadline,install-window",
		`DESCRIPTION:Integration: Launch\nEND:VEVENT by Back\\slash\nRule connect/cert-6 (Connect Program Policies\, certification step 6): "After the listing page is ready\, we will coordinate a launch date with our product marketing team for your listing page\, product news blog post\, and internal product notification."\nApproved on 2026-11-16. On this day connectbot opens the pull request that makes launching a partner and publishes its listing.`,
		"END:VCALENDAR",
		"",
	} {
		if !contains(lines, want) {
			t.Errorf("no line %q in\n%s", want, out)
		}
	}
	if n := strings.Count(out, "BEGIN:VEVENT\r\n"); n != 4 {
		t.Errorf("%d events, want 4", n)
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}

// TestRoundTrip parses the feed back with an independent iCalendar parser
// and checks that every event's UID, dates, summary and description come
// back as they went in, hostile text included.
func TestRoundTrip(t *testing.T) {
	hostile := "Acme; Inc., \\ \"quoted\"\r\nEND:VEVENT\nBEGIN:VEVENT\rSUMMARY:x " + strings.Repeat("Zürich 東京 🚀 ", 20)
	c := Calendar{
		Name:  "Team, program; \\ 日程",
		Stamp: sampleNow,
		Events: []Event{
			{UID: UID("acme-sync", program.DeadlineInstallWindow), Day: day(t, "2028-02-29"), Summary: "acme-sync: " + hostile, Description: hostile, Categories: []string{"a,b", "c;d"}},
			{UID: UID("weird;slug,x", KindLaunch), Day: day(t, "2026-12-31"), Summary: strings.Repeat("é", 150), Description: "plain"},
		},
	}
	statuses, files := sample(t)
	c.Events = append(c.Events, Program(statuses, files, sampleNow).Events...)

	var buf bytes.Buffer
	if err := c.WriteICS(&buf); err != nil {
		t.Fatal(err)
	}
	checkLines(t, buf.String())
	parsed, err := ics.ParseCalendar(&buf)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	type ev struct{ UID, Start, End, Summary, Description string }
	var want, got []ev
	// Line breaks come back as LF, and dropped control characters stay
	// dropped; everything else is exact.
	norm := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace
	for _, e := range c.Events {
		want = append(want, ev{e.UID, e.Day.String(), e.Day.AddDays(1).String(), norm(e.Summary), norm(e.Description)})
	}
	for _, e := range parsed.Events() {
		start, err := e.GetAllDayStartAt()
		if err != nil {
			t.Errorf("%s: DTSTART: %v", e.Id(), err)
		}
		end, err := e.GetAllDayEndAt()
		if err != nil {
			t.Errorf("%s: DTEND: %v", e.Id(), err)
		}
		got = append(got, ev{
			UID:         e.Id(),
			Start:       start.Format("2006-01-02"),
			End:         end.Format("2006-01-02"),
			Summary:     value(e, ics.ComponentPropertySummary),
			Description: value(e, ics.ComponentPropertyDescription),
		})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events after a round trip (-want +got):\n%s", diff)
	}
	var name string
	for _, p := range parsed.CalendarProperties {
		if p.IANAToken == string(ics.PropertyXWRCalName) {
			name = p.Value
		}
	}
	if name != c.Name {
		t.Errorf("calendar name %q, want %q", name, c.Name)
	}
}

func value(c interface {
	GetProperty(ics.ComponentProperty) *ics.IANAProperty
}, p ics.ComponentProperty) string {
	if prop := c.GetProperty(p); prop != nil {
		return prop.Value
	}
	return ""
}

// certified gives an application every certification material, as an
// approved certification has (validate refuses an approval without them).
func certified(a *application.Application) *application.Application {
	a.Integration.AppID = "1234567"
	a.Certification = &application.Certification{
		DemoVideoURL: "https://video.example/demo",
		SalesAssets:  []string{"https://acme.example/one-pager.pdf"},
	}
	return a
}

// TestLaunchThatWaitsSaysSo: a coordinated launch the plan will not carry
// out on its day as things stand — its certification steps are incomplete,
// or its file is skipped for invalid clock inputs — is in the feed, marked
// as waiting and saying for what, never promising the pull request.
func TestLaunchThatWaitsSaysSo(t *testing.T) {
	approved := func(slug string) application.File {
		return application.File{Slug: slug, App: certified(&application.Application{
			Company:     application.Company{Name: "C"},
			Integration: application.Integration{Name: "L"},
			Program: application.ProgramState{
				Stage: application.StageCertification, ApprovedAt: datePtr(t, "2026-11-16"), LaunchDate: datePtr(t, "2026-12-15"),
			},
		})}
	}
	noVideo := approved("no-video")
	noVideo.App.Certification.DemoVideoURL = ""
	// A file that fails the schema elsewhere: only its clock inputs load.
	partial := application.File{Slug: "partial", Clock: &application.Clock{Program: approved("partial").App.Program}}
	files := []application.File{approved("ready"), noVideo, approved("skipped"), partial}
	statuses := []program.Status{
		{Slug: "ready", Stage: application.StageCertification, Valid: true, Next: "launch on 2026-12-15 (20 days left)"},
		{Slug: "no-video", Stage: application.StageCertification, Next: "submit demo video for the technical review"},
		{Slug: "skipped", Stage: application.StageCertification, Skipped: true,
			Next: program.ActNow + ": program.approvedAt: approved with 1 feedback item still open (1 error; see validate); nothing is planned until then"},
		{Slug: "partial", Stage: application.StageCertification, Next: "the file fails the schema, so its certification materials cannot be read; fix 1 error (see validate)"},
	}
	type ev struct{ UID, Summary, Description string }
	var got []ev
	for _, e := range Program(statuses, files, sampleNow).Events {
		lines := strings.Split(e.Description, "\n")
		got = append(got, ev{e.UID, e.Summary, lines[len(lines)-1]})
	}
	want := []ev{
		{"no-video/launch@connectbot", "no-video: launch, waiting",
			"Approved on 2026-11-16. As things stand connectbot does not launch no-video on this day: submit demo video for the technical review."},
		{"partial/launch@connectbot", "partial: launch, waiting",
			"Approved on 2026-11-16. As things stand connectbot does not launch partial on this day: " + statuses[3].Next + "."},
		{"ready/launch@connectbot", "ready: launch",
			"Approved on 2026-11-16. On this day connectbot opens the pull request that makes ready a partner and publishes its listing."},
		{"skipped/launch@connectbot", "skipped: launch, waiting",
			"Approved on 2026-11-16. As things stand connectbot does not launch skipped on this day: " + statuses[2].Next + "."},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("launch events (-want +got):\n%s", diff)
	}
}

// TestDeadlineOfASkippedFileSaysSo: the deadline of a file whose clock
// inputs are invalid is in the feed, but the plan acts on nothing of it
// until it is fixed: the event says so, as the status does, in place of
// only the removal that would follow.
func TestDeadlineOfASkippedFileSaysSo(t *testing.T) {
	next := program.ActNow + ": program.listingPublishedAt: the listing cannot be published (2026-11-20) before the application was accepted (2026-11-30) (1 error; see validate); nothing is planned until then"
	statuses := []program.Status{{Slug: "skippy", Stage: application.StageBeta, Skipped: true, Next: next, Deadlines: []program.Deadline{
		{Kind: program.DeadlineInstallWindow, Due: day(t, "2027-02-18"), DaysLeft: 85},
	}}}
	events := Program(statuses, nil, sampleNow).Events
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	lines := strings.Split(events[0].Description, "\n")
	got := []string{events[0].Summary, lines[len(lines)-1]}
	want := []string{"skippy: install window ends, waiting", "As things stand connectbot acts on nothing of skippy: " + next + "."}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary and last line (-want +got):\n%s", diff)
	}
}

// TestAFeedWithNoEventsHoldsAComponent: RFC 5545's grammar (3.6) asks
// every calendar for at least one component, and strict readers (ical4j's
// validation) refuse one without; a program with nothing upcoming — a new
// one — still writes a feed they accept, which parses back with no event.
func TestAFeedWithNoEventsHoldsAComponent(t *testing.T) {
	var buf bytes.Buffer
	if err := Program(nil, nil, sampleNow).WriteICS(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkLines(t, out)
	body := strings.TrimSuffix(strings.TrimPrefix(out, "BEGIN:VCALENDAR\r\n"), "END:VCALENDAR\r\n")
	var components []string
	for _, l := range strings.Split(body, "\r\n") {
		if name, ok := strings.CutPrefix(l, "BEGIN:"); ok {
			components = append(components, name)
		}
	}
	if len(components) == 0 {
		t.Errorf("no component in the calendar:\n%s", out)
	}
	parsed, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if n := len(parsed.Events()); n != 0 {
		t.Errorf("%d events, want none", n)
	}
}
