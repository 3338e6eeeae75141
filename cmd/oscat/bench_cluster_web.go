package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// benchClusterResults measures the results page with o.clients clients for
// o.duration against two web nodes, round robin, while a worker crawls.
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
	lat, errs := hammer(ctx, addrs, o.clients, o.duration, o.seed)
	stopCrawls()
	crawls.Wait()
	slices.Sort(lat)
	pct := func(q float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(q*float64(len(lat))))].Round(100 * time.Microsecond)
	}
	fmt.Fprintf(o.stdout, "results page web-nodes=2 clients=%d duration=%s requests=%d errors=%d p50=%s p99=%s rps=%.0f crawls-finished=%d load=%s\n",
		o.clients, o.duration, len(lat), errs, pct(0.5), pct(0.99), float64(len(lat))/o.duration.Seconds(), crawled.Load(), loadAverage())
	return nil
}

// hammer asks for results pages from clients goroutines for d, spreading them
// over addrs, and returns the latencies of the answered ones and the errors.
func hammer(ctx context.Context, addrs []string, clients int, d time.Duration, seed uint64) ([]time.Duration, int64) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	end := time.Now().Add(d)
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
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
