package catalog

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/golden"
)

// TestSetFieldsKeepsAFileWrittenAsJSONInJSON: a file written as one JSON
// object comes back as JSON, its keys in their order, each value changed
// where it stands, a new field at the end of its object, with the file's
// own indentation, byte-order mark and final newline.
func TestSetFieldsKeepsAFileWrittenAsJSONInJSON(t *testing.T) {
	c := defaultCatalog(t)
	for _, tt := range []struct {
		name, src string
		values    []FieldValue
		want      string
	}{
		{"a value is changed where it stands",
			"{\n  \"listing\": {\n    \"tagline\": \"a\",\n    \"supportUrl\": \"https://a.example\"\n  }\n}\n",
			[]FieldValue{{Path: "listing.tagline", Value: "b"}},
			"{\n  \"listing\": {\n    \"tagline\": \"b\",\n    \"supportUrl\": \"https://a.example\"\n  }\n}\n"},
		{"a new field goes at the end of its object",
			"{\n  \"listing\": {\n    \"tagline\": \"a\"\n  },\n  \"maintainers\": [\"acme-dev\"]\n}\n",
			[]FieldValue{{Path: "listing.supportUrl", Value: "https://a.example/help?a=1&b=2"}},
			"{\n  \"listing\": {\n    \"tagline\": \"a\",\n    \"supportUrl\": \"https://a.example/help?a=1&b=2\"\n  },\n  \"maintainers\": [\"acme-dev\"]\n}\n"},
		{"a missing object is added with the field in it, indented as the file is",
			"{\n    \"maintainers\": [\"acme-dev\"]\n}",
			[]FieldValue{{Path: "support.phone", Value: "+44 20 7946 0000"}},
			"{\n    \"maintainers\": [\"acme-dev\"],\n    \"support\": {\n        \"phone\": \"+44 20 7946 0000\"\n    }\n}"},
		{"a struct value is written in the file's indentation, tabs kept",
			"{\n\t\"program\": {\"stage\": \"applied\"}\n}\n",
			[]FieldValue{{Path: "program", Value: map[string]any{"stage": "beta", "installs": map[string]any{"count": 3}}}},
			"{\n\t\"program\": {\n\t\t\"installs\": {\n\t\t\t\"count\": 3\n\t\t},\n\t\t\"stage\": \"beta\"\n\t}\n}\n"},
		{"a file on one line stays on one line",
			`{"listing": {"tagline": "a"}, "maintainers": []}`,
			[]FieldValue{{Path: "listing.tagline", Value: "b"}, {Path: "listing.scopes", Value: []string{"x", "y"}}, {Path: "listing.scope", Value: application.Scope{Name: "crm.read", Reason: "to read"}},
				{Path: "listing.nested", Value: map[string]any{"a": map[string]any{"b": []any{1, map[string]any{}, []int{}}}}}},
			`{"listing": {"tagline": "b", "scopes": ["x", "y"], "scope": {"name": "crm.read", "reason": "to read"}, "nested": {"a": {"b": [1, {}, []]}}}, "maintainers": []}`},
		{"an empty object gets its first field",
			"{\n  \"listing\": {\n  }\n}\n",
			[]FieldValue{{Path: "listing.tagline", Value: "a"}},
			"{\n  \"listing\": {\n    \"tagline\": \"a\"\n  }\n}\n"},
		{"a byte-order mark is kept",
			"\uFEFF{\n  \"listing\": {\"tagline\": \"a\"}\n}\n",
			[]FieldValue{{Path: "listing.tagline", Value: "<b>"}},
			"\uFEFF{\n  \"listing\": {\"tagline\": \"<b>\"}\n}\n"},
		{"a key written twice elsewhere is left as it is",
			"{\n  \"maintainers\": [\"a\"],\n  \"maintainers\": [\"a\"],\n  \"listing\": {\"tagline\": \"a\"}\n}\n",
			[]FieldValue{{Path: "listing.tagline", Value: "b"}},
			"{\n  \"maintainers\": [\"a\"],\n  \"maintainers\": [\"a\"],\n  \"listing\": {\"tagline\": \"b\"}\n}\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.SetFields("applications/a.cue", []byte(tt.src), tt.values)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestSetFieldsRefusesInAJSONFileWhatItRefusesInCUE: the edits that
// cannot be made safely are refused in a JSON file with the same words.
func TestSetFieldsRefusesInAJSONFileWhatItRefusesInCUE(t *testing.T) {
	c := defaultCatalog(t)
	for _, tt := range []struct{ name, src, want string }{
		{"a struct written twice", `{"listing": {"tagline": "a"}, "listing": {"description": "b"}}`, "listing is written more than once"},
		{"a field written twice inside a struct", `{"listing": {"tagline": "a", "tagline": "a"}}`, "listing.tagline is written more than once"},
		{"a path through a value that is not a struct", `{"listing": "soon"}`, "listing is not written as a struct"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.SetFields("a.cue", []byte(tt.src), []FieldValue{{Path: "listing.tagline", Value: "x"}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestAJSONApplicationStaysJSONThroughAStageChangeAndAListingStep records
// a stage change in the sample written as JSON, then sets a listing step's
// fields in it: each result is JSON, loads, and reads as the golden file.
func TestAJSONApplicationStaysJSONThroughAStageChangeAndAListingStep(t *testing.T) {
	c := defaultCatalog(t)
	const file = "applications/acme-sync.cue"
	src, err := os.ReadFile("testdata/json/acme-sync.cue")
	if err != nil {
		t.Fatal(err)
	}
	before := c.Application(file, src)
	if before.App == nil {
		t.Fatalf("the sample does not load: %+v", before.Findings)
	}
	p := before.App.Program
	at, _ := application.ParseDate("2026-12-07")
	p.Stage = application.StageCertification
	p.History = append(p.History, application.HistoryRow{Date: at, Stage: application.StageCertification, By: "okafor-pm", Ref: "#40"})
	staged, err := c.SetProgram(file, src, p)
	if err != nil {
		t.Fatal(err)
	}
	checkJSONLoads(t, c, file, staged)
	golden.Check(t, "testdata/json/stage-change.golden", staged)
	listed, err := c.SetFields(file, staged, []FieldValue{
		{Path: "listing.tagline", Value: "Contacts, both ways"},
		{Path: "listing.setupInstructionsUrl", Value: "https://acme.example/docs/connect?from=crm&lang=en"},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkJSONLoads(t, c, file, listed)
	golden.Check(t, "testdata/json/listing-step.golden", listed)
}

// checkJSONLoads fails t unless src is JSON and loads.
func checkJSONLoads(t *testing.T, c *Catalog, file string, src []byte) {
	t.Helper()
	if !json.Valid(src) {
		t.Errorf("not JSON any more:\n%s", src)
	}
	if f := c.Application(file, src); f.App == nil {
		t.Errorf("does not load: %+v\n%s", f.Findings, src)
	}
}

// FuzzSetFieldsKeepsJSON edits arbitrary files. Whatever comes in,
// SetFields never panics, and a file written as JSON that it edits comes
// out as JSON holding the value set.
func FuzzSetFieldsKeepsJSON(f *testing.F) {
	f.Add([]byte(`{"listing": {"tagline": "a"}}`))
	f.Add([]byte("\uFEFF{\n  \"listing\": {\n  }\n}\n"))
	f.Add([]byte("{\n\t\"company\": {\"name\": \"A\"},\n\t\"listing\": \"soon\"\n}"))
	f.Add([]byte("{\n    \"a\": [1, {\"b\": null}]\n}\n"))
	c := defaultCatalog(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		const value = "x<&>\u2028é"
		out, err := c.SetFields("a.cue", src, []FieldValue{{Path: "listing.tagline", Value: value}})
		body := bytes.TrimSpace(bytes.TrimPrefix(src, byteOrderMark))
		if err != nil || !json.Valid(body) || !bytes.HasPrefix(body, []byte("{")) {
			return
		}
		var got struct {
			Listing struct{ Tagline string } `json:"listing"`
		}
		if err := json.Unmarshal(bytes.TrimPrefix(out, byteOrderMark), &got); err != nil {
			t.Fatalf("edited JSON file is not JSON: %v\n%s", err, out)
		}
		if got.Listing.Tagline != value {
			t.Fatalf("listing.tagline is %q, want %q:\n%s", got.Listing.Tagline, value, out)
		}
	})
}
