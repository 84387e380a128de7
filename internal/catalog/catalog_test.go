package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/samplegen"
)

// samples returns the shipped sample applications, a few generated ones and
// the smallest valid file.
func samples(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{"applications/minimal.cue": []byte(valid)}
	paths, err := filepath.Glob("../../applications/*.cue")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no sample applications: %v", err)
	}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out["applications/"+filepath.Base(p)] = src
	}
	for i := range 12 {
		out["applications/"+samplegen.Slug(i)+".cue"] = samplegen.Application(i)
	}
	return out
}

// TestDecodeMatchesCUE holds the loader's fast decoder to CUE's own: for
// every sample, decoding the validated value with cue.Value.Decode and
// decoding the file's plain data give the same Go value. It fails if the
// schema ever adds a default to #Application, which only CUE would fill in.
func TestDecodeMatchesCUE(t *testing.T) {
	c := defaultCatalog(t)
	e, err := c.newEvaluator(full)
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range samples(t) {
		t.Run(name, func(t *testing.T) {
			f, r := guard(name, src, DefaultLimits)
			if r != nil {
				t.Fatalf("sample refused: %v", r)
			}
			v := e.app.Unify(e.ctx.BuildFile(f))
			if err := v.Validate(cue.Concrete(true)); err != nil {
				t.Fatalf("sample invalid: %v", err)
			}
			var viaCUE, viaData application.Application
			if err := v.Decode(&viaCUE); err != nil {
				t.Fatal(err)
			}
			if err := decodeData(f, &viaData); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(viaCUE, viaData); diff != "" {
				t.Errorf("decoders disagree (-cue +data):\n%s", diff)
			}
		})
	}
}

func TestDecodeReadsEveryNumberForm(t *testing.T) {
	src := `a: [1_000, 0x1f, 0o17, 0b101, 1e3, 2.5, -4, 1K, 1Ki]` + "\n"
	f, r := guard("n.cue", []byte(src), DefaultLimits)
	if r != nil {
		t.Fatal(r)
	}
	var got struct{ A []float64 }
	if err := decodeData(f, &got); err != nil {
		t.Fatal(err)
	}
	want := []float64{1000, 31, 15, 5, 1000, 2.5, -4, 1000, 1024}
	if diff := cmp.Diff(want, got.A); diff != "" {
		t.Errorf("numbers (-want +got):\n%s", diff)
	}
}

func TestSchemaFindingsSpeakToIntegrators(t *testing.T) {
	checkSchemaFindings(t, []schemaCase{
		{
			name: "a misspelt field is named and located",
			edit: func(s string) string {
				return strings.Replace(s, `auth: "oauth2"`, `auth: "oauth2", intergration: 1`, 1)
			},
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "integration.intergration", Line: 3, Column: 50,
				Message: `unknown field "intergration": check its spelling against the documented format`}},
		},
		{
			name: "an unknown top-level field is named and located",
			edit: func(s string) string { return s + "extra: true\n" },
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "extra", Line: 5, Column: 1,
				Message: `unknown field "extra": check its spelling against the documented format`}},
		},
		{
			name: "a date that does not exist is refused with the format",
			edit: func(s string) string { return strings.Replace(s, "2026-11-01", "2027-02-30", 1) },
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "program.installs.asOf", Line: 4, Column: 57,
				Message: `a date is a real calendar day before the year 9990, written "YYYY-MM-DD", like "2027-03-15"`}},
		},
		{
			name: "a date in the year 9999, whose clocks would end past the four-digit years, is refused with the format",
			edit: func(s string) string { return strings.Replace(s, "2026-11-01", "9999-12-20", 1) },
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "program.installs.asOf", Line: 4, Column: 57,
				Message: `a date is a real calendar day before the year 9990, written "YYYY-MM-DD", like "2027-03-15"`}},
		},
		{
			name: "a missing required part is reported once, not field by field",
			edit: func(s string) string {
				return strings.Replace(s, `program: {stage: "applied", installs: {count: 12, asOf: "2026-11-01"}}`, "", 1)
			},
			want: []application.Finding{
				{Rule: RuleSchema, Severity: "error", Path: "program", Line: 1, Column: 1, Message: `required field "program" is missing`},
			},
		},
		{
			name: "a word for a boolean in quotes says which boolean to write",
			edit: func(s string) string {
				return strings.Replace(s, `auth: "oauth2"`, `auth: "oauth2", builtInHouse: "yes"`, 1)
			},
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "integration.builtInHouse", Line: 3, Column: 64,
				Message: `builtInHouse is true or false, in lowercase and without quotes: write true`}},
		},
		{
			name: "a wrong type says what was expected",
			edit: func(s string) string {
				return strings.Replace(s, `auth: "oauth2"`, `auth: "oauth2", builtInHouse: "maybe"`, 1)
			},
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "integration.builtInHouse", Line: 3, Column: 64,
				Message: `conflicting values bool and "maybe" (mismatched types bool and string)`}},
		},
		{
			name: "an unknown stage lists the stages",
			edit: func(s string) string { return strings.Replace(s, `"applied"`, `"accepted"`, 1) },
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "program.stage", Line: 4, Column: 18,
				Message: `stage must be one of "applied", "beta", "certification", "partner", "removed"`}},
		},
		{
			name: "two errors in different parts are both reported",
			edit: func(s string) string {
				s = strings.Replace(s, `"applied"`, `"accepted"`, 1)
				return strings.Replace(s, `maintainers: ["acme-dev"]`, `maintainers: []`, 1)
			},
			want: []application.Finding{
				{Rule: RuleSchema, Severity: "error", Path: "maintainers", Line: 2, Column: 1, Message: `maintainers must list at least one GitHub login, like ["acme-dev"]`},
				{Rule: RuleSchema, Severity: "error", Path: "program.stage", Line: 4, Column: 18, Message: `stage must be one of "applied", "beta", "certification", "partner", "removed"`},
			},
		},
	})
}

// TestATextFieldHasOneTrueMessage: a text too long or blank is said to be
// so, once, and never said to be empty when it is not.
func TestATextFieldHasOneTrueMessage(t *testing.T) {
	checkSchemaFindings(t, []schemaCase{
		{
			name: "a tagline too long says how long it may be, once, not that it is empty",
			edit: func(s string) string { return s + "listing: {tagline: \"" + strings.Repeat("x", 81) + "\"}\n" },
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "listing.tagline", Line: 5, Column: 20,
				Message: "must be one line of 1 to 80 characters, without control or bidirectional characters"}},
		},
		{
			name: "a description too long says how long it may be, once, not that it is empty",
			edit: func(s string) string { return s + "listing: {description: \"" + strings.Repeat("x", 2001) + "\"}\n" },
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "listing.description", Line: 5, Column: 24,
				Message: "must be text of 1 to 2000 characters, its lines without control or bidirectional characters"}},
		},
		{
			name: "a blank tagline says what a tagline is",
			edit: func(s string) string { return s + "listing: {tagline: \" \"}\n" },
			want: []application.Finding{{Rule: RuleSchema, Severity: "error", Path: "listing.tagline", Line: 5, Column: 20,
				Message: "must be one line of 1 to 80 characters, without control or bidirectional characters"}},
		},
	})
}

// TestLastDateDecodes checks that the last day the format accepts, the
// end of the year 9989, decodes as that day.
func TestLastDateDecodes(t *testing.T) {
	f := defaultCatalog(t).Application("applications/acme.cue", []byte(strings.Replace(valid, "2026-11-01", "9989-12-31", 1)))
	if f.App == nil {
		t.Fatalf("the file did not decode: %v", f.Findings)
	}
	if diff := cmp.Diff("9989-12-31", f.App.Program.Installs.AsOf.String()); diff != "" {
		t.Errorf("installs.asOf (-want +got):\n%s", diff)
	}
}

// schemaCase is a valid file edited by edit, and the findings it must
// have.
type schemaCase struct {
	name string
	edit func(string) string
	want []application.Finding
}

// checkSchemaFindings checks that each of tests fails to load with its
// findings.
func checkSchemaFindings(t *testing.T, tests []schemaCase) {
	t.Helper()
	c := defaultCatalog(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := c.Application("applications/acme.cue", []byte(tt.edit(valid)))
			if f.App != nil {
				t.Fatal("invalid file decoded")
			}
			if diff := cmp.Diff(tt.want, f.Findings); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFastSchemaAgreesWithFullSchema checks the rewrite that judges files
// fast: it accepts and refuses exactly what the schema as written does.
func TestFastSchemaAgreesWithFullSchema(t *testing.T) {
	c := defaultCatalog(t)
	inputs := []string{valid}
	for _, edit := range [][2]string{
		{`"oauth2"`, `"api_key"`}, {`"oauth2"`, `"OAuth2"`}, {`"oauth2"`, `"oauth2|x"`}, {`"oauth2"`, `true`},
		{`"applied"`, `"beta"`}, {`"applied"`, `"appl.ed"`}, {`"applied"`, `"removed"`},
		{`"2026-11-01"`, `"2026-13-01"`}, {`count: 12`, `count: -1`}, {`count: 12`, `count: 1.5`},
	} {
		inputs = append(inputs, strings.Replace(valid, edit[0], edit[1], 1))
	}
	fastE, err := c.newEvaluator(fast)
	if err != nil {
		t.Fatal(err)
	}
	fullE, err := c.newEvaluator(full)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range inputs {
		a := fastE.application("a.cue", []byte(src), DefaultLimits, sourcePositions("a.cue", []byte(src)))
		b := fullE.application("a.cue", []byte(src), DefaultLimits, sourcePositions("a.cue", []byte(src)))
		if (a.App == nil) != (b.App == nil) {
			t.Errorf("fast accepts=%v, full accepts=%v for:\n%s", a.App != nil, b.App != nil, src)
		}
	}
}

func TestProgramDefaultsAreTheSeedNumbers(t *testing.T) {
	c := defaultCatalog(t)
	cfg, err := c.Program(ProgramFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := [6]int{cfg.MinInstalls, cfg.CertificationInstalls, cfg.ListingDueDays, cfg.InstallWindowDays, cfg.SupportResponseHours, len(cfg.ReminderDays)}
	if want := [6]int{10, 40, 30, 90, 24, 2}; got != want {
		t.Errorf("defaults %v, want %v", got, want)
	}
	if cfg.MaxNewApplications != 5 || cfg.MaxAnnotations != 50 {
		t.Errorf("maxNewApplicationsPerPullRequest %d, maxAnnotationsPerCheck %d, want 5 and 50", cfg.MaxNewApplications, cfg.MaxAnnotations)
	}
	if cfg.ReminderDays[0] != 7 || cfg.ReminderDays[1] != 1 {
		t.Errorf("reminder days %v, want [7 1]", cfg.ReminderDays)
	}
	if cfg.ReminderCatchUpDays != 2 {
		t.Errorf("reminderCatchUpDays %d, want 2", cfg.ReminderCatchUpDays)
	}
	if _, ok := cfg.Scopes["crm.objects.contacts.read"]; !ok {
		t.Error("scope catalogue missing from the defaults")
	}
}

func TestProgramErrorsAreOneLineWithPosition(t *testing.T) {
	c := defaultCatalog(t)
	tests := []struct{ name, src, want string }{
		{"a number below its bound", "minInstalls: -3\n", "program.cue:1:14: minInstalls:"},
		{"an unknown setting", "minInstals: 3\n", `program.cue:1:1: minInstals: unknown field "minInstals"`},
		{"an expression", "minInstalls: 5 + 5\n", "program.cue:1:14: the operator + is not allowed"},
		{"a changed catalogue entry", "scopes: tickets: {description: \"x\"}\n", "program.cue:"},
		{"a listing window of zero days", "listingDueDays: 0\n", "program.cue:1:17: listingDueDays: must be a whole number of days, from 1 to 3650"},
		{"an install window of zero days", "installWindowDays: 0\n", "program.cue:1:20: installWindowDays: must be a whole number of days, from 1 to 3650"},
		{"a certification threshold of zero", "certificationInstalls: 0\n", "program.cue:1:24: certificationInstalls: must be a whole number, one or more"},
		{"an entry threshold above the certification threshold", "certificationInstalls: 40\nminInstalls: 50\n", "program.cue:2:1: minInstalls: must be at most certificationInstalls (40)"},
		{"a certification threshold below the default entry threshold", "reviewers: []\ncertificationInstalls: 5\n", "program.cue:2:1: certificationInstalls: must be at least minInstalls (10)"},
		{"a window longer than the day count holds", "listingDueDays: 2147483648\n", "program.cue:1:17: listingDueDays: must be a whole number of days, from 1 to 3650"},
		{"a window that would overflow a date", "installWindowDays: 2147483647\n", "program.cue:1:20: installWindowDays: must be a whole number of days, from 1 to 3650"},
		{"a reminder on the due date itself", "reminderDays: [7, 0]\n", "program.cue:1:19: reminderDays[1]: must be a whole number, one or more"},
		{"a reminder after the due date", "reminderDays: [-1]\n", "program.cue:1:16: reminderDays[0]: must be a whole number, one or more"},
		{"a reminder given twice", "reminderDays: [7, 1, 7]\n", "program.cue:1:22: reminderDays[2]: 7 is already reminderDays[0]: each day at most once"},
		{"reminders caught up on fewer than no days", "reminderCatchUpDays: -1\n", "program.cue:1:22: reminderCatchUpDays: must be a whole number, zero or more"},
		{"a reminder before every clock starts", "reminderDays: [120, 7]\n", "program.cue:1:16: reminderDays[0]: must be less than the longer of listingDueDays and installWindowDays (90)"},
		{"no new application allowed in a pull request", "maxNewApplicationsPerPullRequest: 0\n", "program.cue:1:35: maxNewApplicationsPerPullRequest: must be a whole number, one or more"},
		{"a check without annotations", "maxAnnotationsPerCheck: 0\n", "program.cue:1:25: maxAnnotationsPerCheck: must be a whole number from 1 to 100"},
		{"more annotations than two requests carry", "maxAnnotationsPerCheck: 101\n", "program.cue:1:25: maxAnnotationsPerCheck: must be a whole number from 1 to 100"},
		{"an install source over plain http on another host", "installsSource: url: \"http://installs.example/counts\"\n", "program.cue:1:17: installsSource.url: must use https://"},
		{"an install source with another scheme", "installsSource: url: \"ftp://installs.example/counts\"\n", "program.cue:1:22: installsSource.url: must be a web address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Program(ProgramFile, []byte(tt.src))
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line starting %q", err, tt.want)
			}
		})
	}
}

func TestProgramAcceptsConsistentEdges(t *testing.T) {
	c := defaultCatalog(t)
	for _, src := range []string{
		"reminderDays: []\n",
		"reminderCatchUpDays: 0\n",
		"minInstalls: 40\ncertificationInstalls: 40\n",
		"minInstalls: 0\n",
		"listingDueDays: 1\ninstallWindowDays: 1\nreminderDays: []\n",
		"listingDueDays: 3650\nreminderDays: [3649, 1]\n",
		"installWindowDays: 120\nreminderDays: [100, 7]\n",
		"installsSource: url: \"https://installs.example/counts\"\n",
		"installsSource: url: \"http://127.0.0.1:8080/counts\"\n",
		"installsSource: url: \"http://localhost/counts\"\n",
		"installsSource: url: \"http://[::1]:9000/counts\"\n",
	} {
		if _, err := c.Program(ProgramFile, []byte(src)); err != nil {
			t.Errorf("%q refused: %v", src, err)
		}
	}
}

// defaultCatalog is the catalog of the embedded schema, or the test's end.
func defaultCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
