package webhook

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// firstChunk is what a body's buffer starts with; it doubles as bytes
// arrive, so a body holds at most twice what it has sent, and at least this.
const firstChunk = 4 << 10

// errBusy is readBody's answer when the memory for bodies is spent.
var errBusy = errors.New("the memory for bodies being read is spent")

// memory is the shared budget of bytes that bodies being read may hold.
type memory struct {
	max  int64
	held atomic.Int64
}

// take reserves n bytes, or reports that they would exceed the budget.
func (m *memory) take(n int64) bool {
	if m.held.Add(n) > m.max {
		m.held.Add(-n)
		return false
	}
	return true
}

func (m *memory) give(n int64) { m.held.Add(-n) }

// readBody reads r's body until BodyTimeout after it is called, holding of
// the shared memory only what has arrived: the buffer starts at firstChunk
// and doubles, each growth taken from the budget before it is made.
// release gives back what the body held; call it once the body is no
// longer needed, whatever err is.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (body []byte, release func(), err error) {
	var held int64
	release = func() { s.memory.give(held) }
	if r.ContentLength > s.maxBody {
		return nil, release, &http.MaxBytesError{Limit: s.maxBody}
	}
	// Not supported on a ResponseRecorder; a real connection always is.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.bodyTimeout))
	in := http.MaxBytesReader(w, r.Body, s.maxBody)
	for {
		if len(body) == cap(body) {
			grown := min(max(2*int64(cap(body)), firstChunk), s.maxBody+1)
			if !s.memory.take(grown - int64(cap(body))) {
				return nil, release, errBusy
			}
			held = grown
			body = append(make([]byte, 0, grown), body...) // exactly grown: what is held
		}
		n, err := in.Read(body[len(body):cap(body)])
		body = body[:len(body)+n]
		if err == io.EOF {
			return body, release, nil
		}
		if err != nil {
			return nil, release, err
		}
	}
}

// sources decides where a request comes from and whether it may send a
// body now: the allow-list, the trusted proxies and the bodies being read
// from each address.
type sources struct {
	allow   []netip.Prefix // empty: any address
	proxies []netip.Prefix
	max     int // bodies at once from one address; 0: no limit

	mu      sync.Mutex
	reading map[netip.Addr]int
}

// errUnreadable is what of an X-Forwarded-For is not an address.
var errUnreadable = errors.New("X-Forwarded-For from a trusted proxy is not a list of addresses")

// of returns the address r comes from: its peer's, or, when the peer is a
// trusted proxy, the last address in X-Forwarded-For that is not one (the
// proxies append, so what is left of it is whatever the sender wrote).
func (s *sources) of(r *http.Request) (netip.Addr, error) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("peer address %q: %w", r.RemoteAddr, err)
	}
	addr := plain(ap.Addr())
	if !contains(s.proxies, addr) {
		return addr, nil
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" && len(hops) == 1 {
			break // no header: the proxy is the sender
		}
		a, err := hopAddr(hop)
		if err != nil {
			return netip.Addr{}, errUnreadable
		}
		if addr = plain(a); !contains(s.proxies, addr) {
			break
		}
	}
	return addr, nil
}

// hopAddr reads one X-Forwarded-For entry: an address, or an address and
// a port as some proxies write it (203.0.113.5:4711, [2001:db8::1]:4711).
func hopAddr(hop string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(hop); err == nil {
		return a, nil
	}
	ap, err := netip.ParseAddrPort(hop)
	return ap.Addr(), err
}

// plain drops an IPv6 zone and unmaps an IPv4-mapped IPv6 address, so
// that prefixes compare as written.
func plain(a netip.Addr) netip.Addr { return a.WithZone("").Unmap() }

func contains(ps []netip.Prefix, a netip.Addr) bool {
	return slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Contains(a) })
}

// allowed reports whether addr may deliver at all.
func (s *sources) allowed(addr netip.Addr) bool {
	return len(s.allow) == 0 || contains(s.allow, addr)
}

// enter counts one more body being read from addr, or reports that addr
// already has as many as it may; leave undoes it.
func (s *sources) enter(addr netip.Addr) bool {
	if s.max <= 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reading[addr] >= s.max {
		return false
	}
	s.reading[addr]++
	return true
}

func (s *sources) leave(addr netip.Addr) {
	if s.max <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reading[addr]--; s.reading[addr] <= 0 {
		delete(s.reading, addr)
	}
}

// ReadAllowList reads a file of the source ranges deliveries may come
// from: one CIDR range (192.30.252.0/22, 2a0a:a440::/29) or address per
// line, as GitHub publishes its hook ranges; blank lines and everything
// after a # are ignored. A line that is neither is an error naming the
// file and line. A file with no range at all is an error too: it would
// refuse every delivery.
func ReadAllowList(path string) ([]netip.Prefix, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []netip.Prefix
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		p, err := prefix(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %q is not a CIDR range (like 192.30.252.0/22) or an address", path, n, clip(line))
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no range in it: every delivery would be refused", path)
	}
	return out, nil
}

// ParsePrefix reads a CIDR range or a single address (as a range of one).
func ParsePrefix(s string) (netip.Prefix, error) {
	p, err := prefix(strings.TrimSpace(s))
	if err != nil {
		return p, fmt.Errorf("%q is not a CIDR range (like 10.0.0.0/8) or an address", clip(s))
	}
	return p, nil
}

func prefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		a = plain(a)
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, err
	}
	return p.Masked(), nil
}
