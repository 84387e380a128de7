// Package scheduler fires connectbot's scheduled ticks with robfig/cron.
// It only says "now is a tick"; what a tick does is decided elsewhere, from
// the state of the program and the date read once when the tick starts.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultSpec runs one tick a day, at 06:00 UTC.
const DefaultSpec = "CRON_TZ=UTC 0 6 * * *"

// parser reads the five-field cron syntax and descriptors (@daily, @every 1h).
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec checks a schedule before it reaches cron, which panics on some
// malformed input (a bare "CRON_TZ=UTC" in v3.0.1), and parses it.
func ParseSpec(spec string) (s cron.Schedule, err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("schedule is empty")
	}
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		zone, rest, ok := strings.Cut(spec, " ")
		if !ok || strings.TrimSpace(rest) == "" || strings.HasSuffix(zone, "=") {
			return nil, fmt.Errorf("schedule %q: a time zone must be followed by a schedule, like %q", spec, DefaultSpec)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("schedule %q: %v", spec, r)
		}
	}()
	s, err = parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %v", spec, err)
	}
	return s, nil
}

// Scheduler runs a tick function on a schedule: never two at once (a tick
// still running when the next is due makes that one skip), a panicking
// tick logged and survived, and Stop waiting for the running tick.
type Scheduler struct {
	cron   *cron.Cron
	ctx    context.Context
	cancel context.CancelFunc
}

// New validates spec and prepares tick to run on it. The context given to
// tick is cancelled by Stop only after its grace period.
func New(spec string, tick func(context.Context), logger *slog.Logger) (*Scheduler, error) {
	sched, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Scheduler{ctx: ctx, cancel: cancel}
	warnDaysWithoutTick(spec, sched, logger)
	l := cronLogger{logger}
	s.cron = cron.New(cron.WithParser(parser), cron.WithLogger(l), cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l)))
	s.cron.Schedule(sched, cron.FuncJob(func() { tick(s.ctx) }))
	return s, nil
}

// DaysWithoutTick returns the UTC days, of the days whole days after the
// day of from, on which s fires no tick: a daily schedule in a zone whose
// clocks spring forward over its hour, or a schedule that is not daily.
// connectbot's clocks count UTC days, and a reminder goes out on its day
// or, missed, on a later tick within program.cue's reminderCatchUpDays:
// a reminder whose day and catch-up days all pass without a tick is lost.
func DaysWithoutTick(s cron.Schedule, from time.Time, days int) []time.Time {
	y, m, d := from.UTC().Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	var out []time.Time
	for range days {
		day = day.AddDate(0, 0, 1)
		if next := s.Next(day.Add(-time.Nanosecond)); next.IsZero() || !next.Before(day.AddDate(0, 0, 1)) {
			out = append(out, day)
		}
	}
	return out
}

// warnDaysWithoutTick logs, once, the days of the coming year the
// schedule leaves without a tick, if any.
func warnDaysWithoutTick(spec string, s cron.Schedule, logger *slog.Logger) {
	missing := DaysWithoutTick(s, time.Now(), 366)
	if logger == nil || len(missing) == 0 {
		return
	}
	logger.Warn("scheduler: the schedule leaves days of the coming year without a tick; reminders due on them go out on the next tick only within program.cue's reminderCatchUpDays",
		"schedule", spec, "days", len(missing), "first", missing[0].Format("2006-01-02"))
}

// Wrap returns job as the scheduler runs it: recovered from panics and
// skipped while a previous run is still going. Exposed for tests.
func Wrap(job func(), logger *slog.Logger) func() {
	l := cronLogger{logger}
	j := cron.NewChain(cron.Recover(l), cron.SkipIfStillRunning(l)).Then(cron.FuncJob(job))
	return j.Run
}

// Start begins firing ticks in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Next returns when the next tick fires.
func (s *Scheduler) Next() time.Time {
	entries := s.cron.Entries()
	if len(entries) == 0 {
		return time.Time{}
	}
	return entries[0].Next
}

// Stop stops firing ticks and waits for a running tick to finish, for at
// most grace; after that the tick's context is cancelled and Stop waits
// for it to return.
func (s *Scheduler) Stop(grace time.Duration) {
	done := s.cron.Stop().Done()
	select {
	case <-done:
	case <-time.After(grace):
		s.cancel()
		<-done
	}
	s.cancel()
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ l *slog.Logger }

var _ cron.Logger = cronLogger{}

func (c cronLogger) Info(msg string, kv ...any) {
	if c.l != nil && msg != "wake" && msg != "run" && msg != "schedule" && msg != "added" {
		c.l.Info("scheduler: "+msg, kv...)
	}
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	if c.l != nil {
		c.l.Error("scheduler: "+msg, append(kv, "err", err)...)
	}
}
