package appmanifest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/connectbot/connectbot/internal/forge"
)

// Flow is GitHub's manifest flow, run from a person's machine: a local page
// posts the manifest to GitHub's "new App" page, GitHub sends the browser
// back to the page's /callback with a code, and the code is exchanged for
// the App's credentials.
type Flow struct {
	// Manifest is the App to create; Run sets its RedirectURL to the
	// local /callback.
	Manifest Manifest
	// NewAppURL is GitHub's page that creates an App from a manifest:
	// https://github.com/organizations/ORG/settings/apps/new, or
	// /settings/apps/new for a personal account.
	NewAppURL string
	// Exchange turns the code into the App (forge.CreateAppFromManifest).
	Exchange func(ctx context.Context, code string) (forge.App, error)
	// State is the unguessable value GitHub hands back with the code, so
	// that only the browser this flow sent can complete it.
	State string
}

// NewAppURL returns GitHub's page that creates an App from a manifest, on
// the server at webURL (https://github.com), for the organization org or,
// when org is "", the signed-in person.
func NewAppURL(webURL, org string) string {
	base := webURL
	if len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}
	if org == "" {
		return base + "/settings/apps/new"
	}
	return base + "/organizations/" + url.PathEscape(org) + "/settings/apps/new"
}

// page is the local page: the manifest in a form posted to GitHub at once.
var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Create the connectbot GitHub App</title>
<body onload="document.forms[0].submit()">
<form action="{{.Action}}" method="post">
<input type="hidden" name="manifest" value="{{.Manifest}}">
<p>This page sends the App's manifest to GitHub, where you name and create the App.</p>
<button type="submit">Create the GitHub App on GitHub</button>
</form></body></html>
`))

// done is the page the browser lands on once the App is created.
var done = template.Must(template.New("done").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><title>{{.Name}} created</title>
<body><p>The GitHub App {{.Name}} (ID {{.ID}}) is created; its credentials are written.
You may close this page. Next, <a href="{{.HTMLURL}}/installations/new">install it</a> on the program's repository.</p></body></html>
`))

// Run serves the flow on ln until the App is created (its credentials
// returned), the exchange fails, or ctx ends.
func (f *Flow) Run(ctx context.Context, ln net.Listener) (forge.App, error) {
	if f.State == "" {
		return forge.App{}, errors.New("the flow needs a state")
	}
	f.Manifest.RedirectURL = "http://" + ln.Addr().String() + "/callback"
	body, err := json.Marshal(f.Manifest)
	if err != nil {
		return forge.App{}, err
	}
	action := f.NewAppURL + "?state=" + url.QueryEscape(f.State)
	type result struct {
		app forge.App
		err error
	}
	results := make(chan result, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, map[string]string{"Action": action, "Manifest": string(body)})
	})
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		app, status, err := f.callback(r)
		if status != 0 {
			http.Error(w, err.Error(), status)
			return
		}
		if err != nil {
			http.Error(w, "The App could not be created: "+err.Error(), http.StatusBadGateway)
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			done.Execute(w, app)
		}
		select {
		case results <- result{app, err}:
		default:
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		// Let the browser have the page that says how it went.
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(stop)
	}()
	select {
	case res := <-results:
		return res.app, res.err
	case <-ctx.Done():
		return forge.App{}, fmt.Errorf("no App was created: %w", ctx.Err())
	}
}

// callback checks the state GitHub sent back and exchanges the code. A
// request that is not GitHub's answer to this flow gets a status and
// changes nothing.
func (f *Flow) callback(r *http.Request) (forge.App, int, error) {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		return forge.App{}, http.StatusForbidden, errors.New("the state does not match this flow's: start again from the page connectbot printed")
	}
	code := q.Get("code")
	if code == "" {
		return forge.App{}, http.StatusBadRequest, errors.New("GitHub sent no code")
	}
	app, err := f.Exchange(r.Context(), code)
	return app, 0, err
}

// Files are the names WriteCredentials gives the App's credentials in its
// directory, as the Kubernetes Secret's keys and serve's *_FILE
// variables name them.
const (
	AppIDFile         = "app-id"
	PrivateKeyFile    = "private-key.pem"
	WebhookSecretFile = "webhook-secret"
)

// WriteCredentials writes the App's ID, private key and webhook secret to
// new files in dir (made 0700 if it does not exist), each readable by its
// owner alone (0600), and returns their paths. It never overwrites a file:
// one already there is an error and nothing is written.
func WriteCredentials(dir string, app forge.App) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	files := []struct{ name, content string }{
		{AppIDFile, strconv.FormatInt(app.ID, 10) + "\n"},
		{PrivateKeyFile, app.PEM},
		{WebhookSecretFile, app.WebhookSecret + "\n"},
	}
	if err := Free(dir); err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := writeNew(p, f.content); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// Free reports, as an error, a credentials file already in dir: checked
// before the flow starts, so that an App is never created whose
// credentials could not be written.
func Free(dir string) error {
	for _, name := range []string{AppIDFile, PrivateKeyFile, WebhookSecretFile} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return fmt.Errorf("%s exists already: connectbot never overwrites an App's credentials", filepath.Join(dir, name))
		}
	}
	return nil
}

// writeNew creates path, which must not exist, readable by its owner alone.
func writeNew(path, content string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
