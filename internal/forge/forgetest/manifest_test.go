package forgetest_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/forge/forgetest"
)

// postManifest posts a manifest as the browser does, without following
// the redirect, and returns the answer's status and where it sends the
// browser.
func postManifest(t *testing.T, srv *forgetest.Server, path, manifest string) (int, *url.URL, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(srv.URL()+path, url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	loc, _ := resp.Location()
	return resp.StatusCode, loc, string(body)
}

const goodManifest = `{"name":"connectbot-octo","url":"https://example.com","hook_attributes":{"url":"https://hooks.example.com/webhook"},
"redirect_url":"http://127.0.0.1:1/callback","default_events":["pull_request","push"],
"default_permissions":{"contents":"write","pull_requests":"write","metadata":"read"}}`

// TestTheManifestFlow creates an App from a manifest as GitHub does: the
// form post sends the browser back with a code and the state, the code is
// exchanged once, within the hour, for the App with its key, and a JWT
// signed with that key lists the App's installation. Each answer is
// checked against GitHub's OpenAPI description.
func TestTheManifestFlow(t *testing.T) {
	spec := loadOpenAPI(t)
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	status, loc, body := postManifest(t, srv, "/organizations/octo-org/settings/apps/new?state=s1", goodManifest)
	if status != http.StatusFound || loc == nil || loc.Host != "127.0.0.1:1" || loc.Path != "/callback" || loc.Query().Get("state") != "s1" {
		t.Fatalf("the form post answered %d to %v, want 302 to the redirect_url with the state: %s", status, loc, body)
	}
	code := loc.Query().Get("code")
	const op = "/app-manifests/{code}/conversions"
	status, _, v := rawCall(t, srv, "", "POST", "/app-manifests/"+code+"/conversions", "")
	if status != http.StatusCreated {
		t.Fatalf("conversion: %d %v", status, v)
	}
	for _, p := range spec.check("answer", spec.schemaOf(t, "POST", op, status), v) {
		t.Error(p)
	}
	app, _ := v.(map[string]any)
	if app["name"] != "connectbot-octo" || app["id"] != float64(forgetest.AppID) || !strings.HasPrefix(app["pem"].(string), "-----BEGIN RSA PRIVATE KEY-----") {
		t.Errorf("the App converted: %v", app)
	}
	if status, _, v := rawCall(t, srv, "", "POST", "/app-manifests/"+code+"/conversions", ""); status != http.StatusNotFound {
		t.Errorf("a code exchanged twice: %d %v, want 404", status, v)
	}

	// The key GitHub gave is the App's.
	key := parseKey(t, []byte(app["pem"].(string)))
	now := time.Now()
	status, _, v = rawCall(t, srv, appJWT(t, key, "1", now.Add(-time.Minute), now.Add(5*time.Minute)), "GET", "/app/installations", "")
	if status != http.StatusOK {
		t.Fatalf("installations: %d %v", status, v)
	}
	for _, p := range spec.check("answer", spec.schemaOf(t, "GET", "/app/installations", status), v) {
		t.Error(p)
	}
	list, _ := v.([]any)
	if len(list) != 1 || list[0].(map[string]any)["id"] != float64(forgetest.InstallationID) {
		t.Errorf("installations: %v", v)
	}
	if status, _, _ := rawCall(t, srv, "alice-token", "GET", "/app/installations", ""); status != http.StatusUnauthorized {
		t.Errorf("installations without the App's JWT: %d, want 401", status)
	}
}

// TestTheManifestFlowRefusesWhatGitHubRefuses posts manifests GitHub's
// page would not create an App from.
func TestTheManifestFlowRefusesWhatGitHubRefuses(t *testing.T) {
	srv := forgetest.NewServer(t, "octo-org", "hello-world")
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		json.Unmarshal([]byte(goodManifest), &m)
		f(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	tests := []struct {
		name, path, manifest string
		status               int
		want                 string
	}{
		{"an event whose permission is not asked for", "/settings/apps/new",
			edit(func(m map[string]any) { m["default_events"] = []string{"issues"} }), 422, "Default events unsupported: issues"},
		{"a permission GitHub does not have", "/settings/apps/new",
			edit(func(m map[string]any) { m["default_permissions"] = map[string]string{"everything": "write"} }), 422, "Default permission records resource is not included in the list"},
		{"no webhook URL for an active hook", "/settings/apps/new",
			edit(func(m map[string]any) { m["hook_attributes"] = map[string]any{} }), 422, "Hook url can't be blank"},
		{"not JSON", "/settings/apps/new", "name: connectbot", 422, "the manifest is not JSON"},
		{"another organization's page", "/organizations/someone-else/settings/apps/new", goodManifest, 404, "404 page not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := postManifest(t, srv, tt.path, tt.manifest)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("%d %q, want %d with %q", status, body, tt.status, tt.want)
			}
		})
	}
	if status, _, _ := rawCall(t, srv, "", "POST", "/app-manifests/no-such-code/conversions", ""); status != http.StatusNotFound {
		t.Errorf("an unknown code: %d, want 404", status)
	}
}

// parseKey reads a PEM RSA private key (PKCS #1).
func parseKey(t *testing.T, pemKey []byte) *rsa.PrivateKey {
	t.Helper()
	block, _ := pem.Decode(pemKey)
	if block == nil {
		t.Fatal("not PEM")
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return key
}
