package crawler

import (
	"context"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/forge"
)

// hostObserver tells the metrics of forge requests and counts the forges' own
// rate-limit waits in the per-host limits, where the operator's status reads them.
type hostObserver struct {
	next forge.Observer
	gate catalogue.HostRequests
}

// Request implements forge.Observer.
func (o hostObserver) Request(host string, status int) {
	if o.next != nil {
		o.next.Request(host, status)
	}
}

// RateLimitWait implements forge.Observer.
func (o hostObserver) RateLimitWait(host string, d time.Duration) {
	if o.next != nil {
		o.next.RateLimitWait(host, d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	o.gate.RateLimited(ctx, host)
}

// Hosts is the crawler's per-host limiter (nil without one), whose Hosts the
// operator's status lists.
func (c *Crawler) Hosts() catalogue.HostLimiter { return c.opts.Hosts }
