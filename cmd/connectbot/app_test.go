package main

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/appmanifest"
	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// formOf reads the local page's form: where it posts, and the manifest.
func formOf(t *testing.T, page string) (action, manifest string) {
	t.Helper()
	a := regexp.MustCompile(`<form action="([^"]+)" method="post">`).FindStringSubmatch(page)
	m := regexp.MustCompile(`name="manifest" value="([^"]*)"`).FindStringSubmatch(page)
	if a == nil || m == nil {
		t.Fatalf("the page has no form posting a manifest:\n%s", page)
	}
	return html.UnescapeString(a[1]), html.UnescapeString(m[1])
}

// browse waits for the local page at addr and returns it.
func browse(t *testing.T, addr string) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return string(b)
	}
	t.Fatalf("the local page at %s never answered", addr)
	return ""
}

// TestAppCreateRunsGitHubsManifestFlow plays the person at the browser:
// the page connectbot serves posts the manifest to the fake GitHub's
// "new App" page, which creates the App and sends the browser back with a
// code; connectbot exchanges it and writes the App's credentials, 0600.
// The key it wrote then lists the App's installations.
func TestAppCreateRunsGitHubsManifestFlow(t *testing.T) {
	gh := forgetest.NewServer(t, "acme-program", "connect")
	dir := filepath.Join(t.TempDir(), "creds")
	addr := freeAddr(t)
	e, stdout, stderr := appEnv(gh)
	code := make(chan int, 1)
	go func() {
		code <- runApp(e, []string{"create", "--org", "acme-program", "--webhook-url", "https://connectbot.acme.example/webhook", "--dir", dir, "--addr", addr})
	}()

	action, manifest := formOf(t, browse(t, addr))
	if want := gh.URL() + "/organizations/acme-program/settings/apps/new?state="; !strings.HasPrefix(action, want) {
		t.Errorf("the form posts to %q, want GitHub's page %q…", action, want)
	}
	var got, want map[string]any
	json.Unmarshal([]byte(manifest), &got)
	b, _ := json.Marshal(appmanifest.New("connectbot-acme-program", "https://connectbot.acme.example/webhook", "http://"+addr+"/callback"))
	json.Unmarshal(b, &want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the manifest posted is not app.yml's table with the URLs (-want +got):\n%s", diff)
	}

	resp, err := http.PostForm(action, url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	landed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(landed), "is created") {
		t.Fatalf("the browser landed on %d:\n%s", resp.StatusCode, landed)
	}
	if c := <-code; c != exitOK {
		t.Fatalf("app create: exit %d: %s", c, stderr)
	}
	for _, name := range []string{appmanifest.AppIDFile, appmanifest.PrivateKeyFile, appmanifest.WebhookSecretFile} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want -rw------- (0600)", name, info.Mode().Perm())
		}
	}
	if id := mustRead(t, filepath.Join(dir, appmanifest.AppIDFile)); id != fmt.Sprintf("%d\n", forgetest.AppID) {
		t.Errorf("app-id holds %q, want the App's ID %d", id, forgetest.AppID)
	}
	if block, _ := pem.Decode([]byte(mustRead(t, filepath.Join(dir, appmanifest.PrivateKeyFile)))); block == nil {
		t.Error("private-key.pem is not PEM")
	} else if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
		t.Errorf("private-key.pem: %v", err)
	}
	if s := strings.TrimSpace(mustRead(t, filepath.Join(dir, appmanifest.WebhookSecretFile))); len(s) < 20 {
		t.Errorf("webhook-secret holds %q", s)
	}
	for _, want := range []string{"Created the GitHub App connectbot-acme-program (ID 1)", dir + "/private-key.pem", "/apps/connectbot-acme-program/installations/new"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("app create's output lacks %q:\n%s", want, stdout)
		}
	}

	// The key written is the App's: its JWT lists the installations.
	e, stdout, stderr = appEnv(gh)
	if c := runApp(e, []string{"installations", "--dir", dir}); c != exitOK {
		t.Fatalf("app installations: exit %d: %s", c, stderr)
	}
	if want := "INSTALLATION ID  ACCOUNT       REPOSITORIES\n1                acme-program  selected\n"; !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("app installations printed:\n%s\nwant it to start:\n%s", stdout, want)
	}

	// A second run refuses at once: the credentials are never overwritten.
	e, _, stderr = appEnv(gh)
	if c := runApp(e, []string{"create", "--org", "acme-program", "--webhook-url", "https://x.example/webhook", "--dir", dir}); c != exitCantRun ||
		!strings.Contains(stderr.String(), "exists already: connectbot never overwrites an App's credentials") {
		t.Errorf("a second app create into the same directory: exit %d, %q", c, stderr)
	}
}

// TestAppCreateTakesOnlyItsOwnFlowsCode shows that a browser sent to the
// callback by anyone else (a state that is not the flow's) changes
// nothing, and that a code is exchanged once.
func TestAppCreateTakesOnlyItsOwnFlowsCode(t *testing.T) {
	gh := forgetest.NewServer(t, "acme-program", "connect")
	dir := filepath.Join(t.TempDir(), "creds")
	addr := freeAddr(t)
	e, _, stderr := appEnv(gh)
	code := make(chan int, 1)
	go func() {
		code <- runApp(e, []string{"create", "--org", "acme-program", "--webhook-url", "https://connectbot.acme.example/webhook", "--dir", dir, "--addr", addr, "--timeout", "30s"})
	}()
	action, manifest := formOf(t, browse(t, addr))
	forged, _ := url.Parse(action)
	q := forged.Query()
	q.Set("state", "someone-elses")
	forged.RawQuery = q.Encode()
	resp, err := http.PostForm(forged.String(), url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a callback with another state: %d, want 403", resp.StatusCode)
	}
	if _, err := os.Stat(dir); err == nil {
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("credentials written for another flow's state: %v", entries)
		}
	}
	// The real browser still completes the flow.
	resp, err = http.PostForm(action, url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := <-code; c != exitOK {
		t.Fatalf("app create: exit %d: %s", c, stderr)
	}
}

// appEnv is connectbot's environment pointed at the fake GitHub.
func appEnv(gh *forgetest.Server) (*env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	vars := map[string]string{"GITHUB_API_URL": gh.URL(), "GITHUB_SERVER_URL": gh.URL()}
	return &env{stdout: &stdout, stderr: &stderr, now: time.Now, getenv: func(k string) string { return vars[k] }}, &stdout, &stderr
}
