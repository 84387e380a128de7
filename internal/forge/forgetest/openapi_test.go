package forgetest_test

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// updateOpenAPI is the npm tarball of @octokit/openapi to extract the
// checked-in subset from (npm pack @octokit/openapi@VERSION).
var updateOpenAPI = flag.String("update-openapi", "", "regenerate testdata/openapi from this @octokit/openapi tarball (npm pack @octokit/openapi@VERSION)")

// openAPIDir holds the checked-in subset of GitHub's OpenAPI description.
var openAPIDir = filepath.Join("testdata", "openapi")

// openAPIOperations are the operations the fake serves (or refuses) that
// the contract tests compare with GitHub's description, as "METHOD path".
var openAPIOperations = []string{
	"GET /repos/{owner}/{repo}/pulls",
	"POST /repos/{owner}/{repo}/pulls",
	"GET /repos/{owner}/{repo}/pulls/{pull_number}",
	"PATCH /repos/{owner}/{repo}/pulls/{pull_number}",
	"GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
	"GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
	"POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
	"PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals",
	"PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
	"GET /repos/{owner}/{repo}/issues",
	"POST /repos/{owner}/{repo}/issues",
	"GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
	"POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
	"GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
	"PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
	"GET /repos/{owner}/{repo}/issues/{issue_number}/events",
	"GET /repos/{owner}/{repo}/issues/{issue_number}/labels",
	"POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
	"DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
	"POST /repos/{owner}/{repo}/labels",
	"GET /repos/{owner}/{repo}/labels/{name}",
	"POST /repos/{owner}/{repo}/check-runs",
	"GET /repos/{owner}/{repo}/check-runs/{check_run_id}",
	"PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
	"POST /repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest",
	"POST /repos/{owner}/{repo}/check-suites/{check_suite_id}/rerequest",
	"GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
	"POST /repos/{owner}/{repo}/statuses/{sha}",
	"GET /repos/{owner}/{repo}/commits/{ref}/statuses",
	"GET /repos/{owner}/{repo}/git/ref/{ref}",
	"POST /repos/{owner}/{repo}/git/refs",
	"PATCH /repos/{owner}/{repo}/git/refs/{ref}",
	"DELETE /repos/{owner}/{repo}/git/refs/{ref}",
	"POST /app/installations/{installation_id}/access_tokens",
	"GET /app/installations",
	"POST /app-manifests/{code}/conversions",
	"POST /repos/{owner}/{repo}/rulesets",
	"GET /repos/{owner}/{repo}/rules/branches/{branch}",
	"GET /rate_limit",
}

// openAPIWebhooks are the deliveries the fake sends, by their x-webhooks
// names.
var openAPIWebhooks = []string{
	"ping",
	"push",
	"pull-request-opened",
	"pull-request-edited",
	"pull-request-synchronize",
	"pull-request-closed",
	"pull-request-reopened",
	"pull-request-review-submitted",
	"pull-request-review-dismissed",
	"issue-comment-created",
	"issues-opened",
	"check-run-rerequested",
	"check-suite-rerequested",
}

// openAPIFile is the subset's file name in openAPIDir.
const openAPIFile = "api.github.com.json"

// TestOpenAPI checks that the checked-in subset holds every operation and
// webhook the contract tests use, each with every component it refers to.
// With -update-openapi=TARBALL it first extracts them anew from
// @octokit/openapi's npm tarball, and records the package's version and
// the tarball's SHA-256 in testdata/openapi/README.md:
//
//	npm pack @octokit/openapi@23.0.2
//	go test ./internal/forge/forgetest -run TestOpenAPI -update-openapi=$PWD/octokit-openapi-23.0.2.tgz
func TestOpenAPI(t *testing.T) {
	if *updateOpenAPI != "" {
		if err := regenerateOpenAPI(*updateOpenAPI); err != nil {
			t.Fatal(err)
		}
	}
	spec := loadOpenAPI(t)
	paths, _ := spec.doc["paths"].(map[string]any)
	for _, op := range openAPIOperations {
		method, path, _ := strings.Cut(op, " ")
		item, _ := paths[path].(map[string]any)
		if item[strings.ToLower(method)] == nil {
			t.Errorf("the subset has no %s; regenerate it (see TestOpenAPI)", op)
		}
	}
	hooks, _ := spec.doc["x-webhooks"].(map[string]any)
	for _, name := range openAPIWebhooks {
		if hooks[name] == nil {
			t.Errorf("the subset has no webhook %s; regenerate it (see TestOpenAPI)", name)
		}
	}
	var missing []string
	walkRefs(spec.doc, func(ref string) {
		if spec.lookup(ref) == nil {
			missing = append(missing, ref)
		}
	})
	if len(missing) > 0 {
		t.Errorf("the subset refers to components it lacks: %v", missing)
	}
}

// regenerateOpenAPI writes the subset and its README from the tarball at
// path.
func regenerateOpenAPI(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	files, err := untar(data, "package/package.json", "package/generated/api.github.com.json")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var pkg struct{ Name, Version string }
	if err := json.Unmarshal(files["package/package.json"], &pkg); err != nil {
		return fmt.Errorf("%s: package.json: %w", path, err)
	}
	var full map[string]any
	if err := json.Unmarshal(files["package/generated/api.github.com.json"], &full); err != nil {
		return fmt.Errorf("%s: api.github.com.json: %w", path, err)
	}
	subset, err := extractOpenAPI(full)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(subset, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(openAPIDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(openAPIDir, openAPIFile), append(out, '\n'), 0o644); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	return os.WriteFile(filepath.Join(openAPIDir, "README.md"), []byte(openAPIReadme(pkg.Name, pkg.Version, hex.EncodeToString(sum[:]))), 0o644)
}

// untar returns the named files of a gzipped tarball.
func untar(data []byte, names ...string) (map[string][]byte, error) {
	zr, err := gzip.NewReader(strings.NewReader(string(data)))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if h.Name == n {
				if out[n], err = io.ReadAll(tr); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, n := range names {
		if out[n] == nil {
			return nil, fmt.Errorf("no %s in the tarball", n)
		}
	}
	return out, nil
}

// extractOpenAPI keeps, of GitHub's full description, the operations and
// webhooks listed above and every component they refer to, directly or
// not. Examples are left out: the tests compare with schemas.
func extractOpenAPI(full map[string]any) (map[string]any, error) {
	paths, _ := full["paths"].(map[string]any)
	keptPaths := map[string]any{}
	for _, op := range openAPIOperations {
		method, path, _ := strings.Cut(op, " ")
		item, _ := paths[path].(map[string]any)
		operation := item[strings.ToLower(method)]
		if operation == nil {
			return nil, fmt.Errorf("GitHub's description has no %s", op)
		}
		kept, _ := keptPaths[path].(map[string]any)
		if kept == nil {
			kept = map[string]any{}
			keptPaths[path] = kept
		}
		kept[strings.ToLower(method)] = withoutExamples(operation)
	}
	hooks, _ := full["x-webhooks"].(map[string]any)
	keptHooks := map[string]any{}
	for _, name := range openAPIWebhooks {
		if hooks[name] == nil {
			return nil, fmt.Errorf("GitHub's description has no webhook %s", name)
		}
		keptHooks[name] = withoutExamples(hooks[name])
	}
	subset := map[string]any{
		"openapi":    full["openapi"],
		"info":       full["info"],
		"paths":      keptPaths,
		"x-webhooks": keptHooks,
	}
	components := map[string]any{}
	queue := []any{keptPaths, keptHooks}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		var err error
		walkRefs(v, func(ref string) {
			kind, name, ok := strings.Cut(strings.TrimPrefix(ref, "#/components/"), "/")
			if !ok || err != nil {
				err = errors.Join(err, fmt.Errorf("unexpected reference %q", ref))
				return
			}
			section, _ := components[kind].(map[string]any)
			if section == nil {
				section = map[string]any{}
				components[kind] = section
			}
			if section[name] != nil {
				return
			}
			all, _ := full["components"].(map[string]any)
			src, _ := all[kind].(map[string]any)
			if src[name] == nil {
				err = errors.Join(err, fmt.Errorf("dangling reference %q", ref))
				return
			}
			section[name] = withoutExamples(src[name])
			queue = append(queue, section[name])
		})
		if err != nil {
			return nil, err
		}
	}
	subset["components"] = components
	return subset, nil
}

// withoutExamples is v without its "examples" maps, at any depth.
func withoutExamples(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k == "examples" {
				if _, isMap := e.(map[string]any); isMap {
					continue
				}
			}
			out[k] = withoutExamples(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutExamples(e)
		}
		return out
	}
	return v
}

// walkRefs calls fn with every "$ref" in v, at any depth.
func walkRefs(v any, fn func(ref string)) {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			fn(ref)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkRefs(x[k], fn)
		}
	case []any:
		for _, e := range x {
			walkRefs(e, fn)
		}
	}
}

// openAPIReadme is testdata/openapi/README.md.
func openAPIReadme(name, version, sha string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# GitHub's OpenAPI description, the parts the fake speaks\n\n")
	fmt.Fprintf(&b, "`%s` is extracted from GitHub's official REST description (github/rest-api-description, MIT),\n", openAPIFile)
	fmt.Fprintf(&b, "as published in the npm package `%s@%s`, file `generated/api.github.com.json`:\n", name, version)
	fmt.Fprintf(&b, "the operations and webhooks below and every component they refer to, without examples.\n")
	fmt.Fprintf(&b, "The contract tests of `forgetest` compare the fake's answers and deliveries with it.\n\n")
	fmt.Fprintf(&b, "- package: `%s@%s`\n", name, version)
	fmt.Fprintf(&b, "- tarball SHA-256: `%s`\n\n", sha)
	fmt.Fprintf(&b, "Regenerate (this file too) with:\n\n")
	fmt.Fprintf(&b, "```\nnpm pack %s@%s\ngo test ./internal/forge/forgetest -run TestOpenAPI -update-openapi=$PWD/%s-%s.tgz\n```\n\n",
		name, version, strings.ReplaceAll(strings.TrimPrefix(name, "@"), "/", "-"), version)
	fmt.Fprintf(&b, "Operations:\n\n")
	for _, op := range openAPIOperations {
		fmt.Fprintf(&b, "- `%s`\n", op)
	}
	fmt.Fprintf(&b, "\nWebhooks (`x-webhooks`):\n\n")
	for _, h := range openAPIWebhooks {
		fmt.Fprintf(&b, "- `%s`\n", h)
	}
	return b.String()
}
