package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"

	"github.com/connectbot/connectbot/internal/application"
)

// decodeData decodes a file that the guard passed as plain data and CUE
// validated into x, through JSON. It is equivalent to cue.Value.Decode for
// a schema that adds no defaults to the data, which TestDecodeMatchesCUE
// holds #Application to, and about ten times faster, which matters when a
// program has thousands of files.
func decodeData(f *ast.File, x any) error {
	return decodeExcept(f, nil, x)
}

// decodeExcept is decodeData leaving out the values at the paths in skip
// (integration.scopes[0].name): a left-out field is absent, a left-out
// list element null, so the other elements keep their indexes.
func decodeExcept(f *ast.File, skip map[string]bool, x any) error {
	w := jsonWriter{skip: skip}
	w.b.WriteByte('{')
	n := 0
	for _, d := range f.Decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if err := w.field(field, "", &n); err != nil {
			return err
		}
	}
	w.b.WriteByte('}')
	return json.Unmarshal(w.b.Bytes(), x)
}

// jsonWriter writes plain CUE data as JSON; paths are followed only when
// there is something to skip.
type jsonWriter struct {
	b    bytes.Buffer
	skip map[string]bool
}

func (w *jsonWriter) field(f *ast.Field, parent string, n *int) error {
	name, _, err := ast.LabelName(f.Label)
	if err != nil {
		return err
	}
	var path string
	if w.skip != nil {
		if path = application.JoinPath(parent, name); w.skip[path] {
			return nil
		}
	}
	if *n > 0 {
		w.b.WriteByte(',')
	}
	*n++
	writeString(&w.b, name)
	w.b.WriteByte(':')
	return w.value(f.Value, path)
}

func (w *jsonWriter) value(e ast.Expr, path string) error {
	b := &w.b
	switch e := e.(type) {
	case *ast.StructLit:
		// Duplicate fields were unified by CUE and found equal; JSON keeps
		// the last, which is the same value.
		b.WriteByte('{')
		n := 0
		for _, d := range e.Elts {
			if f, ok := d.(*ast.Field); ok {
				if err := w.field(f, path, &n); err != nil {
					return err
				}
			}
		}
		b.WriteByte('}')
	case *ast.ListLit:
		b.WriteByte('[')
		for i, x := range e.Elts {
			if i > 0 {
				b.WriteByte(',')
			}
			var p string
			if w.skip != nil {
				if p = application.IndexPath(path, i); w.skip[p] {
					b.WriteString("null")
					continue
				}
			}
			if err := w.value(x, p); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case *ast.BasicLit:
		return writeLiteral(b, e, false)
	case *ast.UnaryExpr:
		lit, ok := e.X.(*ast.BasicLit)
		if !ok || e.Op != token.SUB {
			return fmt.Errorf("%s: not plain data", e.Pos())
		}
		return writeLiteral(b, lit, true)
	case *ast.Ident:
		b.WriteString(e.Name) // true, false or null: the guard allows no other
	default:
		return fmt.Errorf("%s: not plain data", e.Pos())
	}
	return nil
}

func writeLiteral(b *bytes.Buffer, lit *ast.BasicLit, negative bool) error {
	switch lit.Kind {
	case token.STRING:
		s, err := literal.Unquote(lit.Value)
		if err != nil {
			return err
		}
		writeString(b, s)
	case token.INT, token.FLOAT:
		var num literal.NumInfo
		if err := literal.ParseNum(lit.Value, &num); err != nil {
			return err
		}
		if negative {
			b.WriteByte('-')
		}
		b.WriteString(num.String())
	case token.TRUE, token.FALSE, token.NULL:
		b.WriteString(lit.Value)
	default:
		return fmt.Errorf("%s: not plain data", lit.Pos())
	}
	return nil
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	if q == nil {
		q = []byte(strconv.Quote(s))
	}
	b.Write(q)
}
