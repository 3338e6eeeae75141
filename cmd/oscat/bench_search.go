package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
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
	if err == nil && *docs < 1 {
		err = usageError("--docs must be at least 1")
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
	dir := o.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "oscat-bench-search-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	fmt.Fprintf(out, "machine cpus=%d go=%s\n", runtime.NumCPU(), runtime.Version())
	g := newGenerator(o.seed, o.docs)
	t0 := time.Now()
	src := newMemSource(g, o.docs)
	fmt.Fprintf(out, "generate docs=%d time=%s\n", o.docs, time.Since(t0).Round(time.Millisecond))

	t0 = time.Now()
	name, err := search.Build(ctx, dir, src)
	if err != nil {
		return err
	}
	buildTime := time.Since(t0)
	size, _ := folderSize(filepath.Join(dir, name))
	fmt.Fprintf(out, "index docs=%d time=%s size=%.1fMB\n", o.docs, buildTime.Round(time.Millisecond), float64(size)/(1<<20))

	t0 = time.Now()
	ix, err := search.Open(ctx, dir, src, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer ix.Close()
	fmt.Fprintf(out, "open time=%s\n", time.Since(t0).Round(time.Millisecond))

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
	kinds := []queryKind{
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
	for _, k := range kinds {
		lat := make([]time.Duration, 0, o.queries)
		hits := 0
		for i := range o.queries {
			t := time.Now()
			res, err := ix.Search(ctx, k.make(i))
			if err != nil {
				return fmt.Errorf("query %s: %w", k.name, err)
			}
			lat = append(lat, time.Since(t))
			hits += res.Total
		}
		fmt.Fprintf(out, "query %s p50=%s p95=%s p99=%s ms (mean hits %d)\n", k.name, ms(pct(lat, 50)), ms(pct(lat, 95)), ms(pct(lat, 99)), hits/o.queries)
	}

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
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

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
