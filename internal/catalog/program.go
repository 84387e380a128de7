package catalog

import (
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue"

	"github.com/connectbot/connectbot/internal/application"
)

// ProgramFile is where the program configuration lives in a repository.
const ProgramFile = "program.cue"

// Program validates the program configuration against #Program and returns
// it with the seed's defaults filled in. src may be nil: a repository
// without program.cue runs on the defaults. program.cue passes the same
// guard as an application file: in a pull request it is untrusted too.
func (c *Catalog) Program(filePath string, src []byte) (cfg application.Config, err error) {
	e, err := c.newEvaluator(full)
	if err != nil {
		return cfg, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: evaluator panic: %v", filePath, r)
		}
	}()
	v := e.program
	if src != nil {
		f, ref := guard(filePath, src, c.limits)
		if ref != nil {
			return cfg, &PositionError{File: filePath, Line: ref.pos.Line, Column: ref.pos.Column, Message: ref.msg}
		}
		data := e.ctx.BuildFile(f)
		if err := data.Err(); err != nil {
			return cfg, firstError(filePath, err, locator(filePath, src), cue.Value{})
		}
		if x, found := numberOutOfRange(f, locator(filePath, src)); found {
			return cfg, &PositionError{File: filePath, Line: x.Line, Column: x.Column, Message: x.Message}
		}
		v = v.Unify(data)
	}
	if err := v.Validate(cue.Concrete(true)); err != nil {
		return cfg, firstError(filePath, err, locator(filePath, src), v)
	}
	if err := v.Decode(&cfg); err != nil {
		return cfg, firstError(filePath, err, locator(filePath, src), v)
	}
	loc := locator(filePath, src)
	if path, msg := settingProblem(cfg, loc); msg != "" {
		pos := loc.Lookup(path)
		return application.Config{}, &PositionError{File: filePath, Line: pos.Line, Column: pos.Column, Message: path + ": " + msg}
	}
	return cfg, nil
}

// settingProblem returns the field and the message of the first setting
// the schema lets through that the program cannot run on: an install
// source it may not trust, or settings that contradict each other.
func settingProblem(cfg application.Config, pos application.Locator) (path, msg string) {
	if s := cfg.InstallsSource; s != nil {
		if msg := s.Problem(); msg != "" {
			return "installsSource.url", msg
		}
	}
	return inconsistent(cfg, pos)
}

// inconsistent returns the field and the message of the first setting
// that contradicts another — each valid on its own, together a program
// whose clocks could not run as written — or "" when there is none.
// These relations span fields, where a CUE bound would lose the position
// and the message (the defaults are disjunctions).
func inconsistent(cfg application.Config, pos application.Locator) (path, msg string) {
	if cfg.MinInstalls > cfg.CertificationInstalls {
		if _, written := pos.Exact("minInstalls"); written {
			return "minInstalls", fmt.Sprintf("must be at most certificationInstalls (%d): an integrator is accepted before it is certified", cfg.CertificationInstalls)
		}
		return "certificationInstalls", fmt.Sprintf("must be at least minInstalls (%d): an integrator is accepted before it is certified", cfg.MinInstalls)
	}
	longest := max(cfg.ListingDueDays, cfg.InstallWindowDays)
	for i, n := range cfg.ReminderDays {
		at := application.IndexPath("reminderDays", i)
		if j := slices.Index(cfg.ReminderDays, n); j < i {
			return at, fmt.Sprintf("%d is already reminderDays[%d]: each day at most once", n, j)
		}
		if n >= longest {
			return at, fmt.Sprintf("must be less than the longer of listingDueDays and installWindowDays (%d): a reminder so early comes before its clock starts", longest)
		}
	}
	return "", ""
}

// firstError reports the first schema finding as a one-line error with its
// position, and how many more there are; a misspelt setting is named with
// the one of v, the configuration read, it most likely means.
func firstError(filePath string, err error, pos application.Locator, v cue.Value) error {
	fs := schemaFindings(filePath, err, pos)
	f := fs[0]
	for _, x := range fs {
		// A value that fails a field with a default conflicts with the
		// default too (its values, or a list default's length); the
		// schema's own message says more.
		if !defaultConflict(x) {
			f = x
			break
		}
	}
	if v.Exists() {
		adviseSpelling(v, &f)
	}
	others := 0
	for _, x := range fs {
		if x.Path != f.Path && !defaultConflict(x) {
			others++
		}
	}
	more := ""
	if others > 0 {
		more = fmt.Sprintf(" (and %d more)", others)
	}
	where := f.Path
	if where != "" {
		where += ": "
	}
	return &PositionError{File: filePath, Line: f.Line, Column: f.Column, Message: where + f.Message + more}
}

// defaultConflict reports whether a finding only says that a value differs
// from the field's default — its value, or a list default's length — which
// every value other than the default does.
func defaultConflict(x application.Finding) bool {
	return strings.HasPrefix(x.Message, "conflicting values") || strings.HasPrefix(x.Message, "incompatible list lengths")
}

// PositionError is an error at a place in a file, so that a caller can
// point at it (an annotation, a finding) without reading the message.
type PositionError struct {
	File         string
	Line, Column int
	Message      string
}

// Error says "file:line:column: message".
func (e *PositionError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// locator indexes the positions of src, or of nothing when there is no file.
func locator(filePath string, src []byte) application.Locator {
	if src == nil {
		return application.Positions{}
	}
	return sourcePositions(filePath, src)
}
