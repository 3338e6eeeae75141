package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// benchClusterResults measures the results page with o.clients clients for
// o.duration against two web nodes, round robin: alone, then while a worker
// crawls.
func benchClusterResults(ctx context.Context, o benchClusterOptions) error {
	dsn, store, done, err := benchClusterStore(ctx, o.postgres)
	if err != nil {
		return err
	}
	defer done()
	if err := fillTimed(ctx, o, store, "docs", o.docs); err != nil {
		return err
	}
	var addrs []string
	for _, role := range []string{"web", "web", "worker"} {
		p, err := startBenchProc(o, o.serveArgs(role, dsn)...)
		if err != nil {
			return err
		}
		defer p.stop()
		addr, err := p.ready(ctx, 10*time.Minute)
		if err != nil {
			return err
		}
		if role == "web" {
			addrs = append(addrs, addr)
		}
	}
	// First the web nodes alone, then beside a crawl (repeated until the run ends).
	lat, errs := hammer(ctx, addrs, o.clients, o.duration, o.seed)
	printResults(o, "none", lat, errs, 0)
	crawlCtx, stopCrawls := context.WithCancel(ctx)
	var crawls sync.WaitGroup
	var crawled atomic.Int64
	crawls.Go(func() {
		for crawlCtx.Err() == nil {
			if _, _, err := crawlOnWorkers(crawlCtx, store, o); err == nil {
				crawled.Add(1)
			}
		}
	})
	fmt.Fprintf(o.stderr, "bench cluster: results page, %d clients for %s while a worker crawls\n", o.clients, o.duration)
	lat, errs = hammer(ctx, addrs, o.clients, o.duration, o.seed+1)
	stopCrawls()
	crawls.Wait()
	printResults(o, "running", lat, errs, crawled.Load())
	return nil
}

// printResults prints one run of the results page: its latencies lat and errors.
func printResults(o benchClusterOptions, crawl string, lat []time.Duration, errs, crawled int64) {
	slices.Sort(lat)
	pct := func(q float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(q*float64(len(lat))))].Round(100 * time.Microsecond)
	}
	fmt.Fprintf(o.stdout, "results page web-nodes=2 crawl=%s clients=%d duration=%s requests=%d errors=%d p50=%s p99=%s rps=%.0f crawls-finished=%d load=%s\n",
		crawl, o.clients, o.duration, len(lat), errs, pct(0.5), pct(0.99), float64(len(lat))/o.duration.Seconds(), crawled, loadAverage())
}

// hammer asks for results pages from clients goroutines for d, spreading them
// over addrs, and returns the latencies of the answered ones and the errors.
func hammer(ctx context.Context, addrs []string, clients int, d time.Duration, seed uint64) ([]time.Duration, int64) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	end := time.Now().Add(d)
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var firstErr sync.Once
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(c)))
			var mine []time.Duration
			for k := 0; time.Now().Before(end) && ctx.Err() == nil; k++ {
				u := "http://" + addrs[(c+k)%len(addrs)] + resultsPath(r)
				t := time.Now()
				if _, err := fetch(ctx, client, u); err != nil {
					errs.Add(1)
					firstErr.Do(func() { slog.Warn("results page: the first error", "url", u, "err", err) })
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return all, errs.Load()
}

// benchClusterReady measures a web node's start to ready (its index built from
// the store) with o.entries entries stored.
func benchClusterReady(ctx context.Context, o benchClusterOptions) error {
	dsn, store, done, err := benchClusterStore(ctx, o.postgres)
	if err != nil {
		return err
	}
	defer done()
	if err := fillTimed(ctx, o, store, "entries", o.entries); err != nil {
		return err
	}
	for _, start := range []string{"first (index built)", "again (index kept)"} {
		args := o.serveArgs("web", dsn)
		if start != "first (index built)" {
			args = o.lastWebArgs
		}
		t0 := time.Now()
		p, err := startBenchProc(o, args...)
		if err != nil {
			return err
		}
		if _, err := p.ready(ctx, 30*time.Minute); err != nil {
			p.stop()
			return err
		}
		took := time.Since(t0)
		p.stop()
		o.lastWebArgs = args
		fmt.Fprintf(o.stdout, "web node start to ready entries=%d start=%q time=%s load=%s\n", o.entries, start, took.Round(time.Millisecond), loadAverage())
	}
	return nil
}
