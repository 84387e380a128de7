package forgetest

import (
	"math/rand/v2"
	"net/http"
	"strings"
)

// Fault kinds the server injects under Faults.
const (
	FaultServerError  = "server-error"       // 502 before acting
	FaultAfterApplied = "server-error-after" // acted, then 502: the write happened
	FaultSecondary    = "secondary-limit"    // 403 with Retry-After, before acting
	FaultReset        = "connection-reset"   // the connection closed without an answer
)

// faults is a seeded source of failures for REST requests.
type faults struct {
	rng  *rand.Rand
	rate float64
	// maxBurst is the longest run of faults one draw starts; burst
	// what is left of the current run, of kind.
	maxBurst int
	burst    int
	kind     string
}

// Faults makes the server fail REST requests at random, from seed: each
// request fails with probability rate, as one of the Fault kinds, chosen
// evenly (a write may fail after it took effect, as GitHub's do when it
// times out). Git requests are left alone. Rate 0 turns faults off. The
// same seed and the same requests give the same faults.
func (s *Server) Faults(seed uint64, rate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	if rate > 0 {
		s.faults = &faults{rng: rand.New(rand.NewPCG(seed, 0xfa17)), rate: rate, maxBurst: 1}
	}
}

// FaultBursts makes each fault Faults injects the first of a burst of 1 to
// n (drawn from the seed) of the same kind on consecutive REST requests,
// as GitHub's outages and secondary limits come: a client that retries at
// once meets the fault again. A write cannot fail after acting in a burst
// of GETs; such a request gets a 502 before acting instead. Call it after
// Faults; max 1 (the default) is no bursts.
func (s *Server) FaultBursts(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults != nil {
		s.faults.maxBurst = max(n, 1)
	}
}

// FaultCounts returns how many faults of each kind were injected since the
// server started.
func (s *Server) FaultCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.faultCounts {
		out[k] = v
	}
	return out
}

// injectFault decides whether request r fails, and how; s.mu is held. It
// returns a failure to answer with, reset to close the connection
// unanswered, or neither.
func (s *Server) injectFault(r *http.Request) (f *failure, reset bool) {
	fs := s.faults
	if fs == nil || strings.Contains(r.URL.Path, ".git/") {
		return nil, false
	}
	var kind string
	switch {
	case fs.burst > 0:
		fs.burst--
		kind = fs.kind
		if kind == FaultAfterApplied && r.Method == http.MethodGet {
			kind = FaultServerError
		}
	case fs.rng.Float64() >= fs.rate:
		return nil, false
	default:
		kinds := []string{FaultServerError, FaultSecondary, FaultReset}
		if r.Method != http.MethodGet {
			kinds = append(kinds, FaultAfterApplied)
		}
		kind = kinds[fs.rng.IntN(len(kinds))]
		if fs.maxBurst > 1 {
			fs.kind, fs.burst = kind, fs.rng.IntN(fs.maxBurst)
		}
	}
	if s.faultCounts == nil {
		s.faultCounts = map[string]int{}
	}
	s.faultCounts[kind]++
	switch kind {
	case FaultServerError:
		return &failure{status: http.StatusBadGateway}, false
	case FaultAfterApplied:
		return &failure{status: http.StatusBadGateway, applied: true}, false
	case FaultSecondary:
		return &failure{status: http.StatusForbidden, headers: map[string]string{"Retry-After": "1"}}, false
	}
	return nil, true
}
