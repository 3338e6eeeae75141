package sqlstore

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// workerLimiters opens n stores on one PostgreSQL schema, as n worker processes
// would, and returns each one's host limiter.
func workerLimiters(t *testing.T, n int, l catalogue.HostLimits) []catalogue.HostLimiter {
	t.Helper()
	dsn := os.Getenv("OSCAT_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("OSCAT_TEST_POSTGRES is not set; set it to a PostgreSQL DSN to share host limits between workers")
	}
	schemaDSN := postgresSchemaDSN(t, dsn)
	out := make([]catalogue.HostLimiter, n)
	for i := range n {
		s, err := Open(t.Context(), Config{PostgresDSN: schemaDSN})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s.HostLimiter(l)
	}
	return out
}

// concurrencyCounter is a forge on 127.0.0.1 that counts the requests it is
// answering at once. Each request is held until limit of them are in flight (or
// a generous bound passes), so that a limiter letting more through is caught.
type concurrencyCounter struct {
	limit          int
	inFlight, most atomic.Int64
	total          atomic.Int64
	mu             sync.Mutex
	full           chan struct{}
}

func (c *concurrencyCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.total.Add(1)
	n := c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	for {
		m := c.most.Load()
		if n <= m || c.most.CompareAndSwap(m, n) {
			break
		}
	}
	c.mu.Lock()
	full := c.full
	if n >= int64(c.limit) {
		close(full)
		c.full = make(chan struct{})
	}
	c.mu.Unlock()
	select {
	case <-full:
	case <-r.Context().Done():
	case <-time.After(2 * time.Second):
	}
	w.WriteHeader(http.StatusNoContent)
}

func TestHostLimiter_FourWorkersTogetherKeepTheHostsConcurrency(t *testing.T) {
	t.Parallel()
	const limit = 3
	limiters := workerLimiters(t, 4, catalogue.HostLimits{Concurrency: limit, Lease: time.Minute})
	counter := &concurrencyCounter{limit: limit, full: make(chan struct{})}
	srv := httptest.NewServer(counter)
	defer srv.Close()
	const host = "forge.example"
	var (
		wg   sync.WaitGroup
		jobs atomic.Int64
	)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for w, l := range limiters {
		for g := range 3 { // three jobs at once in each worker
			wg.Go(func() {
				for i := 0; jobs.Add(1) <= 40; i++ {
					holder := fmt.Sprintf("worker-%d:%d#%d", w, g, i)
					if err := acquire(ctx, l, host, holder); err != nil {
						t.Error(err)
						return
					}
					resp, err := http.Get(srv.URL)
					if err == nil {
						resp.Body.Close()
					} else {
						t.Error(err)
					}
					if err := l.Release(ctx, host, holder); err != nil {
						t.Error(err)
					}
				}
			})
		}
	}
	wg.Wait()
	if got := counter.total.Load(); got != 40 {
		t.Fatalf("%d requests reached the forge, want 40", got)
	}
	if most := counter.most.Load(); most != limit {
		t.Errorf("at most %d requests were in flight at once toward the host, want exactly the limit %d", most, limit)
	}
	hosts, err := limiters[0].Hosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 1 || hosts[0].Host != host || hosts[0].InFlight != 0 {
		t.Errorf("status after all released = %+v, want %s with none in flight", hosts, host)
	}
}

// acquire takes a slot, trying again as a job runner would when its host is full.
func acquire(ctx context.Context, l catalogue.HostLimiter, host, holder string) error {
	for {
		ok, err := l.TryAcquire(ctx, host, holder)
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no slot of %s for %s: %w", host, holder, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestHostLimiter_AKilledWorkersSlotsFreeThemselves(t *testing.T) {
	t.Parallel()
	limiters := workerLimiters(t, 2, catalogue.HostLimits{Concurrency: 2, Lease: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for _, h := range []string{"killed#1", "killed#2"} {
		if ok, err := limiters[0].TryAcquire(ctx, "forge.example", h); !ok || err != nil {
			t.Fatalf("take %s = %v, %v", h, ok, err)
		}
	}
	if ok, err := limiters[1].TryAcquire(ctx, "forge.example", "other#1"); ok || err != nil {
		t.Fatalf("a third slot of two = %v, %v: want refused", ok, err)
	}
	// The first worker is killed: it never releases. Its leases run out.
	if err := acquire(ctx, limiters[1], "forge.example", "other#1"); err != nil {
		t.Fatal(err)
	}
}

func TestHostLimiter_FourWorkersTogetherKeepTheHostsRate(t *testing.T) {
	t.Parallel()
	const (
		rate  = 40.0
		burst = 5
		want  = 60
	)
	limiters := workerLimiters(t, 4, catalogue.HostLimits{Rate: rate, Burst: burst})
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var (
		wg    sync.WaitGroup
		asked atomic.Int64
	)
	start := time.Now()
	for _, l := range limiters {
		gate := catalogue.HostRequests{Limiter: l}
		for range 4 {
			wg.Go(func() {
				for asked.Add(1) <= want {
					if err := gate.Wait(ctx, "forge.example"); err != nil {
						t.Error(err)
						return
					}
					resp, err := http.Get(srv.URL)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
				}
			})
		}
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	got := served.Load()
	if got != want {
		t.Fatalf("%d requests served, want %d", got, want)
	}
	// Every request took a token: no more can have been granted than the burst
	// plus the refill over the test's own measure of the time it took.
	if allowed := burst + rate*elapsed; float64(got) > allowed {
		t.Errorf("%d requests in %.3f s: more than the bucket allows (%d + %.0f/s × %.3f s = %.1f)", got, elapsed, burst, rate, elapsed, allowed)
	}
	hosts, err := limiters[3].Hosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 1 || hosts[0].RateLimitWaits == 0 {
		t.Errorf("status = %+v: want the waits counted", hosts)
	}
}

func TestHostLimiter_KeepsTheLastError(t *testing.T) {
	t.Parallel()
	backends(t, func(t *testing.T, s *Store) {
		l := s.HostLimiter(catalogue.HostLimits{})
		if err := l.NoteError(t.Context(), "forge.example", "GET https://forge.example/x: 502"); err != nil {
			t.Fatal(err)
		}
		if err := l.NoteError(t.Context(), "forge.example", "GET https://forge.example/y: 503"); err != nil {
			t.Fatal(err)
		}
		hosts, err := l.Hosts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(hosts) != 1 || hosts[0].LastError != "GET https://forge.example/y: 503" || hosts[0].LastErrorAt == nil {
			t.Errorf("hosts = %+v, want the last error of forge.example", hosts)
		}
	})
}
