package workflows_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/workflows"
)

// repoWorkflows parses every workflow of the repository.
func repoWorkflows(t *testing.T) map[string]*workflows.Workflow {
	t.Helper()
	return workflowsIn(t, "../../.github/workflows")
}

// workflowsIn parses every workflow in dir, by file name.
func workflowsIn(t *testing.T, dir string) map[string]*workflows.Workflow {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no workflows found")
	}
	out := map[string]*workflows.Workflow{}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		w, err := workflows.Parse(filepath.Base(p), src)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = w
	}
	return out
}

func TestTheRepositoryWorkflowsAreSafe(t *testing.T) {
	all := repoWorkflows(t)
	for _, name := range []string{"validate.yml", "report.yml", "review.yml", "tick.yml", "ci.yml", "application.yml", "pages.yml", "rejudge.yml", "queue.yml", "release.yml"} {
		if all[name] == nil {
			t.Errorf("%s is missing", name)
		}
	}
	for name, w := range all {
		for _, v := range workflows.Check(w) {
			t.Errorf("%s: %s", name, v)
		}
	}
}

// TestTheWorkflowsHoldWhatTheREADMESays pins each job's permissions, so a
// change to them is a reviewed change to this table and the README.
func TestTheWorkflowsHoldWhatTheREADMESays(t *testing.T) {
	want := map[string]map[string]string{
		"validate.yml: validate":       {"contents": "read"},
		"report.yml: report":           {"actions": "read", "checks": "write", "issues": "write", "pull-requests": "write", "contents": "write"},
		"review.yml: review":           {},
		"review.yml: comment":          {"checks": "write", "issues": "write", "pull-requests": "write", "contents": "write"},
		"application.yml: application": {"contents": "write", "pull-requests": "write", "issues": "write", "checks": "write"},
		"tick.yml: tick":               {"contents": "write", "pull-requests": "write", "issues": "write", "checks": "write"},
		"rejudge.yml: rejudge":         {"checks": "write", "issues": "write", "pull-requests": "write", "contents": "write"},
		"queue.yml: queue":             {"checks": "write", "contents": "read", "pull-requests": "read"},
		"ci.yml: ci":                   {"contents": "read"},
		"pages.yml: build":             {"contents": "read"},
		"pages.yml: deploy":            {"pages": "write", "id-token": "write"},
		"release.yml: release":         {"contents": "write", "packages": "write"},
		"release.yml: attest":          {"id-token": "write", "attestations": "write"},
	}
	got := map[string]map[string]string{}
	for name, w := range repoWorkflows(t) {
		if w.Permissions == nil || w.Permissions.All != "" || len(w.Permissions.Scopes) != 0 {
			t.Errorf("%s: top-level permissions %+v, want {}", name, w.Permissions)
		}
		for _, id := range w.JobOrder {
			got[name+": "+id] = w.Jobs[id].Permissions.Scopes
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("job permissions (-want +got):\n%s", diff)
	}
	tick := repoWorkflows(t)["tick.yml"]
	if tick.Concurrency == nil || !strings.Contains(tick.Concurrency.Content[1].Value, "tick") {
		t.Error("tick.yml has no concurrency group: two ticks could overlap")
	}
}

// safe is a workflow that passes every check; each bad snippet below
// breaks it in one way.
const safe = `
name: safe
on:
  pull_request:
permissions: {}
jobs:
  check:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          persist-credentials: false
      - uses: actions/setup-go@40f1582b2485089dde7abd97c1529aa768e1baff # v5.6.0
        with:
          go-version-file: go.mod
      - uses: ./.github/actions/local
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: echo "$TITLE" in ${{ runner.temp }}
`

func TestCheckCatchesEachUnsafeSnippet(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // in safe
		want    []string  // the rules broken, sorted
	}{
		{"the safe workflow", [2]string{}, nil},
		{"a pull_request_target trigger", [2]string{"  pull_request:\n", "  pull_request_target:\n"},
			[]string{workflows.RulePullRequestTarget}},
		{"an action pinned by tag", [2]string{"actions/setup-go@40f1582b2485089dde7abd97c1529aa768e1baff # v5.6.0", "actions/setup-go@v5"},
			[]string{workflows.RulePinned}},
		{"an action pinned by branch", [2]string{"actions/setup-go@40f1582b2485089dde7abd97c1529aa768e1baff # v5.6.0", "actions/setup-go@main # v5.6.0"},
			[]string{workflows.RulePinned}},
		{"an action pinned by a short SHA", [2]string{"actions/setup-go@40f1582b2485089dde7abd97c1529aa768e1baff # v5.6.0", "actions/setup-go@40f1582 # v5.6.0"},
			[]string{workflows.RulePinned}},
		{"a pinned action without its version", [2]string{"40f1582b2485089dde7abd97c1529aa768e1baff # v5.6.0", "40f1582b2485089dde7abd97c1529aa768e1baff"},
			[]string{workflows.RulePinned}},
		{"a docker action by tag", [2]string{"uses: ./.github/actions/local", "uses: docker://alpine:3"},
			[]string{workflows.RulePinned}},
		{"no top-level permissions", [2]string{"permissions: {}\n", ""},
			[]string{workflows.RulePermissions}},
		{"write permissions at the top", [2]string{"permissions: {}\n", "permissions: write-all\n"},
			[]string{workflows.RuleTopLevelWrite}},
		{"a job without permissions", [2]string{"    permissions:\n      contents: read\n", ""},
			[]string{workflows.RulePermissions}},
		{"a write token next to the pull request's merge commit", [2]string{"contents: read", "contents: write"},
			[]string{workflows.RuleWriteWithPRCode}},
		{"a write token next to the pull request's head", [2]string{"contents: read\n", "contents: read\n      pull-requests: write\n"},
			[]string{workflows.RuleWriteWithPRCode}},
		{"the same read-only job on workflow_run", [2]string{
			"on:\n  pull_request:\n", "on:\n  workflow_run:\n    workflows: [validate]\n"},
			nil},
		{"the event's title in a script", [2]string{`run: echo "$TITLE"`, `run: echo "${{ github.event.pull_request.title }}"`},
			[]string{workflows.RuleUntrustedInRun}},
		{"the head branch in a script", [2]string{`run: echo "$TITLE"`, `run: git log ${{ github.head_ref }}`},
			[]string{workflows.RuleUntrustedInRun}},
		{"a comment body in a script", [2]string{`run: echo "$TITLE"`, `run: echo '${{github.event.comment.body}}'`},
			[]string{workflows.RuleUntrustedInRun}},
		{"a review body in a script", [2]string{`run: echo "$TITLE"`, `run: echo '${{ github.event.review.body }}'`},
			[]string{workflows.RuleUntrustedInRun}},
		{"an issue title in a script", [2]string{`run: echo "$TITLE"`, `run: echo '${{ github.event.issue.title }}'`},
			[]string{workflows.RuleUntrustedInRun}},
		{"an input in a script", [2]string{`run: echo "$TITLE"`, `run: connectbot tick --now ${{ inputs.now }}`},
			[]string{workflows.RuleUntrustedInRun}},
		{"the head branch written as an index", [2]string{`run: echo "$TITLE"`, `run: git log ${{ github [ 'head_ref' ] }}`},
			[]string{workflows.RuleUntrustedInRun}},
		{"the whole context as JSON", [2]string{`run: echo "$TITLE"`, `run: echo '${{ toJSON(github) }}'`},
			[]string{workflows.RuleUntrustedInRun}},
		{"an expression over two lines", [2]string{`run: echo "$TITLE"`, "run: |\n          echo ${{\n            github.event.pull_request.body }}"},
			[]string{workflows.RuleUntrustedInRun}},
		{"a checkout keeping its credentials", [2]string{"        with:\n          persist-credentials: false\n", ""},
			[]string{workflows.RuleCredentials}},
		{"setup-go with a fixed version", [2]string{"go-version-file: go.mod", "go-version: '1.26'"},
			[]string{workflows.RuleGoVersion}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkSnippet(t, safe, tt.replace, tt.want) })
	}
}

// safeDeploy builds a site in one job and deploys it in another, the
// way pages.yml does; each snippet below gives the deploy permissions
// where they do not belong.
const safeDeploy = `
name: safe-deploy
on:
  push:
    branches: [main]
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          persist-credentials: false
      - run: go run ./cmd/connectbot site --out site
      - uses: actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9 # v5.0.0
        with:
          path: site
  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    steps:
      - id: deployment
        uses: actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v5.0.0
`

func TestCheckKeepsTheDeployPermissionsToDeploying(t *testing.T) {
	const deployStep = "      - id: deployment\n"
	tests := []struct {
		name    string
		replace [2]string // in safeDeploy
		want    []string  // the rules broken, sorted
	}{
		{"the safe build and deploy", [2]string{}, nil},
		{"a checkout in the deploy job", [2]string{deployStep, "      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1\n        with:\n          persist-credentials: false\n" + deployStep},
			[]string{workflows.RuleDeployRunsNoCode}},
		{"a script in the deploy job", [2]string{deployStep, "      - run: ls -R site\n" + deployStep},
			[]string{workflows.RuleDeployRunsNoCode}},
		{"another action in the deploy job, which could mint an OIDC token", [2]string{deployStep, "      - uses: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0\n" + deployStep},
			[]string{workflows.RuleDeployRunsNoCode}},
		{"the deploy job building the site itself", [2]string{deployStep, "      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1\n        with:\n          persist-credentials: false\n" +
			"      - run: go run ./cmd/connectbot site --out site\n" +
			"      - uses: actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9 # v5.0.0\n        with:\n          path: site\n" + deployStep},
			[]string{workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode}},
		{"id-token: write in the build job", [2]string{"      contents: read\n", "      contents: read\n      id-token: write\n"},
			[]string{workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployScopes}},
		{"pages: write in the build job", [2]string{"      contents: read\n", "      contents: read\n      pages: write\n"},
			[]string{workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployScopes}},
		{"write-all in the build job, which includes id-token", [2]string{"    permissions:\n      contents: read\n", "    permissions: write-all\n"},
			[]string{workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployScopes}},
		{"id-token: write handed to a reusable workflow", [2]string{"    steps:\n      - id: deployment\n        uses: actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v5.0.0\n",
			"    uses: acme-program/shared/.github/workflows/deploy.yml@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128 # v1.0.0\n"},
			[]string{workflows.RuleDeployScopes}},
		{"id-token: write granted to every job", [2]string{"permissions: {}\n", "permissions:\n  id-token: write\n"},
			[]string{workflows.RuleTopLevelWrite}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkSnippet(t, safeDeploy, tt.replace, tt.want) })
	}
}

// safeAttest builds in one job and attests in another, the way release.yml
// does; each snippet below lets the attest job do more than attest.
const safeAttest = `
name: safe-attest
on:
  push:
    tags: ["v*"]
permissions: {}
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          persist-credentials: false
      - run: goreleaser release --clean
      - uses: actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2
        with:
          name: release-checksums
          path: dist/checksums.txt
  attest:
    needs: release
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      attestations: write
    steps:
      - uses: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0
        with:
          name: release-checksums
      - uses: actions/attest-build-provenance@a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32 # v4.1.0
        with:
          subject-checksums: checksums.txt
`

func TestCheckKeepsTheAttestPermissionsToAttesting(t *testing.T) {
	const attestStep = "      - uses: actions/attest-build-provenance"
	tests := []struct {
		name    string
		replace [2]string // in safeAttest
		want    []string  // the rules broken, sorted
	}{
		{"the safe release and attest", [2]string{}, nil},
		{"a script in the attest job", [2]string{attestStep, "      - run: sha256sum -c checksums.txt\n" + attestStep},
			[]string{workflows.RuleDeployRunsNoCode}},
		{"a checkout in the attest job", [2]string{attestStep, "      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1\n        with:\n          persist-credentials: false\n" + attestStep},
			[]string{workflows.RuleDeployRunsNoCode}},
		{"attestations: write in the job that builds", [2]string{"      contents: write\n", "      contents: write\n      attestations: write\n"},
			[]string{workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployRunsNoCode, workflows.RuleDeployScopes}},
		{"id-token: write with only a download", [2]string{attestStep + "@a2bbfa25375fe432b6a289bc6b6cd05ecd0c4c32 # v4.1.0\n        with:\n          subject-checksums: checksums.txt\n", ""},
			[]string{workflows.RuleDeployRunsNoCode, workflows.RuleDeployScopes}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkSnippet(t, safeAttest, tt.replace, tt.want) })
	}
}

func TestCheckCatchesPullRequestCodeUnderAWriteToken(t *testing.T) {
	// Each job holds a write token and gets the pull request's code in
	// another way.
	for name, steps := range map[string]string{
		"checkout of the head SHA": `
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          ref: ${{ github.event.pull_request.head.sha }}
          persist-credentials: false`,
		"checkout of a workflow run's head": `
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          ref: ${{ github.event.workflow_run.head_sha }}
          persist-credentials: false`,
		"checkout of the fork's repository": `
      - uses: actions/checkout@34e114876b0b11c390a56381ad16ebd13914f8d5 # v4.3.1
        with:
          repository: ${{ github.event.pull_request.head.repo.full_name }}
          ref: main
          persist-credentials: false`,
		"gh pr checkout in a script": `
      - env:
          PR: ${{ github.event.issue.number }}
        run: gh pr checkout "$PR"`,
		"a fetch of the pull request's ref": `
      - run: git fetch origin "refs/pull/7/head"`,
	} {
		t.Run(name, func(t *testing.T) {
			src := "on:\n  workflow_run:\n    workflows: [validate]\npermissions: {}\njobs:\n  act:\n    runs-on: ubuntu-latest\n    permissions:\n      pull-requests: write\n    steps:" + steps + "\n"
			w, err := workflows.Parse("snippet.yml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range workflows.Check(w) {
				got = append(got, v.Rule)
			}
			if diff := cmp.Diff([]string{workflows.RuleWriteWithPRCode}, got); diff != "" {
				t.Errorf("rules broken (-want +got):\n%s\n%s", diff, src)
			}
		})
	}
}

// checkSnippet makes one replacement in a safe workflow and checks that
// exactly the rules in want (sorted) are broken.
func checkSnippet(t *testing.T, safe string, replace [2]string, want []string) {
	t.Helper()
	src := safe
	if replace[0] != "" {
		if !strings.Contains(src, replace[0]) {
			t.Fatalf("the snippet does not contain %q", replace[0])
		}
		src = strings.Replace(src, replace[0], replace[1], 1)
	}
	w, err := workflows.Parse("snippet.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range workflows.Check(w) {
		got = append(got, v.Rule)
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules broken (-want +got):\n%s\n%s", diff, src)
	}
}

// TestTheREADMEPinsEveryActionTheWorkflowsUse holds docs/github.md's table
// of pinned actions ("| `actions/checkout` | v4.3.1 | `34e1…` |") to the
// workflows, this repository's and those `connectbot init` writes: each
// action they use is a row, at the commit and version they pin, and each
// row is used.
func TestTheREADMEPinsEveryActionTheWorkflowsUse(t *testing.T) {
	doc, err := os.ReadFile("../../docs/github.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+/[a-z0-9-]+)` \\| (v[0-9.]+)[^|]*\\| `([0-9a-f]{40})` \\|")
	table := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		table[m[1]] = m[3] + " # " + m[2]
	}
	used := map[string]string{}
	for _, all := range []map[string]*workflows.Workflow{repoWorkflows(t), workflowsIn(t, filepath.Join(scaffoldTree(t), ".github", "workflows"))} {
		for _, w := range all {
			for _, j := range w.Jobs {
				for _, s := range j.Steps {
					action, commit, ok := strings.Cut(s.Uses, "@")
					if !ok || !strings.HasPrefix(action, "actions/") {
						continue
					}
					used[action] = commit + " # " + w.UsesComment(s.Uses)
				}
			}
		}
	}
	if diff := cmp.Diff(used, table); diff != "" {
		t.Errorf("docs/github.md's pinned actions against the workflows' (-workflows +docs):\n%s", diff)
	}
}
