package workflows_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/connectbot/connectbot/internal/scaffold"
	"github.com/connectbot/connectbot/internal/workflows"
)

// This file runs connectbot's workflows on this machine: each job's steps
// in order, every run: script with bash exactly as written, with the env:
// the workflow sets (its expressions evaluated against a fake event), a job
// skipped when a job it needs did not succeed, and the actions the
// workflows use simulated — checkout copies the tree the test names for
// the ref, setup-go checks for go.mod (Go is already here),
// upload-artifact and download-artifact copy to and from a store shared by
// the runs, configure-pages has nothing to check, upload-pages-artifact
// stores its directory without hidden files, as the action's tar does, and
// deploy-pages requires that artifact. GitHub is the fake one of
// internal/forge/forgetest.

// runner is one machine on which workflows run, one after another.
type runner struct {
	t *testing.T
	// checkout returns the directory holding the tree at ref, for the
	// checkout action; sparse lists the sparse-checkout paths.
	checkout func(ref string) string
	// artifacts are uploaded artifacts by name.
	artifacts map[string]string
	// base is the environment every step starts from: this process's,
	// without anything of GitHub's or connectbot's.
	base []string
	// github is the runner's own variables (GITHUB_API_URL, ...).
	github map[string]string
	// dir holds the workflow files; "" is this repository's.
	dir string
	// actionInputs override inputs of the composite action connectbot's
	// action.yml, whichever inputs a workflow gives (release-url: a local
	// server in place of GitHub's releases).
	actionInputs map[string]string
}

func newRunner(t *testing.T, checkout func(ref string) string, github map[string]string) *runner {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GITHUB_") && !strings.HasPrefix(kv, "CONNECTBOT_") && !strings.HasPrefix(kv, "RUNNER_") {
			base = append(base, kv)
		}
	}
	return &runner{t: t, checkout: checkout, artifacts: map[string]string{}, base: base, github: github}
}

// jobResult is what one job did.
type jobResult struct {
	ran bool
	// failed is true when a step failed (and did not continue on error).
	failed bool
	// steps holds each step's output by step name; skipped steps are absent.
	steps map[string]string
	// order lists the names of the steps that ran.
	order []string
	// summary is what the job wrote to $GITHUB_STEP_SUMMARY.
	summary string
}

// run runs every job of the workflow in file for an event and returns
// each job's result.
func (r *runner) run(file, eventName string, event map[string]any, vars, secrets map[string]any) map[string]*jobResult {
	t := r.t
	t.Helper()
	dir := r.dir
	if dir == "" {
		dir = "../../.github/workflows"
	}
	src, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	w, err := workflows.Parse(file, src)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, on := range w.On {
		found = found || on == eventName
	}
	if !found {
		t.Fatalf("%s does not run on %s", file, eventName)
	}
	out := map[string]*jobResult{}
	for _, id := range w.JobOrder {
		if r.neededJobsSucceeded(w, w.Jobs[id], out) {
			out[id] = r.job(w, w.Jobs[id], eventName, event, vars, secrets)
		} else {
			out[id] = &jobResult{steps: map[string]string{}}
		}
	}
	return out
}

// neededJobsSucceeded reports whether every job j needs ran and
// succeeded; otherwise GitHub skips j. The jobs run in the file's order,
// so a needed job must come before.
func (r *runner) neededJobsSucceeded(w *workflows.Workflow, j *workflows.Job, done map[string]*jobResult) bool {
	var needs []string
	switch n := j.Other["needs"].(type) {
	case nil:
	case string:
		needs = []string{n}
	case []any:
		for _, e := range n {
			needs = append(needs, fmt.Sprint(e))
		}
	default:
		r.t.Fatalf("%s: job %s: unreadable needs: %v", w.File, j.ID, n)
	}
	for _, id := range needs {
		res, ok := done[id]
		if !ok {
			r.t.Fatalf("%s: job %s needs %s, which does not come before it", w.File, j.ID, id)
		}
		if !res.ran || res.failed {
			return false
		}
	}
	return true
}

func (r *runner) job(w *workflows.Workflow, j *workflows.Job, eventName string, event map[string]any, vars, secrets map[string]any) *jobResult {
	t := r.t
	t.Helper()
	home := t.TempDir()
	workspace := filepath.Join(home, "work", "connect")
	temp := filepath.Join(home, "temp")
	for _, d := range []string{workspace, temp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	eventPath := filepath.Join(home, "event.json")
	b, _ := json.Marshal(event)
	if err := os.WriteFile(eventPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(temp, "step-summary.md")
	repo := r.github["GITHUB_REPOSITORY"]
	gh := map[string]any{
		"event": event, "event_name": eventName, "repository": repo, "token": r.github["GITHUB_TOKEN"],
		"ref": "refs/heads/main", "ref_name": "main", "workspace": workspace, "run_id": "1",
		"server_url": r.github["GITHUB_SERVER_URL"], "api_url": r.github["GITHUB_API_URL"],
	}
	inputs := map[string]any{}
	if in, ok := event["inputs"].(map[string]any); ok {
		inputs = in
	}
	c := &exprContext{contexts: map[string]any{
		"github": gh, "vars": vars, "secrets": secrets, "inputs": inputs,
		"runner": map[string]any{"temp": temp, "os": "Linux", "arch": runnerArch()}, "env": map[string]any{},
	}}
	res := &jobResult{steps: map[string]string{}}
	ok, err := c.condition(j.If)
	if err != nil {
		t.Fatalf("%s: job %s: if: %v", w.File, j.ID, err)
	}
	if !ok {
		return res
	}
	res.ran = true
	env := map[string]string{}
	for _, layer := range []map[string]string{w.Env, j.Env} {
		for k, v := range layer {
			if env[k], err = c.substitute(v); err != nil {
				t.Fatalf("%s: job %s: env %s: %v", w.File, j.ID, k, err)
			}
		}
	}
	shell := ""
	if w.Defaults != nil {
		shell = w.Defaults.Run.Shell
	}
	if j.Defaults != nil && j.Defaults.Run.Shell != "" {
		shell = j.Defaults.Run.Shell
	}
	for i, s := range j.Steps {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("step %d", i+1)
		}
		ok, err := c.condition(s.If)
		if err != nil {
			t.Fatalf("%s: %s: if: %v", w.File, name, err)
		}
		if !ok {
			continue
		}
		stepEnv := map[string]string{}
		for k, v := range env {
			stepEnv[k] = v
		}
		for k, v := range s.Env {
			if stepEnv[k], err = c.substitute(v); err != nil {
				t.Fatalf("%s: %s: env %s: %v", w.File, name, k, err)
			}
		}
		with := map[string]string{}
		for k, v := range s.With {
			if with[k], err = c.substitute(v); err != nil {
				t.Fatalf("%s: %s: with %s: %v", w.File, name, k, err)
			}
		}
		var output string
		var failed bool
		switch {
		case s.Uses != "":
			if s.Action() == scaffold.Action {
				output, failed = r.composite("../../action.yml", c, with, workspace, temp)
				break
			}
			output, failed = r.action(s.Action(), with, workspace)
		default:
			if s.Shell != "" {
				shell = s.Shell
			}
			if shell != "bash" {
				t.Fatalf("%s: %s: shell %q: the workflows run bash (defaults: run: shell: bash)", w.File, name, shell)
			}
			dir := workspace
			if s.WorkingDirectory != "" {
				dir = filepath.Join(workspace, s.WorkingDirectory)
			}
			vars := map[string]string{
				"GITHUB_EVENT_NAME": eventName, "GITHUB_EVENT_PATH": eventPath, "GITHUB_WORKSPACE": workspace,
				"GITHUB_STEP_SUMMARY": summary, "RUNNER_TEMP": temp, "CI": "true", "GITHUB_ACTIONS": "true",
			}
			for k, v := range r.github {
				if k != "GITHUB_TOKEN" { // the runner does not set it: a workflow passes it through env:
					vars[k] = v
				}
			}
			output, failed = r.bash(s.Run, dir, vars, stepEnv)
		}
		res.steps[name] = output
		res.order = append(res.order, name)
		if failed && s.ContinueOnError != "true" {
			res.failed, c.failed = true, true
		}
	}
	if b, err := os.ReadFile(summary); err == nil {
		res.summary = string(b)
	}
	return res
}

// bash runs a run: script as the runner does with shell: bash.
func (r *runner) bash(script, dir string, vars, env map[string]string) (string, bool) {
	f, err := os.CreateTemp(r.t.TempDir(), "step-*.sh")
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := f.WriteString(script); err != nil {
		r.t.Fatal(err)
	}
	f.Close()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", f.Name())
	cmd.Dir = dir
	cmd.Env = append([]string{}, r.base...)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err != nil
}

// action simulates the actions the workflows use.
func (r *runner) action(action string, with map[string]string, workspace string) (string, bool) {
	t := r.t
	switch action {
	case "actions/checkout":
		if with["persist-credentials"] != "false" {
			t.Fatalf("checkout keeps its credentials")
		}
		dest := filepath.Join(workspace, with["path"])
		copyTree(t, r.checkout(with["ref"]), dest, with["sparse-checkout"])
		return "checked out " + with["ref"], false
	case "actions/setup-go":
		if _, err := os.Stat(filepath.Join(workspace, with["go-version-file"])); err != nil {
			return "go-version-file: " + err.Error(), true
		}
		return "Go from " + with["go-version-file"], false
	case "actions/upload-artifact":
		src := filepath.Join(workspace, with["path"])
		entries, err := os.ReadDir(src)
		if err != nil || len(entries) == 0 {
			return "no files found at " + with["path"], with["if-no-files-found"] == "error"
		}
		dest := filepath.Join(t.TempDir(), with["name"])
		copyTree(t, src, dest, "")
		r.artifacts[with["name"]] = dest
		return "uploaded " + with["name"], false
	case "actions/download-artifact":
		src, ok := r.artifacts[with["name"]]
		if !ok {
			return "artifact " + with["name"] + " not found", true
		}
		copyTree(t, src, with["path"], "")
		return "downloaded " + with["name"], false
	case "actions/cache":
		// The local runner keeps no cache between runs: every run misses,
		// as a repository's first run does.
		return "cache not found for key " + with["key"] + ": nothing restored", false
	case "actions/configure-pages":
		return "Pages settings read (the fake GitHub has none to check)", false
	case "actions/upload-pages-artifact":
		// The action tars the directory, leaving out hidden files (.git
		// and .github always), and uploads the tar as an artifact.
		path, name := orDefault(with["path"], "_site/"), orDefault(with["name"], "github-pages")
		src := filepath.Join(workspace, path)
		if info, err := os.Stat(src); err != nil || !info.IsDir() {
			return "tar: " + path + ": no such directory", true
		}
		dest := filepath.Join(t.TempDir(), name)
		copyTree(t, src, dest, "")
		if with["include-hidden-files"] != "true" {
			removeHidden(t, dest)
		}
		r.artifacts[name] = dest
		return "uploaded " + path + " as " + name, false
	case "actions/deploy-pages":
		name := orDefault(with["artifact_name"], "github-pages")
		if _, ok := r.artifacts[name]; !ok {
			return "no artifact " + name + " to deploy", true
		}
		return "deployed " + name, false
	}
	t.Fatalf("the local runner does not know the action %s", action)
	return "", true
}

// compositeAction is the part of a composite action.yml the runner reads.
type compositeAction struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string           `yaml:"using"`
		Steps []workflows.Step `yaml:"steps"`
	} `yaml:"runs"`
}

// composite runs a composite action as the runner does: its inputs are
// its defaults (expressions evaluated) overridden by the step's with: and
// then by r.actionInputs; each of its steps is a bash script with its
// env:, every expression of which sees only inputs, github and runner.
func (r *runner) composite(file string, job *exprContext, with map[string]string, workspace, temp string) (string, bool) {
	t := r.t
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var a compositeAction
	if err := yaml.Unmarshal(src, &a); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("%s: runs.using is %q, not composite", file, a.Runs.Using)
	}
	inputs := map[string]any{}
	for name, in := range a.Inputs {
		v, err := job.substitute(in.Default)
		if err != nil {
			t.Fatalf("%s: input %s: %v", file, name, err)
		}
		inputs[name] = v
	}
	for _, layer := range []map[string]string{with, r.actionInputs} {
		for k, v := range layer {
			if _, ok := a.Inputs[k]; !ok {
				t.Fatalf("%s has no input %q", file, k)
			}
			inputs[k] = v
		}
	}
	c := &exprContext{contexts: map[string]any{
		"inputs": inputs, "github": job.contexts["github"], "runner": job.contexts["runner"],
	}}
	var out strings.Builder
	for _, s := range a.Runs.Steps {
		if s.Shell != "bash" || s.Run == "" {
			t.Fatalf("%s: step %q: the runner runs bash scripts only", file, s.Name)
		}
		env := map[string]string{}
		for k, v := range s.Env {
			if env[k], err = c.substitute(v); err != nil {
				t.Fatalf("%s: step %q: env %s: %v", file, s.Name, k, err)
			}
		}
		vars := map[string]string{"RUNNER_TEMP": temp, "GITHUB_WORKSPACE": workspace, "GITHUB_OUTPUT": filepath.Join(t.TempDir(), "output")}
		o, failed := r.bash(s.Run, workspace, vars, env)
		out.WriteString(o)
		if failed {
			return out.String(), true
		}
	}
	return out.String(), false
}

// runnerArch is runner.arch for this machine.
func runnerArch() string {
	if runtime.GOARCH == "arm64" {
		return "ARM64"
	}
	return "X64"
}

// orDefault returns v, or def when v is empty (an action input's default).
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// removeHidden deletes every file and directory under dir whose name
// starts with a dot.
func removeHidden(t *testing.T, dir string) {
	t.Helper()
	var hidden []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			hidden = append(hidden, p)
			if d.IsDir() {
				return filepath.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range hidden {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
}

// copyTree copies the files of src into dest, keeping symbolic links as
// links (as git does); with sparse set, only the files at the top and
// under that directory.
func copyTree(t *testing.T, src, dest, sparse string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() && (d.Name() == ".git" || sparse != "" && rel != "." && rel != sparse) {
			return filepath.SkipDir
		}
		target := filepath.Join(dest, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if d.Type()&os.ModeSymlink != 0 {
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		info, _ := in.Stat()
		out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sourceTree copies the repository's files (tracked ones and new ones git
// does not ignore: what a checkout of this commit would hold) into a
// directory, once per test.
func sourceTree(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-C", "../..", "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("git ls-files: %v", err)
	}
	dir := t.TempDir()
	for _, rel := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		src := filepath.Join("../..", rel)
		info, err := os.Lstat(src)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the work tree
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
