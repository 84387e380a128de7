package webhook

import (
	"container/list"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for ServerOptions fields left zero.
const (
	DefaultMaxBodyBytes = 5 << 20
	DefaultRecentIDs    = 10000
	DefaultRetryAfter   = 30 * time.Second
	// DefaultBodyMemory bounds the bytes all the bodies being read hold at
	// once: not yet verified, they are anyone's. A real delivery is tens
	// of kilobytes; a body trickled in holds only what it has sent.
	DefaultBodyMemory = 64 << 20
	// DefaultBodyTimeout is how long a body may take to arrive once its
	// headers have: GitHub sends a delivery in one burst.
	DefaultBodyTimeout = 5 * time.Second
	// maxDeliveryID bounds an X-GitHub-Delivery value.
	maxDeliveryID = 128
	// Path is where GitHub posts deliveries.
	Path = "/webhook"
)

// Reasons a delivery is turned away, as reported to the Observer.
const (
	RejectSignature = "signature"  // 401: missing, malformed or wrong X-Hub-Signature-256
	RejectSize      = "size"       // 413: body over the limit
	RejectParse     = "parse"      // 400: headers missing or a payload that does not parse
	RejectDuplicate = "duplicate"  // 200: a delivery id seen before; not processed again
	RejectStopping  = "stopping"   // 503: the server is shutting down; GitHub's redelivery reaches the next process
	RejectBusy      = "busy"       // 503: the memory for bodies being read is spent; not yet authenticated
	RejectSlow      = "slow"       // 408: the body did not arrive within the body timeout
	RejectSource    = "source"     // 403: the sender's address is not in the allow-list
	RejectPerSource = "per-source" // 429: as many bodies from the sender's address as it may have are being read
)

// RejectReasons lists every reason, for callers that pre-declare them.
var RejectReasons = []string{RejectSignature, RejectSize, RejectParse, RejectDuplicate, RejectStopping, RejectBusy, RejectSlow, RejectSource, RejectPerSource}

// Kinds lists the event kinds Parse reads, for callers that pre-declare
// them; anything Parse ignores is counted as KindOther.
var Kinds = []string{KindPullRequest, KindReview, KindComment, KindIssue, KindCheckRun, KindCheckSuite, KindPush, KindMergeGroup, KindPing}

// KindOther stands, in what the Observer is told, for every event kind
// connectbot does not act on, so that a sender cannot invent label values.
const KindOther = "other"

// Observer is told what happens to deliveries; a metrics registry
// implements it. Its methods must be safe for concurrent use.
type Observer interface {
	// EventReceived counts a delivery whose signature checked out, by
	// kind: one Parse reads, or KindOther.
	EventReceived(kind string)
	// EventRejected counts a delivery turned away, by one of RejectReasons.
	EventRejected(reason string)
}

// EnqueueFunc takes an accepted delivery's event, before it is
// acknowledged: it must not block, and turns the event into work keys in a
// queue rather than doing the work. It reports false, taking nothing, only
// when the process is shutting down.
type EnqueueFunc func(delivery string, ev Event) bool

// ServerOptions configures a Server.
type ServerOptions struct {
	// Secrets are the webhook secrets a signature may match; more than
	// one while a secret is rotated. At least one must be non-empty.
	Secrets [][]byte
	// Enqueue is called once for each accepted delivery. Required.
	Enqueue EnqueueFunc
	// MaxBodyBytes bounds a delivery's body; 0 means DefaultMaxBodyBytes.
	// GitHub caps payloads at 25 MB, but the events connectbot reads are
	// far smaller.
	MaxBodyBytes int64
	Workers      int
	// BodyMemory bounds the bytes held by all the bodies being read at
	// once; 0 means DefaultBodyMemory. A body is read before its signature
	// can be checked, so this is what strangers can make the server hold.
	// A body holds at most twice what it has sent (at least 4 KiB), so
	// connections that trickle bytes hold little; a body that would take
	// more than is left is answered 503 with Retry-After.
	BodyMemory int64
	// BodyTimeout is how long a body may take once its headers are read;
	// 0 means DefaultBodyTimeout. A body still arriving then is answered
	// 408 and its connection closed.
	BodyTimeout time.Duration
	// AllowFrom, when not empty, are the only ranges deliveries may come
	// from (GitHub's hook ranges); any other source is answered 403.
	AllowFrom []netip.Prefix
	// TrustedProxies are the ranges of the proxies in front of the server
	// (a load balancer) whose X-Forwarded-For names the sender; from any
	// other peer, the header is not believed.
	TrustedProxies []netip.Prefix
	// PerSource bounds the bodies read at once from one source address;
	// 0 means no limit. One more is answered 429 with Retry-After.
	PerSource int
	// Shed, if set, is called each time a delivery is answered 503 for
	// lack of memory to read its body: that delivery is lost until a
	// reconcile makes good what it asked. It must not block.
	Shed func()
	// RecentIDs bounds how many delivery ids are remembered to drop
	// duplicates; 0 means DefaultRecentIDs.
	RecentIDs int
	// RetryAfter is what a 503 asks the sender to wait; 0 means
	// DefaultRetryAfter.
	RetryAfter time.Duration
	// Observer, if set, is told about every delivery.
	Observer Observer
	// Logger receives one line per delivery (never its payload); nil
	// discards them.
	Logger *slog.Logger
}

// Server is an http.Handler for GitHub's webhook deliveries on POST Path.
// It checks each delivery's signature against the configured secrets,
// drops deliveries whose id it has seen recently, parses the event, hands
// it to Enqueue and answers 202 at once. Nothing unbounded is kept: each
// body, the bytes all the bodies being read hold and the remembered ids
// have limits, a body has a deadline, and no body outlives its request. Bodies are read in no fixed number of slots: a stranger
// trickling bytes holds only what it has sent, never a place a delivery
// needs.
type Server struct {
	secrets     [][]byte
	enqueue     EnqueueFunc
	maxBody     int64
	retryAfter  string
	obs         Observer
	log         *slog.Logger
	recent      *recentIDs
	memory      *memory
	bodyTimeout time.Duration
	sources     *sources
	shed        func()

	closed atomic.Bool
}

// NewServer returns a Server. It refuses to be built without a non-empty
// secret or an Enqueue function.
func NewServer(opts ServerOptions) (*Server, error) {
	var secrets [][]byte
	for _, s := range opts.Secrets {
		if len(s) > 0 {
			secrets = append(secrets, s)
		}
	}
	if len(secrets) == 0 {
		return nil, errors.New("webhook: a non-empty secret is required")
	}
	if opts.Enqueue == nil {
		return nil, errors.New("webhook: an Enqueue function is required")
	}
	s := &Server{
		secrets:     secrets,
		enqueue:     opts.Enqueue,
		maxBody:     orDefault(opts.MaxBodyBytes, DefaultMaxBodyBytes),
		retryAfter:  strconv.Itoa(int(orDefault(opts.RetryAfter, DefaultRetryAfter).Round(time.Second) / time.Second)),
		obs:         opts.Observer,
		log:         opts.Logger,
		recent:      newRecentIDs(orDefault(opts.RecentIDs, DefaultRecentIDs)),
		memory:      &memory{max: orDefault(opts.BodyMemory, DefaultBodyMemory)},
		bodyTimeout: orDefault(opts.BodyTimeout, DefaultBodyTimeout),
		sources: &sources{allow: opts.AllowFrom, proxies: opts.TrustedProxies, max: opts.PerSource,
			reading: map[netip.Addr]int{}},
		shed: opts.Shed,
	}
	if s.shed == nil {
		s.shed = func() {}
	}
	if s.obs == nil {
		s.obs = nopObserver{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// ServeHTTP answers one delivery.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	delivery, kind := r.Header.Get("X-GitHub-Delivery"), r.Header.Get("X-GitHub-Event")
	// The headers are not signed: what is logged of them is bounded.
	log := s.log.With("delivery", clip(delivery), "event", clip(kind))

	source, log, ok := s.admit(w, r, log)
	if !ok {
		return
	}
	defer s.sources.leave(source)
	body, release, err := s.readBody(w, r)
	defer release()
	if err != nil {
		s.refuseBody(w, log, err)
		return
	}
	// Nothing of an unsigned body is read, not even its repository.
	if err := Verify(r.Header.Get("X-Hub-Signature-256"), body, s.secrets); err != nil {
		s.reject(w, log, RejectSignature, http.StatusUnauthorized, "signature does not match")
		return
	}
	// GitHub's delivery ids are GUIDs; a longer one would make the
	// remembered ids cost more than their bound suggests.
	if delivery == "" || kind == "" || len(delivery) > maxDeliveryID {
		s.obs.EventReceived(KindOther)
		s.reject(w, log, RejectParse, http.StatusBadRequest, fmt.Sprintf("X-GitHub-Delivery (at most %d characters) and X-GitHub-Event are required", maxDeliveryID))
		return
	}
	ev, err := parse(kind, body)
	if errors.Is(err, ErrIgnored) {
		s.obs.EventReceived(KindOther)
		log.Info("webhook ignored: not an event connectbot acts on")
		writeText(w, http.StatusOK, "ignored")
		return
	}
	// Parse knows the kind (it did not ignore it), so it is a bounded
	// label value even when the payload turns out unreadable.
	s.obs.EventReceived(kind)
	if err != nil {
		s.reject(w, log, RejectParse, http.StatusBadRequest, err.Error())
		return
	}
	log = log.With("repo", ev.Repo)
	if !s.recent.add(delivery) {
		s.obs.EventRejected(RejectDuplicate)
		log.Info("webhook duplicate: already accepted; not processed again")
		writeText(w, http.StatusOK, "duplicate")
		return
	}
	if s.closed.Load() || !s.enqueue(delivery, ev) {
		// The id is forgotten so that a redelivery, to the next process,
		// is taken; its start-up reconcile makes good what this asked.
		s.recent.remove(delivery)
		w.Header().Set("Retry-After", s.retryAfter)
		s.reject(w, log, RejectStopping, http.StatusServiceUnavailable, "stopping: this process is shutting down; deliver again later")
		return
	}
	log.Info("webhook accepted", "action", ev.Action, "number", ev.Number)
	writeText(w, http.StatusAccepted, "accepted")
}

// admit decides, before any of the body is read, whether r's sender may
// send one now: its address must be in the allow-list, and have fewer
// bodies being read than PerSource. It answers the request when not, and
// otherwise returns the source and log with the source added; the caller
// then calls s.sources.leave(source).
func (s *Server) admit(w http.ResponseWriter, r *http.Request, log *slog.Logger) (netip.Addr, *slog.Logger, bool) {
	source, err := s.sources.of(r)
	if err != nil {
		s.reject(w, log, RejectSource, http.StatusForbidden, "forbidden: "+err.Error())
		return source, log, false
	}
	log = log.With("source", source.String())
	if !s.sources.allowed(source) {
		s.reject(w, log, RejectSource, http.StatusForbidden, fmt.Sprintf("forbidden: %s is not in the ranges deliveries may come from", source))
		return source, log, false
	}
	if !s.sources.enter(source) {
		w.Header().Set("Retry-After", s.retryAfter)
		s.reject(w, log, RejectPerSource, http.StatusTooManyRequests, fmt.Sprintf("too many deliveries from %s being read at once; deliver again later", source))
		return source, log, false
	}
	return source, log, true
}

// BodyBytes reports the bytes the bodies being read hold now, out of
// BodyMemory.
func (s *Server) BodyBytes() int64 { return s.memory.held.Load() }

// refuseBody answers a body that could not be read whole, saying why.
func (s *Server) refuseBody(w http.ResponseWriter, log *slog.Logger, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, errBusy):
		w.Header().Set("Retry-After", s.retryAfter)
		s.shed()
		s.reject(w, log, RejectBusy, http.StatusServiceUnavailable, "busy: the memory for bodies being read is spent; deliver again later")
	case errors.As(err, &tooBig):
		s.reject(w, log, RejectSize, http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", s.maxBody))
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.reject(w, log, RejectSlow, http.StatusRequestTimeout, fmt.Sprintf("body not received within %s", s.bodyTimeout))
	default:
		s.reject(w, log, RejectParse, http.StatusBadRequest, "body could not be read")
	}
}

// parse is Parse that turns a panic (a payload shaped in a way Parse did
// not expect) into an error: the body is signed, but it is still input.
func parse(kind string, body []byte) (ev Event, err error) {
	defer func() {
		if r := recover(); r != nil {
			ev, err = Event{}, fmt.Errorf("%s payload: unexpected shape (%v)", kind, r)
		}
	}()
	return Parse(kind, body)
}

// reject answers a delivery turned away and logs why, without its body.
func (s *Server) reject(w http.ResponseWriter, log *slog.Logger, reason string, code int, msg string) {
	s.obs.EventRejected(reason)
	log.Warn("webhook rejected", "reason", reason, "status", code, "detail", msg)
	writeText(w, code, msg)
}

func writeText(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	fmt.Fprintln(w, msg)
}

// Close stops taking deliveries: from then on each is answered 503 with
// Retry-After. Closing twice is not an error.
func (s *Server) Close() { s.closed.Store(true) }

// Closed reports whether Close was called.
func (s *Server) Closed() bool { return s.closed.Load() }

// clip bounds an unauthenticated header value for the log.
func clip(v string) string {
	const max = 80
	if len(v) > max {
		return v[:max] + "…"
	}
	return v
}

type nopObserver struct{}

func (nopObserver) EventReceived(string) {}
func (nopObserver) EventRejected(string) {}

// recentIDs remembers the last n delivery ids, least recently added
// forgotten first.
type recentIDs struct {
	mu    sync.Mutex
	max   int
	order *list.List // of string, newest at the front
	index map[string]*list.Element
}

func newRecentIDs(max int) *recentIDs {
	return &recentIDs{max: max, order: list.New(), index: make(map[string]*list.Element, max)}
}

// add remembers id and reports whether it was new.
func (r *recentIDs) add(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.index[id]; ok {
		return false
	}
	r.index[id] = r.order.PushFront(id)
	for r.order.Len() > r.max {
		oldest := r.order.Back()
		r.order.Remove(oldest)
		delete(r.index, oldest.Value.(string))
	}
	return true
}

// remove forgets id.
func (r *recentIDs) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.index[id]; ok {
		r.order.Remove(e)
		delete(r.index, id)
	}
}
