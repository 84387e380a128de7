package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync/atomic"

	"github.com/connectbot/connectbot/internal/metrics"
	"github.com/connectbot/connectbot/internal/webhook"
)

// listeners are the service's listener and, with cfg.MetricsAddr, the
// metrics' (nil without).
func listeners(cfg Config) (ln, mln net.Listener, err error) {
	ln = cfg.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", cfg.Addr); err != nil {
			return nil, nil, err
		}
	}
	if cfg.Pprof && cfg.MetricsAddr == "" {
		ln.Close()
		return nil, nil, errors.New("--pprof needs --metrics-addr: the profiles are served on the metrics listener only")
	}
	if cfg.MetricsAddr != "" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			return nil, nil, fmt.Errorf("--metrics-addr: %w", err)
		}
	}
	return ln, mln, nil
}

// routes is the service's routing table: the webhook, the probes and,
// unless they are served elsewhere, the metrics.
func routes(hooks *webhook.Server, m *metrics.Metrics, ready *atomic.Bool, withMetrics bool) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle(webhook.Path, hooks)
	// Alive: the process answers. Nothing here waits on GitHub.
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { probe(w, true, "") })
	readiness := func(w http.ResponseWriter, _ *http.Request) {
		// Ready: deliveries are taken and worked on. What the bot missed
		// while it was down is made good by the reconciles meanwhile.
		probe(w, ready.Load(), "not ready: starting (the first clone) or stopping\n")
	}
	mux.HandleFunc("GET /readyz", readiness)
	mux.HandleFunc("GET /healthz", readiness)
	if withMetrics {
		mux.Handle("GET /metrics", m.Handler())
	}
	return mux
}

func probe(w http.ResponseWriter, ok bool, why string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, why)
		return
	}
	io.WriteString(w, "ok\n")
}

// servers are the HTTP servers of the service and of its metrics.
type servers struct {
	main, metrics *http.Server
	mln           net.Listener
	served        chan error // the first server that stopped by itself
}

// serveAll starts serving mux on ln and, with mln, the metrics on mln.
func serveAll(cfg Config, mux http.Handler, ln net.Listener, m *metrics.Metrics, mln net.Listener, log *slog.Logger) *servers {
	s := &servers{main: server(cfg, mux, log), mln: mln, served: make(chan error, 2)}
	go func() { s.served <- s.main.Serve(ln) }()
	if mln != nil {
		mm := http.NewServeMux()
		mm.Handle("GET /metrics", m.Handler())
		if cfg.Pprof {
			profiles(mm)
		}
		s.metrics = server(cfg, mm, log)
		go func() { s.served <- s.metrics.Serve(mln) }()
	}
	return s
}

// profiles serves Go's profiles on mux, under /debug/pprof/, as
// net/http/pprof does on the default mux.
func profiles(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
}

func (s *servers) metricsAddr() string {
	if s.mln == nil {
		return ""
	}
	return s.mln.Addr().String()
}

func (s *servers) close() {
	s.main.Close()
	if s.metrics != nil {
		s.metrics.Close()
	}
}

func (s *servers) shutdown(ctx context.Context) {
	for _, srv := range []*http.Server{s.main, s.metrics} {
		if srv != nil && srv.Shutdown(ctx) != nil {
			srv.Close()
		}
	}
}
