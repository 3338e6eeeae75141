package crawler

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what crawls do, for Prometheus: repositories by status, how long
// they and whole runs take, bytes fetched, forge API requests and rate-limit waits.
type Metrics struct {
	repos       *prometheus.CounterVec
	duration    prometheus.Histogram
	bytes       prometheus.Counter
	requests    *prometheus.CounterVec
	waits       *prometheus.CounterVec
	waitSeconds *prometheus.CounterVec
	runs        prometheus.Counter
	runDuration prometheus.Histogram
	// contribDuration is the time to compute one software's contribution figures.
	contribDuration prometheus.Histogram
}

// NewMetrics registers the crawler's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		repos: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "oscat_crawl_repositories_total",
			Help: "Repositories crawled, by the status recorded."}, []string{"status"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "oscat_crawl_repository_duration_seconds",
			Help: "Time to crawl one repository.", Buckets: prometheus.ExponentialBuckets(0.01, 3, 10)}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{Name: "oscat_crawl_fetched_bytes_total",
			Help: "Git pack bytes fetched."}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "oscat_forge_requests_total",
			Help: "Forge API requests, by host and HTTP status."}, []string{"host", "code"}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "oscat_forge_rate_limit_waits_total",
			Help: "Waits for a forge's rate limit, by host."}, []string{"host"}),
		waitSeconds: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "oscat_forge_rate_limit_wait_seconds_total",
			Help: "Time spent waiting for forges' rate limits, by host."}, []string{"host"}),
		runs: prometheus.NewCounter(prometheus.CounterOpts{Name: "oscat_crawl_runs_total",
			Help: "Crawl runs started."}),
		runDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "oscat_crawl_run_duration_seconds",
			Help: "Time from a crawl run's start to its end.", Buckets: prometheus.ExponentialBuckets(1, 3, 10)}),
		contribDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "oscat_crawl_contributions_duration_seconds",
			Help: "Time to compute one software's contribution figures.", Buckets: prometheus.ExponentialBuckets(0.001, 3, 10)}),
	}
	reg.MustRegister(m.repos, m.duration, m.bytes, m.requests, m.waits, m.waitSeconds, m.runs, m.runDuration, m.contribDuration)
	return m
}

// Request implements forge.Observer.
func (m *Metrics) Request(host string, status int) {
	m.requests.WithLabelValues(host, strconv.Itoa(status)).Inc()
}

// RateLimitWait implements forge.Observer.
func (m *Metrics) RateLimitWait(host string, d time.Duration) {
	m.waits.WithLabelValues(host).Inc()
	m.waitSeconds.WithLabelValues(host).Add(d.Seconds())
}
