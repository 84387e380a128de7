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
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// MaxBody is the largest answer read from a source.
const MaxBody = 4 << 20

// Timeout bounds one request to a source, its body read to the end
// included, when the Source has no Client of its own.
const Timeout = 15 * time.Second

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
	if msg := (application.InstallsSource{URL: s.URL}).Problem(); msg != "" {
		// Name the host, never the whole address: its query may carry a
		// token.
		host := ""
		if u, err := url.Parse(s.URL); err == nil {
			host = u.Host + " "
		}
		return nil, fmt.Errorf("installs source %s%s", host, msg)
	}
	u, _ := url.Parse(s.URL)
	client := http.Client{Timeout: Timeout}
	if s.Client != nil {
		client = *s.Client
	}
	// The counts come from the address program.cue names, or from nowhere:
	// a redirect, to another host or round a loop, is an answer to refuse.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("installs source %s: %w", u.Host, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		// The *url.Error would quote the whole address, query included,
		// which may carry a token: name the host only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("installs source %s: %w", u.Host, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("installs source %s %s", u.Host, refusal(resp))
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

// refusal says what an answer other than 200 OK was: where a redirect
// led, or when the source asks to be asked again.
func refusal(resp *http.Response) string {
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		to, err := resp.Location()
		if err != nil {
			return fmt.Sprintf("answered %s without an address to go to", resp.Status)
		}
		to.RawQuery, to.Fragment, to.User = "", "", nil
		return fmt.Sprintf("answered %s, redirected to %s; connectbot follows no redirect: name the final address in program.cue", resp.Status, to)
	}
	msg := "answered " + resp.Status
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if n, err := strconv.Atoi(ra); err == nil && n >= 0 {
			msg += fmt.Sprintf(" (retry after %d seconds)", n)
		} else if t, err := http.ParseTime(ra); err == nil {
			msg += fmt.Sprintf(" (retry after %s)", t.UTC().Format(time.RFC3339))
		}
	}
	return msg
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
	// encoding/json keeps the last of a repeated key and matches keys
	// without regard to case: either would let an answer say two things.
	if err := checkKeys(body); err != nil {
		return nil, err
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
			id := f.App.Integration.AppID
			if other, taken := byAppID[id]; taken && other != f.Slug {
				byAppID[id] = "" // two files claim it: its count is no one's
				continue
			}
			byAppID[id] = f.Slug
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

// keys are the keys an answer's objects may have: the document's, and
// each count's.
var keys = map[bool][]string{false: {"asOf", "installs"}, true: {"appId", "slug", "count"}}

// checkKeys refuses an answer whose objects repeat a key or have a key
// not spelt exactly as documented. body is known to be one JSON document
// of the answer's shape.
func checkKeys(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	return checkValue(dec, "")
}

func checkValue(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("malformed answer: %v", err)
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		allowed := keys[path != ""]
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return fmt.Errorf("malformed answer: %v", err)
			}
			key, _ := tok.(string)
			where := ""
			if path != "" {
				where = path + ": "
			}
			if !slices.Contains(allowed, key) {
				return fmt.Errorf("%sunknown key %q", where, key)
			}
			if seen[key] {
				return fmt.Errorf("%s%q given twice", where, key)
			}
			seen[key] = true
			if err := checkValue(dec, strings.TrimPrefix(path+"."+key, ".")); err != nil {
				return err
			}
		}
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := checkValue(dec, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	default:
		return nil
	}
	_, err = dec.Token() // the closing delimiter
	return err
}
