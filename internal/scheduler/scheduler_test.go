package scheduler_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/scheduler"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		name, spec string
		ok         bool
	}{
		{"the default daily tick", scheduler.DefaultSpec, true},
		{"a five-field schedule", "30 5 * * 1-5", true},
		{"a descriptor", "@daily", true},
		{"an interval", "@every 6h", true},
		{"a zone and a schedule", "TZ=Europe/London 0 9 * * *", true},
		{"a bare zone, which panics cron v3.0.1, is an error", "CRON_TZ=UTC", false},
		{"a zone with only spaces after it is an error", "CRON_TZ=UTC   ", false},
		{"an empty zone is an error", "CRON_TZ= 0 6 * * *", false},
		{"an unknown zone is an error", "CRON_TZ=Mars/Olympus 0 6 * * *", false},
		{"six fields are an error", "0 0 6 * * *", false},
		{"an hour out of range is an error", "0 25 * * *", false},
		{"an empty schedule is an error", "", false},
		{"words are an error", "every morning", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scheduler.ParseSpec(tt.spec)
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestNewRefusesABadSpecBeforeStarting(t *testing.T) {
	if _, err := scheduler.New("CRON_TZ=UTC", func(context.Context) {}, nil); err == nil {
		t.Fatal("accepted")
	}
}

func TestWrappedTicksNeverOverlapAndSurvivePanics(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	release := make(chan struct{})
	started := make(chan struct{})
	var mu sync.Mutex
	runs := 0
	job := scheduler.Wrap(func() {
		mu.Lock()
		runs++
		first := runs == 1
		mu.Unlock()
		if first {
			close(started)
			<-release
		}
	}, logger)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); job() }()
	<-started
	job() // due while the first is still running: skipped
	close(release)
	wg.Wait()
	job() // the first has finished: runs
	mu.Lock()
	defer mu.Unlock()
	if runs != 2 {
		t.Errorf("ran %d times, want 2 (one skipped)", runs)
	}

	panicky := scheduler.Wrap(func() { panic("tick exploded") }, logger)
	panicky() // must not crash the test
	if !strings.Contains(logs.String(), "tick exploded") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}
}

func TestStopWaitsForTheRunningTick(t *testing.T) {
	s, err := scheduler.New("@every 1h", func(context.Context) {}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	if next := s.Next(); next.IsZero() || time.Until(next) > time.Hour+time.Minute {
		t.Errorf("next tick %v", next)
	}
	s.Stop(time.Second)
}

// TestDaysWithoutTick: connectbot's clocks count UTC days and a reminder
// goes out on its day only, so a day without a tick loses its reminders.
// A daily schedule in a zone whose clocks spring forward over its hour
// has no tick that day; one the clocks fall back over ticks twice, which
// is harmless (a tick is idempotent).
func TestDaysWithoutTick(t *testing.T) {
	from := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name, spec string
		want       []string
	}{
		{"the default, in UTC, ticks every day", scheduler.DefaultSpec, nil},
		{"02:30 in New York does not exist on 14 March 2027", "CRON_TZ=America/New_York 30 2 * * *", []string{"2027-03-14"}},
		{"01:30 in New York comes twice on 7 November 2027 and every day once at least", "CRON_TZ=America/New_York 30 1 * * *", nil},
		{"01:30 in London does not exist on 28 March 2027", "CRON_TZ=Europe/London 30 1 * * *", []string{"2027-03-28"}},
		{"hourly ticks every day", "@hourly", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scheduler.ParseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range scheduler.DaysWithoutTick(s, from, 365) {
				got = append(got, d.Format("2006-01-02"))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("days without a tick (-want +got):\n%s", diff)
			}
		})
	}
	s, _ := scheduler.ParseSpec("@weekly")
	if n := len(scheduler.DaysWithoutTick(s, from, 365)); n != 365-52 {
		t.Errorf("a weekly schedule leaves %d days of 365 without a tick, want %d", n, 365-52)
	}
}

// TestNewWarnsOfDaysWithoutTick: serve says at start-up that its schedule
// leaves days without a tick, and that their reminders go out late only
// within the catch-up days.
func TestNewWarnsOfDaysWithoutTick(t *testing.T) {
	for _, tc := range []struct {
		spec string
		warn bool
	}{{"CRON_TZ=America/New_York 30 2 * * *", true}, {scheduler.DefaultSpec, false}} {
		var logs bytes.Buffer
		if _, err := scheduler.New(tc.spec, func(context.Context) {}, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logs.String(), "reminders due on them go out on the next tick only within program.cue's reminderCatchUpDays"); got != tc.warn {
			t.Errorf("%s: warned %v, want %v; logs:\n%s", tc.spec, got, tc.warn, logs.String())
		}
	}
}
