package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/golden"
)

func TestReconcileOverItsBudgetReportsWhatItLeftForTheNext(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			srv := seed(t)
			onFake(t, srv)
			t.Setenv("CONNECTBOT_BOT_LOGIN", forgetest.BotLogin)
			acme, _ := os.ReadFile("../../applications/acme-sync.cue")
			// Two pull requests nobody answered; a budget of one write.
			for _, branch := range []string{"acme-edit", "acme-again"} {
				srv.Commit(branch, "Edit", map[string]string{"applications/acme-sync.cue": string(acme) + "\n// " + branch + "\n"})
				srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: branch})
			}
			var out, errOut bytes.Buffer
			if code := Main([]string{"reconcile", "--budget", "1", "--format", format}, &out, &errOut, fixedNow); code != exitOK {
				t.Fatalf("reconcile: exit %d: %s", code, errOut.String())
			}
			golden.Check(t, filepath.Join("testdata", "golden", "reconcile-budget."+format+".golden"), out.Bytes())
		})
	}
	for _, args := range [][]string{{"reconcile", "--budget", "0"}, {"tick", "--dry-run", "--reconcile-budget", "0"}, {"tick", "--dry-run", "--budget", "0"}, {"tick", "--dry-run", "--budget", "-1"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			t.Setenv("GITHUB_TOKEN", "")
			want := "connectbot: " + args[0] + ": " + args[len(args)-2] + " must be at least 1\n"
			if code := Main(args, &out, &errOut, fixedNow); code != exitCantRun || errOut.String() != want {
				t.Errorf("exit %d, stderr %q, want 2 and %q", code, errOut.String(), want)
			}
		})
	}
}

// TestAnIdleReconcileFetchesNoObjects: each reconcile is a fresh process;
// when nothing is new on any pull request since the last one, it asks git
// only where the base branch points and fetches no object: cloning the
// program (10,000 applications) was most of an idle reconcile's time.
func TestAnIdleReconcileFetchesNoObjects(t *testing.T) {
	srv := seed(t)
	onFake(t, srv)
	t.Setenv("CONNECTBOT_BOT_LOGIN", forgetest.BotLogin)
	t.Setenv("CONNECTBOT_CACHE_DIR", t.TempDir())
	// The base named: the lazy clone reads no default branch.
	t.Setenv("CONNECTBOT_BASE_BRANCH", forgetest.DefaultBranch)
	acme, _ := os.ReadFile("../../applications/acme-sync.cue")
	srv.Commit("acme-edit", "Edit", map[string]string{"applications/acme-sync.cue": string(acme) + "\n// edited\n"})
	srv.OpenPR(forgetest.PRSpec{Author: "acme-dev", Title: "Edit", Head: "acme-edit"})
	reconcile := func() string {
		var out, errOut bytes.Buffer
		if code := Main([]string{"reconcile"}, &out, &errOut, fixedNow); code != exitOK {
			t.Fatalf("reconcile: exit %d: %s", code, errOut.String())
		}
		return out.String()
	}
	reconcile()
	srv.ResetCalls()
	out := reconcile()
	if !strings.Contains(out, "1 with nothing new") {
		t.Fatalf("the second reconcile judged the pull request again:\n%s", out)
	}
	var fetches []string
	for _, c := range srv.Calls() {
		if strings.Contains(c, "git-upload-pack") {
			fetches = append(fetches, c)
		}
	}
	if len(fetches) > 0 {
		t.Errorf("the idle reconcile fetched objects: %v", fetches)
	}
}
