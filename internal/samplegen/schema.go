package samplegen

import (
	"bytes"
	"errors"
	"io/fs"
	"path"

	"github.com/connectbot/connectbot/schema"
)

// Schema returns the binary's schema as the files of a program tree's own
// schema/ (by path, schema/<name>), with the default of
// certificationInstalls set to certify instead of 40: a program whose
// schema differs from the binary's, for tests of which schema judges it.
func Schema(certify string) (map[string][]byte, error) {
	names, err := fs.Glob(schema.Files, "*")
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, name := range names {
		src, err := fs.ReadFile(schema.Files, name)
		if err != nil {
			return nil, err
		}
		if name == "program.cue" {
			changed := bytes.Replace(src, []byte("certificationInstalls: *40 |"), []byte("certificationInstalls: *"+certify+" |"), 1)
			if bytes.Equal(changed, src) && certify != "40" {
				return nil, errors.New("schema/program.cue no longer says certificationInstalls: *40 |")
			}
			src = changed
		}
		out[path.Join("schema", name)] = src
	}
	return out, nil
}
