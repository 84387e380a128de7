package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

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
	if _, ref := guard(filePath, src, c.limits); ref != nil {
		return nil, &PositionError{File: filePath, Line: ref.pos.Line, Column: ref.pos.Column, Message: ref.msg}
	}
	f, err := parser.ParseFile(filePath, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", filePath, oneLine(err.Error()))
	}
	unwrapObject(f) // a file written as one JSON object comes out as CUE
	value, err := plainExpr(p)
	if err != nil {
		return nil, fmt.Errorf("%s: program: %w", filePath, err)
	}
	replaced := false
	for _, d := range f.Decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if name, _, _ := ast.LabelName(field.Label); name == "program" {
			if replaced {
				return nil, fmt.Errorf("%s: program is written more than once; merge it into one field first", filePath)
			}
			field.Value = value
			replaced = true
		}
	}
	if !replaced {
		f.Decls = append(f.Decls, &ast.Field{Label: ast.NewIdent("program"), Value: value})
	}
	out, err := format.Node(f)
	if err != nil {
		return nil, fmt.Errorf("%s: format: %w", filePath, err)
	}
	return out, nil
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
