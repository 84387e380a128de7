package main

import (
	"bytes"
	"context"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/connectbot/connectbot/internal/golden"
	"github.com/google/go-cmp/cmp"
)

// browserEnv names the environment variable that makes a missing browser
// a failure instead of a skip; .ci/run sets it once it has installed
// Chromium.
const browserEnv = "CONNECTBOT_BROWSER_TEST"

// findChromium returns the path of a Chromium or Chrome binary, or skips
// the test with the way to get one.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(browserEnv) == "require" {
		t.Fatalf("%s=require but no chromium is on PATH", browserEnv)
	}
	t.Skip("no Chromium on this machine: install Debian's chromium (apt-get install chromium) to run the browser test; .ci/run does")
	return ""
}

// hostileRepo is the sample repository plus one valid application whose
// listing text is an attack (testdata/hostile/mallory-widgets.cue).
func hostileRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "applications"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(filepath.Join("..", "..", "program.cue"), filepath.Join(dir, "program.cue"))
	samples, err := filepath.Glob(filepath.Join("..", "..", "applications", "*.cue"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(samples, filepath.Join("testdata", "hostile", "mallory-widgets.cue")) {
		copyFile(f, filepath.Join(dir, "applications", filepath.Base(f)))
	}
	return dir
}

// console collects what pages write to the browser console.
type console struct {
	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
}

// collect keeps every message until the subscription ends.
func (c *console) collect(messages iter.Seq2[chromedp.ConsoleMessage, error]) {
	for m, err := range messages {
		if err != nil {
			return
		}
		c.mu.Lock()
		c.messages = append(c.messages, m)
		c.mu.Unlock()
	}
}

// saw reports whether a message with this text has arrived.
func (c *console) saw(text string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.ContainsFunc(c.messages, func(m chromedp.ConsoleMessage) bool { return m.Text == text })
}

// errors returns the errors and uncaught exceptions seen so far.
func (c *console) errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.messages {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			out = append(out, m.String()+" at "+m.URL)
		}
	}
	return out
}

// visibleCards is the JavaScript that lists the directory entries a
// reader can see, by their listing page.
const visibleCards = `Array.from(document.querySelectorAll("#integrations li"))
	.filter(li => li.getClientRects().length > 0)
	.map(li => li.querySelector("a").getAttribute("href"))`

// TestSiteInABrowser loads the built site from file:// in headless
// Chromium: no console errors on any page, the directory lists exactly
// the published integrations, the filter narrows it (and its facets work
// with JavaScript off), a hostile tagline shows as text, and the
// dashboard sorts. Screenshots go to testdata/screenshots for review.
func TestSiteInABrowser(t *testing.T) {
	chrome := findChromium(t)
	out := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"site", "--repo", hostileRepo(t), "--now", siteNow, "--out", out}, &stdout, &stderr, fixedNow); code != exitOK {
		t.Fatalf("site exited %d: %s", code, stderr.String())
	}
	page := func(p string) string { return "file://" + filepath.ToSlash(filepath.Join(out, p)) }

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	// The first Run starts the browser; it must not carry a deadline (that
	// would stop the browser), so a timer bounds the whole test instead.
	stop := time.AfterFunc(3*time.Minute, cancel)
	defer stop.Stop()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	// Subscribe before the first page loads, so no message is missed.
	var log console
	listenCtx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	go log.collect(chromedp.Console(listenCtx))

	// do runs actions with a bound of their own, so that an element that
	// never appears fails its subtest instead of hanging the test.
	do := func(actions ...chromedp.Action[chromedp.Void]) error {
		actx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		return chromedp.Do(actx, actions...)
	}
	visible := func(t *testing.T) []string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](visibleCards))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	navigate := func(t *testing.T, p string) {
		t.Helper()
		if err := do(chromedp.Navigate(page(p))); err != nil {
			t.Fatal(err)
		}
	}
	listed := []string{
		"integrations/acme-sync.html", "integrations/fernwood-crm-bridge.html", "integrations/harborview-analytics.html",
		"integrations/ledgerly-books.html", "integrations/mallory-widgets.html", "integrations/parcelpost-shipping.html",
		"integrations/quillstack-docs.html", "integrations/tidewater-payroll.html",
	}

	t.Run("the directory lists exactly the published integrations", func(t *testing.T) {
		navigate(t, "index.html")
		got := visible(t)
		slices.Sort(got)
		if diff := cmp.Diff(listed, got); diff != "" {
			t.Errorf("visible integrations (-want +got):\n%s", diff)
		}
		shot(t, ctx, "directory.png")
	})

	t.Run("typing in the filter narrows the directory", func(t *testing.T) {
		navigate(t, "index.html")
		if err := do(chromedp.SendKeys(chromedp.ID("q"), "payroll")); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"integrations/tidewater-payroll.html"}, visible(t)); diff != "" {
			t.Errorf("after filtering on %q (-want +got):\n%s", "payroll", diff)
		}
		shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("shown")))
		if err != nil {
			t.Fatal(err)
		}
		if want := "1 of 8 shown"; shown != want {
			t.Errorf("the count says %q, want %q", shown, want)
		}
		if err := do(chromedp.SendKeys(chromedp.ID("q"), " nothing-matches-this")); err != nil {
			t.Fatal(err)
		}
		none, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("none").getClientRects().length > 0`))
		if err != nil {
			t.Fatal(err)
		}
		if len(visible(t)) != 0 || !none {
			t.Errorf("a filter nothing matches should show no card and the no-match note")
		}
	})

	t.Run("a link with ?q= opens the directory filtered", func(t *testing.T) {
		navigate(t, "index.html?q=fernwood")
		if diff := cmp.Diff([]string{"integrations/fernwood-crm-bridge.html"}, visible(t)); diff != "" {
			t.Errorf("index.html?q=fernwood (-want +got):\n%s", diff)
		}
	})

	t.Run("with JavaScript off every integration shows and the partner facet still filters", func(t *testing.T) {
		setScripts := func(disabled bool) {
			if err := do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: disabled})
				return err
			})); err != nil {
				t.Fatal(err)
			}
		}
		setScripts(true)
		defer setScripts(false)
		navigate(t, "index.html")
		// Evaluate runs through the protocol, not the page's own scripts.
		got := visible(t)
		slices.Sort(got)
		if diff := cmp.Diff(listed, got); diff != "" {
			t.Errorf("without JavaScript (-want +got):\n%s", diff)
		}
		searchShown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("search").getClientRects().length > 0`))
		if err != nil {
			t.Fatal(err)
		}
		if searchShown {
			t.Errorf("the text filter shows without the script that makes it work")
		}
		if err := do(chromedp.Click(chromedp.CSS(`label[for="show-partner"]`))); err != nil {
			t.Fatal(err)
		}
		want := []string{"integrations/fernwood-crm-bridge.html", "integrations/harborview-analytics.html"}
		if diff := cmp.Diff(want, visible(t)); diff != "" {
			t.Errorf("partners only, without JavaScript (-want +got):\n%s", diff)
		}
	})

	t.Run("a hostile tagline shows as text", func(t *testing.T) {
		for _, p := range []string{"index.html", "integrations/mallory-widgets.html", "program/index.html"} {
			navigate(t, p)
			got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
				pwned: window.pwned === true,
				title: document.title,
				tagline: (document.querySelector("a[href$='mallory-widgets.html'] .tagline, .listing .tagline") || {}).textContent || "",
				foreign: document.querySelectorAll("main script, main img, main svg, main b").length
			})`))
			if err != nil {
				t.Fatal(err)
			}
			if got["pwned"] == true || got["title"] == "pwned" || got["foreign"].(float64) != 0 {
				t.Errorf("%s: the hostile application's text ran or became markup: %v", p, got)
			}
			if p != "program/index.html" {
				if want := "<script>window.pwned = true; document.title = 'pwned'</script>"; got["tagline"] != want {
					t.Errorf("%s: the tagline reads %q, want the text %q", p, got["tagline"], want)
				}
			}
		}
		navigate(t, "integrations/mallory-widgets.html")
		shot(t, ctx, "hostile-listing.png")
	})

	t.Run("the dashboard sorts by a column and back", func(t *testing.T) {
		navigate(t, "program/index.html")
		installs := `Array.from(document.querySelectorAll("#applications tbody tr")).map(tr => Number(tr.cells[3].dataset.key))`
		click := chromedp.Click(chromedp.CSS(`#applications thead th:nth-child(4) button`))
		if err := do(click); err != nil {
			t.Fatal(err)
		}
		up, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](installs))
		if err != nil {
			t.Fatal(err)
		}
		if len(up) != 11 || !slices.IsSorted(up) {
			t.Errorf("installs after one click: %v, want 11 rows in ascending order", up)
		}
		if err := do(click); err != nil {
			t.Fatal(err)
		}
		down, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](installs))
		if err != nil {
			t.Fatal(err)
		}
		slices.Reverse(down)
		if !slices.IsSorted(down) {
			t.Errorf("installs after two clicks: %v, want descending order", down)
		}
		if err := do(chromedp.Click(chromedp.CSS(`#applications thead th:nth-child(2) button`))); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`({
			slugs: Array.from(document.querySelectorAll("#applications tbody tr")).map(tr => tr.cells[1].dataset.key),
			sorted: Array.from(document.querySelectorAll("#applications th[aria-sort]")).map(th => th.textContent + " " + th.getAttribute("aria-sort"))
		})`))
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, s := range got["slugs"].([]any) {
			slugs = append(slugs, s.(string))
		}
		if !slices.IsSorted(slugs) || len(slugs) != 11 {
			t.Errorf("applications after sorting by name: %v", slugs)
		}
		if diff := cmp.Diff([]any{"Application ascending"}, got["sorted"]); diff != "" {
			t.Errorf("aria-sort after sorting by application (-want +got):\n%s", diff)
		}
		navigate(t, "program/index.html")
		shot(t, ctx, "dashboard.png")
	})

	t.Run("every page loads without a console error", func(t *testing.T) {
		for _, p := range append([]string{"index.html", "program/index.html"}, listed...) {
			navigate(t, p)
		}
		// Messages arrive in order: once a last one of ours is in, every
		// earlier one is too.
		const sentinel = "connectbot: the last message"
		if err := do(chromedp.Evaluate[chromedp.Void](`console.log("` + sentinel + `")`)); err != nil {
			t.Fatal(err)
		}
		waitFor := time.Now().Add(30 * time.Second)
		for !log.saw(sentinel) {
			if time.Now().After(waitFor) {
				t.Fatal("the console's messages did not arrive")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if errs := log.errors(); len(errs) > 0 {
			t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
		}
	})
}

// shot saves a full-page screenshot. With -update it goes to
// testdata/screenshots, committed for a reviewer to look at next to the
// golden HTML (fonts differ between machines, so it is not compared);
// otherwise to the test's artifact directory, kept with -artifacts.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.ArtifactDir()
	if golden.Updating() {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
