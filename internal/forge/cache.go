package forge

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Bounds of the conditional-request cache: enough for what a reconcile of
// 1,000 pull requests reads (some six answers, about 35 KB, of each, and
// ten pages of the list, about 1.3 MB each), so that the idle reconcile
// after it finds the list and every head's checks.
const (
	cacheMaxEntries = 8192
	cacheMaxBytes   = 64 << 20
	// cacheMaxBody is the largest body kept; larger answers pass uncached.
	// A page of 100 pull requests, each with its head's and base's
	// repositories, is over a megabyte.
	cacheMaxBody = 4 << 20
	// A long-running process keeps cacheAnswersPerPR answers for each
	// open pull request, at least cacheMinEntries (KeepAnswersFor).
	cacheAnswersPerPR = 8
	cacheMinEntries   = 512
)

// etagCache is an http.RoundTripper that makes GETs conditional: it keeps
// the last 200 answer (with an ETag) per URL, Accept header and credential,
// sends If-None-Match with its ETag, and turns a 304 into that answer
// again. Entries are evicted least recently used first, by count and by
// total body size. The credential enters the key only as a SHA-256 hash.
type etagCache struct {
	next       http.RoundTripper
	maxEntries int
	maxBytes   int

	mu    sync.Mutex
	order *list.List // of *cacheEntry, most recently used first
	items map[string]*list.Element
	size  int
}

type cacheEntry struct {
	key    string
	etag   string
	header http.Header
	body   []byte
}

func newETagCache(next http.RoundTripper, maxEntries, maxBytes int) *etagCache {
	return &etagCache{
		next:       next,
		maxEntries: maxEntries,
		maxBytes:   maxBytes,
		order:      list.New(),
		items:      map[string]*list.Element{},
	}
}

// RoundTrip sends req, conditionally when an earlier answer is cached.
func (c *etagCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.Header.Get("If-None-Match") != "" || req.Header.Get("Range") != "" {
		return c.next.RoundTrip(req)
	}
	key := cacheKey(req)
	cached := c.get(key)
	out := req
	if cached != nil {
		out = req.Clone(req.Context())
		out.Header.Set("If-None-Match", cached.etag)
	}
	resp, err := c.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && cached != nil:
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return cached.response(req, resp), nil
	case resp.StatusCode == http.StatusOK && resp.Header.Get("ETag") != "":
		return c.store(key, resp)
	}
	return resp, nil
}

// store keeps resp's body under key, when it is small enough, and returns
// resp with its body readable again.
func (c *etagCache) store(key string, resp *http.Response) (*http.Response, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, cacheMaxBody+1))
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	if len(body) > cacheMaxBody {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		return resp, nil
	}
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	c.put(&cacheEntry{key: key, etag: resp.Header.Get("ETag"), header: resp.Header.Clone(), body: body})
	return resp, nil
}

func (c *etagCache) get(key string) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry)
}

func (c *etagCache) put(e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[e.key]; ok {
		c.size -= len(el.Value.(*cacheEntry).body)
		c.order.Remove(el)
	}
	c.items[e.key] = c.order.PushFront(e)
	c.size += len(e.body)
	c.evictLocked()
}

// resize bounds the cache to maxEntries answers from now on, dropping the
// least recently used ones over it.
func (c *etagCache) resize(maxEntries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.maxEntries = maxEntries
	c.evictLocked()
}

// evictLocked drops the least recently used answers while the cache is
// over a bound.
func (c *etagCache) evictLocked() {
	for c.order.Len() > c.maxEntries || c.size > c.maxBytes {
		last := c.order.Back()
		old := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.items, old.key)
		c.size -= len(old.body)
	}
}

// Len reports how many answers are cached.
func (c *etagCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// held reports how many answers are cached, and their bodies' bytes.
func (c *etagCache) held() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.size
}

// response rebuilds the cached answer for req, with the fresh headers of
// the 304 (rate limit, date) laid over the cached ones. X-From-Cache tells
// go-github not to take its rate-limit figures as current.
func (e *cacheEntry) response(req *http.Request, notModified *http.Response) *http.Response {
	h := e.header.Clone()
	for k, v := range notModified.Header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	h.Set("X-From-Cache", "1")
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         notModified.Proto,
		ProtoMajor:    notModified.ProtoMajor,
		ProtoMinor:    notModified.ProtoMinor,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(e.body)),
		ContentLength: int64(len(e.body)),
		Request:       req,
	}
}

// cacheKey identifies an answer by URL, Accept header and a hash of the
// credential, so that two tokens never share an entry and no token is kept.
func cacheKey(req *http.Request) string {
	return req.URL.String() + "\x00" + req.Header.Get("Accept") + "\x00" + credentialKey(req.Header.Get("Authorization"))
}

// savedAnswer is a cached answer as a cache file keeps it: its URL and
// Accept header, never the credential it was read with.
type savedAnswer struct {
	URL    string      `json:"url"`
	Accept string      `json:"accept,omitempty"`
	ETag   string      `json:"etag"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// cacheFileVersion names the layout of a cache file; a file of another
// layout is ignored.
const cacheFileVersion = 1

// cacheFile is the layout of a cache file.
type cacheFile struct {
	Version int           `json:"version"`
	Answers []savedAnswer `json:"answers"`
}

// credentialKey is the part of an entry's key that names authorization.
func credentialKey(authorization string) string {
	sum := sha256.Sum256([]byte(authorization))
	return hex.EncodeToString(sum[:])
}

// load reads the answers of a cache file into the cache, as read with
// authorization: the next run's token differs from the last's (each
// Actions run has its own), and an ETag is GitHub's name for the content,
// whoever reads it; GitHub checks the new token before it answers 304.
// Answers beyond the cache's bounds are dropped, oldest first.
func (c *etagCache) load(data []byte, authorization string) error {
	var f cacheFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("read the request cache: %w", err)
	}
	if f.Version != cacheFileVersion {
		return nil
	}
	cred := credentialKey(authorization)
	for i := len(f.Answers) - 1; i >= 0; i-- {
		a := f.Answers[i]
		if a.ETag == "" || len(a.Body) > cacheMaxBody {
			continue
		}
		key := a.URL + "\x00" + a.Accept + "\x00" + cred
		c.put(&cacheEntry{key: key, etag: a.ETag, header: a.Header, body: a.Body})
	}
	return nil
}

// save writes the answers read with authorization, most recently used
// first, as a cache file.
func (c *etagCache) save(authorization string) ([]byte, error) {
	cred := credentialKey(authorization)
	f := cacheFile{Version: cacheFileVersion, Answers: []savedAnswer{}}
	c.mu.Lock()
	for el := c.order.Front(); el != nil; el = el.Next() {
		e := el.Value.(*cacheEntry)
		parts := strings.SplitN(e.key, "\x00", 3)
		if len(parts) != 3 || parts[2] != cred {
			continue
		}
		f.Answers = append(f.Answers, savedAnswer{URL: parts[0], Accept: parts[1], ETag: e.etag, Header: e.header, Body: e.body})
	}
	c.mu.Unlock()
	return json.Marshal(f)
}

// loadCache reads the cache file at path into cache; a file that is not
// there yet is an empty cache, one that cannot be read is logged and
// ignored.
func loadCache(cache *etagCache, path, authorization string, log *slog.Logger) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err == nil {
		err = cache.load(data, authorization)
	}
	if err != nil {
		log.Warn("the request cache is ignored", "file", path, "err", err)
	}
}

// KeepAnswersFor bounds the answers the client keeps to what openPRs open
// pull requests need (cacheAnswersPerPR each, at least cacheMinEntries):
// a long-running process calls it as it lists them, so that it keeps the
// answers of the pull requests open now rather than of every one it has
// seen since it started.
func (c *Client) KeepAnswersFor(openPRs int) {
	c.cache.resize(max(cacheMinEntries, cacheAnswersPerPR*openPRs))
}

// CacheSize reports how many of GitHub's answers the client keeps for
// its conditional requests, and their bodies' bytes: bounded by count
// and by bytes, least recently used dropped first.
func (c *Client) CacheSize() (entries, bytes int) { return c.cache.held() }

// SaveCache writes the answers of this client's conditional requests to
// Options.CacheFile (nothing without one), readable by its owner only,
// replacing the file whole so that a run stopped while writing leaves the
// last complete one.
func (c *Client) SaveCache() error {
	if c.cacheFile == "" {
		return nil
	}
	data, err := c.cache.save(c.authorization)
	if err != nil {
		return fmt.Errorf("save the request cache: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(c.cacheFile), 0o700); err != nil {
		return fmt.Errorf("save the request cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(c.cacheFile), ".etags-*")
	if err != nil {
		return fmt.Errorf("save the request cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save the request cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save the request cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.cacheFile); err != nil {
		return fmt.Errorf("save the request cache: %w", err)
	}
	return nil
}
