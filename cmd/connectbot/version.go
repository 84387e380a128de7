package main

import (
	"encoding/json"
	"flag"
	"fmt"

	"github.com/connectbot/connectbot/internal/buildinfo"
)

// versionCommand prints which connectbot this is: module version,
// commit, commit date, Go version and platform, from the binary's build
// information.
func versionCommand(fs *flag.FlagSet) runFunc {
	format := textOrJSONFlag(fs)
	return func(e *env, _ []string) int {
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
}
