package crawler

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/forge"
)

// watchedLimiter counts what a crawl asks of the per-host limits: the most slots
// held at once on a host, and the request tokens taken.
type watchedLimiter struct {
	catalogue.HostLimiter
	mu     sync.Mutex
	held   map[string]int
	most   map[string]int
	tokens map[string]int
}

func (w *watchedLimiter) TryAcquire(ctx context.Context, host, holder string) (bool, error) {
	ok, err := w.HostLimiter.TryAcquire(ctx, host, holder)
	if ok {
		w.mu.Lock()
		w.held[host]++
		w.most[host] = max(w.most[host], w.held[host])
		w.mu.Unlock()
	}
	return ok, err
}

func (w *watchedLimiter) Release(ctx context.Context, host, holder string) error {
	w.mu.Lock()
	w.held[host]--
	w.mu.Unlock()
	return w.HostLimiter.Release(ctx, host, holder)
}

func (w *watchedLimiter) Take(ctx context.Context, host string) (time.Duration, error) {
	d, err := w.HostLimiter.Take(ctx, host)
	if d == 0 && err == nil {
		w.mu.Lock()
		w.tokens[host]++
		w.mu.Unlock()
	}
	return d, err
}

func TestRun_HoldsThePerHostLimits(t *testing.T) {
	t.Parallel()
	f, srv := world(t)
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		push(t, f, "gemeente-voorbeeld", "extra-"+name, map[string][]byte{"README.md": []byte(name)})
	}
	store := openStore(t)
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "p", Name: "P", CodeHosting: []catalogue.CodeHosting{
		{URL: srv.URL + "/gemeente-voorbeeld", Group: true, Type: catalogue.HostingGitea},
	}}}))
	limiter := &watchedLimiter{HostLimiter: catalogue.NewLocalHostLimiter(catalogue.HostLimits{Concurrency: 2, Rate: 1000, Burst: 10}),
		held: map[string]int{}, most: map[string]int{}, tokens: map[string]int{}}
	opts := testOptions()
	opts.Workers, opts.PerHost, opts.Hosts = 6, 6, limiter
	sum := runCrawl(t, New(store, opts))
	if sum.Run.Seen() != 12 {
		t.Fatalf("summary %s: want the 12 repositories of the group", sum)
	}
	host := forge.HostOf(srv.URL)
	limiter.mu.Lock()
	most, tokens := limiter.most[host], limiter.tokens[host]
	limiter.mu.Unlock()
	if most != 2 {
		t.Errorf("at most %d jobs held a slot of %s at once, want the limit of 2 (the process alone would run 6): %v", most, host, limiter.most)
	}
	if tokens < sum.Run.Seen() {
		t.Errorf("%d requests toward %s took a token, want at least one per repository (%d)", tokens, host, sum.Run.Seen())
	}
	hosts, err := limiter.Hosts(t.Context())
	must(t, err)
	if len(hosts) != 1 || hosts[0].Host != host || hosts[0].InFlight != 0 {
		t.Errorf("hosts after the crawl = %+v, want %s with nothing in flight", hosts, host)
	}
}
