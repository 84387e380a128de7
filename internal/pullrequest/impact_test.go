package pullrequest_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
	"github.com/connectbot/connectbot/internal/loader"
	"github.com/connectbot/connectbot/internal/pullrequest"
	"github.com/connectbot/connectbot/schema"
)

// betaApp is a beta integrator with a complete, published listing: its
// install window is listingPublishedAt + 90 days.
type betaApp struct {
	slug      string
	installs  int
	accepted  string
	published string
}

// source writes the application from the acme-sync sample with its own
// names, so no cross-file rule ties the applications together.
func (a betaApp) source(t *testing.T) string {
	t.Helper()
	src := sampleFile(t, "acme-sync.cue")
	for _, r := range [][2]string{
		{`name: "Acme Software Ltd", website: "https://acme.example"`, fmt.Sprintf(`name: "%s Ltd", website: "https://%s.example"`, a.slug, a.slug)},
		{`maintainers: ["acme-dev"]`, fmt.Sprintf(`maintainers: ["%s-dev"]`, a.slug)},
		{`name:         "Acme Sync"`, fmt.Sprintf(`name:         "%s Sync"`, a.slug)},
		{`installs:           {count: 23, asOf: "2026-11-20"}`, fmt.Sprintf(`installs:           {count: %d, asOf: "2026-11-20"}`, a.installs)},
		{`acceptedAt:         "2026-10-12"`, fmt.Sprintf(`acceptedAt:         "%s"`, a.accepted)},
		{`listingPublishedAt: "2026-10-30"`, fmt.Sprintf(`listingPublishedAt: "%s"`, a.published)},
		{`{date: "2026-10-12", stage: "beta"`, fmt.Sprintf(`{date: "%s", stage: "beta"`, a.accepted)},
	} {
		next := strings.Replace(src, r[0], r[1], 1)
		if next == src {
			t.Fatalf("the acme-sync sample lacks %q", r[0])
		}
		src = next
	}
	return src
}

// The handler's clock reads 2026-11-25, so the horizon is 2026-11-25 to
// 2027-02-22. Under the base's threshold of 40, every application here
// with 40 or more installs is promoted today; under 50, those with 40 to
// 49 are not — they are removed when their window lapses, or, when it
// lapses after the horizon, nothing happens to them in it. Everyone else
// ends the same way under both.
var betaApps = []betaApp{
	{"below-both", 39, "2026-09-01", "2026-10-01"},
	{"at-the-old-threshold", 40, "2026-09-01", "2026-10-01"},
	{"between-the-two", 45, "2026-09-01", "2026-10-01"},
	{"just-below-the-new", 49, "2026-10-25", "2026-11-20"},
	{"window-past-the-horizon", 45, "2026-10-25", "2026-11-24"},
	{"at-the-new-threshold", 50, "2026-09-01", "2026-10-01"},
	{"well-above", 80, "2026-09-01", "2026-10-01"},
}

// raisedAffects says, by construction, whom raising the threshold from 40
// to 50 affects: the beta integrators whose installs reach 40 but not 50.
func raisedAffects() []string {
	var out []string
	for _, a := range betaApps {
		if a.installs >= 40 && a.installs < 50 {
			out = append(out, a.slug)
		}
	}
	sort.Strings(out)
	return out
}

const baseProgram = "reviewers: [\"rivera-reviews\", \"okafor-pm\"]\ncertificationInstalls: 40\n"

// impactRows returns the slugs in the impact table of a comment, in order,
// and the impact section itself ("" when there is none).
func impactRows(body string) ([]string, string) {
	const heading = "#### Impact of this change to `program.cue`"
	_, section, ok := strings.Cut(body, heading)
	if !ok {
		return nil, ""
	}
	if end := strings.Index(section, "\n#### "); end >= 0 {
		section = section[:end]
	}
	var slugs []string
	for _, line := range strings.Split(section, "\n") {
		if rest, ok := strings.CutPrefix(line, "| `"); ok {
			slug, _, _ := strings.Cut(rest, "`")
			slugs = append(slugs, slug)
		}
	}
	return slugs, heading + section
}

// TestBetaAppsPassUnderBothThresholds guards the premise of the impact
// test: every application there is valid, so none is left out of the
// impact for being skipped by the plan.
func TestBetaAppsPassUnderBothThresholds(t *testing.T) {
	now, _ := application.ParseDate("2026-11-25")
	apps := map[string]string{}
	var touched []pullrequest.Change
	for _, a := range betaApps {
		p := "applications/" + a.slug + ".cue"
		apps[p] = a.source(t)
		touched = append(touched, modified(p))
	}
	for _, src := range []string{baseProgram, strings.Replace(baseProgram, "40", "50", 1)} {
		fsys := tree(t, src, apps)
		j, err := pullrequest.NewJudge().Judge(loader.Tree{FS: fsys}, loader.Tree{FS: fsys}, touched, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range j.Changes {
			if c.Head == nil || c.Head.App == nil || c.Head.Errors() > 0 {
				t.Errorf("%s does not pass under %q: %+v", c.Path, src, c.Head)
			}
		}
	}
}

func TestProgramChangeImpactInTheComment(t *testing.T) {
	tests := []struct {
		name string
		// files are the head commit's changes, by a reviewer.
		files    func(t *testing.T) map[string]string
		wantRows []string
		// wantSection is false when the comment must have no impact section.
		wantSection bool
		wantText    []string
		wantCheck   string
	}{
		{
			name: "raising certificationInstalls from 40 to 50 lists exactly the integrators between the two",
			files: func(*testing.T) map[string]string {
				return map[string]string{"program.cue": strings.Replace(baseProgram, "40", "50", 1)}
			},
			wantRows:    raisedAffects(),
			wantSection: true,
			wantText: []string{
				"from 2026-11-25 to 2027-02-22",
				fmt.Sprintf("%d applications affected.", len(raisedAffects())),
				"| `at-the-old-threshold` | removal (installs-window-lapsed) on 2026-12-31 instead of promotion on 2026-11-25 |",
				"| `window-past-the-horizon` | nothing instead of promotion on 2026-11-25 |",
				fmt.Sprintf("%d integrators newly below the certification threshold (40 → 50).", len(raisedAffects())),
			},
			wantCheck: "success",
		},
		{
			name: "adding a reviewer moves nobody, and the comment says that nobody moves",
			files: func(*testing.T) map[string]string {
				return map[string]string{"program.cue": strings.Replace(baseProgram, `"okafor-pm"]`, `"okafor-pm", "chen-legal"]`, 1)}
			},
			wantSection: true,
			wantText:    []string{"0 applications affected.", "No integrator's outcome, deadlines or validation change over the next 90 days."},
			wantCheck:   "success",
		},
		{
			name: "a program.cue that does not validate is named with its line, compared with nothing, and fails the check",
			files: func(*testing.T) map[string]string {
				return map[string]string{"program.cue": strings.Replace(baseProgram, "40", `"fifty"`, 1)}
			},
			wantSection: true,
			wantText:    []string{"does not validate against the base branch's schema, so its impact is not computed: program.cue:2:"},
			wantCheck:   "failure",
		},
		{
			name: "a head that also relaxes the schema is still held to the base's schema",
			files: func(t *testing.T) map[string]string {
				b, err := schema.Files.ReadFile("program.cue")
				if err != nil {
					t.Fatal(err)
				}
				relaxed := strings.Replace(string(b), "certificationInstalls: *40 | #Positive", "certificationInstalls: *40 | int", 1)
				if relaxed == string(b) {
					t.Fatal("schema/program.cue no longer bounds certificationInstalls this way")
				}
				return map[string]string{"program.cue": strings.Replace(baseProgram, "40", "0", 1), "schema/program.cue": relaxed}
			},
			wantSection: true,
			wantText:    []string{"does not validate against the base branch's schema, so its impact is not computed: program.cue:2:"},
			wantCheck:   "failure",
		},
		{
			name:      "a pull request that does not touch program.cue has no impact section",
			files:     func(*testing.T) map[string]string { return map[string]string{"README.md": "# The program\n"} },
			wantCheck: "success",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			base := map[string]string{"program.cue": baseProgram}
			for _, a := range betaApps {
				base["applications/"+a.slug+".cue"] = a.source(t)
			}
			w.srv.Commit(forgetest.DefaultBranch, "Beta integrators", base)
			head := w.srv.Commit("change", "Change", tt.files(t))
			pr := w.srv.OpenPR(forgetest.PRSpec{Author: "rivera-reviews", Title: "Change", Head: "change"})
			w.handle(pr)

			comments := w.botComments(pr)
			if len(comments) != 1 {
				t.Fatalf("want one comment, got %d", len(comments))
			}
			body := comments[0].Body
			rows, section := impactRows(body)
			if (section != "") != tt.wantSection {
				t.Fatalf("impact section present: %v, want %v:\n%s", section != "", tt.wantSection, body)
			}
			if diff := cmp.Diff(tt.wantRows, rows); diff != "" {
				t.Errorf("affected integrators (-want +got):\n%s\n%s", diff, body)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(section, want) {
					t.Errorf("impact section lacks %q:\n%s", want, section)
				}
			}
			runs := w.srv.CheckRuns(head)
			if len(runs) != 1 || runs[0].Conclusion != tt.wantCheck {
				t.Fatalf("check runs %+v, want one %s", runs, tt.wantCheck)
			}
			if tt.wantCheck == "failure" && !slices.ContainsFunc(runs[0].Annotations, func(a forgetest.Annotation) bool {
				return a.Path == "program.cue" && a.StartLine == 2
			}) {
				t.Errorf("no annotation on program.cue line 2: %+v", runs[0].Annotations)
			}
		})
	}
}
