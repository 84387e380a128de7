package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"
)

// TestCalendarSamplesRoundTrip parses the feed of the sample applications
// back with an independent iCalendar parser: every event's UID, dates and
// summary.
func TestCalendarSamplesRoundTrip(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"calendar", "--repo", "../..", "--now", "2026-11-25"}, &stdout, &stderr, fixedNow); code != exitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	cal, err := ics.ParseCalendar(&stdout)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	type ev struct{ UID, Start, End, Summary string }
	var got []ev
	for _, e := range cal.Events() {
		start, err := e.GetAllDayStartAt()
		if err != nil {
			t.Errorf("%s: %v", e.Id(), err)
		}
		end, err := e.GetAllDayEndAt()
		if err != nil {
			t.Errorf("%s: %v", e.Id(), err)
		}
		var summary string
		if p := e.GetProperty(ics.ComponentPropertySummary); p != nil {
			summary = p.Value
		}
		got = append(got, ev{e.Id(), start.Format("2006-01-02"), end.Format("2006-01-02"), summary})
	}
	want := []ev{
		{"ledgerly-books/install-window@connectbot", "2026-11-30", "2026-12-01", "ledgerly-books: install window ends"},
		{"brightpath-forms/listing-info@connectbot", "2026-12-10", "2026-12-11", "brightpath-forms: listing information due"},
		{"harborview-analytics/launch@connectbot", "2026-12-15", "2026-12-16", "harborview-analytics: launch"},
		{"acme-sync/install-window@connectbot", "2027-01-28", "2027-01-29", "acme-sync: install window ends"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestCalendarStableAcrossRuns builds the feed twice on different days:
// the events still upcoming keep their UIDs and their text.
func TestCalendarStableAcrossRuns(t *testing.T) {
	run := func(now string) string {
		var stdout, stderr bytes.Buffer
		if code := Main([]string{"calendar", "--repo", "../..", "--now", now}, &stdout, &stderr, fixedNow); code != exitOK {
			t.Fatalf("exit %d; stderr: %s", code, stderr.String())
		}
		return stdout.String()
	}
	first, again := run("2026-11-25"), run("2026-11-25")
	if first != again {
		t.Errorf("two builds on the same day differ")
	}
	later := run("2026-12-11")
	for _, uid := range []string{"harborview-analytics/launch@connectbot", "acme-sync/install-window@connectbot"} {
		if !strings.Contains(later, "UID:"+uid+"\r\n") {
			t.Errorf("UID %s is missing on 2026-12-11", uid)
		}
	}
	if strings.Contains(later, "ledgerly-books/install-window") {
		t.Errorf("a deadline past on 2026-12-11 is still in the feed")
	}
}

func TestCalendarOut(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "deadlines.ics")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"calendar", "--repo", "../..", "--now", "2026-11-25", "--out", out}, &stdout, &stderr, fixedNow); code != exitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("wrote %d bytes to stdout with --out", stdout.Len())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "golden", "calendar-2026-11-25.ics.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("--out file differs from the golden feed (-want +got):\n%s", diff)
	}
	assertOnly(t, dir, "deadlines.ics")
}

// TestCalendarOutFailureLeavesNothing makes the final rename fail (the
// target is a directory) and checks that no temporary file is left and
// the target is untouched.
func TestCalendarOutFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "deadlines.ics")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := Main([]string{"calendar", "--repo", "../..", "--now", "2026-11-25", "--out", out}, &stdout, &stderr, fixedNow)
	if code != exitCantRun {
		t.Errorf("exit %d, want %d", code, exitCantRun)
	}
	if !strings.Contains(stderr.String(), "calendar: write output") {
		t.Errorf("stderr %q does not name the failed write", stderr.String())
	}
	assertOnly(t, dir, "deadlines.ics")
	if info, err := os.Stat(out); err != nil || !info.IsDir() {
		t.Errorf("the target was changed: %v", err)
	}

	// A directory that does not exist: nothing is created.
	missing := filepath.Join(dir, "nope", "deadlines.ics")
	stderr.Reset()
	if code := Main([]string{"calendar", "--repo", "../..", "--now", "2026-11-25", "--out", missing}, &stdout, &stderr, fixedNow); code != exitCantRun {
		t.Errorf("exit %d for a missing directory, want %d", code, exitCantRun)
	}
	assertOnly(t, dir, "deadlines.ics")
}

// assertOnly checks that dir holds exactly the named entries.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("files in %s (-want +got):\n%s", dir, diff)
	}
}
