package main

import (
	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/ui"
)

// hostLimits are the per-host limits of all workers together: --host-jobs jobs
// at once on one host (default --per-host) and --host-rate requests a second.
func (f crawlerFlags) hostLimits() catalogue.HostLimits {
	jobs := f.hostJobs
	if jobs <= 0 {
		jobs = f.perHost
	}
	return catalogue.HostLimits{Concurrency: jobs, Rate: f.hostRate, Lease: f.jobLease}
}

// withHostLimits puts the crawler under the store's per-host limits: shared by
// every process on PostgreSQL, this process's own on SQLite.
func withHostLimits(opts *crawler.Options, store *sqlstore.Store, f crawlerFlags) {
	opts.Hosts = store.HostLimiter(f.hostLimits())
}

// statusOptions feed the operator's status from the crawler's limits (the store
// gives the rest, nodes included once it records them).
func (n *serveNode) statusOptions() ui.StatusOptions {
	o := ui.StatusOptions{ExportClusterGauges: n.scheduling.Load}
	if h := n.crawl.Hosts(); h != nil {
		o.Hosts = h
	}
	return o
}
