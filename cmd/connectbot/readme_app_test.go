package main

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/golden"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// settingsNames are GitHub's names, on an App's or a fine-grained token's
// settings page, of the manifest's permissions and events.
var settingsNames = map[string]string{
	"actions": "Actions", "checks": "Checks", "contents": "Contents", "issues": "Issues",
	"metadata": "Metadata", "pull_requests": "Pull requests", "statuses": "Commit statuses",
	"check_run": "Check run", "check_suite": "Check suite", "issue_comment": "Issue comment",
	"pull_request": "Pull request", "pull_request_review": "Pull request review", "push": "Push",
	"merge_group": "Merge group", "merge_queues": "Merge queues",
}

// accessNames are GitHub's words for a permission's level.
var accessNames = map[string]string{"read": "Read-only", "write": "Read and write"}

// readManifest reads app.yml's events and permissions.
func readManifest(t *testing.T) manifest {
	t.Helper()
	b, err := os.ReadFile("../../app.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("app.yml: %v", err)
	}
	return m
}

// manifestTable renders app.yml's events and permissions as docs/github.md's
// table, by their names on GitHub's settings page.
func manifestTable(t *testing.T, m manifest) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("| kind | on GitHub's settings page | in app.yml |\n|---|---|---|\n")
	for _, e := range slices.Sorted(slices.Values(m.Events)) {
		name, ok := settingsNames[e]
		if !ok {
			t.Fatalf("app.yml's event %s has no name here: add it to settingsNames", e)
		}
		fmt.Fprintf(&b, "| event | %q | `%s` |\n", name, e)
	}
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for k := range m.Permissions {
			if !yield(k) {
				return
			}
		}
	}) {
		name, ok := settingsNames[p]
		if !ok {
			t.Fatalf("app.yml's permission %s has no name here: add it to settingsNames", p)
		}
		fmt.Fprintf(&b, "| permission | %q: %s | `%s: %s` |\n", name, accessNames[m.Permissions[p]], p, m.Permissions[p])
	}
	return b.String()
}

// TestREADMEAppPermissionsAreAppYml keeps the table of the App's events and
// permissions in docs/github.md (moved there from the README) equal to
// app.yml. Run with -update to rewrite it.
func TestREADMEAppPermissionsAreAppYml(t *testing.T) {
	const path = "../../docs/github.md"
	const begin, end = "<!-- app-manifest:begin -->\n", "<!-- app-manifest:end -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the %q … %q markers", path, begin, end)
	}
	want := readme[:i+len(begin)] + manifestTable(t, readManifest(t)) + readme[j:]
	golden.Check(t, path, want) // docs/github.md's table of the App's events and permissions, from app.yml
}

// TestREADMETokenPermissionsAgreeWithAppYml reads docs/github.md's table of
// every permission ("| "Contents" | Read and write | … |") and its
// CONNECTBOT_TOKEN row: every permission app.yml asks for is in the table
// at the same level, and the token of the program's own is given exactly
// app.yml's permissions but "Checks" (a token cannot hold it; connectbot
// falls back to the commit status) and "Metadata" (GitHub adds it).
func TestREADMETokenPermissionsAgreeWithAppYml(t *testing.T) {
	b, err := os.ReadFile("../../docs/github.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	m := readManifest(t)

	row := regexp.MustCompile(`(?m)^\| "([^"]+)" \| (Read-only|Read and write) \|`)
	table := map[string]string{}
	for _, r := range row.FindAllStringSubmatch(readme, -1) {
		table[r[1]] = r[2]
	}
	if len(table) == 0 {
		t.Fatal(`docs/github.md has no permission table (rows like | "Contents" | Read and write | … |)`)
	}
	want, got := map[string]string{}, map[string]string{}
	for p, level := range m.Permissions {
		want[settingsNames[p]] = accessNames[level]
		got[settingsNames[p]] = table[settingsNames[p]]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("docs/github.md's permission table against app.yml (-app.yml +README):\n%s", diff)
	}

	token := regexp.MustCompile("(?m)^\\| `CONNECTBOT_TOKEN` \\| [^|]*?with the repository permissions ([^:]+): Read and write")
	mt := token.FindStringSubmatch(readme)
	if mt == nil {
		t.Fatal("docs/github.md's CONNECTBOT_TOKEN row no longer says \"with the repository permissions …: Read and write\"")
	}
	var named []string
	for _, q := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(mt[1], -1) {
		named = append(named, q[1])
	}
	var needed []string
	for p, level := range m.Permissions {
		if p != "checks" && p != "metadata" && level == "write" {
			needed = append(needed, settingsNames[p])
		}
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(needed)), slices.Sorted(slices.Values(named))); diff != "" {
		t.Errorf("the token of the program's own against app.yml's permissions but Checks and Metadata (-app.yml +README):\n%s", diff)
	}
}

// TestDeployNamesAppYmlsEventsAndPermissions reads the sentence of
// docs/deploy.md that names the App's manifest — "exactly the events
// connectbot acts on (`check_run`, …) and the permissions its calls need
// (`checks`, …: write; `metadata`: read)" — and holds it to app.yml, so a
// platform engineer reading it knows every event and permission the App
// asks for.
func TestDeployNamesAppYmlsEventsAndPermissions(t *testing.T) {
	b, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Join(strings.Fields(string(b)), " ")
	sentence := regexp.MustCompile(`exactly the events connectbot acts on \(([^)]*)\) and the permissions its calls need \(([^)]*)\)`).FindStringSubmatch(doc)
	if sentence == nil {
		t.Fatal("docs/deploy.md no longer says \"exactly the events connectbot acts on (…) and the permissions its calls need (…)\"")
	}
	got := map[string][]string{"events": codeNames(sentence[1])}
	for _, group := range strings.Split(sentence[2], ";") {
		// "`checks`, `contents`: write": the names, then the level.
		i := strings.LastIndex(group, ":")
		level := strings.TrimSpace(group[i+1:])
		got[level] = append(got[level], codeNames(group[:i])...)
	}
	m := readManifest(t)
	want := map[string][]string{"events": slices.Sorted(slices.Values(m.Events))}
	for p, level := range m.Permissions {
		want[level] = append(want[level], p)
	}
	for level := range want {
		slices.Sort(want[level])
	}
	for level := range got {
		slices.Sort(got[level])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("docs/deploy.md's events and permissions against app.yml (-app.yml +docs):\n%s", diff)
	}
}

// codeNames returns the names written in code spans in s, in order.
func codeNames(s string) []string {
	var out []string
	for _, q := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(s, -1) {
		out = append(out, q[1])
	}
	return out
}
