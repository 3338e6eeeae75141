package ui

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// statusCollector exports the operator's status as Prometheus gauges, read from
// the store at each scrape. They are the cluster's figures, the same whichever
// node reads them, so only the node that ExportClusterGauges names exports them
// (otherwise a sum over nodes would count each job once per node).
type statusCollector struct {
	src   statusSources
	log   func(msg string, args ...any)
	descs statusDescs
}

type statusDescs struct {
	jobs, oldest, nodeSeen, nodeIndex, hostInFlight, hostWaits, hostErrorAt *prometheus.Desc
	head, prunedTo, crawlDone, crawlKnown, crawlRunning                     *prometheus.Desc
}

func newStatusDescs() statusDescs {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return statusDescs{
		jobs:         d("oscat_queue_jobs", "Jobs in the queue, by kind and state (pending, running, failed: pending after a failure, dead).", "kind", "state"),
		oldest:       d("oscat_queue_oldest_pending_timestamp_seconds", "When the longest-waiting job of a kind was enqueued.", "kind"),
		nodeSeen:     d("oscat_node_last_seen_timestamp_seconds", "When a node last reported itself.", "node", "role", "version"),
		nodeIndex:    d("oscat_node_index_position", "The change-log sequence number a node's search index has read up to.", "node"),
		hostInFlight: d("oscat_host_jobs_in_flight", "Jobs running on a forge host, all workers together.", "host"),
		hostWaits:    d("oscat_host_rate_limit_waits_total", "Requests toward a forge host that waited for its rate limit, all workers together.", "host"),
		hostErrorAt:  d("oscat_host_last_error_timestamp_seconds", "When a request toward a forge host last failed.", "host"),
		head:         d("oscat_change_log_head_sequence", "The change log's newest sequence number."),
		prunedTo:     d("oscat_change_log_pruned_sequence", "The sequence number up to which the change log was pruned (0: never)."),
		crawlDone:    d("oscat_crawl_current_repositories_done", "Repositories with an outcome in the newest crawl run."),
		crawlKnown:   d("oscat_crawl_current_repositories_known", "Repositories done and jobs still to do in the newest crawl run."),
		crawlRunning: d("oscat_crawl_current_running", "1 while the newest crawl run is going, else 0."),
	}
}

// StatusCollector returns the collector of the cluster gauges, for the
// process's Prometheus registry.
func (s *Server) StatusCollector() prometheus.Collector {
	return &statusCollector{src: s.status, log: s.log.Warn, descs: newStatusDescs()}
}

// NewStatusCollector is StatusCollector for a process without a site (a
// worker, which may be the node that schedules).
func NewStatusCollector(o StatusOptions, store any, log *slog.Logger) prometheus.Collector {
	return &statusCollector{src: resolveStatus(o, store), log: log.Warn, descs: newStatusDescs()}
}

// Describe implements prometheus.Collector.
func (c *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	d := c.descs
	for _, desc := range []*prometheus.Desc{d.jobs, d.oldest, d.nodeSeen, d.nodeIndex, d.hostInFlight, d.hostWaits, d.hostErrorAt,
		d.head, d.prunedTo, d.crawlDone, d.crawlKnown, d.crawlRunning} {
		ch <- desc
	}
}

// Collect implements prometheus.Collector.
func (c *statusCollector) Collect(ch chan<- prometheus.Metric) {
	if c.src.figures == nil || !c.src.cluster() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := operatorStatus(ctx, c.src)
	if err != nil {
		c.log("reading the operator's status for /metrics failed", "err", err)
		return
	}
	d := c.descs
	gauge := func(desc *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, labels...)
	}
	for kind, q := range r.Queue {
		gauge(d.jobs, float64(q.Pending), kind, "pending")
		gauge(d.jobs, float64(q.Running), kind, "running")
		gauge(d.jobs, float64(q.Failed), kind, "failed")
		gauge(d.jobs, float64(q.Dead), kind, "dead")
		if t, ok := parsedTime(q.OldestPendingAt); ok {
			gauge(d.oldest, t, kind)
		}
	}
	for _, n := range r.Nodes {
		if t, ok := parsedTime(&n.LastSeenAt); ok {
			gauge(d.nodeSeen, t, n.ID, n.Role, n.Version)
		}
		gauge(d.nodeIndex, float64(n.IndexPosition), n.ID)
	}
	for _, h := range r.Hosts {
		gauge(d.hostInFlight, float64(h.InFlight), h.Host)
		ch <- prometheus.MustNewConstMetric(d.hostWaits, prometheus.CounterValue, float64(h.RateLimitWaits), h.Host)
		if t, ok := parsedTime(h.LastErrorAt); ok {
			gauge(d.hostErrorAt, t, h.Host)
		}
	}
	gauge(d.head, float64(r.ChangeLog.Head))
	gauge(d.prunedTo, float64(r.ChangeLog.PrunedTo))
	if r.Crawl != nil {
		gauge(d.crawlDone, float64(r.Crawl.Done))
		gauge(d.crawlKnown, float64(r.Crawl.Total))
		running := 0.0
		if r.Crawl.FinishedAt == nil {
			running = 1
		}
		gauge(d.crawlRunning, running)
	}
}

// parsedTime reads back an RFC 3339 time of the report as Unix seconds.
func parsedTime(s *string) (float64, bool) {
	if s == nil {
		return 0, false
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return 0, false
	}
	return float64(t.Unix()), true
}
