package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestSiteGolden compares the directory, one listing page and the
// dashboard over the samples with testdata/golden/site-2027-01-15. Run
// with -update to rewrite them, then review the diff like code.
func TestSiteGolden(t *testing.T) {
	out := buildSampleSite(t, siteNow)
	for _, page := range []string{"index.html", "integrations/fernwood-crm-bridge.html", "program/index.html"} {
		t.Run(page, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(out, page))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "golden", "site-"+siteNow, page+".golden"), got)
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
	t.Run("a directory connectbot did not write is left untouched", func(t *testing.T) {
		dir := t.TempDir()
		keep := filepath.Join(dir, "notes.txt")
		if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		code := Main([]string{"site", "--repo", "../..", "--now", siteNow, "--out", dir}, &stdout, &stderr, fixedNow)
		if code != exitCantRun {
			t.Fatalf("exit %d, want %d", code, exitCantRun)
		}
		if lines := strings.Count(stderr.String(), "\n"); lines != 1 || !strings.Contains(stderr.String(), "refusing to replace it") {
			t.Errorf("want one line refusing, got %q", stderr.String())
		}
		if data, err := os.ReadFile(keep); err != nil || string(data) != "mine" {
			t.Errorf("the directory's file was touched: %q, %v", data, err)
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
