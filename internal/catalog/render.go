package catalog

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/token"

	"github.com/connectbot/connectbot/internal/application"
)

// Render writes app as an application file: plain CUE data in canonical
// format, the fields in the documented order, with doc (lines of text, no
// comment markers) as the file's opening comment. Every string is written
// by CUE's own quoting, the same as the bot's recorded stage changes, so a
// value holding quotes, backslashes, newlines, braces, "\(" or CUE syntax
// stays a string. This is how connectbot writes a file from an application
// form.
//
// The result is not validated here: callers load it with Application
// before writing it anywhere, so the bot never proposes a file it would
// refuse.
func Render(app application.Application, doc string) ([]byte, error) {
	value, err := plainExpr(app)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	s, ok := value.(*ast.StructLit)
	if !ok || len(s.Elts) == 0 {
		return nil, fmt.Errorf("render: an application is not a struct")
	}
	f := &ast.File{}
	if doc != "" {
		cg := &ast.CommentGroup{}
		for _, line := range strings.Split(strings.TrimRight(doc, "\n"), "\n") {
			text := "//"
			if line = strings.TrimSpace(line); line != "" {
				text += " " + line
			}
			cg.List = append(cg.List, &ast.Comment{Text: text})
		}
		f.Decls = append(f.Decls, cg)
	}
	for i, d := range s.Elts {
		if field, ok := d.(*ast.Field); ok && (i > 0 || doc != "") {
			ast.SetRelPos(field.Label, token.NewSection)
		}
		f.Decls = append(f.Decls, d)
	}
	out, err := format.Node(f)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return out, nil
}
