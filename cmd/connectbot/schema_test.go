package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTheCommittedJSONSchemaIsCurrent checks that
// schema/application.schema.json is what `connectbot schema --format
// jsonschema` writes from the CUE schema today. After a change to the
// schema, run: go run ./cmd/connectbot schema --format jsonschema > schema/application.schema.json
func TestTheCommittedJSONSchemaIsCurrent(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"schema", "--format", "jsonschema"}, &stdout, &stderr, fixedNow); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	committed, err := os.ReadFile(filepath.Join("../..", JSONSchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(committed), stdout.String()); diff != "" {
		t.Errorf("%s is out of date (-committed +generated); regenerate it with connectbot schema --format jsonschema:\n%s", JSONSchemaFile, diff)
	}
}
