package workflows_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/connectbot/connectbot/internal/workflows"
)

// TestThePagesWorkflowRebuildsWhenTheSiteChanges pins what pages.yml is
// built from and when: a push to main that changes the site's inputs, a
// daily run after the tick has finished (the site depends on the date),
// and a run by hand; deployments queue rather than cancel each other, and
// the deploy job deploys only what the build job uploaded.
func TestThePagesWorkflowRebuildsWhenTheSiteChanges(t *testing.T) {
	all := repoWorkflows(t)
	pages, tick := all["pages.yml"], all["tick.yml"]
	if pages == nil || tick == nil {
		t.Fatal("pages.yml or tick.yml is missing")
	}

	if diff := cmp.Diff([]string{"push", "schedule", "workflow_dispatch"}, pages.On); diff != "" {
		t.Errorf("triggers (-want +got):\n%s", diff)
	}
	var push struct {
		Branches []string `yaml:"branches"`
		Paths    []string `yaml:"paths"`
	}
	on := pages.OnConfig["push"]
	if err := on.Decode(&push); err != nil {
		t.Fatal(err)
	}
	wantPaths := []string{"applications/**", "program.cue", "schema/**", "cmd/**", "internal/**", "go.mod", "go.sum", ".github/workflows/pages.yml"}
	if diff := cmp.Diff([]string{"main"}, push.Branches); diff != "" {
		t.Errorf("push branches (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantPaths, push.Paths); diff != "" {
		t.Errorf("push paths (-want +got):\n%s", diff)
	}

	// The daily build starts once the tick has had all its time, and not
	// much later: a partner launching today is on the site this morning.
	tickAt, pagesAt := dailyAt(t, tick), dailyAt(t, pages)
	tickTimeout, ok := tick.Jobs["tick"].Other["timeout-minutes"].(int)
	if !ok {
		t.Fatal("tick.yml's job has no timeout-minutes")
	}
	if pagesAt < tickAt+tickTimeout || pagesAt > tickAt+tickTimeout+60 {
		t.Errorf("pages.yml runs at minute %d of the day; want within the hour after the tick (minute %d) and its %d-minute timeout", pagesAt, tickAt, tickTimeout)
	}

	var conc struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	}
	if pages.Concurrency == nil {
		t.Fatal("pages.yml has no concurrency group: two deployments could race")
	}
	if err := pages.Concurrency.Decode(&conc); err != nil {
		t.Fatal(err)
	}
	if conc.Group != "pages" || conc.CancelInProgress {
		t.Errorf("concurrency %+v: want the group pages, never cancelling a deployment in progress", conc)
	}

	if diff := cmp.Diff([]string{"build", "deploy"}, pages.JobOrder); diff != "" {
		t.Fatalf("jobs (-want +got):\n%s", diff)
	}
	build, deploy := pages.Jobs["build"], pages.Jobs["deploy"]
	var actions []string
	for _, s := range build.Steps {
		actions = append(actions, s.Action()+s.Run)
	}
	want := []string{"actions/checkout", "actions/setup-go", "actions/configure-pages", "go run ./cmd/connectbot site --out site", "actions/upload-pages-artifact"}
	if diff := cmp.Diff(want, actions); diff != "" {
		t.Errorf("the build job's steps (-want +got):\n%s", diff)
	}
	if p := build.Steps[len(build.Steps)-1].With["path"]; p != "site" {
		t.Errorf("the build job uploads %q, not the site it built", p)
	}

	if needs := fmt.Sprint(deploy.Other["needs"]); needs != "build" {
		t.Errorf("the deploy job needs %s, want build", needs)
	}
	var env struct {
		Name string `yaml:"name"`
		URL  string `yaml:"url"`
	}
	if err := remarshal(deploy.Other["environment"], &env); err != nil {
		t.Fatal(err)
	}
	if len(deploy.Steps) != 1 || deploy.Steps[0].Action() != "actions/deploy-pages" {
		t.Fatalf("the deploy job's steps: %+v", deploy.Steps)
	}
	wantURL := "${{ steps." + deploy.Steps[0].ID + ".outputs.page_url }}"
	if env.Name != "github-pages" || env.URL != wantURL {
		t.Errorf("the deploy job's environment %+v: want github-pages at %s", env, wantURL)
	}
}

// dailyAt returns the minute of the day of a workflow's one daily schedule.
func dailyAt(t *testing.T, w *workflows.Workflow) int {
	t.Helper()
	var crons []struct {
		Cron string `yaml:"cron"`
	}
	on := w.OnConfig["schedule"]
	if err := on.Decode(&crons); err != nil || len(crons) != 1 {
		t.Fatalf("%s: schedule %v: want one daily cron (%v)", w.File, crons, err)
	}
	f := strings.Fields(crons[0].Cron)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" || f[4] != "*" {
		t.Fatalf("%s: %q is not once a day", w.File, crons[0].Cron)
	}
	m, err1 := strconv.Atoi(f[0])
	h, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("%s: %q is not at one time of day", w.File, crons[0].Cron)
	}
	return h*60 + m
}

// remarshal decodes a value the parser kept as plain data (a job's
// environment:) into a struct.
func remarshal(v any, out any) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	return yaml.Unmarshal(b, out)
}
