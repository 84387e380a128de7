package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/samplegen"
)

// TestPlanAndTickDryRunPrintTheSamePlan runs plan and tick --dry-run
// (without GitHub credentials, on the checkout) on checkouts whose
// schema/ differs from the binary's — certificationInstalls 45, not 40 —
// each with what else a plan shows besides its actions: both print the
// same plan, as both call the one decision (tick.Decide). The beta short
// of the checkout's installs is TestPlanAndTickDryRunJudgeByTheCheckoutsSchema.
func TestPlanAndTickDryRunPrintTheSamePlan(t *testing.T) {
	heldLaunch := strings.Replace(string(samplegen.Application(4)), `	approvedAt: "2026-05-25"`, `	approvedAt: "2026-05-25"
	launchDate: "2026-06-01"`, 1)
	heldLaunch = strings.Replace(heldLaunch, `certification: {demoVideoUrl: "https://video.example/4", salesAssets: ["https://co4.example/one-pager.pdf"]}`, "", 1)
	for _, tc := range []struct {
		name string
		apps map[string]string
		// shows is a line the plan must print, so that the case tests
		// what it names.
		shows string
	}{
		{name: "an application whose clock inputs are invalid is skipped by both",
			apps:  map[string]string{"beta-app": betaWith44Installs, "broken": strings.Replace(betaWith44Installs, `acceptedAt: "2026-09-15"`, `acceptedAt: "15 September"`, 1)},
			shows: "Skipped — "},
		{name: "a launch that waits for its certification steps is held by both",
			apps: map[string]string{"launching": heldLaunch}, shows: "Held — launching: launch on 2026-06-01 waits for the certification steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := checkoutWithSchema(t, "45")
			for slug, src := range tc.apps {
				writeFile(t, filepath.Join(dir, "applications", slug+".cue"), src)
			}
			t.Setenv("GITHUB_TOKEN", "")
			var tickOut, planOut, errOut bytes.Buffer
			if code := Main([]string{"plan", "--now", "2026-11-25", "--repo", dir}, &planOut, &errOut, fixedNow); code != 0 {
				t.Fatalf("plan: exit %d: %s", code, errOut.String())
			}
			if code := Main([]string{"tick", "--dry-run", "--now", "2026-11-25", "--repo", dir}, &tickOut, &errOut, fixedNow); code != 0 {
				t.Fatalf("tick: exit %d: %s", code, errOut.String())
			}
			if !strings.Contains(planOut.String(), tc.shows) {
				t.Fatalf("plan does not show %q:\n%s", tc.shows, planOut.String())
			}
			if diff := cmp.Diff(planOut.String()+"Dry run: nothing was changed.\n", tickOut.String()); diff != "" {
				t.Errorf("tick --dry-run does not print what plan prints (-plan +tick):\n%s", diff)
			}
		})
	}
}

// checkoutWithSchema is a checkout of a program with the binary's schema
// in its schema/, certificationInstalls' default changed to certify.
func checkoutWithSchema(t *testing.T, certify string) string {
	t.Helper()
	dir := t.TempDir()
	mkdir(t, filepath.Join(dir, "schema"))
	mkdir(t, filepath.Join(dir, "applications"))
	files, err := samplegen.Schema(certify)
	if err != nil {
		t.Fatal(err)
	}
	for p, src := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(p)), string(src))
	}
	writeFile(t, filepath.Join(dir, "program.cue"), "minInstalls: 10\n")
	return dir
}

// TestCommandsReadTheCheckoutsSchema runs validate and new on a checkout
// whose schema/ differs from the binary's: its certificationInstalls
// default is 45, not 40, and it allows a first response within 2 hours
// at most. Both read the checkout by the loader's one rule, as plan does.
func TestCommandsReadTheCheckoutsSchema(t *testing.T) {
	dir := checkoutWithSchema(t, "45")
	p := filepath.Join(dir, "schema", "application.cue")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(src, []byte("firstResponseHours?: int & >=0 |"), []byte(`firstResponseHours?: int & >=0 & <=2 | error("firstResponseHours is at most 2 in this program") |`), 1)
	if bytes.Equal(changed, src) {
		t.Fatal("schema/application.cue no longer says firstResponseHours?: int & >=0 |: update this test")
	}
	writeFile(t, p, string(changed))
	writeFile(t, filepath.Join(dir, "applications", "beta-app.cue"), betaWith44Installs)
	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{name: "validate judges by the checkout's schema", args: []string{"validate", "--now", "2026-11-25", "--repo", dir},
			code: exitFound, says: "firstResponseHours is at most 2 in this program"},
		{name: "new quotes the numbers of the checkout's schema", args: []string{"new", "--repo", dir, "gamma-app"},
			code: exitOK, says: "needed for certification (45 installs)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := Main(tc.args, &out, &errOut, fixedNow); code != tc.code {
				t.Fatalf("exit %d, want %d: %s%s", code, tc.code, out.String(), errOut.String())
			}
			got := out.String()
			if tc.args[0] == "new" {
				b, err := os.ReadFile(filepath.Join(dir, "applications", "gamma-app.cue"))
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if !strings.Contains(got, tc.says) {
				t.Errorf("it does not say %q:\n%s", tc.says, got)
			}
		})
	}
}
