package appmanifest

import (
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "write app.yml from the table")

const appYML = "../../app.yml"

func TestAppYMLIsWrittenFromTheTable(t *testing.T) {
	if *update {
		if err := os.WriteFile(appYML, YAML(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(appYML)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(YAML()), string(got)); diff != "" {
		t.Errorf("app.yml is not what the table writes; run go test ./internal/appmanifest -update (-want +got):\n%s", diff)
	}
}

// TestTheJSONManifestIsAppYML reads app.yml as YAML and the manifest the
// flow posts as JSON: the same document, but for the URLs given.
func TestTheJSONManifestIsAppYML(t *testing.T) {
	var fromYAML map[string]any
	if err := yaml.Unmarshal(YAML(), &fromYAML); err != nil {
		t.Fatalf("app.yml: %v", err)
	}
	b, err := json.Marshal(New(Name, PlaceholderHookURL, ""))
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON map[string]any
	if err := json.Unmarshal(b, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fromYAML, fromJSON); diff != "" {
		t.Errorf("app.yml against the JSON manifest (-yaml +json):\n%s", diff)
	}
}
