package main

import (
	"encoding/json"
	"fmt"

	"github.com/connectbot/connectbot/internal/buildinfo"
)

const versionSynopsis = "version [--format text|json]"

// runVersion prints which connectbot this is: module version, commit,
// commit date, Go version and platform, from the binary's build
// information.
func runVersion(e *env, args []string) int {
	fs := newFlags("version")
	format := &formatFlag{value: "text", choices: []string{"text", "json"}}
	fs.Var(format, "format", "output: text for people, json")
	if _, code, done := parseCommand(e, fs, args, versionSynopsis, 0); done {
		return code
	}
	info := buildinfo.Read()
	if format.value == "json" {
		b, err := json.Marshal(info)
		if err != nil {
			return e.failf(exitCantRun, "version: %v", err)
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
		return exitOK
	}
	fmt.Fprint(e.stdout, info)
	return exitOK
}
