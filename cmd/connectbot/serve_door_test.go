package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/webhook"
)

// slowSender is a stranger's connection that announces a body and then
// sends it a byte at a time, as long as the test lets it.
type slowSender struct {
	conn net.Conn
	read *bufio.Reader
}

// openSlow connects to the service at url and sends a delivery's headers
// announcing size bytes, with "Expect: 100-continue" so that the server's
// "100 Continue" says it has begun reading the body. It returns the first
// status line the server answered with: "HTTP/1.1 100 Continue" while the
// body is being read, or the final answer when the server turned it away
// before reading.
func openSlow(t *testing.T, url string, size int) (*slowSender, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /webhook HTTP/1.1\r\nHost: connectbot\r\nContent-Type: application/json\r\n"+
		"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: slow\r\nX-Hub-Signature-256: sha256=00\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n", size)
	s := &slowSender{conn: conn, read: bufio.NewReader(conn)}
	status, err := s.read.ReadString('\n')
	if err != nil {
		t.Fatalf("a slow sender's first answer: %v", err)
	}
	if strings.HasPrefix(status, "HTTP/1.1 100") {
		s.read.ReadString('\n') // the blank line after an interim answer
	}
	return s, strings.TrimSpace(status)
}

// trickle sends one byte every interval until stop is closed or the
// server hangs up.
func (s *slowSender) trickle(stop <-chan struct{}, interval time.Duration) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(interval):
		}
		if _, err := s.conn.Write([]byte{' '}); err != nil {
			return
		}
	}
}

// TestServeAnswersASignedDeliveryWhileStrangersTrickleBodies holds slow
// bodies open from the address the real deliveries come from (127.0.0.1,
// as behind a load balancer), each being read and a byte at a time: a
// signed delivery sent meanwhile is still answered 202, and the slow ones
// are still being read. Sixteen were enough to shut the door when bodies
// were read in sixteen slots. The body timeout is long here, so that it is
// the memory bound, not the deadline, that keeps the door open.
func TestServeAnswersASignedDeliveryWhileStrangersTrickleBodies(t *testing.T) {
	body := corpusPayload(t, "octokit-webhooks/pull_request/opened.payload.json")
	sig := webhook.Sign(body, []byte("s3cret"))
	for _, slow := range []int{16, 64} {
		t.Run(fmt.Sprintf("%d slow connections", slow), func(t *testing.T) {
			srv := startServe(t, map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s3cret"}, dec11, "--repo", "../..", "--body-timeout", "1m")
			stop := make(chan struct{})
			var wg sync.WaitGroup
			defer wg.Wait()
			defer close(stop)
			var turnedAway []string
			for i := range slow {
				s, status := openSlow(t, srv.url, 64<<10)
				if status != "HTTP/1.1 100 Continue" {
					turnedAway = append(turnedAway, fmt.Sprintf("slow sender %d: %s", i, status))
					continue
				}
				wg.Go(func() { s.trickle(stop, 50*time.Millisecond) })
			}
			if len(turnedAway) > 0 {
				t.Errorf("%d of %d slow bodies were not read (each should hold only the bytes it sent); first: %s", len(turnedAway), slow, turnedAway[0])
			}
			if code := srv.deliver(t, fmt.Sprintf("real-%d", slow), "pull_request", sig, bytes.NewReader(body)); code != http.StatusAccepted {
				t.Fatalf("a signed delivery while %d bodies trickle in: %d, want 202", slow, code)
			}
			// Each slow body holds one 4 KiB chunk of the memory.
			if got := srv.metrics(t)[metrics.BodyBytes]; got != float64(slow*4<<10) {
				t.Errorf("%s = %v while %d bodies trickle in, want %d", metrics.BodyBytes, got, slow, slow*4<<10)
			}
		})
	}
}

// TestServeTakesDeliveriesOnlyFromTheAllowedRanges runs serve behind a
// proxy on 127.0.0.1 with GitHub's hook ranges as its allow-list: the
// address the proxy forwards is believed only when the proxy is named
// trusted, and a refused source is told why in one line and logged.
func TestServeTakesDeliveriesOnlyFromTheAllowedRanges(t *testing.T) {
	allow := filepath.Join(t.TempDir(), "hooks.txt")
	os.WriteFile(allow, []byte("# GitHub's hook ranges (api.github.com/meta)\n192.30.252.0/22\n185.199.108.0/22\n140.82.112.0/20\n143.55.64.0/20\n2a0a:a440::/29\n2606:50c0::/32\n"), 0o644)
	body := corpusPayload(t, "octokit-webhooks/ping/payload.json")
	tests := []struct {
		name      string
		vars      map[string]string
		args      []string
		forwarded string
		want      int
	}{
		{name: "GitHub, through a trusted proxy", args: []string{"--allow-from", allow, "--trusted-proxy", "127.0.0.0/8"}, forwarded: "140.82.115.9", want: 202},
		{name: "a stranger, through a trusted proxy", args: []string{"--allow-from", allow, "--trusted-proxy", "127.0.0.0/8"}, forwarded: "203.0.113.5", want: 403},
		{name: "GitHub's address from a proxy nobody trusts", args: []string{"--allow-from", allow}, forwarded: "140.82.115.9", want: 403},
		{name: "the allow-list from the environment", vars: map[string]string{"CONNECTBOT_ALLOW_FROM": allow}, args: []string{"--trusted-proxy", "127.0.0.1"}, forwarded: "192.30.252.1", want: 202},
		{name: "the flag over the environment", vars: map[string]string{"CONNECTBOT_ALLOW_FROM": "/nonexistent"}, args: []string{"--allow-from", allow, "--trusted-proxy", "127.0.0.1"}, forwarded: "203.0.113.5", want: 403},
		{name: "no allow-list: any source", args: []string{"--trusted-proxy", "127.0.0.1"}, forwarded: "203.0.113.5", want: 202},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"CONNECTBOT_WEBHOOK_SECRET": "s3cret"}
			for k, v := range tt.vars {
				vars[k] = v
			}
			srv := startServe(t, vars, dec11, append([]string{"--repo", "../.."}, tt.args...)...)
			req, _ := http.NewRequest("POST", srv.url+"/webhook", bytes.NewReader(body))
			req.Header.Set("X-GitHub-Delivery", fmt.Sprint("d-", i))
			req.Header.Set("X-GitHub-Event", "ping")
			req.Header.Set("X-Hub-Signature-256", webhook.Sign(body, []byte("s3cret")))
			req.Header.Set("X-Forwarded-For", tt.forwarded)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d %q, want %d", resp.StatusCode, answer, tt.want)
			}
			if tt.want != http.StatusForbidden {
				return
			}
			if strings.Count(string(answer), "\n") != 1 || !strings.Contains(string(answer), "is not in the ranges deliveries may come from") {
				t.Errorf("a refused source is told %q, want one line saying why", answer)
			}
			if n := srv.stderr.countLogs(t, "webhook rejected", map[string]any{"reason": "source", "status": 403}); n != 1 {
				t.Errorf("the refusal is logged %d times, want once:\n%s", n, srv.stderr.String())
			}
			if got := srv.metrics(t)[metrics.EventsRejected+`{reason="source"}`]; got != 1 {
				t.Errorf("source rejections counted %v, want 1", got)
			}
		})
	}
}
