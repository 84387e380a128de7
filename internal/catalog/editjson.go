package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
)

// byteOrderMark is the UTF-8 byte-order mark some editors write first.
var byteOrderMark = []byte("\uFEFF")

// jsonObject is the object of f when its source, src, is written as JSON:
// the whole file, after an optional byte-order mark, is one JSON object as
// encoding/json reads it (a key written twice included). It is nil for a
// file with anything of CUE's own in it — a comment, an unquoted label, a
// trailing comma — which is edited as CUE.
func jsonObject(src []byte, f *ast.File) *ast.StructLit {
	body := bytes.TrimSpace(bytes.TrimPrefix(src, byteOrderMark))
	if len(body) == 0 || body[0] != '{' || !json.Valid(body) {
		return nil
	}
	return topObject(f)
}

// topObject is the struct f holds when f is nothing but one struct.
func topObject(f *ast.File) *ast.StructLit {
	if len(f.Decls) != 1 {
		return nil
	}
	e, ok := f.Decls[0].(*ast.EmbedDecl)
	if !ok {
		return nil
	}
	s, _ := e.Expr.(*ast.StructLit)
	return s
}

// setJSONFields sets values in src, a file written as JSON whose object,
// as parsed, is obj, by splicing each value's JSON into the bytes: every
// byte outside the values set stays as it was (the keys' order, the
// layout, a byte-order mark, the final newline). A value is written by
// encoding/json, its struct fields in their Go order and a map's keys
// sorted, HTML characters as they are, indented as the file is — on one
// line when its object is on one line; a missing field is added at the
// end of its object. A field written twice on a value's path, or a path
// through a value that is not an object, is refused as SetFields does.
func setJSONFields(filePath string, src []byte, obj *ast.StructLit, values []FieldValue) ([]byte, error) {
	unit := indentUnit(src, obj)
	for i, v := range values {
		if i > 0 { // the splice before moved every position after it
			f, err := parser.ParseFile(filePath, src, parser.ParseComments)
			if err != nil {
				return nil, fmt.Errorf("%s: %s", filePath, oneLine(err.Error()))
			}
			if obj = topObject(f); obj == nil {
				return nil, fmt.Errorf("%s: no longer one JSON object", filePath)
			}
		}
		out, err := spliceField(src, obj, strings.Split(v.Path, "."), v.Value, unit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filePath, err)
		}
		src = out
	}
	return src, nil
}

// spliceField sets the field at path of obj, an object of src, to value:
// its value's bytes replaced, or the field added with the objects on its
// way.
func spliceField(src []byte, obj *ast.StructLit, path []string, value any, unit string) ([]byte, error) {
	found, err := findField(obj.Elts, path[0])
	if err != nil {
		return nil, err
	}
	if found == nil {
		for i := len(path) - 1; i > 0; i-- {
			value = map[string]any{path[i]: value}
		}
		return insertJSONField(src, obj, path[0], value, unit)
	}
	if len(path) == 1 {
		text, err := jsonText(value, lineIndent(src, found.Pos().Offset()), unit, onOneLine(obj))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path[0], err)
		}
		return splice(src, found.Value.Pos().Offset(), found.Value.End().Offset(), text), nil
	}
	s, err := structOf(found, path)
	if err != nil {
		return nil, err
	}
	out, err := spliceField(src, s, path[1:], value, unit)
	if err != nil {
		return nil, fmt.Errorf("%s.%w", path[0], err)
	}
	return out, nil
}

// insertJSONField adds the field name: value at the end of obj, an object
// of src, on a line of its own at its fields' indentation, or after a
// comma on the same line when obj is written on one line.
func insertJSONField(src []byte, obj *ast.StructLit, name string, value any, unit string) ([]byte, error) {
	key, _ := jsonText(name, "", "", true)
	at, sep, indent := obj.Lbrace.Offset()+1, "", lineIndent(src, obj.Lbrace.Offset())+unit
	if n := len(obj.Elts); n > 0 {
		last := obj.Elts[n-1]
		at, sep, indent = last.End().Offset(), ",", lineIndent(src, last.Pos().Offset())
	}
	compact := onOneLine(obj)
	text, err := jsonText(value, indent, unit, compact)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	field := key + ": " + text
	switch {
	case compact && sep != "":
		field = sep + " " + field
	case !compact:
		field = sep + "\n" + indent + field
	}
	return splice(src, at, at, field), nil
}

// jsonText is v as encoding/json writes it, HTML characters unescaped:
// each line after the first starting with prefix and one unit more per
// level, or, when compact, on one line as people write JSON by hand
// (`{"a": [1, 2]}`).
func jsonText(v any, prefix, unit string, compact bool) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if compact { // tabs, as newlines, are layout: a string escapes its own
		prefix, unit = "", "\t"
	}
	enc.SetIndent(prefix, unit)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	text := strings.TrimSuffix(b.String(), "\n")
	if compact {
		text = oneLineJSON.Replace(strings.ReplaceAll(text, "\t", ""))
	}
	return text, nil
}

// oneLineJSON puts JSON indented by nothing on one line.
var oneLineJSON = strings.NewReplacer("{\n", "{", "[\n", "[", "\n}", "}", "\n]", "]", "\n", " ")

// splice is src with its bytes from start to end replaced by text.
func splice(src []byte, start, end int, text string) []byte {
	out := make([]byte, 0, len(src)-(end-start)+len(text))
	out = append(out, src[:start]...)
	out = append(out, text...)
	return append(out, src[end:]...)
}

// onOneLine reports whether obj opens and closes on one line.
func onOneLine(obj *ast.StructLit) bool {
	return obj.Lbrace.Line() == obj.Rbrace.Line()
}

// lineIndent is the spaces and tabs that begin the line of src holding
// offset.
func lineIndent(src []byte, offset int) string {
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}

// indentUnit is the indentation one level of the file adds, as its first
// field is indented under its opening brace; two spaces when the file
// does not show it.
func indentUnit(src []byte, obj *ast.StructLit) string {
	if len(obj.Elts) > 0 && obj.Elts[0].Pos().Line() != obj.Lbrace.Line() {
		outer := lineIndent(src, obj.Lbrace.Offset())
		if unit, ok := strings.CutPrefix(lineIndent(src, obj.Elts[0].Pos().Offset()), outer); ok && unit != "" {
			return unit
		}
	}
	return "  "
}
