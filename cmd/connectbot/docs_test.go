package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/connectbot/connectbot/internal/markdown/markdowntest"
)

// The command examples of README.md and docs/*.md are fenced blocks:
//
//   - ```console blocks are run: each "$ " line is a command (connectbot,
//     or cd), the lines after it until the next are what it prints, where
//     "…" stands for any text on its line and a line of "…" alone for any
//     number of lines; a command ending in "# exits N" exits N, every
//     other exits 0.
//   - ```sh (or shell, bash) blocks are not run, and must be marked so on
//     the line before the fence, with the reason: <!-- not run: REASON -->.
//
// Each document is one script: its blocks run in order, each from the
// work directory (a copy of this repository's sample program: program.cue,
// applications/ and schema/), sharing the files earlier blocks wrote.

// notRun is the marker of an example that is not run, and its reason.
var notRun = regexp.MustCompile(`^<!-- not run: (\S.*\S) -->$`)

// exitsN reads a command's "# exits N" suffix.
var exitsN = regexp.MustCompile(`\s+# exits (\d+)$`)

// consoleScript turns the console blocks of doc into one testscript, with
// each expected output as a file of the archive.
func consoleScript(t *testing.T, doc string, blocks []markdowntest.CodeBlock) *txtar.Archive {
	t.Helper()
	a := &txtar.Archive{}
	var script strings.Builder
	n := 0
	for _, b := range blocks {
		if b.Info != "console" {
			continue
		}
		fmt.Fprintf(&script, "# %s:%d\ncd $WORK\n", doc, b.Line)
		var cmd string
		var out []string
		flush := func() {
			if cmd == "" {
				return
			}
			n++
			name := fmt.Sprintf("expect/%d", n)
			script.WriteString(runLine(cmd, name))
			a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(strings.Join(out, "\n") + "\n")})
			cmd, out = "", nil
		}
		for _, ln := range strings.Split(strings.TrimSuffix(b.Text, "\n"), "\n") {
			if c, ok := strings.CutPrefix(ln, "$ "); ok {
				flush()
				cmd = c
				continue
			}
			if cmd == "" {
				t.Errorf("%s:%d: a console block starts with a command (\"$ connectbot …\"), not %q", doc, b.Line, ln)
				break
			}
			out = append(out, ln)
		}
		flush()
	}
	a.Comment = []byte(script.String())
	return a
}

// runLine is the script line of one documented command: cd, or connectbot
// with its exit code, its output compared with file expect.
func runLine(cmd, expect string) string {
	if dir, ok := strings.CutPrefix(cmd, "cd "); ok {
		return "cd " + dir + "\n"
	}
	want := "0"
	if m := exitsN.FindStringSubmatch(cmd); m != nil {
		want, cmd = m[1], cmd[:len(cmd)-len(m[0])]
	}
	return fmt.Sprintf("run %s %s\nprints $WORK/%s\n", want, cmd, expect)
}

// TestDocsExamples runs every console example of README.md and docs/ with
// testscript against the sample program, and fails on any other command
// example not marked as not run, with its reason.
func TestDocsExamples(t *testing.T) {
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ran := 0
	for _, path := range append([]string{"../../README.md"}, docs...) {
		doc := strings.TrimPrefix(path, "../../")
		blocks := markdowntest.CodeBlocks(mustRead(t, path))
		for _, b := range blocks {
			marked := notRun.MatchString(b.Before)
			switch {
			case b.Info == "console":
				ran++
				if marked {
					t.Errorf("%s:%d: a console block is run; a command not run goes in a sh block", doc, b.Line)
				}
			case (b.Info == "sh" || b.Info == "shell" || b.Info == "bash") && !marked:
				t.Errorf("%s:%d: a command example is a console block that this test runs, or a sh block marked <!-- not run: REASON --> on the line before it", doc, b.Line)
			}
		}
		a := consoleScript(t, doc, blocks)
		if len(a.Files) == 0 {
			continue
		}
		name := strings.NewReplacer("/", "-", ".md", "").Replace(doc) + ".txtar"
		if err := os.WriteFile(filepath.Join(dir, name), txtar.Format(a), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if ran == 0 {
		t.Fatal("no console example found in README.md or docs/")
	}
	testscript.Run(t, testscript.Params{Dir: dir, Setup: sampleProgram, Cmds: map[string]func(*testscript.TestScript, bool, []string){
		"run":    runCmd,
		"prints": printsCmd,
	}})
}

// sampleProgram copies this repository's sample program into the script's
// work directory, with a home and a cache of its own and no colour.
func sampleProgram(env *testscript.Env) error {
	for _, p := range []string{"program.cue", "applications", "schema"} {
		if err := os.CopyFS(filepath.Join(env.WorkDir, p), os.DirFS(filepath.Join("../..", p))); err != nil {
			if err := copyFile(filepath.Join("../..", p), filepath.Join(env.WorkDir, p)); err != nil {
				return err
			}
		}
	}
	env.Setenv("HOME", env.WorkDir)
	env.Setenv("NO_COLOR", "1")
	env.Setenv("CONNECTBOT_CACHE_DIR", filepath.Join(env.WorkDir, ".cache"))
	return nil
}

// copyFile copies one file.
func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// runCmd runs a documented command and checks its exit code: "run N
// PROGRAM ARGS...".
func runCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: run EXITCODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("run: exit code %q: %v", args[0], err)
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			ts.Fatalf("run %s: %v", args[1], err)
		}
		got = exit.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, documented %d:\n%s%s", strings.Join(args[1:], " "), got, want, ts.ReadFile("stdout"), ts.ReadFile("stderr"))
	}
}

// printsCmd compares what the last command printed (stdout, then stderr)
// with a file of expected lines, where "…" stands for any text of a line
// and a line of "…" alone for any lines.
func printsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: prints FILE")
	}
	got := ts.ReadFile("stdout") + ts.ReadFile("stderr")
	want := ts.ReadFile(args[0])
	if !documentedOutput(want).MatchString(got) {
		ts.Fatalf("the documented output does not match what the command printed:\n--- documented\n%s--- printed\n%s", want, got)
	}
}

// documentedOutput is the pattern documented output stands for.
func documentedOutput(want string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`\A`)
	for _, ln := range strings.Split(strings.TrimSuffix(want, "\n"), "\n") {
		if ln == "…" {
			b.WriteString(`(?:.*\n)*?`)
			continue
		}
		parts := strings.Split(ln, "…")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		b.WriteString(strings.Join(parts, `.*`) + `\n`)
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

// TestDocsLinksResolve follows every relative link of README.md and
// docs/*.md: the file is there, and a #fragment into a Markdown file is
// one of its headings, as GitHub names them.
func TestDocsLinksResolve(t *testing.T) {
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range append([]string{"../../README.md"}, docs...) {
		page, err := markdowntest.Render(mustRead(t, path))
		if err != nil {
			t.Fatal(err)
		}
		for _, link := range page.Links {
			if strings.Contains(link, "://") || strings.HasPrefix(link, "mailto:") {
				continue
			}
			file, fragment, _ := strings.Cut(link, "#")
			target := path
			if file != "" {
				target = filepath.Join(filepath.Dir(path), file)
			}
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s: link %s: %v", path, link, err)
				continue
			}
			if fragment != "" && strings.HasSuffix(target, ".md") && !slices.Contains(headingIDs(mustRead(t, target)), fragment) {
				t.Errorf("%s: link %s: no heading %q in %s", path, link, fragment, target)
			}
		}
	}
}

// headingIDs are the anchors GitHub gives the headings of a Markdown
// document: lower case, punctuation dropped, spaces as hyphens.
func headingIDs(md string) []string {
	var ids []string
	fence := false
	for _, ln := range strings.Split(md, "\n") {
		if strings.HasPrefix(ln, "```") {
			fence = !fence
		}
		h := strings.TrimLeft(ln, "#")
		if fence || h == ln || !strings.HasPrefix(h, " ") {
			continue
		}
		id := strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				return unicode.ToLower(r)
			}
			return -1
		}, strings.TrimSpace(h))
		ids = append(ids, id)
	}
	return ids
}
