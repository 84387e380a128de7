package catalog

import (
	"fmt"
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
			return cfg, firstError(filePath, err, locator(filePath, src))
		}
		if x, found := numberOutOfRange(f, locator(filePath, src)); found {
			return cfg, &PositionError{File: filePath, Line: x.Line, Column: x.Column, Message: x.Message}
		}
		v = v.Unify(data)
	}
	if err := v.Validate(cue.Concrete(true)); err != nil {
		return cfg, firstError(filePath, err, locator(filePath, src))
	}
	if err := v.Decode(&cfg); err != nil {
		return cfg, firstError(filePath, err, locator(filePath, src))
	}
	return cfg, nil
}

// firstError reports the first schema finding as a one-line error with its
// position, and how many more there are.
func firstError(filePath string, err error, pos application.Locator) error {
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
