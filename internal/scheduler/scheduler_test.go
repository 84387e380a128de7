package scheduler_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

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
