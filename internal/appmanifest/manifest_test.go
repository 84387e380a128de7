package appmanifest

import (
	"encoding/json"
	"testing"

	"github.com/connectbot/connectbot/internal/golden"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

const appYML = "../../app.yml"

func TestAppYMLIsWrittenFromTheTable(t *testing.T) {
	golden.Check(t, appYML, YAML())
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
