package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v60/github"
)

// App is a GitHub App as the manifest flow creates it: its identity and
// the credentials GitHub gives once, when the code is exchanged.
type App struct {
	ID            int64
	Slug, Name    string
	Owner         string
	HTMLURL       string
	WebhookSecret string
	// PEM is the App's private key.
	PEM                    string
	ClientID, ClientSecret string
}

// Installation is one installation of an App.
type Installation struct {
	ID int64
	// Account is the login of the organization or user it is installed on.
	Account string
	// RepositorySelection is "all" or "selected".
	RepositorySelection string
	HTMLURL             string
}

// CreateAppFromManifest completes GitHub's manifest flow: it exchanges
// the code GitHub sent the browser back with
// (POST /app-manifests/{code}/conversions, no authentication) for the App
// and its credentials. apiURL is the REST API root ("" for api.github.com).
func CreateAppFromManifest(ctx context.Context, apiURL string, hc *http.Client, code string) (App, error) {
	gh, err := appsClient(apiURL, hc)
	if err != nil {
		return App{}, err
	}
	cfg, _, err := gh.Apps.CompleteAppManifest(ctx, url.PathEscape(code))
	if err != nil {
		return App{}, fmt.Errorf("exchange the manifest's code: %w", appsError(err))
	}
	app := App{
		ID: cfg.GetID(), Slug: cfg.GetSlug(), Name: cfg.GetName(), Owner: cfg.GetOwner().GetLogin(), HTMLURL: cfg.GetHTMLURL(),
		WebhookSecret: cfg.GetWebhookSecret(), PEM: cfg.GetPEM(), ClientID: cfg.GetClientID(), ClientSecret: cfg.GetClientSecret(),
	}
	if app.ID == 0 || app.PEM == "" || app.WebhookSecret == "" {
		return App{}, errors.New("exchange the manifest's code: GitHub's answer lacks the App's id, private key or webhook secret")
	}
	return app, nil
}

// ListInstallations lists the installations of App appID, authenticated as
// the App by a JWT signed with its private key (PEM).
func ListInstallations(ctx context.Context, apiURL string, hc *http.Client, appID int64, key []byte) ([]Installation, error) {
	base := http.DefaultTransport
	if hc != nil && hc.Transport != nil {
		base = hc.Transport
	}
	jwt, err := ghinstallation.NewAppsTransport(base, appID, key)
	if err != nil {
		return nil, fmt.Errorf("the App's private key: %w", err)
	}
	gh, err := appsClient(apiURL, &http.Client{Transport: jwt})
	if err != nil {
		return nil, err
	}
	var out []Installation
	opts := &github.ListOptions{PerPage: DefaultPageSize}
	for {
		page, resp, err := gh.Apps.ListInstallations(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("list the App's installations: %w", appsError(err))
		}
		for _, in := range page {
			out = append(out, Installation{ID: in.GetID(), Account: in.GetAccount().GetLogin(),
				RepositorySelection: in.GetRepositorySelection(), HTMLURL: in.GetHTMLURL()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// appsClient is a go-github client of the API at apiURL, for the App's
// own endpoints (which name no repository).
func appsClient(apiURL string, hc *http.Client) (*github.Client, error) {
	if apiURL == "" {
		apiURL = "https://api.github.com/"
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("forge: API URL %q is not an http(s) URL", apiURL)
	}
	gh := github.NewClient(hc)
	gh.BaseURL, gh.UserAgent = u, "connectbot"
	return gh, nil
}

// appsError is GitHub's answer to a call of the App's, in one line: its
// status and message, never the request.
func appsError(err error) error {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return fmt.Errorf("GitHub answered %d: %s", er.Response.StatusCode, er.Message)
	}
	return err
}
