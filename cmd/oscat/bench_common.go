package main

// Set-up and measures the bench commands share: their working folder, serving
// the catalogue on loopback, filling a store with generated entries, and
// latency percentiles.

import (
	"context"
	"fmt"
	"math"
	"net"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/ui"
)

// benchDir is the folder a bench works in: dir when given (kept), else a fresh
// temporary folder named after prefix, which cleanup removes.
func benchDir(dir, prefix string) (string, func(), error) {
	if dir != "" {
		return dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	return tmp, func() { _ = os.RemoveAll(tmp) }, nil
}

// serveLoopback serves srv on 127.0.0.1 (a free port) and runs each of beside
// next to it, until stop, which waits for them all. base is the server's
// http:// address.
func serveLoopback(ctx context.Context, srv *ui.Server, beside ...func(context.Context)) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.Serve(sctx, ln) })
	for _, run := range beside {
		wg.Go(func() { run(sctx) })
	}
	return "http://" + ln.Addr().String(), func() { cancel(); wg.Wait() }, nil
}

// fillStore stores docs generated entries as crawls of one repository each,
// with a publiccode.yml written from the generated content.
func fillStore(ctx context.Context, store *sqlstore.Store, docs int, seed uint64) error {
	g := newGenerator(seed, docs)
	if err := store.SyncPublishers(ctx, g.publishers); err != nil {
		return err
	}
	now := time.Now().UTC()
	// Entries are generated in order (the generator is not safe for
	// concurrent use) and stored by four writers: each entry is two
	// transactions, and round trips to a PostgreSQL server overlap.
	type entry struct {
		i  int
		sw catalogue.Software
	}
	entries := make(chan entry, 64)
	fillCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for e := range entries {
				if err := storeGenerated(fillCtx, store, e.sw); err != nil {
					cancel(fmt.Errorf("store entry %d: %w", e.i, err))
				}
			}
		})
	}
	for i := range docs {
		select {
		case entries <- entry{i, g.software(i, now)}:
		case <-fillCtx.Done():
		}
		if fillCtx.Err() != nil {
			break
		}
	}
	close(entries)
	wg.Wait()
	return context.Cause(fillCtx) // nil unless a writer failed or ctx ended
}

// storeGenerated stores one generated entry as a crawl of its repository.
func storeGenerated(ctx context.Context, store *sqlstore.Store, sw catalogue.Software) error {
	repo := sw.URL
	if err := store.RegisterRepository(ctx, sw.Publishers[0], repo); err != nil {
		return err
	}
	raw, err := benchFileYAML(sw)
	if err != nil {
		return err
	}
	var findings []publiccode.Finding
	if !sw.Valid {
		findings = []publiccode.Finding{{Severity: publiccode.SeverityError, Code: "bench", Key: "legal.license", Line: 6, Column: 3,
			Message: "legal.license is not an SPDX expression"}}
	}
	_, err = store.ApplyCrawl(ctx, catalogue.CrawlResult{RepoURL: repo, Raw: raw, Path: "publiccode.yml", File: sw.File, Findings: findings})
	return err
}

// benchFileYAML writes a generated entry as the publiccode.yml it could come from.
func benchFileYAML(sw catalogue.Software) ([]byte, error) {
	f := sw.File
	desc := map[string]any{}
	for _, l := range f.Languages {
		d := f.Description[l]
		desc[l] = map[string]any{"shortDescription": d.ShortDescription, "longDescription": d.LongDescription, "features": d.Features}
	}
	return yaml.Marshal(map[string]any{
		"publiccodeYmlVersion": "0.4", "name": f.Name, "url": sw.URL, "developmentStatus": f.DevelopmentStatus,
		"softwareType": f.SoftwareType, "platforms": f.Platforms, "categories": f.Categories,
		"legal": map[string]any{"license": f.Legal.License}, "intendedAudience": map[string]any{"scope": f.IntendedAudience.Scope},
		"maintenance":  map[string]any{"type": "internal", "contacts": []map[string]string{{"name": "Bench Maintainer"}}},
		"localisation": map[string]any{"localisationReady": true, "availableLanguages": f.Languages},
		"description":  desc,
	})
}

// pct is the p-th percentile of d (the element at rank len*p/100).
func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)]
}

// percentiles is "p50=… p95=… p99=…" of d, in milliseconds.
func percentiles(d []time.Duration) string {
	return fmt.Sprintf("p50=%s p95=%s p99=%s", ms(pct(d, 50)), ms(pct(d, 95)), ms(pct(d, 99)))
}

// nearestRank is the p-th percentile of d by the nearest-rank method.
func nearestRank(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[max(0, int(math.Ceil(float64(p)/100*float64(len(s))))-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// loadAverage is the machine's 1, 5 and 15 minute load, to tell a busy
// machine's figures from a quiet one's.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], "/")
}
