package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oscat-eu/oscat/search"
)

func runBenchSearch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	docs := fs.Int("docs", 10000, "number of generated entries")
	queries := fs.Int("queries", 300, "queries measured per kind")
	clients := fs.Int("clients", 8, "concurrent clients for the throughput run")
	duration := fs.Duration("duration", 10*time.Second, "length of the throughput run")
	dir := fs.String("dir", "", "folder for the index (default: a temporary folder, removed afterwards)")
	seed := fs.Uint64("seed", 1, "random seed of the generated catalogue")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	err := parseFlags(fs, args, func(string) string { return "" })
	if err == nil {
		err = noArguments(fs)
	}
	for _, f := range []struct {
		name string
		n    int
	}{{"docs", *docs}, {"queries", *queries}, {"clients", *clients}} {
		if err == nil && f.n < 1 {
			err = usageError("--%s must be at least 1", f.name)
		}
	}
	if err == nil && *cpuProfile != "" {
		stop, perr := startCPUProfile(*cpuProfile)
		if perr != nil {
			return exitCode(stderr, "bench search", fs, perr)
		}
		defer stop()
	}
	if err == nil {
		err = benchSearch(ctx, stdout, benchSearchOptions{docs: *docs, queries: *queries, clients: *clients, duration: *duration, dir: *dir, seed: *seed})
	}
	return exitCode(stderr, "bench search", fs, err)
}

type benchSearchOptions struct {
	docs, queries, clients int
	duration               time.Duration
	dir                    string
	seed                   uint64
}

// queryKind is one kind of query the benchmark measures.
type queryKind struct {
	name string
	make func(i int) search.Request
}

func benchSearch(ctx context.Context, out io.Writer, o benchSearchOptions) error {
	dir, cleanup, err := benchDir(o.dir, "oscat-bench-search-")
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(out, "machine cpus=%d go=%s\n", runtime.NumCPU(), runtime.Version())
	ix, err := benchSearchIndex(ctx, out, dir, o)
	if err != nil {
		return err
	}
	defer ix.Close()
	kinds := searchQueryKinds()
	for _, k := range kinds {
		if err := measureQueries(ctx, out, ix, k, o.queries); err != nil {
			return err
		}
	}
	searchThroughput(ctx, out, ix, kinds, o)
	return nil
}

// benchSearchIndex generates o.docs entries, builds an index of them in dir and
// opens it, saying how long each step took and the index's size.
func benchSearchIndex(ctx context.Context, out io.Writer, dir string, o benchSearchOptions) (*search.Index, error) {
	g := newGenerator(o.seed, o.docs)
	t0 := time.Now()
	src := newMemSource(g, o.docs)
	fmt.Fprintf(out, "generate docs=%d time=%s\n", o.docs, time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	name, err := search.Build(ctx, dir, src)
	if err != nil {
		return nil, err
	}
	buildTime := time.Since(t0)
	size, _ := folderSize(filepath.Join(dir, name))
	fmt.Fprintf(out, "index docs=%d time=%s size=%.1fMB\n", o.docs, buildTime.Round(time.Millisecond), float64(size)/(1<<20))

	t0 = time.Now()
	ix, err := search.Open(ctx, dir, src, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "open time=%s\n", time.Since(t0).Round(time.Millisecond))
	return ix, nil
}

// searchQueryKinds are words of several frequencies under three filters, and
// no text sorted by update.
func searchQueryKinds() []queryKind {
	facets := func() map[search.Facet][]string {
		return map[search.Facet][]string{
			search.FacetPlatforms:         {"web"},
			search.FacetDevelopmentStatus: {"stable", "beta"},
			search.FacetCountry:           {"IT", "NL", "DE"},
		}
	}
	wordOf := func(from, to, i int) string {
		langs := []string{"en", "it", "en", "it", "nl", "de"}
		return word(langs[i%len(langs)], from+(i*7919)%(to-from))
	}
	return []queryKind{
		{"rare", func(i int) search.Request {
			return search.Request{Text: wordOf(4000, 15000, i), Filters: facets()}
		}},
		{"medium", func(i int) search.Request {
			return search.Request{Text: wordOf(100, 400, i), Filters: facets()}
		}},
		{"common", func(i int) search.Request {
			return search.Request{Text: wordOf(1, 12, i), Filters: facets()}
		}},
		{"empty-updated", func(i int) search.Request {
			return search.Request{Sort: "-updated"}
		}},
	}
}

// measureQueries runs n queries of kind k one after the other and prints the
// kind's line. A query that runs into the search timeout (a loaded machine)
// is counted in the line's timeouts, its wait among the latencies, and the
// run goes on; any other error ends it.
func measureQueries(ctx context.Context, out io.Writer, ix *search.Index, k queryKind, n int) error {
	lat := make([]time.Duration, 0, n)
	hits, timeouts := 0, 0
	for i := range n {
		t := time.Now()
		res, err := ix.Search(ctx, k.make(i))
		switch {
		case err == nil:
			hits += res.Total
		case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
			timeouts++
		default:
			return fmt.Errorf("query %s: %w", k.name, err)
		}
		lat = append(lat, time.Since(t))
	}
	meanHits := 0
	if answered := n - timeouts; answered > 0 {
		meanHits = hits / answered
	}
	fmt.Fprintf(out, "query %s %s ms (mean hits %d) timeouts=%d\n", k.name, percentiles(lat), meanHits, timeouts)
	return nil
}

// searchThroughput runs queries of every kind from o.clients clients for
// o.duration and prints the queries answered per second.
func searchThroughput(ctx context.Context, out io.Writer, ix *search.Index, kinds []queryKind, o benchSearchOptions) {
	var done atomic.Int64
	var wg sync.WaitGroup
	runCtx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	start := time.Now()
	for c := range o.clients {
		wg.Go(func() {
			for i := c; runCtx.Err() == nil; i += o.clients {
				if _, err := ix.Search(context.Background(), kinds[i%len(kinds)].make(i)); err == nil {
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(out, "throughput clients=%d qps=%.0f\n", o.clients, float64(done.Load())/time.Since(start).Seconds())
}

func folderSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n, err
}
