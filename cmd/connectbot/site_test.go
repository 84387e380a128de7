package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/site"
)

// siteNow is the day of the site's golden files: after harborview's launch
// (2026-12-15), with two listings lapsed but not yet removed.
const siteNow = "2027-01-15"

// buildSampleSite runs connectbot site over the sample repository.
func buildSampleSite(t *testing.T, now string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"site", "--repo", "../..", "--now", now, "--out", out}, &stdout, &stderr, fixedNow); code != exitOK {
		t.Fatalf("site exited %d: %s", code, stderr.String())
	}
	return out
}

// TestSiteGolden compares the directory, one listing page, the scope catalogue and the
// dashboard over the samples with testdata/golden/site-2027-01-15. Run
// with -update to rewrite them, then review the diff like code.
func TestSiteGolden(t *testing.T) {
	out := buildSampleSite(t, siteNow)
	for _, page := range []string{"index.html", "integrations/fernwood-crm-bridge.html", "program/index.html", "scopes.html"} {
		t.Run(page, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(out, page))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", "site-"+siteNow, page+".golden"), got)
		})
	}
}

// listingPages lists the integrations/*.html of a built site by slug.
func listingPages(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(out, "integrations"))
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, e := range entries {
		slugs = append(slugs, strings.TrimSuffix(e.Name(), ".html"))
	}
	return slugs
}

// TestSiteListsThePublishedSamples names, from the sample files
// themselves, which integrations are public on which day.
func TestSiteListsThePublishedSamples(t *testing.T) {
	tests := []struct {
		name string
		now  string
		want []string
	}{
		{
			"before harborview's launch only published betas and the partner are listed",
			"2026-11-25",
			[]string{"acme-sync", "fernwood-crm-bridge", "harborview-analytics", "ledgerly-books", "parcelpost-shipping", "quillstack-docs", "tidewater-payroll"},
		},
		{
			// Removed (oddjob-scheduler), applied (northwind-notes) and
			// listing-less (brightpath-forms) never appear.
			"in January every published, non-removed integration is listed",
			siteNow,
			[]string{"acme-sync", "fernwood-crm-bridge", "harborview-analytics", "ledgerly-books", "parcelpost-shipping", "quillstack-docs", "tidewater-payroll"},
		},
		{
			// fernwood-crm-bridge launches on 2026-07-01: until then its
			// beta listing, published on 2026-01-30, stands.
			"in early 2026 only the listings published by then exist",
			"2026-06-01",
			[]string{"fernwood-crm-bridge", "harborview-analytics"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := buildSampleSite(t, tt.now)
			if diff := cmp.Diff(tt.want, listingPages(t, out)); diff != "" {
				t.Errorf("listing pages (-want +got):\n%s", diff)
			}
			index, err := os.ReadFile(filepath.Join(out, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			for _, slug := range tt.want {
				if !bytes.Contains(index, []byte(`href="integrations/`+slug+`.html"`)) {
					t.Errorf("the directory does not link %s", slug)
				}
			}
			if n := bytes.Count(index, []byte(`<li data-search=`)); n != len(tt.want) {
				t.Errorf("the directory lists %d integrations, want %d", n, len(tt.want))
			}
		})
	}
}

func TestSiteBadgesPartnersFromTheirLaunchDate(t *testing.T) {
	before := buildSampleSite(t, "2026-12-14")
	after := buildSampleSite(t, "2026-12-15")
	page := filepath.Join("integrations", "harborview-analytics.html")
	b, err := os.ReadFile(filepath.Join(before, page))
	if err != nil {
		t.Fatal(err)
	}
	a, err := os.ReadFile(filepath.Join(after, page))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("Certified partner")) {
		t.Errorf("harborview-analytics is shown as a partner the day before its launch")
	}
	if !bytes.Contains(a, []byte("Certified partner since 2026-12-15")) {
		t.Errorf("harborview-analytics is not shown as a partner on its launch date")
	}
}

func TestSiteReplacesOnlyItsOwnDirectory(t *testing.T) {
	// Each case makes a directory that is not a site connectbot wrote, with
	// a file in it that must survive.
	refused := []struct {
		name    string
		prepare func(t *testing.T, out string)
		why     string
	}{
		{"a directory without the marker", func(t *testing.T, out string) {}, "did not write (no .connectbot-site file)"},
		{"a marker that is a symbolic link", func(t *testing.T, out string) {
			symlink(t, "/etc/hostname", filepath.Join(out, ".connectbot-site"))
		}, "did not write (no .connectbot-site file)"},
		{"a marker that is a directory", func(t *testing.T, out string) {
			mkdir(t, filepath.Join(out, ".connectbot-site"))
		}, "did not write (no .connectbot-site file)"},
		{"a marker with other words in it", func(t *testing.T, out string) {
			writeFile(t, filepath.Join(out, ".connectbot-site"), "mine too")
		}, ".connectbot-site is not connectbot's"},
		{"a site that holds a git repository", func(t *testing.T, out string) {
			writeFile(t, filepath.Join(out, ".connectbot-site"), site.MarkerText)
			mkdir(t, filepath.Join(out, ".git"))
		}, "holds a git repository"},
	}
	for _, tt := range refused {
		t.Run(tt.name+" is left untouched", func(t *testing.T) {
			out := t.TempDir()
			keep := filepath.Join(out, "notes.txt")
			writeFile(t, keep, "mine")
			tt.prepare(t, out)
			checkRefused(t, out, tt.why)
			if data, err := os.ReadFile(keep); err != nil || string(data) != "mine" {
				t.Errorf("the directory's file was touched: %q, %v", data, err)
			}
		})
	}
	t.Run("a symbolic link to a directory is not followed", func(t *testing.T) {
		target := t.TempDir()
		writeFile(t, filepath.Join(target, "notes.txt"), "mine")
		writeFile(t, filepath.Join(target, ".connectbot-site"), site.MarkerText)
		out := filepath.Join(t.TempDir(), "site")
		symlink(t, target, out)
		checkRefused(t, out, "is a symbolic link")
		if _, err := os.Stat(filepath.Join(target, "notes.txt")); err != nil {
			t.Errorf("the link's target was touched: %v", err)
		}
	})
	t.Run("a second build replaces the first whole and leaves nothing beside it", func(t *testing.T) {
		parent := t.TempDir()
		out := filepath.Join(parent, "site")
		for _, now := range []string{siteNow, "2026-06-01"} {
			var stdout, stderr bytes.Buffer
			if code := Main([]string{"site", "--repo", "../..", "--now", now, "--out", out}, &stdout, &stderr, fixedNow); code != exitOK {
				t.Fatalf("site --now %s exited %d: %s", now, code, stderr.String())
			}
		}
		if diff := cmp.Diff([]string{"fernwood-crm-bridge", "harborview-analytics"}, listingPages(t, out)); diff != "" {
			t.Errorf("pages of the first build survived (-want +got):\n%s", diff)
		}
		entries, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{"site"}) {
			t.Errorf("the build left %v beside the site", names)
		}
	})
}

func TestSiteCarriesTheSameCalendarAsTheCalendarCommand(t *testing.T) {
	out := buildSampleSite(t, "2026-11-25")
	feed, err := os.ReadFile(filepath.Join(out, "program", "deadlines.ics"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"calendar", "--repo", "../..", "--now", "2026-11-25"}, &stdout, &stderr, fixedNow); code != exitOK {
		t.Fatalf("calendar exited %d: %s", code, stderr.String())
	}
	if diff := cmp.Diff(stdout.String(), string(feed)); diff != "" {
		t.Errorf("site/program/deadlines.ics differs from connectbot calendar (-calendar +site):\n%s", diff)
	}
}

// checkRefused runs connectbot site into out and wants it refused in one
// line saying why.
func checkRefused(t *testing.T, out, why string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main([]string{"site", "--repo", "../..", "--now", siteNow, "--out", out}, &stdout, &stderr, fixedNow)
	if code != exitCantRun {
		t.Fatalf("exit %d, want %d", code, exitCantRun)
	}
	msg := stderr.String()
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, why) || !strings.Contains(msg, "refusing to replace it") {
		t.Errorf("want one line refusing because it %s, got %q", why, msg)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symbolic links: %v", err)
	}
}

func TestSiteBuildsAtOnceIntoOneDirectoryAllSucceed(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Go(func() {
			var stdout, stderr bytes.Buffer
			codes[i] = Main([]string{"site", "--repo", "../..", "--now", siteNow, "--out", out}, &stdout, &stderr, fixedNow)
			if codes[i] != exitOK {
				t.Errorf("build %d: %s", i, stderr.String())
			}
		})
	}
	wg.Wait()
	if got := len(listingPages(t, out)); got != 7 {
		t.Errorf("%d listing pages after the builds, want 7", got)
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("the builds left %d entries beside the site", len(entries)-1)
	}
}

func TestMoveAsideReplacesTheSiteWhereNoExchangeIs(t *testing.T) {
	parent := t.TempDir()
	dir, tmp := filepath.Join(parent, "site"), filepath.Join(parent, ".site.new-1")
	mkdir(t, dir)
	mkdir(t, tmp)
	writeFile(t, filepath.Join(dir, "index.html"), "old")
	writeFile(t, filepath.Join(tmp, "index.html"), "new")
	old, err := moveAside(tmp, dir)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(data) != "new" {
		t.Errorf("the site reads %q, want the new one", data)
	}
	if data, _ := os.ReadFile(filepath.Join(old, "site", "index.html")); string(data) != "old" {
		t.Errorf("the previous site was not kept aside at %s", old)
	}
}

func TestTheDashboardCountsFilesThatCouldNotBeRead(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"site", "--repo", "testdata/broken", "--now", "2026-11-25", "--out", out}, &stdout, &stderr, fixedNow); code != exitOK {
		t.Fatalf("site exited %d: %s", code, stderr.String())
	}
	dash, err := os.ReadFile(filepath.Join(out, "program", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	// Three of testdata/broken's files fail the schema (validate-broken.text).
	if want := `<span class="stage stage-unreadable">unreadable</span> 3`; !bytes.Contains(dash, []byte(want)) {
		t.Errorf("the dashboard's stage counts lack %q", want)
	}
}
