package application

import (
	"strconv"
	"strings"
)

// Severity says whether a finding blocks an application.
type Severity string

// Severities: an error blocks (validate exits 1); a warning informs.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Finding is one result of validating an application: which rule, how bad,
// what to do about it, and where in the file.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Path     string   `json:"path"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	// Flagged marks a warning only a person can judge (text that may
	// contradict the file, a word that may be vulgar): the reviewer
	// checklist lists it with its rule's sentence.
	Flagged bool `json:"flagged,omitempty"`
}

// File is one application file after loading: its decoded value when it
// passed the schema, where each field sits, and the findings so far.
type File struct {
	// Path is the file's path as given to the loader, slash-separated.
	Path string
	// Slug is the file name without ".cue".
	Slug string
	// App is the decoded application, nil when the file did not load or
	// failed the schema.
	App *Application
	// Partial is what the policy rules read of a file that failed the
	// schema (App is nil): every part that passes the schema, decoded, and
	// the failing parts left out, so that the first round of findings
	// lists everything wrong. Nothing but the policy rules reads it: the
	// program never acts on a file that fails the schema.
	Partial *Application
	// Clock is what the program's clocks read of a file that failed the
	// schema elsewhere: its program part and listing, decoded on their own
	// because they pass the schema. nil when App is set (App holds them)
	// or when they cannot be read.
	Clock *Clock
	// Positions finds where a field is written in the file; nil when the
	// file could not be parsed.
	Positions Locator
	// Findings lists what is wrong with the file, in file order.
	Findings []Finding
}

// Clock is what the program's clocks read of an application: its
// program-owned part (stage, dates, installs) and its listing, whose
// completeness the listing clock judges.
type Clock struct {
	Program ProgramState
	Listing *Listing
}

// ClockInputs returns what the clocks read of the file: from App when the
// file passed the schema, else from Clock; nil when they are unreadable.
func (f *File) ClockInputs() *Clock {
	if f.App != nil {
		return &Clock{Program: f.App.Program, Listing: f.App.Listing}
	}
	return f.Clock
}

// Errors counts the findings of severity error.
func (f *File) Errors() int {
	n := 0
	for _, x := range f.Findings {
		if x.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Locate returns where path is written in the file, or its nearest written
// ancestor, or line 1 column 1.
func (f *File) Locate(path string) Pos {
	if f.Positions == nil {
		return Pos{Line: 1, Column: 1}
	}
	return f.Positions.Lookup(path)
}

// LocateAny returns where the first of paths that is written in the file
// is, and otherwise where paths[0] or its nearest written ancestor is. A
// finding about a missing section points at the field that requires it.
func (f *File) LocateAny(paths ...string) Pos {
	if f.Positions != nil {
		for _, p := range paths {
			if pos, ok := f.Positions.Exact(p); ok {
				return pos
			}
		}
	}
	return f.Locate(paths[0])
}

// Locator finds where a field path is written in a file.
type Locator interface {
	// Lookup returns the position of path or of its nearest written
	// ancestor, or line 1 column 1.
	Lookup(path string) Pos
	// Exact returns the position of path if path itself is written.
	Exact(path string) (Pos, bool)
}

// Pos is a 1-based line and column in a file.
type Pos struct {
	Line, Column int
}

// Positions maps a field path (integration.scopes[0].reason) to where the
// field's label is written.
type Positions map[string]Pos

// Lookup returns the position of path, or of its nearest written ancestor
// when path itself is absent (a missing field points at its parent), or
// line 1 column 1 when nothing on the way is written.
func (p Positions) Lookup(path string) Pos {
	for path != "" {
		if pos, ok := p[path]; ok {
			return pos
		}
		path = ParentPath(path)
	}
	return Pos{Line: 1, Column: 1}
}

// Exact implements Locator.
func (p Positions) Exact(path string) (Pos, bool) {
	pos, ok := p[path]
	return pos, ok
}

// ParentPath returns the path one step up: "a.b[2]" → "a.b", "a.b" → "a",
// "a" → "".
func ParentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// JoinPath appends a field name to a path.
func JoinPath(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// IndexPath appends a list index to a path.
func IndexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
