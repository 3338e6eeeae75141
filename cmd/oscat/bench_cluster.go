package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler"
)

type benchClusterOptions struct {
	postgres        string
	repos, docs     int
	entries         int
	clients         int
	duration        time.Duration
	seed            uint64
	parts           map[string]bool
	stdout, stderr  io.Writer
	bin, root, list string
	lastWebArgs     []string
}

// runBenchCluster is `oscat bench cluster`: real oscat processes on one
// PostgreSQL, measuring a first crawl with 1 and 2 workers, the results page
// against two web nodes while a crawl runs, and a web node's start to ready.
func runBenchCluster(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench cluster", flag.ContinueOnError)
	o := benchClusterOptions{stdout: stdout, stderr: stderr}
	fs.StringVar(&o.postgres, "postgres", "", "PostgreSQL DSN (required); each part runs in a schema of its own, dropped afterwards")
	fs.IntVar(&o.repos, "repos", 200, "repositories of the local world crawled")
	fs.IntVar(&o.docs, "docs", 10000, "generated entries stored before the results page is measured")
	fs.IntVar(&o.entries, "entries", 100000, "entries stored before a web node's start to ready is measured (0: skip)")
	fs.IntVar(&o.clients, "clients", 32, "concurrent clients of the results page")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "length of the results page's run")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of the generated catalogue")
	parts := fs.String("parts", "crawl,results,ready", "the parts measured, comma-separated: crawl, results, ready")
	err := parseFlags(fs, args, getenv)
	if err == nil {
		o.parts, err = benchParts(*parts)
	}
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil && o.postgres == "" {
		err = usageError("--postgres DSN: the cluster's store (say OSCAT_POSTGRES)")
	}
	if err == nil && (o.repos < 1 || o.docs < 1 || o.clients < 1) {
		err = usageError("--repos, --docs and --clients must be at least 1")
	}
	if err == nil {
		err = benchCluster(ctx, o)
	}
	return exitCode(stderr, "bench cluster", fs, err)
}

func benchCluster(ctx context.Context, o benchClusterOptions) error {
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "oscat-bench-cluster-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	o.bin, o.root = bin, root
	fmt.Fprintf(o.stdout, "machine cpus=%d go=%s load=%s\n", runtime.NumCPU(), runtime.Version(), loadAverage())
	_, srv, err := benchWorld(filepath.Join(root, "forge"), "stad", o.repos, 0, 0)
	if err != nil {
		return err
	}
	defer srv.Close()
	o.list = filepath.Join(root, "publishers.yml")
	if err := os.WriteFile(o.list, []byte(fmt.Sprintf("- id: stad\n  name: Stad\n  codeHosting:\n    - {url: %q, group: true, type: gitea}\n", srv.URL+"/stad")), 0o640); err != nil {
		return err
	}
	for _, workers := range []int{1, 2} {
		if !o.parts["crawl"] {
			break
		}
		if err := benchClusterCrawl(ctx, o, workers); err != nil {
			return err
		}
	}
	if o.parts["results"] {
		if err := benchClusterResults(ctx, o); err != nil {
			return err
		}
	}
	if o.parts["ready"] && o.entries > 0 {
		return benchClusterReady(ctx, o)
	}
	return nil
}

// benchParts reads --parts.
func benchParts(list string) (map[string]bool, error) {
	parts := map[string]bool{}
	for _, p := range strings.Split(list, ",") {
		switch p = strings.TrimSpace(p); p {
		case "crawl", "results", "ready":
			parts[p] = true
		default:
			return nil, usageError("--parts: %q is not a part (crawl, results, ready)", p)
		}
	}
	return parts, nil
}

// benchProc is one oscat process of the bench.
type benchProc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	done chan struct{}
}

func (p *benchProc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.Write(b)
}

var benchListening = regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)`)

func startBenchProc(o benchClusterOptions, args ...string) (*benchProc, error) {
	p := &benchProc{done: make(chan struct{})}
	p.cmd = exec.Command(o.bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	return p, nil
}

// addr waits for the process to listen, then for its /readyz to say ready.
func (p *benchProc) ready(ctx context.Context, deadline time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	for {
		p.mu.Lock()
		m := benchListening.FindStringSubmatch(p.log.String())
		p.mu.Unlock()
		if m != nil {
			if code, _ := httpGetCtx(ctx, "http://"+m[1]+"/readyz"); code == http.StatusOK {
				return m[1], nil
			}
		}
		select {
		case <-p.done:
			return "", fmt.Errorf("an oscat process ended: %s", tailString(p.log.String(), 2000))
		case <-ctx.Done():
			p.mu.Lock()
			tail := tailString(p.log.String(), 2000)
			p.mu.Unlock()
			return "", fmt.Errorf("an oscat process was not ready: %w; it wrote: %s", ctx.Err(), tail)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (p *benchProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func httpGetCtx(ctx context.Context, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (o benchClusterOptions) serveArgs(role, dsn string) []string {
	return []string{"serve", "--role", role, "--postgres", dsn, "--data", filepath.Join(o.root, "node-"+hex.EncodeToString(randomBytes(4))),
		"--addr", "127.0.0.1:0", "--allow-private-networks", "--crawl-schedule", "off"}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// crawlOnWorkers starts a crawl run in the store and waits until the worker
// processes finish it; it returns how long it took.
func crawlOnWorkers(ctx context.Context, store *sqlstore.Store, o benchClusterOptions) (time.Duration, string, error) {
	if err := syncPublishers(ctx, store, o.list, slog.New(slog.DiscardHandler)); err != nil {
		return 0, "", err
	}
	c := crawler.New(store, crawler.Options{})
	start := time.Now()
	run, _, err := c.Start(ctx, "bench")
	if err != nil {
		return 0, "", err
	}
	for {
		cur, err := store.CrawlRun(ctx, run.ID)
		if err != nil {
			return 0, "", err
		}
		if cur.FinishedAt != nil {
			return time.Since(start), fmt.Sprintf("seen=%d listed=%d", cur.Seen(), cur.Listed), nil
		}
		select {
		case <-ctx.Done():
			return 0, "", ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// benchClusterCrawl measures the first crawl of the world with n worker processes.
func benchClusterCrawl(ctx context.Context, o benchClusterOptions, n int) error {
	dsn, store, done, err := benchClusterStore(ctx, o.postgres)
	if err != nil {
		return err
	}
	defer done()
	for range n {
		w, err := startBenchProc(o, o.serveArgs("worker", dsn)...)
		if err != nil {
			return err
		}
		defer w.stop()
		if _, err := w.ready(ctx, 2*time.Minute); err != nil {
			return err
		}
	}
	took, counts, err := crawlOnWorkers(ctx, store, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "first crawl repos=%d workers=%d time=%s %s repos/s=%.1f load=%s\n", o.repos, n, took.Round(time.Millisecond), counts,
		float64(o.repos)/took.Seconds(), loadAverage())
	return nil
}

// benchClusterStore makes a schema of its own on the PostgreSQL server and
// opens the store in it; done closes the store and drops the schema.
func benchClusterStore(ctx context.Context, postgres string) (string, *sqlstore.Store, func(), error) {
	dsn, drop, err := sqlstore.NewSchema(ctx, postgres, "oscat_bench_")
	if err != nil {
		return "", nil, nil, err
	}
	store, err := sqlstore.Open(ctx, sqlstore.Config{PostgresDSN: dsn})
	if err != nil {
		drop()
		return "", nil, nil, err
	}
	return dsn, store, func() { store.Close(); drop() }, nil
}

// fillTimed stores n generated entries and prints how long it took, as
// "store WHAT=N time=…".
func fillTimed(ctx context.Context, o benchClusterOptions, store *sqlstore.Store, what string, n int) error {
	t0 := time.Now()
	if err := fillStore(ctx, store, n, o.seed); err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "store %s=%d time=%s\n", what, n, since(t0))
	return nil
}
