// Package workflows reads connectbot's GitHub Actions workflows
// (.github/workflows/*.yml) and checks the properties the program's safety
// rests on, on the YAML itself:
//
//   - no pull_request_target trigger (it runs with a write token on a
//     stranger's pull request);
//   - no job that holds any write permission checks out a pull request's
//     code;
//   - every action pinned by a full commit SHA, its version in a comment;
//   - permissions explicit, at the top (granting no write) and on every job;
//   - no untrusted value — the event payload (titles, bodies, comments,
//     reviews), a branch name, inputs, step and job outputs, env and
//     secrets — expanded by ${{ }} inside a run: script, where it would be
//     shell code; such values pass through env: instead;
//   - every checkout drops its credentials, and Go comes from go.mod;
//   - pages: write, id-token: write and attestations: write (a deployment
//     of the website, tokens a cloud would trust, signed statements of
//     where an artifact came from) only in a job that publishes with
//     actions/deploy-pages or actions/attest-build-provenance, and such a
//     job neither checks out code nor runs a script nor uses any action
//     but those and actions/download-artifact: it publishes what an
//     earlier job built.
//
// actionlint checks the workflows' syntax and types; this package checks
// the policy.
package workflows

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Workflow is a workflow file, as far as the checks need it.
type Workflow struct {
	// File is the file's name, for messages.
	File string
	Name string
	// On lists the events that trigger the workflow.
	On []string
	// OnConfig is each trigger's configuration (inputs, paths, types).
	OnConfig map[string]yaml.Node
	// Permissions is nil when the workflow sets none.
	Permissions *Permissions
	Env         map[string]string
	Defaults    *Defaults
	Concurrency *yaml.Node
	// Jobs by id; JobOrder is their order in the file.
	Jobs     map[string]*Job
	JobOrder []string
	// comments maps each uses: value to the comment on its line.
	comments map[string]string
}

// Permissions is a permissions: block.
type Permissions struct {
	// All is "read-all" or "write-all" when the block is one of those.
	All string
	// Scopes maps a scope (contents, pull-requests, ...) to read, write
	// or none.
	Scopes map[string]string
}

// Writes lists the scopes the block grants write access to, sorted.
func (p *Permissions) Writes() []string {
	if p == nil {
		return nil
	}
	if p.All == "write-all" {
		return []string{"write-all"}
	}
	var out []string
	for s, v := range p.Scopes {
		if v == "write" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// UnmarshalYAML reads "read-all", "write-all", {} or a map of scopes.
func (p *Permissions) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		p.All = n.Value
		return nil
	case yaml.MappingNode:
		p.Scopes = map[string]string{}
		return n.Decode(&p.Scopes)
	}
	return fmt.Errorf("line %d: permissions must be read-all, write-all or a map", n.Line)
}

// Job is one job.
type Job struct {
	ID          string
	Name        string            `yaml:"name"`
	If          string            `yaml:"if"`
	Permissions *Permissions      `yaml:"permissions"`
	Env         map[string]string `yaml:"env"`
	// Uses is a reusable workflow the job calls.
	Uses        string            `yaml:"uses"`
	With        map[string]string `yaml:"with"`
	Steps       []Step            `yaml:"steps"`
	Concurrency *yaml.Node        `yaml:"concurrency"`
	Defaults    *Defaults         `yaml:"defaults"`
	// Other holds the keys the checks do not read (runs-on, needs, ...).
	Other map[string]any `yaml:",inline"`
}

// Defaults is a defaults: block.
type Defaults struct {
	Run struct {
		Shell            string `yaml:"shell"`
		WorkingDirectory string `yaml:"working-directory"`
	} `yaml:"run"`
}

// Step is one step of a job.
type Step struct {
	ID               string            `yaml:"id"`
	Name             string            `yaml:"name"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	WorkingDirectory string            `yaml:"working-directory"`
	With             map[string]string `yaml:"with"`
	Env              map[string]string `yaml:"env"`
	ContinueOnError  string            `yaml:"continue-on-error"`
	TimeoutMinutes   string            `yaml:"timeout-minutes"`
}

// Action returns the action a step uses without its ref ("actions/checkout").
func (s Step) Action() string {
	a, _, _ := strings.Cut(s.Uses, "@")
	return a
}

// Parse reads a workflow file.
func Parse(file string, src []byte) (*Workflow, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a workflow", file)
	}
	root := doc.Content[0]
	w := &Workflow{File: file, Jobs: map[string]*Job{}, OnConfig: map[string]yaml.Node{}, comments: map[string]string{}}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i].Value, root.Content[i+1]
		var err error
		switch key {
		case "name":
			w.Name = val.Value
		case "on":
			err = w.readOn(val)
		case "permissions":
			w.Permissions = &Permissions{}
			err = val.Decode(w.Permissions)
		case "env":
			err = val.Decode(&w.Env)
		case "concurrency":
			w.Concurrency = val
		case "defaults":
			w.Defaults = &Defaults{}
			err = val.Decode(w.Defaults)
		case "jobs":
			err = w.readJobs(val)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, key, err)
		}
	}
	collectUsesComments(root, w.comments)
	return w, nil
}

// UsesComment returns the comment on the line of a uses: value, without
// its "#" (the version a pin names, like "v4.3.1").
func (w *Workflow) UsesComment(uses string) string { return w.comments[uses] }

func (w *Workflow) readOn(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		w.On = []string{n.Value}
	case yaml.SequenceNode:
		for _, e := range n.Content {
			w.On = append(w.On, e.Value)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			w.On = append(w.On, n.Content[i].Value)
			w.OnConfig[n.Content[i].Value] = *n.Content[i+1]
		}
	default:
		return fmt.Errorf("line %d: unreadable triggers", n.Line)
	}
	return nil
}

func (w *Workflow) readJobs(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: jobs must be a map", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		id := n.Content[i].Value
		j := &Job{ID: id}
		if err := n.Content[i+1].Decode(j); err != nil {
			return fmt.Errorf("job %s: %w", id, err)
		}
		w.Jobs[id] = j
		w.JobOrder = append(w.JobOrder, id)
	}
	return nil
}

// collectUsesComments records the comment on the line of every uses:.
func collectUsesComments(n *yaml.Node, out map[string]string) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "uses" && v.Kind == yaml.ScalarNode {
				out[v.Value] = strings.TrimSpace(strings.TrimPrefix(v.LineComment, "#"))
			}
		}
	}
	for _, c := range n.Content {
		collectUsesComments(c, out)
	}
}

// Violation is one broken safety property.
type Violation struct {
	Rule string
	// Where is "file", "file: job" or "file: job: step".
	Where   string
	Message string
}

func (v Violation) String() string { return fmt.Sprintf("%s: %s [%s]", v.Where, v.Message, v.Rule) }

// The rules Check applies.
const (
	RulePullRequestTarget = "no-pull-request-target"
	RulePermissions       = "explicit-permissions"
	RuleTopLevelWrite     = "no-top-level-write"
	RulePinned            = "pinned-by-sha"
	RuleWriteWithPRCode   = "no-write-with-pr-checkout"
	RuleUntrustedInRun    = "no-untrusted-expression-in-run"
	RuleCredentials       = "checkout-without-credentials"
	RuleGoVersion         = "setup-go-from-go-mod"
	RuleDeployScopes      = "pages-and-id-token-only-to-deploy"
	RuleDeployRunsNoCode  = "deploy-job-runs-no-code"
)

var (
	shaRef = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@]+)?@[0-9a-f]{40}$`)
	// expression finds ${{ ... }}, over lines too.
	expression = regexp.MustCompile(`(?s)\$\{\{(.*?)\}\}`)
	// untrusted are the contexts whose values a stranger can choose, or
	// that carry such values along, in an expression written with dots
	// (see dotted).
	untrusted = regexp.MustCompile(`github\.event\b|github\.head_ref|\binputs\.|\bsteps\.|\bneeds\.|\benv\.|\bsecrets\.|\(github\)`)
	// index is a property written as an index: github['event'].
	index = regexp.MustCompile(`\[\s*'([^']*)'\s*\]`)
	// prRef is a checkout ref that names a pull request's code.
	prRef = regexp.MustCompile(`github\.event\.pull_request\.head|github\.head_ref|github\.event\.workflow_run\.head_|refs/pull/|github\.event\.pull_request\.merge_commit_sha|github\.event\.issue\.pull_request`)
	// prFetch is a script that fetches or checks out a pull request.
	prFetch = regexp.MustCompile(`gh pr checkout|refs/pull/|pull/[^/\s]+/(head|merge)`)
)

// deployScopes are the permissions only a publishing job may hold.
var deployScopes = []string{"attestations", "id-token", "pages"}

// publishers are the actions a job holding deployScopes publishes with,
// each with the other actions a job publishing with it may use: an attest
// job fetches the checksums it attests; a Pages job needs nothing, since
// deploy-pages fetches its artifact itself.
var publishers = map[string][]string{
	"actions/deploy-pages":            nil,
	"actions/attest-build-provenance": {"actions/download-artifact"},
}

// publishing returns the actions a job that holds deployScopes may use:
// the publishers among its steps and their companions; nil when it uses
// no publisher.
func publishing(j *Job) []string {
	var allowed []string
	for _, s := range j.Steps {
		if companions, ok := publishers[s.Action()]; ok {
			allowed = append(allowed, s.Action())
			allowed = append(allowed, companions...)
		}
	}
	return allowed
}

// prEvents are the triggers whose default checkout is the pull request's
// code (its merge commit).
var prEvents = []string{"pull_request", "pull_request_review", "pull_request_review_comment"}

// Check returns every violation of the safety properties in w.
func Check(w *Workflow) []Violation {
	c := &checker{w: w}
	c.workflow()
	for _, id := range w.JobOrder {
		c.job(id, w.Jobs[id])
	}
	return c.out
}

// checker collects the violations of one workflow.
type checker struct {
	w   *Workflow
	out []Violation
}

func (c *checker) add(rule, where, format string, args ...any) {
	c.out = append(c.out, Violation{Rule: rule, Where: where, Message: fmt.Sprintf(format, args...)})
}

// workflow checks what the workflow as a whole says: its triggers and
// its top-level permissions.
func (c *checker) workflow() {
	w := c.w
	for _, on := range w.On {
		if on == "pull_request_target" {
			c.add(RulePullRequestTarget, w.File, "pull_request_target runs with a write token and secrets on a stranger's pull request; use pull_request and a workflow_run report")
		}
	}
	if w.Permissions == nil {
		c.add(RulePermissions, w.File, "the workflow sets no permissions: write `permissions: {}` (or read-all) at the top")
	} else if writes := w.Permissions.Writes(); len(writes) > 0 {
		c.add(RuleTopLevelWrite, w.File, "the workflow grants %s to every job; grant writes per job", strings.Join(writes, ", "))
	}
}

// byPR reports whether a pull request's event starts the workflow, so
// that a checkout with no ref checks out its code.
func (c *checker) byPR() bool {
	return slices.ContainsFunc(c.w.On, func(on string) bool { return slices.Contains(prEvents, on) })
}

// jobScope is what a job's steps are checked against: the permissions
// it holds, and those of them that deploy.
type jobScope struct {
	j           *Job
	writes      []string
	deployPerms string
}

// job checks job id and each of its steps.
func (c *checker) job(id string, j *Job) {
	where := c.w.File + ": " + id
	if j.Permissions == nil {
		c.add(RulePermissions, where, "the job sets no permissions: list exactly what it needs")
	}
	perms := j.Permissions
	if perms == nil {
		perms = c.w.Permissions
	}
	scope := jobScope{j: j, writes: perms.Writes(), deployPerms: strings.Join(writesAny(perms, deployScopes), ", ")}
	if scope.deployPerms != "" && len(publishing(j)) == 0 {
		c.add(RuleDeployScopes, where, "the job holds %s but publishes nothing with actions/deploy-pages or actions/attest-build-provenance; only such a job may", scope.deployPerms)
	}
	if j.Uses != "" {
		checkPinned(c.w, j.Uses, where, c.add)
	}
	for i, s := range j.Steps {
		sw := fmt.Sprintf("%s: step %d", where, i+1)
		if s.Name != "" {
			sw = fmt.Sprintf("%s: %q", where, s.Name)
		}
		c.step(scope, sw, s)
	}
}

// step checks one step, at sw, of the job scope is about.
func (c *checker) step(scope jobScope, sw string, s Step) {
	if s.Uses != "" {
		checkPinned(c.w, s.Uses, sw, c.add)
	}
	if deployPerms := scope.deployPerms; deployPerms != "" {
		switch {
		case s.Action() == "actions/checkout":
			c.add(RuleDeployRunsNoCode, sw, "the job holds %s and checks out code; build in another job and deploy its artifact", deployPerms)
		case s.Run != "":
			c.add(RuleDeployRunsNoCode, sw, "the job holds %s and runs a script; build in another job and deploy its artifact", deployPerms)
		case s.Uses != "" && !slices.Contains(publishing(scope.j), s.Action()):
			c.add(RuleDeployRunsNoCode, sw, "the job holds %s and every step can use it; %s has no business there, only the action it publishes with", deployPerms, s.Action())
		}
	}
	c.expressions(sw, s)
	writes := scope.writes
	if s.Action() == "actions/checkout" {
		if s.With["persist-credentials"] != "false" {
			c.add(RuleCredentials, sw, "checkout leaves the token in .git/config for every later step; set persist-credentials: false")
		}
		prCode := prRef.MatchString(s.With["ref"]) || prRef.MatchString(s.With["repository"]) || (c.byPR() && s.With["ref"] == "")
		if prCode && len(writes) > 0 {
			c.add(RuleWriteWithPRCode, sw, "the job holds %s and checks out the pull request's code", strings.Join(writes, ", "))
		}
	}
	if prFetch.MatchString(s.Run) && len(writes) > 0 {
		c.add(RuleWriteWithPRCode, sw, "the job holds %s and fetches the pull request's code", strings.Join(writes, ", "))
	}
	if s.Action() == "actions/setup-go" && !strings.HasSuffix(s.With["go-version-file"], "go.mod") {
		c.add(RuleGoVersion, sw, "setup-go must read the version from go.mod (go-version-file)")
	}
}

// expressions checks that no untrusted expression is expanded into a
// step's script.
func (c *checker) expressions(sw string, s Step) {
	for _, e := range expression.FindAllStringSubmatch(s.Run, -1) {
		if untrusted.MatchString(dotted(e[1])) {
			c.add(RuleUntrustedInRun, sw, "${{%s}} is expanded into the script before it runs; pass it through env: and use the variable", e[1])
		}
	}
	if s.Action() == "actions/github-script" {
		for _, e := range expression.FindAllStringSubmatch(s.With["script"], -1) {
			if untrusted.MatchString(dotted(e[1])) {
				c.add(RuleUntrustedInRun, sw, "${{%s}} is expanded into the script before it runs; pass it through env:", e[1])
			}
		}
	}
}

// writesAny lists which of scopes p grants write access to, as
// "scope: write" — or "write-all" when p grants everything.
func writesAny(p *Permissions, scopes []string) []string {
	if p == nil {
		return nil
	}
	if p.All == "write-all" {
		return []string{p.All}
	}
	var out []string
	for _, s := range scopes {
		if p.Scopes[s] == "write" {
			out = append(out, s+": write")
		}
	}
	return out
}

// dotted writes an expression with its properties as dots and without
// spaces: github [ 'head_ref' ] becomes github.head_ref.
func dotted(expr string) string {
	expr = index.ReplaceAllString(expr, ".$1")
	return strings.Join(strings.Fields(expr), "")
}

func checkPinned(w *Workflow, uses, where string, add func(rule, where, format string, args ...any)) {
	if strings.HasPrefix(uses, "./") {
		return // an action in this repository, at the same commit
	}
	if strings.HasPrefix(uses, "docker://") {
		if !strings.Contains(uses, "@sha256:") {
			add(RulePinned, where, "%s is not pinned by digest", uses)
		}
		return
	}
	if !shaRef.MatchString(uses) {
		add(RulePinned, where, "%s is not pinned by a full commit SHA", uses)
		return
	}
	if c := w.comments[uses]; !strings.HasPrefix(c, "v") {
		add(RulePinned, where, "%s has no version comment (like # v4.3.1)", uses)
	}
}
