package main

import (
	"flag"
	"io/fs"
	"sort"

	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/schema"
)

// JSONSchemaFile is where the JSON Schema of the application format is
// committed, for editors to find.
const JSONSchemaFile = "schema/application.schema.json"

// schemaCommand prints the application format: the CUE schema connectbot
// judges with, or (--format jsonschema) the JSON Schema generated from it
// for editors, as committed in schema/application.schema.json.
func schemaCommand(fs *flag.FlagSet) runFunc {
	format := formatVar(fs, "output format: cue (the schema's sources) or jsonschema (JSON Schema for editors)", "cue", "jsonschema")
	return func(e *env, _ []string) int {
		if format.value == "cue" {
			return writeCUESchema(e)
		}
		cat, err := catalog.Default()
		if err != nil {
			return e.failf(exitCantRun, "schema: %v", err)
		}
		out, err := cat.JSONSchema()
		if err != nil {
			return e.failf(exitCantRun, "schema: %v", err)
		}
		if _, err := e.stdout.Write(out); err != nil {
			return e.failf(exitCantRun, "schema: %v", err)
		}
		return exitOK
	}
}

// writeCUESchema prints the embedded schema's .cue files, each after a
// comment naming it.
func writeCUESchema(e *env) int {
	names, err := fs.Glob(schema.Files, "*.cue")
	if err != nil {
		return e.failf(exitCantRun, "schema: %v", err)
	}
	sort.Strings(names)
	for _, name := range names {
		src, err := fs.ReadFile(schema.Files, name)
		if err != nil {
			return e.failf(exitCantRun, "schema: %v", err)
		}
		if _, err := e.stdout.Write(append([]byte("// schema/"+name+"\n"), src...)); err != nil {
			return e.failf(exitCantRun, "schema: %v", err)
		}
	}
	return exitOK
}
