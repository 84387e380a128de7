package catalog

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

// TestProgramVocabularyRoundTrips checks that the Go mirror of the naming
// rules' vocabulary holds every key of the schema: the defaults, decoded
// into application.Config and written back as program.cue, decode to the
// same values.
func TestProgramVocabularyRoundTrips(t *testing.T) {
	c := defaultCatalog(t)
	cfg, err := c.Program(ProgramFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "de", "fr", "es", "pt", "it", "nl", "ja", "zh", "ko", "ar",
		"ru", "uk", "he", "vi", "fi", "th", "el", "tr", "pl", "cs", "sv",
		"ro", "hu", "id", "ms", "fa", "hi"} {
		if w := cfg.ClaimWords[lang]; len(w.Status) == 0 || len(w.Partnership) == 0 || len(w.Origin) == 0 {
			t.Errorf("the defaults of %s lack status, partnership or origin words: %+v", lang, w)
		}
	}
	for _, object := range []string{"contacts", "companies", "deals", "quotes", "lists"} {
		if len(cfg.ObjectNames[object]) == 0 {
			t.Errorf("the defaults name no %s in any language", object)
		}
	}
	src := vocabularySource(t, cfg)
	back, err := c.Program(ProgramFile, src)
	if err != nil {
		t.Fatalf("the defaults written back are refused: %v\n%s", err, src)
	}
	if diff := cmp.Diff(vocabularyOf(cfg), vocabularyOf(back)); diff != "" {
		t.Errorf("vocabulary changed on the way back (-defaults +read):\n%s", diff)
	}
}

// vocabularySource writes cfg's vocabulary as program.cue (JSON values are
// CUE values).
func vocabularySource(t *testing.T, cfg application.Config) []byte {
	t.Helper()
	var b strings.Builder
	for key, v := range map[string]any{"brandAliases": cfg.BrandAliases, "claimWords": cfg.ClaimWords, "certifiers": cfg.Certifiers,
		"objectNames": cfg.ObjectNames} {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %s\n", key, j)
	}
	return []byte(b.String())
}

type vocabulary struct {
	BrandAliases []string
	ClaimWords   map[string]application.ClaimWords
	Certifiers   []string
	ObjectNames  map[string][]string
}

func vocabularyOf(cfg application.Config) vocabulary {
	return vocabulary{cfg.BrandAliases, cfg.ClaimWords, cfg.Certifiers, cfg.ObjectNames}
}

// TestProgramVocabularyEdits checks what program.cue may change: one list
// of one language replaces that list only, a new language adds its words,
// and a language that is not a tag is refused at its line.
func TestProgramVocabularyEdits(t *testing.T) {
	c := defaultCatalog(t)
	cfg, err := c.Program(ProgramFile, []byte("claimWords: de: status: [\"offiziell\"]\nclaimWords: is: status: [\"opinber\", \"opinbert\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	defaults, err := c.Program(ProgramFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := defaults.ClaimWords["de"]
	want.Status = []string{"offiziell"}
	if diff := cmp.Diff(want, cfg.ClaimWords["de"]); diff != "" {
		t.Errorf("German words (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(application.ClaimWords{Status: []string{"opinber", "opinbert"}}, cfg.ClaimWords["is"]); diff != "" {
		t.Errorf("Icelandic words (-want +got):\n%s", diff)
	}
	if _, err := c.Program(ProgramFile, []byte("claimWords: German: status: [\"offiziell\"]\n")); err == nil || !strings.HasPrefix(err.Error(), "program.cue:1:") {
		t.Errorf("a language that is not a tag: error %v, want one at program.cue:1", err)
	}
}
