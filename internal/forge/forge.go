// Package forge adapts GitHub's REST API, through go-github v60, to the few
// plain types and operations connectbot needs: pull requests, their files and
// reviews, sticky comments, labels, check runs (with a commit-status
// fallback) and pinned merges.
//
// It is the only package that imports go-github. Callers never see go-github
// types: errors are classified at this boundary into ErrNotFound,
// ErrConflict, ErrNotMergeable, ErrValidation, ErrForbidden, ErrUnavailable
// and *RateLimitError, and the request (which carries the token) is never
// returned or logged.
//
// Below go-github sit two http.RoundTrippers. The first waits out rate
// limits and retries server errors; it works below go-github because
// go-github v60 remembers a rate limit against the wall clock and refuses
// further requests until then, which would defeat an injected Sleep, and
// because v60 does not recognise a 429 as a secondary rate limit. The second
// sends If-None-Match for GETs it has seen before and serves the cached body
// when GitHub answers 304 Not Modified (GitHub does not count such answers
// against the rate limit).
//
// Retries never duplicate a side effect: a rate-limit answer means GitHub did
// not act, so every request is retried after the documented wait; a 5xx is
// ambiguous, so only calls that are idempotent are retried after one
// (reads, edits, label and status writes). Creating a comment, a pull
// request or a check run, and merging, are not retried after a 5xx: they
// return an error wrapping ErrUnavailable and the caller looks before it
// tries again (for a comment, by its hidden marker; for a pull request, with
// ListPRs).
package forge

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxRetries = 4
	DefaultMaxWait    = 2 * time.Minute
	DefaultPageSize   = 100
)

// Options configures a Client.
type Options struct {
	// BaseURL is the REST API root; "" means https://api.github.com/.
	// Tests pass the fake server's URL.
	BaseURL string
	// Token authenticates every request. It is never logged nor returned.
	Token string
	// Owner and Repo name the repository every call acts on.
	Owner, Repo string
	// HTTPClient is the client to send requests with; nil means a new one
	// over http.DefaultTransport. It is copied, not modified.
	HTTPClient *http.Client
	// MaxRetries bounds the retries of one request; 0 means
	// DefaultMaxRetries and a negative value disables retries.
	MaxRetries int
	// MaxWait bounds the total time one request may spend waiting before
	// retries; 0 means DefaultMaxWait. A wait that would go past it is not
	// started: the error (often a *RateLimitError) is returned instead.
	MaxWait time.Duration
	// Sleep waits between retries; nil means a timer that also honours the
	// request's context. Tests inject a recorder.
	Sleep func(time.Duration)
	// Now is the clock rate-limit resets are measured against; nil means
	// time.Now.
	Now func() time.Time
	// PageSize is the per_page sent on list calls; 0 means DefaultPageSize.
	PageSize int
	// Logger receives retry and fallback notices; nil discards them.
	Logger *slog.Logger
	// CacheFile keeps the answers of conditional requests (their ETags
	// and bodies) across runs: New reads it, when it is there, and
	// SaveCache writes it, so that a short-lived run — a reconcile, a
	// tick, an Actions job — asks conditionally from its first request.
	// "" keeps them in memory only. A file that cannot be read is
	// ignored (logged): it costs full requests, never a wrong answer.
	CacheFile string
}

// Client is a GitHub client for one repository. It is safe for concurrent
// use.
type Client struct {
	gh    *github.Client
	cache *etagCache
	// cacheFile and authorization are where SaveCache writes the cache,
	// and the credential whose answers it writes.
	cacheFile, authorization string
	owner                    string
	repo                     string
	pageSize                 int
	now                      func() time.Time
	log                      *slog.Logger
}

// New returns a Client for the repository opts names.
func New(opts Options) (*Client, error) {
	if opts.Owner == "" || opts.Repo == "" {
		return nil, errors.New("forge: owner and repo are required")
	}
	baseURL, err := apiBaseURL(opts.BaseURL)
	if err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	authorization := ""
	if opts.Token != "" {
		authorization = "Bearer " + opts.Token // as go-github sends it
	}
	hc, cache := opts.httpClient(authorization)
	gh := github.NewClient(hc)
	if opts.Token != "" {
		gh = gh.WithAuthToken(opts.Token)
	}
	gh.BaseURL = baseURL
	gh.UserAgent = "connectbot"

	return &Client{
		gh:        gh,
		cache:     cache,
		cacheFile: opts.CacheFile, authorization: authorization,
		owner:    opts.Owner,
		repo:     opts.Repo,
		pageSize: opts.PageSize,
		now:      opts.Now,
		log:      opts.Logger,
	}, nil
}

// apiBaseURL is the REST API root base names ("" for github.com's), with
// the trailing slash go-github needs; only http and https are taken.
func apiBaseURL(base string) (*url.URL, error) {
	if base == "" {
		base = "https://api.github.com/"
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	baseURL, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("forge: base URL: %w", err)
	}
	if baseURL.Scheme != "http" && baseURL.Scheme != "https" {
		return nil, fmt.Errorf("forge: base URL %q: scheme must be http or https", base)
	}
	return baseURL, nil
}

// withDefaults is opts with its zero fields given their defaults, and a
// negative MaxRetries as no retries.
func (opts Options) withDefaults() Options {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	switch {
	case opts.MaxRetries == 0:
		opts.MaxRetries = DefaultMaxRetries
	case opts.MaxRetries < 0:
		opts.MaxRetries = 0
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.PageSize <= 0 {
		opts.PageSize = DefaultPageSize
	}
	return opts
}

// httpClient is a copy of opts.HTTPClient whose requests are retried
// over the conditional-request cache, which it returns too: loaded from
// opts.CacheFile, when there is one, for the credential authorization.
func (opts Options) httpClient(authorization string) (*http.Client, *etagCache) {
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		c := *opts.HTTPClient
		hc = &c
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	cache := newETagCache(next, cacheMaxEntries, cacheMaxBytes)
	if opts.CacheFile != "" {
		loadCache(cache, opts.CacheFile, authorization, opts.Logger)
	}
	hc.Transport = &retryTransport{
		next:       cache,
		maxRetries: opts.MaxRetries,
		maxWait:    opts.MaxWait,
		sleep:      sleeper(opts.Sleep),
		now:        opts.Now,
		jitter:     randomJitter,
		log:        opts.Logger,
	}
	return hc, cache
}

// PR is a pull request.
type PR struct {
	Number int
	Title  string
	Body   string
	// State is "open" or "closed".
	State  string
	Merged bool
	Draft  bool
	// Author is the login of the user who opened the pull request.
	Author  string
	HeadSHA string
	HeadRef string
	// HeadRepo is the head repository as "owner/name"; it differs from the
	// base repository for a pull request from a fork, and is "" when the
	// fork was deleted.
	HeadRepo string
	// BaseRepo is the repository the pull request is into, "owner/name".
	BaseRepo string
	BaseRef  string
	BaseSHA  string
	// DefaultBranch is the base repository's default branch ("main").
	DefaultBranch string
	Labels        []string
	// Mergeable is true when GitHub says the pull request merges into its
	// base without a conflict, merging line by line; false when it
	// conflicts, and while GitHub has not computed it yet (null).
	Mergeable bool
	// UpdatedAt is when anything last happened on the pull request — a
	// push, a comment, a review, a label — as GitHub's updated_at says.
	UpdatedAt time.Time
}

// File is a file a pull request changes.
type File struct {
	Path string
	// PreviousPath is the path before a rename; "" otherwise.
	PreviousPath string
	// Status is GitHub's: added, removed, modified, renamed, copied,
	// changed or unchanged.
	Status string
}

// Review is a pull request review.
type Review struct {
	ID     int64
	Author string
	// State is GitHub's: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
	// or PENDING.
	State string
	// CommitSHA is the head commit the review was given on.
	CommitSHA   string
	Body        string
	SubmittedAt time.Time
}

// Comment is an issue (or pull request conversation) comment.
type Comment struct {
	ID     int64
	Author string
	Body   string
	// Edited is true when the body changed after the comment was posted
	// (GitHub's updated_at is later than its created_at). Anyone with
	// write access to the repository may edit anyone's comment, so an
	// edited body is not its author's word alone.
	Edited bool
	// Created is when the comment was posted (GitHub's created_at), in
	// UTC: a command takes effect on that day, however late it is handled.
	Created time.Time
}

// NewPR is what CreatePR needs to open a pull request.
type NewPR struct {
	Title string
	Body  string
	// Head is the branch to merge from, in this repository.
	Head string
	// Base is the branch to merge into.
	Base string
}
