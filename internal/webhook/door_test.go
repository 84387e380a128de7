package webhook_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/webhook"
)

// slowConn is a raw connection to a server, sending a body as the test
// says.
type slowConn struct {
	net.Conn
	read *bufio.Reader
}

// openSlow connects to ts and sends a delivery's headers announcing size
// bytes, with header lines added. With expect, it asks for
// "100 Continue" and returns the first status line the server answered:
// "HTTP/1.1 100 Continue" once the server is reading the body, or its
// final answer when it turned the body away before reading any.
func openSlow(t *testing.T, ts *httptest.Server, size int, header string, expect bool) (*slowConn, string) {
	t.Helper()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if expect {
		header += "Expect: 100-continue\r\n"
	}
	fmt.Fprintf(conn, "POST /webhook HTTP/1.1\r\nHost: connectbot\r\nX-GitHub-Event: ping\r\nX-GitHub-Delivery: slow\r\n"+
		"X-Hub-Signature-256: sha256=00\r\n%sContent-Length: %d\r\n\r\n", header, size)
	c := &slowConn{Conn: conn, read: bufio.NewReader(conn)}
	if !expect {
		return c, ""
	}
	status := c.statusLine(t)
	if strings.HasPrefix(status, "HTTP/1.1 100") {
		c.read.ReadString('\n') // the blank line after an interim answer
	}
	return c, status
}

func (c *slowConn) statusLine(t *testing.T) string {
	t.Helper()
	line, err := c.read.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the server's answer: %v", err)
	}
	return strings.TrimSpace(line)
}

// answer reads the server's final answer: its status line and its body.
func (c *slowConn) answer(t *testing.T) (string, string) {
	t.Helper()
	resp, err := http.ReadResponse(c.read, nil)
	if err != nil {
		t.Fatalf("reading the server's answer: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Status, strings.TrimSpace(string(b))
}

// send posts a signed ping to ts through the client, with header lines
// added.
func send(t *testing.T, ts *httptest.Server, id string, header http.Header) *http.Response {
	t.Helper()
	body := payload(t, "octokit-webhooks/ping/payload.json")
	req, _ := http.NewRequest("POST", ts.URL+webhook.Path, bytes.NewReader(body))
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-GitHub-Event", "ping")
	req.Header.Set("X-Hub-Signature-256", webhook.Sign(body, secret))
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestServerHoldsOnlyWhatASlowBodyHasSent opens 64 bodies that trickle
// in (half of them asking for "100 Continue", as curl does): each holds
// one 4 KiB chunk of the memory, none a place a delivery needs, and a
// signed delivery sent meanwhile is accepted.
func TestServerHoldsOnlyWhatASlowBodyHasSent(t *testing.T) {
	srv := newServer(t, webhook.ServerOptions{Enqueue: (&recorder{}).enqueue, BodyTimeout: time.Minute})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the connections opened later are closed
	const slow = 64
	var conns []*slowConn
	for i := range slow {
		expect := i%2 == 0
		c, status := openSlow(t, ts, 64<<10, "", expect)
		if expect && status != "HTTP/1.1 100 Continue" {
			t.Fatalf("slow body %d: %s, want it read", i, status)
		}
		c.Write([]byte{'{'})
		conns = append(conns, c)
	}
	waitFor(t, func() bool { return srv.BodyBytes() == slow*4<<10 })
	if resp := send(t, ts, "real", nil); resp.StatusCode != http.StatusAccepted {
		t.Errorf("a signed delivery while %d bodies trickle in: %d, want 202", slow, resp.StatusCode)
	}
	for _, c := range conns {
		c.Close()
	}
	waitFor(t, func() bool { return srv.BodyBytes() == 0 })
}

// TestServerShedsABodyWhenTheMemoryIsSpent fills a 16 KiB memory with one
// body: the next delivery is answered 503 with Retry-After, counted and
// reported shed, and taken once the memory is given back.
func TestServerShedsABodyWhenTheMemoryIsSpent(t *testing.T) {
	var shed atomic.Int32
	m := metrics.New(metrics.Options{RejectReasons: webhook.RejectReasons})
	srv := newServer(t, webhook.ServerOptions{Enqueue: (&recorder{}).enqueue, Observer: m, BodyMemory: 16 << 10,
		RetryAfter: 45 * time.Second, Shed: func() { shed.Add(1) }})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the connections opened later are closed

	big, status := openSlow(t, ts, 20<<10, "", true)
	if status != "HTTP/1.1 100 Continue" {
		t.Fatalf("the big body: %s, want it read", status)
	}
	big.Write(bytes.Repeat([]byte{' '}, 9<<10)) // held in a 16 KiB buffer
	waitFor(t, func() bool { return srv.BodyBytes() == 16<<10 })
	resp := send(t, ts, "shed", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "45" {
		t.Errorf("a delivery with the memory spent: %d Retry-After %q, want 503 and 45", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if shed.Load() != 1 {
		t.Errorf("Shed called %d times, want 1", shed.Load())
	}
	big.Close()
	waitFor(t, func() bool { return srv.BodyBytes() == 0 })
	if resp := send(t, ts, "shed", nil); resp.StatusCode != http.StatusAccepted {
		t.Errorf("the same delivery once the memory is given back: %d, want 202", resp.StatusCode)
	}
	if got := scrape(t, m.Handler())[`connectbot_webhook_events_rejected_total{reason="busy"}`]; got != 1 {
		t.Errorf("busy rejections counted %v, want 1", got)
	}
}

// TestServerCutsOffABodyAtItsDeadline answers a body still arriving at
// its deadline with 408, closes its connection, and gives its memory
// back.
func TestServerCutsOffABodyAtItsDeadline(t *testing.T) {
	m := metrics.New(metrics.Options{RejectReasons: webhook.RejectReasons})
	srv := newServer(t, webhook.ServerOptions{Enqueue: (&recorder{}).enqueue, Observer: m, BodyTimeout: 100 * time.Millisecond})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the connections opened later are closed
	c, _ := openSlow(t, ts, 1000, "", false)
	c.Write([]byte(`{"zen":`))
	status, body := c.answer(t)
	if status != "408 Request Timeout" || body != "body not received within 100ms" {
		t.Errorf("a body still arriving at its deadline: %s %q, want 408 and why", status, body)
	}
	if _, err := c.read.ReadByte(); err != io.EOF {
		t.Errorf("the connection is still open after the 408 (read: %v)", err)
	}
	waitFor(t, func() bool { return srv.BodyBytes() == 0 })
	if got := scrape(t, m.Handler())[`connectbot_webhook_events_rejected_total{reason="slow"}`]; got != 1 {
		t.Errorf("slow rejections counted %v, want 1", got)
	}
}

// prefixes parses ranges for a test.
func prefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, s := range ss {
		p, err := webhook.ParsePrefix(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func TestServerBelievesXForwardedForOnlyFromATrustedProxy(t *testing.T) {
	github := []string{"192.30.252.0/22", "2a0a:a440::/29"}
	tests := []struct {
		name           string
		allow, proxies []string
		peer           string
		forwarded      []string // X-Forwarded-For header lines
		want           int
		wantSource     string
	}{
		{name: "no allow-list: any source, whatever it forwards", peer: "203.0.113.5:4000", forwarded: []string{"garbage"}, want: 202, wantSource: "203.0.113.5"},
		{name: "a peer in the allow-list", allow: github, peer: "192.30.252.41:4000", want: 202, wantSource: "192.30.252.41"},
		{name: "an IPv6 peer in the allow-list", allow: github, peer: "[2a0a:a440::1]:4000", want: 202, wantSource: "2a0a:a440::1"},
		{name: "an IPv4-mapped peer in the allow-list", allow: github, peer: "[::ffff:192.30.252.41]:4000", want: 202, wantSource: "192.30.252.41"},
		{name: "a peer outside the allow-list", allow: github, peer: "203.0.113.5:4000", want: 403, wantSource: "203.0.113.5"},
		{name: "a peer outside it naming a GitHub address, not believed", allow: github, peer: "203.0.113.5:4000", forwarded: []string{"192.30.252.41"}, want: 403, wantSource: "203.0.113.5"},
		{name: "a trusted proxy forwarding for GitHub", allow: github, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:4000", forwarded: []string{"192.30.252.41"}, want: 202, wantSource: "192.30.252.41"},
		{name: "a trusted proxy forwarding for a stranger", allow: github, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:4000", forwarded: []string{"203.0.113.5"}, want: 403, wantSource: "203.0.113.5"},
		{name: "a stranger's forged GitHub address before the one the proxy appended", allow: github, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:4000", forwarded: []string{"192.30.252.41, 203.0.113.5"}, want: 403, wantSource: "203.0.113.5"},
		{name: "two trusted proxies in a row", allow: github, proxies: []string{"127.0.0.0/8", "10.0.0.0/8"}, peer: "127.0.0.1:4000", forwarded: []string{"203.0.113.5, 192.30.252.41", "10.1.2.3"}, want: 202, wantSource: "192.30.252.41"},
		{name: "a trusted proxy that forwards nothing is the sender", allow: []string{"127.0.0.1"}, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:4000", want: 202, wantSource: "127.0.0.1"},
		{name: "a trusted proxy forwarding an address with its port", allow: github, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:4000", forwarded: []string{"[2a0a:a440::1]:4711"}, want: 202, wantSource: "2a0a:a440::1"},
		{name: "a trusted proxy forwarding what is not an address", allow: github, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:4000", forwarded: []string{"192.30.252.41, unknown"}, want: 403},
	}
	body := payload(t, "octokit-webhooks/ping/payload.json")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs syncBuffer
			srv := newServer(t, webhook.ServerOptions{Enqueue: (&recorder{}).enqueue, AllowFrom: prefixes(t, tt.allow...),
				TrustedProxies: prefixes(t, tt.proxies...), Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			req := httptest.NewRequest("POST", webhook.Path, bytes.NewReader(body))
			req.RemoteAddr = tt.peer
			for _, f := range tt.forwarded {
				req.Header.Add("X-Forwarded-For", f)
			}
			req.Header.Set("X-GitHub-Delivery", fmt.Sprint(i))
			req.Header.Set("X-GitHub-Event", "ping")
			req.Header.Set("X-Hub-Signature-256", webhook.Sign(body, secret))
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status %d %q, want %d", rec.Code, rec.Body, tt.want)
			}
			if tt.wantSource != "" && !strings.Contains(logs.String(), fmt.Sprintf(`"source":%q`, tt.wantSource)) {
				t.Errorf("the log does not name the source %s:\n%s", tt.wantSource, logs.String())
			}
			if tt.want == http.StatusForbidden {
				if got := rec.Body.String(); strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "forbidden: ") {
					t.Errorf("a refused source is told %q, want one line saying why", got)
				}
				if !strings.Contains(logs.String(), `"reason":"source"`) {
					t.Errorf("the refusal is not logged:\n%s", logs.String())
				}
			}
		})
	}
}

// TestServerBoundsTheBodiesReadFromOneSource lets one address, named by
// a trusted proxy, have two bodies read at once: its third is answered
// 429, another address's delivery is accepted meanwhile, and the third is
// read once one of the two has gone.
func TestServerBoundsTheBodiesReadFromOneSource(t *testing.T) {
	m := metrics.New(metrics.Options{RejectReasons: webhook.RejectReasons})
	srv := newServer(t, webhook.ServerOptions{Enqueue: (&recorder{}).enqueue, Observer: m, PerSource: 2, BodyTimeout: time.Minute,
		TrustedProxies: prefixes(t, "127.0.0.1"), RetryAfter: 45 * time.Second})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close) // after the connections opened later are closed
	stranger := "X-Forwarded-For: 198.51.100.7\r\n"
	var held []*slowConn
	for i := range 2 {
		c, status := openSlow(t, ts, 1000, stranger, true)
		if status != "HTTP/1.1 100 Continue" {
			t.Fatalf("the stranger's body %d: %s, want it read", i, status)
		}
		held = append(held, c)
	}
	third, status := openSlow(t, ts, 1000, stranger, true)
	if status != "HTTP/1.1 429 Too Many Requests" {
		t.Errorf("the stranger's third body at once: %s, want 429", status)
	}
	third.Close()
	if resp := send(t, ts, "github", http.Header{"X-Forwarded-For": {"140.82.115.1"}}); resp.StatusCode != http.StatusAccepted {
		t.Errorf("a delivery from another address meanwhile: %d, want 202", resp.StatusCode)
	}
	held[0].Close()
	waitFor(t, func() bool {
		c, status := openSlow(t, ts, 1000, stranger, true)
		c.Close()
		return status == "HTTP/1.1 100 Continue"
	})
	if got := scrape(t, m.Handler())[`connectbot_webhook_events_rejected_total{reason="per-source"}`]; got < 1 {
		t.Errorf("per-source rejections counted %v, want at least 1", got)
	}
}

func TestReadAllowList(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string
		wantErr    string
	}{
		{
			name: "GitHub's hook ranges with comments and blank lines",
			file: "# GitHub hooks, from https://api.github.com/meta\n\n192.30.252.0/22\n185.199.108.0/22 # Pages too\n  140.82.112.0/20\n2a0a:a440::/29\n",
			want: []string{"192.30.252.0/22", "185.199.108.0/22", "140.82.112.0/20", "2a0a:a440::/29"},
		},
		{name: "an address is a range of one", file: "140.82.115.1\n::1\n", want: []string{"140.82.115.1/32", "::1/128"}},
		{name: "a range written with host bits is read masked", file: "192.30.252.7/22\n", want: []string{"192.30.252.0/22"}},
		{name: "a line that is no range names the file and line", file: "192.30.252.0/22\n\n300.1.2.3/8\n", wantErr: `allow.txt:3: "300.1.2.3/8" is not a CIDR range (like 192.30.252.0/22) or an address`},
		{name: "a hostname is no range", file: "hooks.github.com\n", wantErr: `allow.txt:1: "hooks.github.com" is not a CIDR range`},
		{name: "a prefix too long", file: "10.0.0.0/33\n", wantErr: `allow.txt:1: "10.0.0.0/33"`},
		{name: "only comments", file: "# nothing yet\n", wantErr: "allow.txt: no range in it: every delivery would be refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "allow.txt")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := webhook.ReadAllowList(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %v, want one line with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var gotS []string
			for _, p := range got {
				gotS = append(gotS, p.String())
			}
			if diff := cmp.Diff(tt.want, gotS); diff != "" {
				t.Errorf("ranges (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkSlowBodies measures a signed delivery's acknowledgement on
// loopback while 64 bodies trickle in.
func BenchmarkSlowBodies(b *testing.B) {
	srv := newServer(b, webhook.ServerOptions{BodyTimeout: time.Hour, Enqueue: func(string, webhook.Event) bool { return true }})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for range 64 {
		conn, err := net.Dial("tcp", ts.Listener.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n{")
	}
	body, err := fsReadFile("octokit-webhooks/pull_request/opened.payload.json")
	if err != nil {
		b.Fatal(err)
	}
	sig := webhook.Sign(body, secret)
	b.ResetTimer()
	for i := range b.N {
		req, _ := http.NewRequest("POST", ts.URL+webhook.Path, bytes.NewReader(body))
		req.Header.Set("X-GitHub-Delivery", fmt.Sprint("bench-", i))
		req.Header.Set("X-GitHub-Event", "pull_request")
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := ts.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// FuzzForwardedFor sends a signed delivery from a trusted proxy with an
// arbitrary X-Forwarded-For: it is taken (202) or refused (403), never
// anything else, and a forwarded address outside the allow-list is never
// taken.
func FuzzForwardedFor(f *testing.F) {
	for _, s := range []string{"192.30.252.41", "203.0.113.5, 192.30.252.41", "192.30.252.41, 203.0.113.5", "", " , ", "unknown", "[2a0a:a440::1]:80", "::ffff:192.30.252.41", "fe80::1%eth0"} {
		f.Add(s)
	}
	body, err := fsReadFile("octokit-webhooks/ping/payload.json")
	if err != nil {
		f.Fatal(err)
	}
	sig := webhook.Sign(body, secret)
	allow, proxies := netip.MustParsePrefix("192.30.252.0/22"), netip.MustParsePrefix("127.0.0.0/8")
	srv := newServer(f, webhook.ServerOptions{Enqueue: func(string, webhook.Event) bool { return true },
		AllowFrom: []netip.Prefix{allow}, TrustedProxies: []netip.Prefix{proxies}})
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, forwarded string) {
		req := httptest.NewRequest("POST", webhook.Path, bytes.NewReader(body))
		req.RemoteAddr = "127.0.0.1:4000"
		req.Header.Set("X-Forwarded-For", forwarded)
		req.Header.Set("X-GitHub-Delivery", fmt.Sprint(n.Add(1)))
		req.Header.Set("X-GitHub-Event", "ping")
		req.Header.Set("X-Hub-Signature-256", sig)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusAccepted, http.StatusForbidden:
		default:
			t.Fatalf("status %d %q", rec.Code, rec.Body)
		}
		last := strings.TrimSpace(forwarded[strings.LastIndexByte(forwarded, ',')+1:])
		a, err := netip.ParseAddr(last)
		a = a.WithZone("").Unmap()
		if err == nil && !allow.Contains(a) && !proxies.Contains(a) && rec.Code == http.StatusAccepted {
			t.Errorf("X-Forwarded-For %q: taken from %s, outside the allow-list", forwarded, a)
		}
	})
}
