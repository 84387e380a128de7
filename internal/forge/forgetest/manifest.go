package forgetest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// GitHub's manifest flow ("Registering a GitHub App from a manifest"): the
// browser posts a form whose field "manifest" is the App as JSON to
// https://github.com/organizations/ORG/settings/apps/new?state=S (or
// /settings/apps/new for a personal account); once the person creates
// it, GitHub sends the browser to the manifest's redirect_url with
// ?code=C&state=S, and POST /app-manifests/C/conversions, within an hour
// and once, answers the App with its ID, private key and webhook secret.
// The fake is the App it creates (AppID, installed as InstallationID): the
// conversion's key is the one its JWTs must then be signed with.

// manifestCodeLife is how long a manifest's code may be exchanged.
const manifestCodeLife = time.Hour

// docsManifest is the documentation URL of the conversion.
const docsManifest = "https://docs.github.com/rest/apps/apps#create-a-github-app-from-a-manifest"

// eventPermission is the permission each event the fake knows needs, as
// GitHub refuses a manifest subscribing to an event whose permission it
// does not ask for.
var eventPermission = map[string]string{
	"check_run": "checks", "check_suite": "checks", "issue_comment": "issues", "issues": "issues",
	"merge_group": "merge_queues", "pull_request": "pull_requests", "pull_request_review": "pull_requests",
	"push": "contents", "status": "statuses",
}

// knownPermissions are the repository permissions a manifest may ask for,
// among GitHub's, that the fake knows.
var knownPermissions = []string{"actions", "checks", "contents", "issues", "merge_queues", "metadata", "pull_requests", "statuses"}

// appManifest is the part of a manifest the fake reads.
type appManifest struct {
	Name           string `json:"name"`
	URL            string `json:"url"`
	HookAttributes struct {
		URL    string `json:"url"`
		Active *bool  `json:"active"`
	} `json:"hook_attributes"`
	RedirectURL        string            `json:"redirect_url"`
	Public             bool              `json:"public"`
	DefaultEvents      []string          `json:"default_events"`
	DefaultPermissions map[string]string `json:"default_permissions"`
}

// createdApp is an App made from a manifest, until its code is exchanged.
type createdApp struct {
	manifest appManifest
	expires  time.Time
}

// manifestRoute reports whether r posts a manifest to the page that
// creates an App, and for which account ("" for the person's own).
func manifestRoute(r *http.Request) (account string, ok bool) {
	if r.Method != http.MethodPost {
		return "", false
	}
	if r.URL.Path == "/settings/apps/new" {
		return "", true
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/organizations/")
	org, ok2 := strings.CutSuffix(rest, "/settings/apps/new")
	return org, ok && ok2 && org != "" && !strings.Contains(org, "/")
}

// createFromManifest serves the form post of the manifest flow as the
// person who clicks "Create GitHub App": the App is created from the
// manifest and the browser sent to its redirect_url with a code and the
// state it was given. A manifest GitHub would refuse is answered 422 with
// why, as GitHub's page shows it.
func (s *Server) createFromManifest(w http.ResponseWriter, r *http.Request, account string) {
	if account != "" && !strings.EqualFold(account, s.owner) {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	var m appManifest
	if err := json.Unmarshal([]byte(r.PostForm.Get("manifest")), &m); err != nil {
		http.Error(w, "Invalid GitHub App configuration: the manifest is not JSON", http.StatusUnprocessableEntity)
		return
	}
	if why := refuseManifest(m); why != "" {
		http.Error(w, "Invalid GitHub App configuration: "+why, http.StatusUnprocessableEntity)
		return
	}
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	code := hex.EncodeToString(raw)
	s.manifests[code] = &createdApp{manifest: m, expires: time.Now().Add(manifestCodeLife)}
	back, _ := url.Parse(m.RedirectURL)
	q := back.Query()
	q.Set("code", code)
	if state := r.URL.Query().Get("state"); state != "" {
		q.Set("state", state)
	}
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// refuseManifest returns why GitHub would not create an App from m, or "".
func refuseManifest(m appManifest) string {
	if strings.TrimSpace(m.URL) == "" {
		return "url can't be blank"
	}
	active := m.HookAttributes.Active == nil || *m.HookAttributes.Active
	if active && strings.TrimSpace(m.HookAttributes.URL) == "" {
		return "Hook url can't be blank"
	}
	u, err := url.Parse(m.RedirectURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "redirect_url is not a URL (the fake needs one to send the browser back)"
	}
	for name, level := range m.DefaultPermissions {
		if !slices.Contains(knownPermissions, name) || (level != "read" && level != "write") {
			return "Default permission records resource is not included in the list"
		}
	}
	for _, e := range m.DefaultEvents {
		need, known := eventPermission[e]
		if !known || m.DefaultPermissions[need] == "" {
			return "Default events unsupported: " + e
		}
	}
	return ""
}

// convertManifest serves POST /app-manifests/{code}/conversions: the App
// created with code, once and within the hour, with a new private key,
// webhook secret and client secret. The key becomes the App's: JWTs
// signed with it mint tokens of its installation.
func (s *Server) convertManifest(w http.ResponseWriter, r *http.Request, code string) {
	created := s.manifests[code]
	if created == nil || time.Now().After(created.expires) {
		s.messageDoc(w, http.StatusNotFound, "Not Found", docsManifest)
		return
	}
	delete(s.manifests, code)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		s.message(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.appKey = &key.PublicKey
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	m := created.manifest
	app := s.appJSON()
	slug := strings.ToLower(strings.Join(strings.Fields(m.Name), "-"))
	perms := jsonObject{}
	for k, v := range m.DefaultPermissions {
		perms[k] = v
	}
	app["name"], app["slug"], app["external_url"], app["permissions"] = m.Name, slug, m.URL, perms
	app["html_url"] = s.srv.URL + "/apps/" + slug
	app["events"] = append([]string{}, m.DefaultEvents...)
	app["client_id"] = "Iv1." + randomHex(8)
	app["client_secret"] = randomHex(20)
	app["webhook_secret"] = randomHex(20)
	app["pem"] = string(pemKey)
	s.reply(w, r, http.StatusCreated, app)
}

// conversionRoute reports whether r exchanges a manifest's code, and the
// code.
func conversionRoute(r *http.Request) (string, bool) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/app-manifests/")
	if !ok || r.Method != http.MethodPost {
		return "", false
	}
	code, ok := strings.CutSuffix(rest, "/conversions")
	return code, ok && code != "" && !strings.Contains(code, "/")
}

// listInstallations serves GET /app/installations for the App's JWT: its
// one installation, on the repository's owner.
func (s *Server) listInstallations(w http.ResponseWriter, r *http.Request) {
	if msg := s.checkAppJWT(bearer(r), time.Now()); msg != "" {
		s.messageDoc(w, http.StatusUnauthorized, msg, "https://docs.github.com/rest/apps/apps#list-installations-for-the-authenticated-app")
		return
	}
	app := s.appJSON()
	api := s.srv.URL
	// The description's account is all of a user and an enterprise (allOf),
	// so the enterprise's required fields are given too.
	account := s.userJSON(s.owner)
	account["name"], account["slug"], account["created_at"], account["updated_at"] = s.owner, s.owner, ts(epoch), ts(epoch)
	s.reply(w, r, http.StatusOK, []any{jsonObject{
		"id": InstallationID, "account": account, "app_id": AppID, "app_slug": app["slug"],
		"target_id": s.userID(s.owner), "target_type": "Organization", "repository_selection": "selected",
		"access_tokens_url": api + "/app/installations/1/access_tokens",
		"repositories_url":  api + "/installation/repositories",
		"html_url":          api + "/organizations/" + s.owner + "/settings/installations/1",
		"permissions":       app["permissions"], "events": app["events"],
		"created_at": ts(epoch), "updated_at": ts(epoch),
		"single_file_name": nil, "suspended_by": nil, "suspended_at": nil,
	}})
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on the platforms Go supports
	}
	return hex.EncodeToString(b)
}
