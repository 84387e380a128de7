package report_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/catalog"
	"github.com/connectbot/connectbot/internal/markdown/markdowntest"
	"github.com/connectbot/connectbot/internal/policy"
	"github.com/connectbot/connectbot/internal/program"
	"github.com/connectbot/connectbot/internal/report"
)

// adviceConfig is the program the advice is judged in: the sample's
// numbers and scope catalogue.
func adviceConfig(t *testing.T) application.Config {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := cat.Program(catalog.ProgramFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// commentOn is the pull-request comment on a pull request that adds src
// as applications/acme-sync.cue, and the file as judged.
func commentOn(t *testing.T, cfg application.Config, src string) (string, application.File) {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	files := []application.File{cat.Application("applications/acme-sync.cue", []byte(src))}
	now := application.MustParseDate("2026-11-25")
	policy.Check(files, cfg, now)
	v := program.JudgePullRequest(program.PullRequest{
		Number: 9, Author: program.Author{Login: "acme-dev"}, HeadSHA: strings.Repeat("ab", 20), Config: cfg, Now: now,
		Changes: []program.FileChange{{Path: files[0].Path, Status: program.ChangeNew, Head: &files[0]}},
	})
	return report.PRComment(v, nil, nil), files[0]
}

// findingsSection is the comment's table of a file's findings.
func findingsSection(comment string) string {
	start := strings.Index(comment, "#### `applications/")
	if start < 0 {
		return ""
	}
	rest := comment[start:]
	if end := strings.Index(rest, "\n#### What "); end >= 0 {
		rest = rest[:end+1]
	}
	return rest
}

// example is the value a message tells the reader to write, as copied
// from the rendered comment: after "write" or "like", a quoted string, a
// list, a number or a boolean.
var example = regexp.MustCompile(`\b(?:write|like) ("(?:[^"\\]|\\.)*"|\[[^\]]*\]|-?[0-9]+|true|false)`)

// TestCommonMistakesGetAdvice judges an application with one common
// mistake of a newcomer to CUE at a time, and compares the findings of the
// comment with a golden file. Where the advice gives a value to write, the
// value is copied from the comment as goldmark renders it and pasted in
// place of the mistake: the schema must then accept the file.
func TestCommonMistakesGetAdvice(t *testing.T) {
	base, err := os.ReadFile("testdata/advice/applied.cue")
	if err != nil {
		t.Fatal(err)
	}
	cfg := adviceConfig(t)
	tests := []struct {
		name, golden string
		// bad replaces good in the base file.
		good, bad string
		// wrong is the mistaken value in bad, which the value the advice
		// gives replaces; "" when the advice gives none.
		wrong string
	}{
		{"a boolean in capitals", "true-capitals", "builtInHouse: true", "builtInHouse: True", "True"},
		{"a boolean all in capitals", "false-capitals", "sensitiveData:    false", "sensitiveData:    FALSE", "FALSE"},
		{"a name in single quotes, which CUE reads as bytes", "single-quotes", `"Acme Software Ltd"`, `'Acme Software Ltd'`, `'Acme Software Ltd'`},
		{"a word without quotes, as YAML allows", "unquoted-word", `auth:         "oauth2"`, `auth:         oauth2`, "oauth2"},
		{"words without quotes, as YAML allows", "unquoted-words", `"Acme Sync"`, `Acme Sync`, "Acme Sync"},
		{"a boolean in quotes", "quoted-boolean", "builtInHouse: true", `builtInHouse: "true"`, `"true"`},
		{"yes for a boolean, as YAML allows", "yes", "builtInHouse: true", "builtInHouse: yes", "yes"},
		{"a number in quotes", "quoted-number", "firstResponseHours: 24", `firstResponseHours: "24"`, `"24"`},
		{"a misspelt field", "unknown-field", "website:", "webiste:", ""},
		{"a misspelt scope", "unknown-scope", `"crm.objects.contacts.read"`, `"crm.objects.contact.read"`, ""},
		{"a login with a space", "login", `["acme-dev"]`, `["acme dev"]`, `["acme dev"]`},
		{"a date that is not a day", "date", `"2026-11-01"`, `"2026-11-31"`, `"2026-11-31"`},
		{"an email address without an at sign", "email", `"help@acmesync.io"`, `"help at acmesync.io"`, `"help at acmesync.io"`},
		{"a scope name in capitals", "scope-name", `"crm.objects.contacts.read"`, `"CRM.Contacts"`, `"CRM.Contacts"`},
		{"a negative response time", "response-hours", "firstResponseHours: 24", "firstResponseHours: -1", "-1"},
		{"a phone number in words", "phone", `email: "help@acmesync.io"`, `email: "help@acmesync.io", phone: "call us"`, `"call us"`},
		{"an App ID with letters", "app-id", `auth:         "oauth2"`, `auth:         "oauth2", appId: "ID-42"`, `"ID-42"`},
		{"two lines of unquoted text", "syntax", "\tname:         \"Acme Sync\"\n\tbuiltInHouse: true", "\tname:         Acme Sync\n\tbuiltInHouse: yes please", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(base), tt.good) {
				t.Fatalf("the base file has no %q", tt.good)
			}
			src := strings.Replace(string(base), tt.good, tt.bad, 1)
			comment, _ := commentOn(t, cfg, src)
			section := findingsSection(comment)
			checkGolden(t, "advice/"+tt.golden+".md", section)
			if tt.wrong == "" {
				return
			}
			page, err := markdowntest.Render(section)
			if err != nil {
				t.Fatal(err)
			}
			m := example.FindStringSubmatch(page.Text)
			if m == nil {
				t.Fatalf("no value to write in the comment as a reader copies it:\n%s", page.Text)
			}
			fixed := strings.Replace(src, tt.wrong, m[1], 1)
			_, f := commentOn(t, cfg, fixed)
			for _, x := range f.Findings {
				if strings.HasPrefix(x.Rule, "format/") {
					t.Errorf("with %s, copied from the comment, pasted for %s, the schema still refuses the file: %+v", m[1], tt.wrong, x)
				}
			}
		})
	}
}

// TestAJSONDocumentIsJudgedLikeAnyOtherFile pastes the application as
// one JSON object, which is valid CUE: it is read, and its mistakes are
// found where they are written.
func TestAJSONDocumentIsJudgedLikeAnyOtherFile(t *testing.T) {
	app := map[string]any{
		"company":      map[string]any{"name": "Acme Software Ltd", "website": "https://acmesync.io"},
		"maintainers":  []string{"acme-dev"},
		"integration":  map[string]any{"name": "Acme Sync", "builtInHouse": true, "auth": "api_key", "scopes": []any{map[string]any{"name": "crm.objects.contacts.read", "reason": "Reads contacts to keep Acme's address book in sync."}}},
		"support":      map[string]any{"channels": []string{"ticket"}, "firstResponseHours": 24, "url": "https://acmesync.io/help", "email": "help@acmesync.io"},
		"privacy":      map[string]any{"policyUrl": "https://acmesync.io/privacy", "dataRequestsUrl": "https://acmesync.io/privacy/requests", "securityContact": "security@acmesync.io", "sensitiveData": false},
		"security":     map[string]any{"authentication": true, "loginAuditing": true},
		"attestations": map[string]any{"developerTerms": true, "noSaleOfCustomerData": true, "lawfulBasis": true, "credentialHandling": true, "customerConsent": true},
		"program":      map[string]any{"stage": "applied", "installs": map[string]any{"count": 12, "asOf": "2026-11-01"}},
	}
	src, err := json.MarshalIndent(app, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	comment, f := commentOn(t, adviceConfig(t), string(src)+"\n")
	if f.App == nil {
		t.Fatalf("the JSON document was not read: %+v", f.Findings)
	}
	checkGolden(t, "advice/json.md", findingsSection(comment))
}
