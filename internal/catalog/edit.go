package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/connectbot/connectbot/internal/application"
)

// SetProgram returns an application file with its program-owned part
// replaced by p. Everything the integrator wrote outside `program` is kept,
// comments included; the file comes out in CUE's canonical format. This is
// how the bot records a stage change, a date or a removal in git.
//
// The result is not validated here: callers load it with Application before
// committing it, so the bot never writes a file it would refuse.
func (c *Catalog) SetProgram(filePath string, src []byte, p application.ProgramState) ([]byte, error) {
	return c.SetFields(filePath, src, []FieldValue{{Path: "program", Value: p}})
}

// FieldValue is a value to write at a field of an application file: Path
// is the field's dotted path ("listing.tagline", "integration.appId"), and
// Value any value encoding/json writes (a string, a list, a struct).
type FieldValue struct {
	Path  string
	Value any
}

// SetFields returns an application file with each field of values set to
// its value, and nothing else changed: every other field, and every
// comment outside the values replaced, is kept, and the file comes out in
// CUE's canonical format — or, for a file written as JSON, as JSON with
// only the values set changed (setJSONFields). A field the file lacks is
// added, with the structs that hold it, at the end of its struct. This is the one way connectbot edits a file: the
// program part a stage change records (SetProgram), and the fields an
// issue form owns.
//
// A field written more than once, or a path through a value that is not
// a struct, is refused, since no single place could be edited. The result
// is not validated here: callers load it with Application before
// committing it, so the bot never writes a file it would refuse.
func (c *Catalog) SetFields(filePath string, src []byte, values []FieldValue) ([]byte, error) {
	if _, ref := guard(filePath, src, c.limits); ref != nil {
		return nil, &PositionError{File: filePath, Line: ref.pos.Line, Column: ref.pos.Column, Message: ref.msg}
	}
	f, err := parser.ParseFile(filePath, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", filePath, oneLine(err.Error()))
	}
	if obj := jsonObject(src, f); obj != nil {
		return setJSONFields(filePath, src, obj, values)
	}
	unwrapObject(f) // one object with comments or CUE in it comes out as CUE
	for _, v := range values {
		value, err := plainExpr(v.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", filePath, v.Path, err)
		}
		if err := setField(&f.Decls, strings.Split(v.Path, "."), value, true); err != nil {
			return nil, fmt.Errorf("%s: %w", filePath, err)
		}
	}
	out, err := format.Node(f)
	if err != nil {
		return nil, fmt.Errorf("%s: format: %w", filePath, err)
	}
	return out, nil
}

// setField sets the field at path among decls to value, adding it (and
// the structs on its way) when it is missing. top is true for the file's
// own fields, which are set apart by a blank line when added.
func setField(decls *[]ast.Decl, path []string, value ast.Expr, top bool) error {
	name := path[0]
	found, err := findField(*decls, name)
	if err != nil {
		return err
	}
	if found == nil {
		label := ast.NewIdent(name)
		if top {
			ast.SetRelPos(label, token.NewSection)
		} else {
			ast.SetRelPos(label, token.Newline)
		}
		found = &ast.Field{Label: label, Value: &ast.StructLit{Lbrace: token.Blank.Pos(), Rbrace: token.Newline.Pos()}}
		*decls = append(*decls, found)
	}
	if len(path) == 1 {
		found.Value = value
		return nil
	}
	s, err := structOf(found, path)
	if err != nil {
		return err
	}
	if err := setField(&s.Elts, path[1:], value, false); err != nil {
		return fmt.Errorf("%s.%w", name, err)
	}
	return nil
}

// findField is the one field named name among decls, nil when there is
// none; a field written more than once is an error, since no single place
// could be edited.
func findField(decls []ast.Decl, name string) (*ast.Field, error) {
	var found *ast.Field
	for _, d := range decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if label, _, _ := ast.LabelName(field.Label); label == name {
			if found != nil {
				return nil, fmt.Errorf("%s is written more than once; merge it into one field first", name)
			}
			found = field
		}
	}
	return found, nil
}

// structOf is the struct field holds, the first name of path, in which
// the rest of path is to be set; a value of another kind is an error.
func structOf(field *ast.Field, path []string) (*ast.StructLit, error) {
	s, ok := field.Value.(*ast.StructLit)
	if !ok {
		return nil, fmt.Errorf("%s is not written as a struct {…}, so %s cannot be set in it", path[0], strings.Join(path[1:], "."))
	}
	return s, nil
}

// plainExpr writes a Go value as a CUE literal, fields in the order of the
// value's JSON encoding (the struct's field order), identifiers unquoted.
func plainExpr(v any) (ast.Expr, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return exprFromTokens(dec)
}

func exprFromTokens(dec *json.Decoder) (ast.Expr, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			s := &ast.StructLit{Rbrace: token.Newline.Pos()}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				val, err := exprFromTokens(dec)
				if err != nil {
					return nil, err
				}
				label := ast.NewStringLabel(k.(string))
				ast.SetRelPos(label, token.Newline)
				s.Elts = append(s.Elts, &ast.Field{Label: label, Value: val})
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return s, nil
		case '[':
			l := &ast.ListLit{}
			for dec.More() {
				val, err := exprFromTokens(dec)
				if err != nil {
					return nil, err
				}
				l.Elts = append(l.Elts, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return l, nil
		}
	case string:
		return ast.NewString(t), nil
	case json.Number:
		return ast.NewLit(token.INT, t.String()), nil
	case bool:
		return ast.NewBool(t), nil
	case nil:
		return ast.NewNull(), nil
	}
	return nil, errors.New("unexpected JSON token")
}
