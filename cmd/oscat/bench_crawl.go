package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/localforge"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

type benchFlags struct {
	repos      int
	big        int
	bigFiles   int
	many       int
	workers    int
	dir        string
	memProfile string
}

func runBenchCrawl(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench crawl", flag.ContinueOnError)
	var f benchFlags
	fs.IntVar(&f.repos, "repos", 200, "repositories in the local world")
	fs.IntVar(&f.big, "big", 10, "of which this many have --big-files files")
	fs.IntVar(&f.bigFiles, "big-files", 10000, "files in each big repository")
	fs.IntVar(&f.many, "many", 2000, "repositories of the second world, re-crawled unchanged (0 skips it)")
	fs.IntVar(&f.workers, "workers", 8, "parallelism, the same for git clone and the crawler")
	fs.StringVar(&f.dir, "dir", "", "where to build the worlds (default a temporary folder, removed after)")
	fs.StringVar(&f.memProfile, "memprofile", "", "write a heap profile (allocations of the whole run) to this file")
	err := parseFlags(fs, args, func(string) string { return "" })
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil {
		err = benchCrawl(ctx, f, stdout, stderr)
	}
	return exitCode(stderr, "bench crawl", fs, err)
}

// benchCrawl builds a world of repositories served over smart HTTP on loopback
// (uploadpack.allowFilter on), and measures: git clone --depth 1 --bare of every
// repository, the crawler's first crawl of them (with and without filters), an
// unchanged re-crawl, and an unchanged re-crawl of a world of --many repositories.
func benchCrawl(ctx context.Context, f benchFlags, stdout, stderr io.Writer) error {
	if _, err := exec.LookPath("git"); err != nil {
		return localforge.ErrNoGit
	}
	dir, cleanup, err := benchDir(f.dir, "oscat-bench-")
	if err != nil {
		return err
	}
	defer cleanup()
	fmt.Fprintf(stdout, "machine: %d cores, %s, %s; git %s\n", runtime.NumCPU(), runtime.GOOS, runtime.Version(), gitVersion())
	t0 := time.Now()
	_, srv, err := benchWorld(filepath.Join(dir, "world"), "bench", f.repos, f.big, f.bigFiles)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "world: %d repositories (%d with %d files), built and packed in %s\n", f.repos, f.big, f.bigFiles, since(t0))

	urls := make([]string, f.repos)
	for i := range urls {
		urls[i] = srv.RepoURL("bench", repoName(i))
	}
	cloneTime, size, err := cloneAll(ctx, urls, filepath.Join(dir, "clones"), f.workers)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "git clone --depth 1 --bare, %d at once: %s (%s)\n", f.workers, cloneTime.Round(time.Millisecond), size)

	peak := newPeakMemory()
	defer peak.stop()
	peak.reset() // the world's construction is not the crawler's
	if err := benchWorldCrawls(ctx, f, srv, dir, cloneTime, stdout, peak); err != nil {
		return err
	}
	if f.big > 0 {
		if err := benchBig(ctx, f, srv, urls[:f.big], dir, stdout, peak); err != nil {
			return err
		}
	}
	if f.many > 0 {
		if err := benchMany(ctx, f, dir, stdout, peak); err != nil {
			return err
		}
	}
	peak.stop()
	if f.memProfile != "" {
		if err := writeHeapProfile(f.memProfile); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "peak resident memory of the whole run: %s (the process includes the local forge's HTTP server)\n", vmHWM())
	return nil
}

// benchWorldCrawls crawls the world first, again unchanged, and from scratch
// from a server without filters, printing each against git clone's time.
func benchWorldCrawls(ctx context.Context, f benchFlags, srv *localforge.Server, dir string, cloneTime time.Duration, stdout io.Writer, peak *peakMemory) error {
	first, err := benchRun(ctx, f, srv, filepath.Join(dir, "data"), "bench", false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "first crawl (filters): %s, %d fetches, %s of packs: %.1fx git clone; peak heap %s\n", first.d.Round(time.Millisecond), first.packs, mib(first.bytes), cloneTime.Seconds()/first.d.Seconds(), mib(peak.reset()))
	fmt.Fprintf(stdout, "  first crawl%s\n", first.contribLine())
	again, err := benchRun(ctx, f, srv, filepath.Join(dir, "data"), "bench", false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "unchanged re-crawl: %s, %d fetches (%s); peak heap %s\n", again.d.Round(time.Millisecond), again.packs, again.summary, mib(peak.reset()))
	fmt.Fprintf(stdout, "  unchanged re-crawl%s\n", again.contribLine())
	srv.SetFilter(false)
	nofilter, err := benchRun(ctx, f, srv, filepath.Join(dir, "data-nofilter"), "bench", true)
	srv.SetFilter(true)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "first crawl, server without filters (depth 1): %s, %d fetches, %s of packs; peak heap %s\n", nofilter.d.Round(time.Millisecond), nofilter.packs, mib(nofilter.bytes), mib(peak.reset()))
	return nil
}

// benchMany builds a second world of f.many small repositories and crawls it
// twice: the unchanged re-crawl is what a large catalogue does most nights.
func benchMany(ctx context.Context, f benchFlags, dir string, stdout io.Writer, peak *peakMemory) error {
	t0 := time.Now()
	_, srv, err := benchWorld(filepath.Join(dir, "many"), "many", f.many, 0, 0)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "second world: %d repositories, built in %s\n", f.many, since(t0))
	m1, err := benchRun(ctx, f, srv, filepath.Join(dir, "data-many"), "many", false)
	if err != nil {
		return err
	}
	m2, err := benchRun(ctx, f, srv, filepath.Join(dir, "data-many"), "many", false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d repositories: first crawl %s; unchanged re-crawl %s, %d fetches (%s); peak heap %s\n", f.many,
		m1.d.Round(time.Millisecond), m2.d.Round(time.Millisecond), m2.packs, m2.summary, mib(peak.reset()))
	return nil
}

// benchBig compares, on the big repositories alone, git clone with a crawl with
// filters and one without: where the partial fetch pays.
func benchBig(ctx context.Context, f benchFlags, srv *localforge.Server, urls []string, dir string, stdout io.Writer, peak *peakMemory) error {
	workers := min(f.workers, len(urls))
	cloneTime, size, err := cloneAll(ctx, urls, filepath.Join(dir, "clones-big"), workers)
	if err != nil {
		return err
	}
	var hosting []catalogue.CodeHosting
	for _, u := range urls {
		hosting = append(hosting, catalogue.CodeHosting{URL: u})
	}
	bf := f
	bf.workers = workers
	peak.reset()
	with, err := benchHosting(ctx, bf, srv, filepath.Join(dir, "data-big"), hosting, false)
	if err != nil {
		return err
	}
	withPeak := peak.reset()
	srv.SetFilter(false)
	without, err := benchHosting(ctx, bf, srv, filepath.Join(dir, "data-big-nofilter"), hosting, true)
	srv.SetFilter(true)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "the %d big repositories alone, %d at once: git clone --depth 1 --bare %s (%s); crawl with filters %s (%s of packs, %.1fx faster, peak heap %s); without filters %s (%s, peak heap %s)\n",
		len(urls), workers, cloneTime.Round(time.Millisecond), size, with.d.Round(time.Millisecond), mib(with.bytes), cloneTime.Seconds()/with.d.Seconds(),
		mib(withPeak), without.d.Round(time.Millisecond), mib(without.bytes), mib(peak.reset()))
	return nil
}

// cloneAll runs git clone --depth 1 --bare of every URL, workers at once.
func cloneAll(ctx context.Context, urls []string, dir string, workers int) (time.Duration, string, error) {
	t0 := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, u := range urls {
		g.Go(func() error {
			out, err := exec.CommandContext(gctx, "git", "clone", "-q", "--depth", "1", "--bare", u, filepath.Join(dir, fmt.Sprint(i))).CombinedOutput()
			if err != nil {
				return fmt.Errorf("git clone %s: %v: %s", u, err, out)
			}
			return nil
		})
	}
	err := g.Wait()
	d := time.Since(t0)
	size := du(dir)
	_ = os.RemoveAll(dir)
	return d, size, err
}

type benchResult struct {
	d       time.Duration
	packs   int64
	bytes   int64
	summary string
	// contrib is the time spent on contribution figures (commit ledgers and
	// aggregation, summed over workers); seen the repositories crawled.
	contrib time.Duration
	seen    int
}

// contribLine says what the contribution figures cost per repository.
func (r benchResult) contribLine() string {
	if r.seen == 0 {
		return ""
	}
	return fmt.Sprintf(": contribution figures (commit ledger and aggregation) %s of worker time in all, %s per repository",
		r.contrib.Round(time.Millisecond), (r.contrib / time.Duration(r.seen)).Round(time.Microsecond))
}

func benchRun(ctx context.Context, f benchFlags, srv *localforge.Server, data, owner string, noFilter bool) (benchResult, error) {
	return benchHosting(ctx, f, srv, data, []catalogue.CodeHosting{{URL: srv.URL + "/" + owner, Group: true, Type: catalogue.HostingGitea}}, noFilter)
}

// benchHosting crawls the given code hosting into the store in data.
func benchHosting(ctx context.Context, f benchFlags, srv *localforge.Server, data string, hosting []catalogue.CodeHosting, noFilter bool) (benchResult, error) {
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: data})
	if err != nil {
		return benchResult{}, err
	}
	defer store.Close()
	if err := store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "bench", Name: "Bench", CodeHosting: hosting}}); err != nil {
		return benchResult{}, err
	}
	c := crawler.New(store, crawler.Options{
		Policy: safehttp.Policy{AllowPrivate: true}, Workers: f.workers, PerHost: f.workers, Logger: slog.New(slog.DiscardHandler),
		Fetch: gitfetch.Options{CacheDir: filepath.Join(data, "cache", "git"), NoFilter: noFilter, Timeout: 5 * time.Minute},
		Poll:  50 * time.Millisecond,
	})
	packs := srv.Packs()
	t0 := time.Now()
	sum, err := c.Run(ctx, "bench", nil)
	if err != nil {
		return benchResult{}, err
	}
	var bytes int64
	repos, _, err := store.Repositories(ctx, catalogue.RepositoryFilter{}, catalogue.Page{Size: 1000})
	if err == nil && len(repos) > 0 {
		for _, r := range repos {
			bytes += r.Bytes
		}
	}
	return benchResult{d: time.Since(t0), packs: srv.Packs() - packs, bytes: bytes, summary: sum.String(),
		contrib: c.ContributionTime(), seen: sum.Run.Seen()}, nil
}

// benchWorld builds n repositories under owner, big of them with files files,
// each with a few commits, packs them as a forge would, and serves them.
func benchWorld(root, owner string, n, big, files int) (*localforge.Forge, *localforge.Server, error) {
	forge := localforge.New(root)
	if err := forge.AddOwner(owner, localforge.Org); err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	start := time.Now().AddDate(0, -6, 0)
	for i := range n {
		name := repoName(i)
		commits := 3
		if i < big {
			commits = 1 // the big trees once: building them dominates the set-up
		}
		for c := range commits {
			tree := map[string][]byte{
				"publiccode.yml": []byte(fmt.Sprintf("publiccodeYmlVersion: \"0.4\"\nname: %s %s\nurl: https://example.org/%s/%s\n", owner, name, owner, name)),
				"README.md":      []byte(text(rng, 200+c)),
			}
			if i < big {
				for k := range files {
					tree[fmt.Sprintf("src/m%03d/file%05d.go", k%100, k)] = []byte(text(rng, 500)) // about 3 KB, a source file
				}
			}
			if _, err := forge.Push(owner, name, localforge.Commit{Files: tree, When: start.AddDate(0, c, i%28), Author: fmt.Sprintf("Dev %d", c)}); err != nil {
				return nil, nil, err
			}
		}
		if out, err := exec.Command("git", "-C", forge.Path(owner, name), "repack", "-a", "-d", "-q").CombinedOutput(); err != nil {
			return nil, nil, fmt.Errorf("git repack %s: %v: %s", name, err, out)
		}
		if out, err := exec.Command("git", "-C", forge.Path(owner, name), "prune").CombinedOutput(); err != nil {
			return nil, nil, fmt.Errorf("git prune %s: %v: %s", name, err, out)
		}
	}
	srv, err := localforge.Start(forge, "127.0.0.1:0")
	return forge, srv, err
}

func repoName(i int) string { return fmt.Sprintf("repo%04d", i) }

var words = strings.Fields("func return if else for range var const type struct interface map slice error nil true false package import context string int")

// text is n words of code-like text.
func text(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(words[rng.IntN(len(words))])
		if i%12 == 11 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func du(dir string) string {
	var total int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			total += info.Size()
		}
		return nil
	})
	return mib(total) + " on disk"
}

func gitVersion() string {
	out, err := exec.Command("git", "--version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "git version ")
}

// vmHWM is the process's peak resident memory, from /proc (Linux).
func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// peakMemory samples the heap in use until stopped.
type peakMemory struct {
	max  atomic.Int64
	quit chan struct{}
	done chan struct{}
}

func newPeakMemory() *peakMemory {
	p := &peakMemory{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if v := int64(ms.HeapInuse); v > p.max.Load() {
				p.max.Store(v)
			}
			select {
			case <-p.quit:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

// reset returns the peak since the last reset and starts anew, after a
// collection so that one phase's garbage is not counted in the next.
func (p *peakMemory) reset() int64 {
	m := p.max.Load()
	runtime.GC()
	p.max.Store(0)
	return m
}

// stop ends the sampling (once) and returns the peak.
func (p *peakMemory) stop() int64 {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
	<-p.done
	return p.max.Load()
}

func writeHeapProfile(path string) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	return pprof.Lookup("allocs").WriteTo(out, 0)
}
