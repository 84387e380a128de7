package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
)

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags parses flags wherever they appear among the positional
// arguments (`validate a.cue --format json` works as well as the reverse)
// and returns the positional ones. "-h" is reported as errHelp.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, errHelp
			}
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

var errHelp = errors.New("help requested")

// flagHelp writes a command's flags.
func flagHelp(w io.Writer, fs *flag.FlagSet, synopsis string) {
	fmt.Fprintf(w, "Usage: connectbot %s\n\nFlags:\n", synopsis)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// formatFlag is a --format value restricted to a set of choices.
type formatFlag struct {
	value   string
	choices []string
}

func (f *formatFlag) String() string { return f.value }

func (f *formatFlag) Set(s string) error {
	for _, c := range f.choices {
		if s == c {
			f.value = s
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(f.choices, ", "))
}

// formatVar declares --format on fs: one of choices, the first by
// default.
func formatVar(fs *flag.FlagSet, usage string, choices ...string) *formatFlag {
	f := &formatFlag{value: choices[0], choices: choices}
	fs.Var(f, "format", usage)
	return f
}

// textOrJSONFlag declares the --format most commands take: text for people,
// or json.
func textOrJSONFlag(fs *flag.FlagSet) *formatFlag {
	return formatVar(fs, "output: text for people, json", "text", "json")
}

// nowVar declares --now on fs, described by usage.
func nowVar(fs *flag.FlagSet, usage string) *dateFlag {
	d := &dateFlag{}
	fs.Var(d, "now", usage)
	return d
}

// dateFlag is a --now value: "YYYY-MM-DD" or an RFC 3339 time, as a UTC day.
type dateFlag struct {
	set  bool
	date application.Date
}

func (d *dateFlag) String() string {
	if !d.set {
		return "today (UTC)"
	}
	return d.date.String()
}

func (d *dateFlag) Set(s string) error {
	if day, err := application.ParseDate(s); err == nil {
		d.date, d.set = day, true
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("%q is neither a date (YYYY-MM-DD) nor an RFC 3339 time", s)
	}
	d.date, d.set = application.DateOf(t), true
	return nil
}

// resolve returns the flag's date or today's, from the clock read once.
func (d *dateFlag) resolve(now func() time.Time) application.Date {
	if d.set {
		return d.date
	}
	return application.DateOf(now())
}

// repoPaths turns command-line paths into slash paths inside the
// repository root, refusing any that lie outside it.
func repoPaths(root string, args []string) ([]string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(args))
	for _, a := range args {
		p := a
		if !filepath.IsAbs(p) {
			wd, err := os.Getwd()
			if err != nil {
				return nil, err
			}
			p = filepath.Join(wd, p)
		}
		rel, err := filepath.Rel(absRoot, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s is outside the repository %s", a, root)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out, nil
}
