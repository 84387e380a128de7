package metrics

import (
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// The gauges of what a long-running service holds (WatchHeld).
const (
	ClonePacks          = "connectbot_clone_packs"
	CloneLooseObjects   = "connectbot_clone_loose_objects"
	LoaderCached        = "connectbot_loader_cached"
	RequestCacheEntries = "connectbot_github_cache_entries"
	RequestCacheBytes   = "connectbot_github_cache_bytes"
	SettledPRs          = "connectbot_settled_pull_requests"
)

// Held is what a long-running service holds that could grow with its
// uptime: the on-disk clone, the loader's caches, the cache of GitHub's
// answers and the pull requests found settled. Each is bounded; the
// gauges show that it stays so.
type Held struct {
	// ClonePacks and CloneLoose are the pack files and loose objects of
	// the service's clone when it was last looked at.
	ClonePacks, CloneLoose int
	// Loader is how many entries each of the loader's caches holds, by
	// cache.
	Loader map[string]int
	// RequestCacheEntries and RequestCacheBytes are the answers of
	// GitHub's kept for conditional requests, and their bodies' bytes.
	RequestCacheEntries, RequestCacheBytes int
	// Settled is how many pull requests are remembered as settled.
	Settled int
}

var (
	clonePacksDesc = prometheus.NewDesc(ClonePacks, "Pack files of the service's on-disk clone, as last counted between pieces of work.", nil, nil)
	cloneLooseDesc = prometheus.NewDesc(CloneLooseObjects, "Loose objects of the service's on-disk clone, as last counted between pieces of work.", nil, nil)
	loaderDesc     = prometheus.NewDesc(LoaderCached, "Entries each of the loader's caches holds, by cache (catalogs, configs, files, checked, trees).", []string{"cache"}, nil)
	cacheDesc      = prometheus.NewDesc(RequestCacheEntries, "GitHub's answers kept for conditional requests.", nil, nil)
	cacheBytesDesc = prometheus.NewDesc(RequestCacheBytes, "Bytes of the bodies of GitHub's answers kept for conditional requests.", nil, nil)
	settledDesc    = prometheus.NewDesc(SettledPRs, "Pull requests remembered as settled (judged, with nothing new on them since).", nil, nil)
)

// WatchHeld shows what read reports, read once per scrape, as the
// gauges of Held. Call it once.
func (m *Metrics) WatchHeld(read func() Held) {
	m.reg.MustRegister(heldCollector(read))
}

// heldCollector collects Held's gauges from one read.
type heldCollector func() Held

func (c heldCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{clonePacksDesc, cloneLooseDesc, loaderDesc, cacheDesc, cacheBytesDesc, settledDesc} {
		ch <- d
	}
}

func (c heldCollector) Collect(ch chan<- prometheus.Metric) {
	h := c()
	gauge := func(d *prometheus.Desc, v int, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), labels...)
	}
	gauge(clonePacksDesc, h.ClonePacks)
	gauge(cloneLooseDesc, h.CloneLoose)
	for _, k := range slices.Sorted(maps.Keys(h.Loader)) {
		gauge(loaderDesc, h.Loader[k], k)
	}
	gauge(cacheDesc, h.RequestCacheEntries)
	gauge(cacheBytesDesc, h.RequestCacheBytes)
	gauge(settledDesc, h.Settled)
}
