package catalog

import (
	"cuelang.org/go/cue/ast"

	"github.com/connectbot/connectbot/internal/application"
)

// Listing reads only the listing of an application file's source: the
// file through the guard, then its top-level listing field decoded as
// plain data, without the schema. It is what the listing clock asks of
// each past version of a file in git history — was the listing complete
// then — at a fraction of Application's cost. nil when the file does not
// pass the guard, has no listing, or its listing does not decode.
func (c *Catalog) Listing(filePath string, src []byte) *application.Listing {
	f, ref := guard(filePath, src, c.limits)
	if ref != nil {
		return nil
	}
	only := &ast.File{}
	for _, d := range f.Decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if name, _, err := ast.LabelName(field.Label); err == nil && name == "listing" {
			only.Decls = append(only.Decls, field)
		}
	}
	var x struct {
		Listing *application.Listing `json:"listing"`
	}
	if decodeData(only, &x) != nil {
		return nil
	}
	return x.Listing
}
