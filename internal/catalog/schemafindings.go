package catalog

import (
	"fmt"
	"sort"
	"strings"

	cueerrors "cuelang.org/go/cue/errors"

	"github.com/connectbot/connectbot/internal/application"
)

// schemaFindings turns CUE's errors into one finding each, positioned in the
// application file: at the offending value when CUE knows it, else at the
// field's nearest written ancestor.
func schemaFindings(filePath string, err error, pos application.Locator) []application.Finding {
	var out []application.Finding
	for _, e := range cueerrors.Errors(err) {
		p := joinCUEPath(e.Path())
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if strings.HasSuffix(msg, "errors in empty disjunction:") {
			continue // a summary; its parts follow as errors of their own
		}
		msg = friendly(msg, p)
		at := pos.Lookup(p)
		if cp, ok := positionIn(filePath, e); ok {
			at = cp
		}
		out = append(out, application.Finding{
			Rule: RuleSchema, Severity: application.SeverityError, Message: msg,
			Path: p, Line: at.Line, Column: at.Column,
		})
	}
	if len(out) == 0 {
		out = append(out, application.Finding{
			Rule: RuleSchema, Severity: application.SeverityError,
			Message: oneLine(err.Error()), Line: 1, Column: 1,
		})
	}
	return tidy(out)
}

// tidy orders findings as they appear in the file and drops repeats,
// including a missing field's required children: "program is missing"
// says all there is to say about program.stage.
func tidy(fs []application.Finding) []application.Finding {
	missing := map[string]bool{}
	for _, f := range fs {
		if strings.HasPrefix(f.Message, "required field ") {
			missing[f.Path] = true
		}
	}
	kept := fs[:0]
	for _, f := range fs {
		if !strings.HasPrefix(f.Message, "required field ") || !missingAncestor(missing, f.Path) {
			kept = append(kept, f)
		}
	}
	fs = kept
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Column < fs[j].Column
	})
	out := fs[:0]
	for i, f := range fs {
		if i > 0 && f == fs[i-1] {
			continue
		}
		out = append(out, f)
	}
	return out
}

func missingAncestor(missing map[string]bool, path string) bool {
	for p := application.ParentPath(path); p != ""; p = application.ParentPath(p) {
		if missing[p] {
			return true
		}
	}
	return false
}

// positionIn returns the first position of a CUE error that lies in the
// application file itself.
func positionIn(filePath string, e cueerrors.Error) (application.Pos, bool) {
	for _, p := range append([]cueTokenPos{e.Position()}, e.InputPositions()...) {
		if p.IsValid() && p.Filename() == filePath {
			return toPos(p), true
		}
	}
	return application.Pos{}, false
}

// joinCUEPath writes CUE's path selectors in the documented path form:
// integration.scopes[0].reason.
func joinCUEPath(sel []string) string {
	var b strings.Builder
	if len(sel) > 0 && strings.HasPrefix(sel[0], "#") {
		sel = sel[1:] // the schema's definition, not part of the file
	}
	for _, s := range sel {
		if s != "" && strings.Trim(s, "0123456789") == "" {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strings.Trim(s, `"`))
	}
	return b.String()
}

// checkSpelling ends the message of an unknown field with no known field
// close to it.
const checkSpelling = ": check its spelling against the documented format"

// friendly rewrites CUE's terse messages into ones an integrator who does
// not know CUE can act on.
func friendly(msg, p string) string {
	field := p
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		field = p[i+1:]
	}
	switch {
	case msg == "field not allowed":
		return fmt.Sprintf("unknown field %q"+checkSpelling, field)
	case msg == "field is required but not present":
		return fmt.Sprintf("required field %q is missing", p)
	case strings.HasPrefix(msg, "incomplete value"):
		return fmt.Sprintf("%q needs a value", field)
	}
	return msg
}
