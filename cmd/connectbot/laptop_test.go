package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// laptopBlock returns the shell block of docs/laptop.md, "Try the whole
// flow on your laptop" (once in the README), between its markers.
func laptopBlock(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/laptop.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- laptop:begin -->\n<!-- not run: TestLaptopWalkthrough runs this block as it is written, with bash, git, curl and python3 -->\n```sh\n", "```\n<!-- laptop:end -->"
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("docs/laptop.md lacks the %q … %q markers around the walkthrough", begin, end)
	}
	return readme[i+len(begin) : j]
}

// freeAddr returns a loopback address no one listens on, as far as can be
// known.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestLaptopWalkthrough runs the README's walkthrough as it is written,
// with bash, the real git, curl and python3, and fakegithub and connectbot
// built from this checkout; only the two addresses of its first line are
// replaced with free ones. The block itself waits for each step (the
// fake's URL, connectbot's /healthz, the comment, the green comment, the
// merge); the test gives it three minutes and checks what it printed:
// connectbot's comment on the new application, the stage the approval
// recorded on main, and the tick's reminder.
func TestLaptopWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("the walkthrough builds two commands and runs them: skipped with -short")
	}
	for _, tool := range []string{"bash", "git", "curl", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: the walkthrough needs bash, git, curl and python3", tool)
		}
	}
	script := laptopBlock(t)
	const ports = "fake=127.0.0.1:3000 bot=127.0.0.1:8080"
	if !strings.HasPrefix(script, ports+" ") {
		t.Fatalf("the walkthrough's first line no longer starts %q; the test replaces those addresses", ports)
	}
	script = "fake=" + freeAddr(t) + " bot=" + freeAddr(t) + strings.TrimPrefix(script, ports)

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./cmd/connectbot", "./cmd/fakegithub")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-c", script)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(),
		"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"TMPDIR="+t.TempDir(), "HOME="+home,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_TERMINAL_PROMPT=0",
		"GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@example.com",
		"GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@example.com",
	)
	// The block starts fakegithub and connectbot in the background and
	// stops them at its end; if it fails or times out, its process group
	// is stopped here.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		t.Fatalf("the walkthrough failed: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"<!-- connectbot:pull-request-comment -->",
		"### connectbot: ✘ 23 errors in 1 of 1 file",
		"| ✘ | `applications/pinecone-sync.cue` | new | – | 23 errors |",
		"- Fix the errors above and push: connectbot checks every new commit.",
		// The approval merged, with the stage recorded on main.
		"stage:", "beta", "acceptedAt:",
		// The tick's plan for 23 days on.
		"remind pinecone-sync",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the walkthrough's output lacks %q:\n%s\nstderr:\n%s", want, out, stderr.String())
		}
	}
}
