package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/connectbot/connectbot/internal/calendar"
)

// calendarCommand writes every upcoming deadline and launch date as an
// iCalendar feed, to stdout or to a file replaced in one step.
func calendarCommand(fs *flag.FlagSet) runFunc {
	f := newDecideFlags(fs, "the feed as of this day (YYYY-MM-DD or RFC 3339): events from this day on")
	out := fs.String("out", "", "write the feed to this file (replaced atomically); default: stdout")
	return func(e *env, _ []string) int {
		// The clock is read once: --now pins the feed, DTSTAMP included.
		now := f.stamp(e)
		statuses, _, snap, err := f.decide(e)
		if err != nil {
			return e.failf(exitCantRun, "calendar: %v", err)
		}
		var buf bytes.Buffer
		if err := calendar.Program(statuses, snap.Files, now).WriteICS(&buf); err != nil {
			return e.failf(exitCantRun, "calendar: %v", err)
		}
		if *out == "" {
			_, err = e.stdout.Write(buf.Bytes())
		} else {
			err = writeFileAtomic(*out, buf.Bytes())
		}
		if err != nil {
			return e.failf(exitCantRun, "calendar: write output: %v", err)
		}
		return exitOK
	}
}

// writeFileAtomic writes data to a temporary file next to path and renames
// it into place, so a reader sees the old file or the new one, never part
// of either, and a failed write leaves nothing behind.
func writeFileAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
