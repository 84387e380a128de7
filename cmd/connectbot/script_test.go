package main

import (
	"os"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// What runs keep for the next run stays out of the home directory.
	cache, err := os.MkdirTemp("", "connectbot-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("CONNECTBOT_CACHE_DIR", cache)
	testscript.Main(m, map[string]func(){
		"connectbot": func() {
			os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr, time.Now))
		},
	})
}

// TestScripts runs the command-line scenarios in testdata/script: each
// file is the commands, their output and their exit codes, as a user sees
// them.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}
