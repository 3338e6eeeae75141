package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/search"
	"github.com/oscat-eu/oscat/ui"
)

func runBenchWeb(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench web", flag.ContinueOnError)
	var o benchWebOptions
	fs.IntVar(&o.docs, "docs", 10000, "number of generated entries stored in a fresh catalogue")
	fs.IntVar(&o.clients, "clients", 4, "concurrent clients")
	fs.IntVar(&o.requests, "requests", 2000, "requests measured per page kind (all clients together)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of the results page's throughput run")
	fs.StringVar(&o.dir, "dir", "", "data folder to fill (default: a temporary folder, removed afterwards)")
	fs.StringVar(&o.postgres, "postgres", "", "PostgreSQL DSN: keep the catalogue there, in a schema of its own dropped afterwards, instead of SQLite")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of the generated catalogue")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured runs to this file")
	err := parseFlags(fs, args, func(string) string { return "" })
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil && (o.docs < 1 || o.clients < 1 || o.requests < 1) {
		err = usageError("--docs, --clients and --requests must be at least 1")
	}
	o.cpuProfile = *cpuProfile
	if err == nil {
		err = benchWeb(ctx, stdout, o)
	}
	return exitCode(stderr, "bench web", fs, err)
}

type benchWebOptions struct {
	docs, clients, requests int
	duration                time.Duration
	dir, cpuProfile         string
	postgres                string
	seed                    uint64
}

// benchWeb fills a real store with generated entries, serves it with the real
// server on loopback and measures the home, results and software pages with
// concurrent clients, load generator included on the same machine.
func benchWeb(ctx context.Context, out io.Writer, o benchWebOptions) error {
	dir, cleanup, err := benchDir(o.dir, "oscat-bench-web-")
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(out, "machine cpus=%d go=%s load=%s\n", runtime.NumCPU(), runtime.Version(), loadAverage())
	store, closeStore, err := benchWebStore(ctx, dir, o.postgres)
	if err != nil {
		return err
	}
	defer closeStore()
	index, err := benchWebIndex(ctx, out, store, dir, o)
	if err != nil {
		return err
	}
	defer index.Close()
	quiet := slog.New(slog.DiscardHandler)
	srv, err := ui.New(siteSources(store, false), index, ui.Options{PublicURL: "http://127.0.0.1", Logger: quiet})
	if err != nil {
		return err
	}
	base, stop, err := serveLoopback(ctx, srv)
	if err != nil {
		return err
	}
	defer stop()
	ids, err := softwareIDs(ctx, store)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.clients * 2}}
	kinds := webPageKinds(base, ids)
	if err := warmUpPages(ctx, client, kinds, o.seed); err != nil {
		return err
	}
	if o.cpuProfile != "" {
		stopProfile, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if err := measurePages(ctx, out, client, kinds, o); err != nil {
		return err
	}
	resultsThroughput(ctx, out, client, kinds[1].url, o)
	return nil
}

// benchWebStore opens the bench's store: SQLite in dir, or a schema of its own
// on the PostgreSQL server postgres (dropped by done).
func benchWebStore(ctx context.Context, dir, postgres string) (*sqlstore.Store, func(), error) {
	if postgres != "" {
		_, store, done, err := benchClusterStore(ctx, postgres)
		return store, done, err
	}
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: dir})
	if err != nil {
		return nil, nil, err
	}
	return store, func() { store.Close() }, nil
}

// benchWebIndex fills the store with o.docs generated entries and opens the
// search index over it, saying how long each took.
func benchWebIndex(ctx context.Context, out io.Writer, store *sqlstore.Store, dir string, o benchWebOptions) (*search.Index, error) {
	t0 := time.Now()
	if err := fillStore(ctx, store, o.docs, o.seed); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "store docs=%d time=%s\n", o.docs, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	index, err := search.Open(ctx, filepath.Join(dir, "search"), store, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "index time=%s\n", time.Since(t0).Round(time.Millisecond))
	return index, nil
}

// pageKind is one kind of page the web bench measures: url picks the next one.
type pageKind struct {
	name string
	url  func(r *rand.Rand) string
}

// webPageKinds are the home page, a results page and a software page of ids.
func webPageKinds(base string, ids []string) []pageKind {
	return []pageKind{
		{"home", func(*rand.Rand) string { return base + "/" }},
		{"results", func(r *rand.Rand) string { return base + resultsPath(r) }},
		{"software", func(r *rand.Rand) string { return base + "/software/" + ids[r.IntN(len(ids))] }},
	}
}

// warmUpPages asks for each kind 20 times: the first requests build caches
// every later one shares.
func warmUpPages(ctx context.Context, client *http.Client, kinds []pageKind, seed uint64) error {
	for _, k := range kinds {
		r := rand.New(rand.NewPCG(seed, 7))
		for range 20 {
			if _, err := fetch(ctx, client, k.url(r)); err != nil {
				return fmt.Errorf("warm up %s: %w", k.name, err)
			}
		}
	}
	return nil
}

// measurePages measures o.requests requests of each kind and prints a line per kind.
func measurePages(ctx context.Context, out io.Writer, client *http.Client, kinds []pageKind, o benchWebOptions) error {
	for _, k := range kinds {
		lat, bytes, err := measure(ctx, client, o.clients, o.requests, o.seed, k.url)
		if err != nil {
			return fmt.Errorf("page %s: %w", k.name, err)
		}
		fmt.Fprintf(out, "page %s clients=%d requests=%d %s ms (mean %d KiB)\n",
			k.name, o.clients, len(lat), percentiles(lat), bytes/int64(len(lat))>>10)
	}
	return nil
}

// resultsThroughput asks for results pages from o.clients clients for
// o.duration and prints the requests per second and their latencies.
func resultsThroughput(ctx context.Context, out io.Writer, client *http.Client, next func(*rand.Rand) string, o benchWebOptions) {
	var failed atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	start := time.Now()
	var cw sync.WaitGroup
	for c := range o.clients {
		cw.Go(func() {
			r := rand.New(rand.NewPCG(o.seed, uint64(c)+100))
			var mine []time.Duration
			for runCtx.Err() == nil {
				t := time.Now()
				if _, err := fetch(runCtx, client, next(r)); err == nil {
					mine = append(mine, time.Since(t))
				} else if runCtx.Err() == nil {
					failed.Add(1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	cw.Wait()
	if len(lat) == 0 {
		fmt.Fprintf(out, "throughput results clients=%d rps=0 failed=%d load=%s\n", o.clients, failed.Load(), loadAverage())
		return
	}
	fmt.Fprintf(out, "throughput results clients=%d rps=%.0f %s ms failed=%d load=%s\n", o.clients, float64(len(lat))/time.Since(start).Seconds(), percentiles(lat), failed.Load(), loadAverage())
}

// measure sends n requests from clients goroutines and returns each one's latency.
func measure(ctx context.Context, client *http.Client, clients, n int, seed uint64, next func(*rand.Rand) string) ([]time.Duration, int64, error) {
	lat := make([]time.Duration, n)
	var i atomic.Int64
	var size atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(c)))
			for {
				k := i.Add(1) - 1
				if k >= int64(n) {
					return
				}
				u := next(r)
				t := time.Now()
				b, err := fetch(ctx, client, u)
				lat[k] = time.Since(t)
				size.Add(int64(b))
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("%s: %w", u, err) })
					return
				}
			}
		})
	}
	wg.Wait()
	return lat, size.Load(), firstErr
}

func fetch(ctx context.Context, client *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept-Language", "en")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %s", resp.Status)
	}
	return int(n), err
}

// resultsPath is a results page as people ask for it: words of several
// frequencies, sometimes with filters or another order, sometimes no text.
func resultsPath(r *rand.Rand) string {
	q := url.Values{}
	langs := []string{"en", "it", "en", "it", "nl", "de"}
	switch r.IntN(4) {
	case 0:
		q.Set("q", word(langs[r.IntN(len(langs))], 1+r.IntN(12)))
	case 1:
		q.Set("q", word(langs[r.IntN(len(langs))], 100+r.IntN(300)))
	case 2:
		q.Set("q", word(langs[r.IntN(len(langs))], 4000+r.IntN(11000)))
		q.Add("filter[platforms]", "web")
		q.Add("filter[developmentStatus]", "stable")
	case 3:
		q.Set("sort", "-updated")
		q.Add("filter[country]", []string{"IT", "NL", "DE"}[r.IntN(3)])
	}
	return "/search?" + q.Encode()
}

func softwareIDs(ctx context.Context, store catalogue.Store) ([]string, error) {
	var ids []string
	for after := ""; ; {
		list, next, err := store.ListSoftware(ctx, "", catalogue.Page{After: after, Size: 500})
		if err != nil {
			return nil, err
		}
		for _, sw := range list {
			ids = append(ids, sw.ID)
		}
		if next == "" {
			return ids, nil
		}
		after = next
	}
}
