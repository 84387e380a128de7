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
			t.Setenv("GITHUB_TOKEN", srv.Token())
			t.Setenv("CONNECTBOT_REPOSITORY", "acme-program/connect")
			t.Setenv("GITHUB_API_URL", srv.URL())
			t.Setenv("GITHUB_SERVER_URL", srv.URL())
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
