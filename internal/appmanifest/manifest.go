// Package appmanifest is the GitHub App connectbot runs as, in one table:
// the events it acts on and the permissions its calls need, each with why.
// app.yml is written from the table (YAML), and `connectbot app create`
// posts the same table as the JSON manifest of GitHub's manifest flow
// (Manifest), so the two cannot differ.
package appmanifest

import (
	"fmt"
	"strings"
)

// Entry is one event or permission of the App, with why connectbot needs it.
type Entry struct {
	Name string
	// Access is a permission's level ("read" or "write"); "" for an event.
	Access string
	Why    string
}

// Events are the webhook events connectbot acts on.
var Events = []Entry{
	{Name: "check_run", Why: "a re-run of connectbot's check"},
	{Name: "check_suite", Why: "a re-run of every check of a commit"},
	{Name: "issue_comment", Why: "/connectbot recheck and /connectbot terminate"},
	{Name: "issues", Why: "an issue opened with the application form"},
	{Name: "merge_group", Why: "a merge queue asks for connectbot's check on a merge group"},
	{Name: "pull_request", Why: "opened, pushed to, edited, reopened"},
	{Name: "pull_request_review", Why: "approvals and change requests"},
	{Name: "push", Why: "the base branch moved: pull requests judged against the old tip are judged again"},
}

// Permissions are the repository permissions connectbot's calls need.
var Permissions = []Entry{
	{Name: "checks", Access: "write", Why: "the connectbot check, with annotations"},
	{Name: "contents", Access: "write", Why: "read the trees; push the merge, the recorded stage, removal branches and leases"},
	{Name: "issues", Access: "write", Why: "the sticky comment, labels, answers, tracking issues and reminders"},
	{Name: "merge_queues", Access: "read", Why: "receive merge_group events of a merge queue"},
	{Name: "metadata", Access: "read", Why: "every App has it"},
	{Name: "pull_requests", Access: "write", Why: "read pull requests and reviews; open and close removal, promotion and launch pull requests"},
	{Name: "statuses", Access: "write", Why: "the commit status set in place of a check where checks may not be written"},
}

// The App's fixed settings.
const (
	// Name is the App's name in app.yml; an App's name is unique on
	// GitHub, so `app create` names it after the organization.
	Name = "connectbot"
	// Homepage is the App's public page.
	Homepage = "https://github.com/connectbot/connectbot"
	// Description is what GitHub shows under its name.
	Description = "Runs a partner program as code — judges application pull requests, keeps the clocks."
	// PlaceholderHookURL stands in app.yml for the service's webhook URL.
	PlaceholderHookURL = "https://connectbot.example.com/webhook"
)

// Manifest is a GitHub App manifest, in the shape GitHub's manifest flow
// takes as JSON ("Creating a GitHub App from a manifest").
type Manifest struct {
	Name               string            `json:"name"`
	URL                string            `json:"url"`
	Description        string            `json:"description"`
	Public             bool              `json:"public"`
	HookAttributes     HookAttributes    `json:"hook_attributes"`
	RedirectURL        string            `json:"redirect_url,omitempty"`
	DefaultEvents      []string          `json:"default_events"`
	DefaultPermissions map[string]string `json:"default_permissions"`
}

// HookAttributes is where GitHub delivers the App's webhooks.
type HookAttributes struct {
	URL    string `json:"url"`
	Active bool   `json:"active"`
}

// New returns the App's manifest: named name, delivering to hookURL, and
// sending the browser back to redirectURL ("" for none) once created.
func New(name, hookURL, redirectURL string) Manifest {
	m := Manifest{
		Name: name, URL: Homepage, Description: Description,
		HookAttributes:     HookAttributes{URL: hookURL, Active: true},
		RedirectURL:        redirectURL,
		DefaultPermissions: map[string]string{},
	}
	for _, e := range Events {
		m.DefaultEvents = append(m.DefaultEvents, e.Name)
	}
	for _, p := range Permissions {
		m.DefaultPermissions[p.Name] = p.Access
	}
	return m
}

// yamlHeader opens app.yml.
const yamlHeader = `# The GitHub App connectbot runs as with ` + "`connectbot serve`" + `, as a manifest.
# Create the App with ` + "`connectbot app create --org ORG --webhook-url URL`" + `, which
# posts exactly this (as JSON, with the URL given) through GitHub's manifest
# flow and writes the App's ID, private key and webhook secret to files;
# then install it on the program's repository.
#
# Written from internal/appmanifest's table (go test ./internal/appmanifest
# -update writes it again); it asks for exactly what connectbot uses:
# ` + "`go test ./cmd/connectbot -run Manifest`" + ` compares it with the calls
# connectbot makes and the events it acts on.
`

// YAML is app.yml: the manifest with the placeholder webhook URL, each
// event and permission with why, as a comment.
func YAML() []byte {
	var b strings.Builder
	b.WriteString(yamlHeader)
	fmt.Fprintf(&b, "name: %s\nurl: %s\ndescription: %s\npublic: false\n", Name, Homepage, Description)
	fmt.Fprintf(&b, "hook_attributes:\n  url: %s\n  active: true\n", PlaceholderHookURL)
	b.WriteString("default_events:\n")
	for _, e := range Events {
		fmt.Fprintf(&b, "  - %s # %s\n", e.Name, e.Why)
	}
	b.WriteString("default_permissions:\n")
	for _, p := range Permissions {
		fmt.Fprintf(&b, "  %s: %s # %s\n", p.Name, p.Access, p.Why)
	}
	return []byte(b.String())
}
