package forgetest

import (
	"bytes"
	"context"
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Delivery fault kinds, counted by FaultCounts alongside the REST ones.
const (
	// FaultDropped is a delivery never sent, as one lost on the way.
	FaultDropped = "delivery-dropped"
	// FaultDuplicated is a delivery sent twice with the same
	// X-GitHub-Delivery, as a redelivery is.
	FaultDuplicated = "delivery-duplicated"
	// FaultDelayed is a delivery sent late; those after it wait, since
	// deliveries go out in order.
	FaultDelayed = "delivery-delayed"
	// FaultReordered is a delivery held back until the next one has been
	// sent.
	FaultReordered = "delivery-reordered"
)

// DeliveryTimeout is how long a URL has to answer a delivery before it is
// lost, as on github.com.
const DeliveryTimeout = 10 * time.Second

// hookshot is the User-Agent of deliveries; GitHub's ends in a build's
// short SHA.
const hookshot = "GitHub-Hookshot/f0e6a5c"

// Delivery is one attempt to deliver an event to a URL, as the server
// recorded it.
type Delivery struct {
	// ID is the X-GitHub-Delivery, a UUID; a duplicated delivery has its
	// original's.
	ID string
	// Event is the X-GitHub-Event; Action the payload's action, "" for
	// push and ping.
	Event, Action string
	URL           string
	// Status is the HTTP status the URL answered, 0 when it did not
	// answer or the delivery was dropped.
	Status int
	// Fault is the delivery fault injected (FaultDropped, ...), "" for
	// none.
	Fault string
	// Err says why the URL did not answer, "" when it did.
	Err string
}

// webhook is a URL the server delivers events to.
type webhook struct {
	id     int64
	url    string
	secret []byte
}

// outgoing is a delivery waiting in the queue.
type outgoing struct {
	id, event, action, url string
	secret, body           []byte
	hookID                 int64
	installation           int64
	fault                  string
	delay                  time.Duration
}

// deliverer sends deliveries one at a time, in the order they were
// queued, from a goroutine of its own.
type deliverer struct {
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	cond *sync.Cond
	// queue waits to be sent; held is a reordered delivery waiting for
	// the one after it.
	queue   []outgoing
	held    *outgoing
	busy    bool
	release bool
	closed  bool
	log     []Delivery
}

// AddWebhook makes the server deliver every event from now on to url, by
// HTTP POST in GitHub's shapes and headers (X-GitHub-Event,
// X-GitHub-Delivery, X-Hub-Signature-256 signed with secret when it is not
// empty), as a repository webhook does, starting with a ping. Deliveries
// go out one at a time, in order, from a goroutine of the server's, never
// delaying an answer to a request; one the URL does not answer within
// DeliveryTimeout is lost, not retried.
func (s *Server) AddWebhook(url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deliverer == nil {
		s.deliverer = newDeliverer()
		s.t.Cleanup(s.deliverer.close)
	}
	h := webhook{id: s.id(), url: url, secret: []byte(secret)}
	s.webhooks = append(s.webhooks, h)
	// The ping goes to the new hook alone, sent by the repository's owner
	// who made the hook.
	s.queueTo([]webhook{h}, "ping", "", s.pingJSON(h, s.owner))
}

// SetInstallation makes the payloads carry installation {id, node_id},
// as those sent to a GitHub App installed with that id do; 0 leaves it
// out, as a repository webhook's payloads do. A new Server's payloads
// carry InstallationID.
func (s *Server) SetInstallation(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.installation = id
}

// DeliveryFaults makes the server fault deliveries at random, from seed:
// each delivery to each URL is, with probability rate, dropped,
// duplicated, delayed (by up to 200ms) or held back behind the next one,
// the kind chosen evenly. Rate 0 turns them off. The same seed and the
// same events give the same faults; FaultCounts counts them.
func (s *Server) DeliveryFaults(seed uint64, rate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveryFaults = nil
	if rate > 0 {
		s.deliveryFaults = &faults{rng: rand.New(rand.NewPCG(seed, 0xde11)), rate: rate}
	}
}

// Deliveries returns the deliveries attempted so far, in the order they
// were attempted; a dropped one is recorded when its turn came.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	d := s.deliverer
	s.mu.Unlock()
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Delivery(nil), d.log...)
}

// WaitDeliveries returns once every event so far has been delivered or
// lost, a held-back delivery included.
func (s *Server) WaitDeliveries() {
	s.mu.Lock()
	d := s.deliverer
	s.mu.Unlock()
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.release = true
	d.cond.Broadcast()
	for !d.closed && (len(d.queue) > 0 || d.busy || d.held != nil) {
		d.cond.Wait()
	}
	d.release = false
}

// queueDeliveries queues event's payload for every webhook; s.mu is held.
func (s *Server) queueDeliveries(event, action string, payload jsonObject) {
	s.queueTo(s.webhooks, event, action, payload)
}

// queueTo queues the payload for hooks, deciding each delivery's fault;
// s.mu is held.
func (s *Server) queueTo(hooks []webhook, event, action string, payload jsonObject) {
	if len(hooks) == 0 || s.deliverer == nil {
		return
	}
	body, err := json.Marshal(payload)
	if err != nil {
		s.t.Errorf("forgetest: encode %s payload: %v", event, err)
		return
	}
	var out []outgoing
	for _, h := range hooks {
		o := outgoing{id: newUUID(), event: event, action: action, url: h.url, secret: h.secret, body: body, hookID: h.id, installation: s.installation}
		if f := s.deliveryFaults; f != nil && f.rng.Float64() < f.rate {
			kinds := []string{FaultDropped, FaultDuplicated, FaultDelayed, FaultReordered}
			o.fault = kinds[f.rng.IntN(len(kinds))]
			if o.fault == FaultDelayed {
				o.delay = time.Duration(1+f.rng.IntN(200)) * time.Millisecond
			}
			if s.faultCounts == nil {
				s.faultCounts = map[string]int{}
			}
			s.faultCounts[o.fault]++
		}
		out = append(out, o)
		if o.fault == FaultDuplicated {
			out = append(out, o)
		}
	}
	s.deliverer.push(out)
}

// newUUID returns a random (version 4) UUID, as GitHub's delivery IDs are.
func newUUID() string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// pingJSON is the payload of the ping GitHub sends a new webhook.
func (s *Server) pingJSON(h webhook, sender string) jsonObject {
	o := s.envelope("", sender)
	api := s.apiRepo()
	o["zen"] = "Keep it logically awesome."
	o["hook_id"] = h.id
	o["hook"] = jsonObject{
		"type":   "Repository",
		"id":     h.id,
		"name":   "web",
		"active": true,
		"events": []any{"*"},
		"config": jsonObject{
			"content_type": "json",
			"insecure_ssl": "0",
			"url":          h.url,
		},
		"updated_at":     ts(s.clock),
		"created_at":     ts(s.clock),
		"url":            fmt.Sprintf("%s/hooks/%d", api, h.id),
		"test_url":       fmt.Sprintf("%s/hooks/%d/test", api, h.id),
		"ping_url":       fmt.Sprintf("%s/hooks/%d/pings", api, h.id),
		"deliveries_url": fmt.Sprintf("%s/hooks/%d/deliveries", api, h.id),
		"last_response":  jsonObject{"code": nil, "status": "unused", "message": nil},
	}
	return o
}

func newDeliverer() *deliverer {
	ctx, cancel := context.WithCancel(context.Background())
	d := &deliverer{
		client: &http.Client{
			Timeout: DeliveryTimeout,
			// GitHub records a redirect as the answer; it does not follow it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ctx:    ctx,
		cancel: cancel,
		done:   make(chan struct{}),
	}
	d.cond = sync.NewCond(&d.mu)
	go d.run()
	return d
}

// push queues deliveries.
func (d *deliverer) push(out []outgoing) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queue = append(d.queue, out...)
	d.cond.Broadcast()
}

// close stops the deliveries: what is queued is lost, and one being sent
// is cut off.
func (d *deliverer) close() {
	d.mu.Lock()
	d.closed = true
	d.cond.Broadcast()
	d.mu.Unlock()
	d.cancel()
	<-d.done
}

// run sends the queue's deliveries in order until closed. A reordered
// delivery waits until the one after it has been sent, or until
// WaitDeliveries releases it.
func (d *deliverer) run() {
	defer close(d.done)
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		for !d.closed && len(d.queue) == 0 && !(d.release && d.held != nil) {
			d.cond.Wait()
		}
		if d.closed {
			return
		}
		var batch []outgoing
		if len(d.queue) == 0 {
			batch = []outgoing{*d.held}
			d.held = nil
		} else {
			next := d.queue[0]
			d.queue = d.queue[1:]
			if next.fault == FaultReordered && d.held == nil {
				d.held = &next
				continue
			}
			batch = []outgoing{next}
			if d.held != nil {
				batch = append(batch, *d.held)
				d.held = nil
			}
		}
		d.busy = true
		d.mu.Unlock()
		var recs []Delivery
		for _, o := range batch {
			recs = append(recs, d.send(o))
		}
		d.mu.Lock()
		d.busy = false
		d.log = append(d.log, recs...)
		d.cond.Broadcast()
	}
}

// send makes one delivery and records how it went.
func (d *deliverer) send(o outgoing) Delivery {
	rec := Delivery{ID: o.id, Event: o.event, Action: o.action, URL: o.url, Fault: o.fault}
	if o.fault == FaultDropped {
		return rec
	}
	if o.delay > 0 {
		select {
		case <-time.After(o.delay):
		case <-d.ctx.Done():
			rec.Err = "server stopped"
			return rec
		}
	}
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, o.url, bytes.NewReader(o.body))
	if err != nil {
		rec.Err = err.Error()
		return rec
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", hookshot)
	h.Set("X-GitHub-Event", o.event)
	h.Set("X-GitHub-Delivery", o.id)
	h.Set("X-GitHub-Hook-ID", fmt.Sprint(o.hookID))
	if o.installation != 0 {
		h.Set("X-GitHub-Hook-Installation-Target-Type", "integration")
		h.Set("X-GitHub-Hook-Installation-Target-ID", fmt.Sprint(AppID))
	} else {
		h.Set("X-GitHub-Hook-Installation-Target-Type", "repository")
		h.Set("X-GitHub-Hook-Installation-Target-ID", "1")
	}
	if len(o.secret) > 0 {
		h.Set("X-Hub-Signature", "sha1="+hexMAC(sha1.New, o.secret, o.body))
		h.Set("X-Hub-Signature-256", "sha256="+hexMAC(sha256.New, o.secret, o.body))
	}
	resp, err := d.client.Do(req)
	if err != nil {
		rec.Err = err.Error()
		return rec
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	rec.Status = resp.StatusCode
	return rec
}

// hexMAC is the hex HMAC of body with key.
func hexMAC(h func() hash.Hash, key, body []byte) string {
	mac := hmac.New(h, key)
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}
