// Package installs reads live install counts from the program's install
// source, an HTTP endpoint that answers GET with
//
//	{"asOf": "2026-11-24", "installs": [{"appId": "4820193", "count": 61}, {"slug": "acme-sync", "count": 23}]}
//
// Each entry names an application by its App ID or its slug. The answer is
// untrusted: anything malformed is an error, and no count from a bad
// answer is used.
package installs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// MaxBody is the largest answer read from a source.
const MaxBody = 4 << 20

// Source is a live install-count endpoint.
type Source struct {
	// URL is the endpoint.
	URL string
	// Client makes the request; nil means a client with a 15-second timeout.
	Client *http.Client
}

// answer is the endpoint's document.
type answer struct {
	AsOf     string  `json:"asOf"`
	Installs []entry `json:"installs"`
}

type entry struct {
	AppID string `json:"appId"`
	Slug  string `json:"slug"`
	Count *int   `json:"count"`
}

// Reader reads the counts of the install source at url for the files
// given, by slug, as of now. Fetch is the one that asks over HTTP; tests
// give their own.
type Reader func(ctx context.Context, url string, files []application.File, now application.Date) (map[string]program.Installs, error)

// Fetch is the Reader over HTTP: Source{URL: url}.Fetch.
func Fetch(ctx context.Context, url string, files []application.File, now application.Date) (map[string]program.Installs, error) {
	return Source{URL: url}.Fetch(ctx, files, now)
}

// Fetch asks the source for counts and returns them by slug for the
// applications given, as of the day the source states. now is today: a
// count dated later is refused as garbage.
func (s Source) Fetch(ctx context.Context, files []application.File, now application.Date) (map[string]program.Installs, error) {
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("installs source %q is not an http(s) URL", s.URL)
	}
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("installs source: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("installs source: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("installs source %s answered %s", u.Host, resp.Status)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("installs source %s answered %q, not application/json", u.Host, resp.Header.Get("Content-Type"))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("installs source %s: %w", u.Host, err)
	}
	if len(body) > MaxBody {
		return nil, fmt.Errorf("installs source %s: answer larger than %d bytes", u.Host, MaxBody)
	}
	counts, err := Parse(body, files, now, "live:"+u.Host)
	if err != nil {
		return nil, fmt.Errorf("installs source %s: %w", u.Host, err)
	}
	return counts, nil
}

// Parse checks an answer and maps its counts to slugs. Entries for
// applications not in files are ignored; any malformed entry fails the
// whole answer.
func Parse(body []byte, files []application.File, now application.Date, source string) (map[string]program.Installs, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var a answer
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("malformed answer: %v", err)
	}
	if dec.More() {
		return nil, errors.New("malformed answer: more than one JSON document")
	}
	asOf, err := application.ParseDate(a.AsOf)
	if err != nil {
		return nil, fmt.Errorf("asOf: %v", err)
	}
	if asOf > now {
		return nil, fmt.Errorf("asOf %s is after today (%s)", asOf, now)
	}
	bySlug := map[string]bool{}
	byAppID := map[string]string{}
	for _, f := range files {
		bySlug[f.Slug] = true
		if f.App != nil && f.App.Integration.AppID != "" {
			byAppID[f.App.Integration.AppID] = f.Slug
		}
	}
	out := map[string]program.Installs{}
	for i, e := range a.Installs {
		if e.Count == nil || *e.Count < 0 {
			return nil, fmt.Errorf("installs[%d]: count must be a whole number, zero or more", i)
		}
		if (e.AppID == "") == (e.Slug == "") {
			return nil, fmt.Errorf("installs[%d]: name the application by exactly one of appId or slug", i)
		}
		slug := e.Slug
		if e.AppID != "" {
			slug = byAppID[e.AppID]
		}
		if slug == "" || !bySlug[slug] {
			continue // not an application of this program
		}
		if _, dup := out[slug]; dup {
			return nil, fmt.Errorf("installs[%d]: a second count for %s", i, slug)
		}
		out[slug] = program.Installs{Count: *e.Count, AsOf: asOf, Source: source}
	}
	return out, nil
}
