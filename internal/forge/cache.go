package forge

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Bounds of the conditional-request cache.
const (
	cacheMaxEntries = 512
	cacheMaxBytes   = 32 << 20
	// cacheMaxBody is the largest body kept; larger answers pass uncached.
	cacheMaxBody = 1 << 20
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
	sum := sha256.Sum256([]byte(req.Header.Get("Authorization")))
	return req.URL.String() + "\x00" + req.Header.Get("Accept") + "\x00" + hex.EncodeToString(sum[:])
}
