package report_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/report"
)

// keys returns the object keys of a JSON document in the order written,
// descending into the first element of every array and into every object,
// as "path: k1,k2,...".
func keys(t *testing.T, doc []byte) []string {
	t.Helper()
	var out []string
	dec := json.NewDecoder(bytes.NewReader(doc))
	var walk func(path string)
	walk = func(path string) {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		switch tok {
		case json.Delim('{'):
			var ks []string
			for dec.More() {
				k, _ := dec.Token()
				ks = append(ks, k.(string))
				walk(path + "." + k.(string))
			}
			dec.Token()
			out = append(out, path+": "+join(ks))
		case json.Delim('['):
			first := true
			for dec.More() {
				if first {
					walk(path + "[]")
					first = false
				} else {
					var skip json.RawMessage
					dec.Decode(&skip)
				}
			}
			dec.Token()
		}
	}
	walk("")
	return out
}

func join(ks []string) string {
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += ","
		}
		s += k
	}
	return s
}

// TestValidationJSONIsTheContract checks the documented shape of
// `validate --format json`, key by key and in order.
func TestValidationJSONIsTheContract(t *testing.T) {
	v := report.NewValidation([]application.File{{
		Path: "applications/a.cue", Slug: "a",
		Findings: []application.Finding{{Rule: "connect/req-2", Severity: "error", Message: "m", Path: "integration.auth", Line: 6, Column: 2}},
	}, {Path: "applications/b.cue", Slug: "b"}})
	var b bytes.Buffer
	if err := v.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	want := []string{
		".files[].findings[]: rule,severity,message,path,line,column",
		".files[]: path,slug,valid,findings",
		": files,errors,warnings",
	}
	if diff := cmp.Diff(want, keys(t, b.Bytes())); diff != "" {
		t.Errorf("JSON shape (-want +got):\n%s", diff)
	}
	if b.Bytes()[b.Len()-1] != '\n' || bytes.Count(b.Bytes(), []byte("\n")) != 1 {
		t.Error("not one newline-terminated document")
	}
	if !bytes.Contains(b.Bytes(), []byte(`{"path":"applications/b.cue","slug":"b","valid":true,"findings":[]}`)) {
		t.Errorf("a file without findings must have an empty list, got %s", b.String())
	}
}

func TestGitHubCommandsEscapeUntrustedText(t *testing.T) {
	v := report.NewValidation([]application.File{{
		Path: "applications/a,b:c.cue", Slug: "x",
		Findings: []application.Finding{{Rule: "r", Severity: "error", Message: "50%\n::error::forged", Line: 1, Column: 1}},
	}})
	var b bytes.Buffer
	if err := v.WriteGitHub(&b); err != nil {
		t.Fatal(err)
	}
	want := "::error file=applications/a%2Cb%3Ac.cue,line=1,col=1,title=r::50%25%0A::error::forged\n"
	if got := b.String(); got[:len(want)] != want {
		t.Errorf("got %q, want prefix %q", got, want)
	}
}
