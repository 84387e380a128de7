package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/markdown/markdowntest"
)

// A synopsis in README.md or docs/ is a line of a plain fenced block that
// starts with "connectbot" and a command's name, then its flags in
// brackets ("connectbot serve [--addr HOST:PORT] …"); a line that starts
// with spaces continues the one before.
var (
	synopsisFlag = regexp.MustCompile(`--([a-z][a-z-]*)`)
	helpFlag     = regexp.MustCompile(`(?m)^  -([a-z][a-z-]*)`)
)

// synopsis is one block's synopses of a command: the command ("impact",
// "app create"), the line of the block's fence, and the flags they name,
// sorted and each once.
type synopsis struct {
	cmd   string
	line  int
	flags []string
}

// synopses returns the synopses of connectbot's commands in doc, a block's
// of one command together.
func synopses(doc string) []synopsis {
	known := map[string]bool{}
	for _, c := range append(commands(), appCommands()...) {
		known[c.name] = true
	}
	var out []synopsis
	for _, b := range markdowntest.CodeBlocks(doc) {
		if b.Info != "" || !strings.HasPrefix(b.Text, "connectbot ") {
			continue
		}
		of := map[string]*synopsis{}
		var order []string
		for _, ln := range strings.Split(regexp.MustCompile(`\n[ \t]+`).ReplaceAllString(b.Text, " "), "\n") {
			words := strings.Fields(strings.TrimPrefix(ln, "connectbot "))
			cmd := ""
			for i := range words {
				if name := strings.Join(words[:i+1], " "); known[name] {
					cmd = name
				}
			}
			if !strings.HasPrefix(ln, "connectbot ") || cmd == "" {
				continue
			}
			if of[cmd] == nil {
				of[cmd] = &synopsis{cmd: cmd, line: b.Line, flags: []string{}}
				order = append(order, cmd)
			}
			for _, m := range synopsisFlag.FindAllStringSubmatch(ln, -1) {
				of[cmd].flags = append(of[cmd].flags, m[1])
			}
		}
		for _, cmd := range order {
			slices.Sort(of[cmd].flags)
			of[cmd].flags = slices.Compact(of[cmd].flags)
			out = append(out, *of[cmd])
		}
	}
	return out
}

// helpFlags returns the flags `connectbot WORDS -h` lists, sorted.
func helpFlags(t *testing.T, words string) []string {
	t.Helper()
	var out, errs bytes.Buffer
	args := append(strings.Fields(words), "-h")
	if code := Main(args, &out, &errs, time.Now); code != exitOK {
		t.Fatalf("connectbot %s -h exits %d: %s", words, code, errs.String())
	}
	flags := []string{}
	for _, m := range helpFlag.FindAllStringSubmatch(out.String(), -1) {
		flags = append(flags, m[1])
	}
	slices.Sort(flags)
	return flags
}

// TestDocsSynopsesNameEveryFlag holds every synopsis of a command in
// README.md and docs/ to the command itself: it names exactly the flags
// `connectbot COMMAND -h` lists, so a platform engineer reading one finds
// every flag there is and none there is not. And every command has a
// synopsis somewhere.
func TestDocsSynopsesNameEveryFlag(t *testing.T) {
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	for _, path := range append([]string{"../../README.md"}, docs...) {
		doc := strings.TrimPrefix(path, "../../")
		for _, s := range synopses(mustRead(t, path)) {
			written[s.cmd] = true
			if diff := cmp.Diff(helpFlags(t, s.cmd), s.flags); diff != "" {
				t.Errorf("%s:%d: the synopsis of connectbot %s against its -h (-binary +doc):\n%s", doc, s.line, s.cmd, diff)
			}
		}
	}
	var all []string
	for _, c := range commands() {
		if c.name != "app" {
			all = append(all, c.name)
		}
	}
	for _, c := range appCommands() {
		all = append(all, c.name)
	}
	for _, name := range all {
		if !written[name] {
			t.Errorf("README.md and docs/ have no synopsis of connectbot %s", name)
		}
	}
}
