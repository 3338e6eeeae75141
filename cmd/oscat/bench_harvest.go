package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/harvest"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

type benchHarvestFlags struct {
	entries int
	changed int
	kind    string
	dir     string
}

func runBenchHarvest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench harvest", flag.ContinueOnError)
	var f benchHarvestFlags
	fs.IntVar(&f.entries, "entries", 10000, "entries in the peer's catalogue")
	fs.IntVar(&f.changed, "changed", 100, "entries changed before the second harvest")
	fs.StringVar(&f.kind, "kind", "both", "peer kinds to measure: oscat (the change feed), di (the Developers Italia-compatible API) or both")
	fs.StringVar(&f.dir, "dir", "", "where to keep the catalogues (default a temporary folder, removed after)")
	err := parseFlags(fs, args, func(string) string { return "" })
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil {
		err = benchHarvest(ctx, f, stdout)
	}
	return exitCode(stderr, "bench harvest", fs, err)
}

// benchHarvest builds a peer of --entries entries, serves it with oscat serve
// on loopback, and measures harvesting it from scratch, then again after
// --changed entries changed: time and requests, per peer kind.
func benchHarvest(ctx context.Context, f benchHarvestFlags, stdout io.Writer) error {
	kinds := map[string][]catalogue.PeerKind{"oscat": {catalogue.PeerOscat}, "di": {catalogue.PeerDI}, "both": {catalogue.PeerOscat, catalogue.PeerDI}}[f.kind]
	if kinds == nil {
		return usageError("--kind %q: use oscat, di or both", f.kind)
	}
	if f.entries < 1 || f.changed < 0 || f.changed > f.entries {
		return usageError("--entries must be at least 1 and --changed between 0 and --entries")
	}
	dir, cleanup, err := benchDir(f.dir, "oscat-bench-harvest-")
	if err != nil {
		return err
	}
	defer cleanup()
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(stdout, "machine: %d CPUs, %s/%s; load average before: %s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, string(load))
	if len(load) == 0 {
		fmt.Fprintln(stdout)
	}
	peerData := filepath.Join(dir, "peer")
	start := time.Now()
	if err := seedCatalogue(ctx, peerData, "bench", f.entries, ""); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "peer catalogue of %d entries built in %s\n", f.entries, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	addr, stop, err := servePeer(ctx, peerData)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(stdout, "peer served at http://%s (search index built in %s)\n", addr, time.Since(start).Round(time.Millisecond))
	if err := harvestTwice(ctx, stdout, f, kinds, addr, dir, peerData); err != nil {
		return err
	}
	load, _ = os.ReadFile("/proc/loadavg")
	fmt.Fprintf(stdout, "load average after: %s", string(load))
	return nil
}

// servePeer runs oscat serve on the catalogue in data, on a loopback port,
// without crawls or harvests of its own, and returns its address once it
// listens. stop ends it and waits.
func servePeer(ctx context.Context, data string) (addr string, stop func(), err error) {
	var sf serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	sf.register(fs)
	if err := parseFlags(fs, []string{"--data", data, "--addr", "127.0.0.1:0", "--log-level", "error", "--crawl-schedule", "off",
		"--harvest-every", "off"}, func(string) string { return "" }); err != nil {
		return "", nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	addrc := make(chan string, 1)
	go func() { done <- serve(sctx, sf, &bytes.Buffer{}, func(a string) { addrc <- a }) }()
	select {
	case addr = <-addrc:
		return addr, func() { cancel(); <-done }, nil
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
		cancel()
		<-done
	}
	cancel()
	return "", nil, err
}

// harvestTwice harvests the peer at addr into a fresh catalogue per kind, then
// changes f.changed of its entries and harvests again, printing a line each.
func harvestTwice(ctx context.Context, stdout io.Writer, f benchHarvestFlags, kinds []catalogue.PeerKind, addr, dir, peerData string) error {
	peers := map[catalogue.PeerKind]catalogue.Peer{
		catalogue.PeerOscat: {URL: "http://" + addr, Kind: catalogue.PeerOscat},
		catalogue.PeerDI:    {URL: "http://" + addr + "/di/v1", Kind: catalogue.PeerDI},
	}
	harvesters := map[catalogue.PeerKind]*harvest.Harvester{}
	for _, k := range kinds {
		store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: filepath.Join(dir, "harvester-"+string(k))})
		if err != nil {
			return err
		}
		defer store.Close()
		harvesters[k] = harvest.New(store, harvest.Options{Policy: safehttp.Policy{AllowPrivate: true, Timeout: 5 * time.Minute}})
		res, err := harvesters[k].Harvest(ctx, peers[k])
		if err != nil {
			return err
		}
		if res.Count.Added != f.entries {
			return fmt.Errorf("the first harvest (%s) added %d entries, not %d", k, res.Count.Added, f.entries)
		}
		fmt.Fprintf(stdout, "%-5s from scratch: %d entries in %s, %d requests\n", k, f.entries, res.Duration.Round(time.Millisecond), res.Requests)
	}
	if err := changeEntries(ctx, peerData, "bench", f.changed); err != nil {
		return err
	}
	for _, k := range kinds {
		res, err := harvesters[k].Harvest(ctx, peers[k])
		if err != nil {
			return err
		}
		if res.Count.Updated != f.changed {
			return fmt.Errorf("the second harvest (%s) updated %d entries, not %d", k, res.Count.Updated, f.changed)
		}
		fmt.Fprintf(stdout, "%-5s %d changed:  %d updated in %s, %d requests\n", k, f.changed, res.Count.Updated, res.Duration.Round(time.Millisecond), res.Requests)
	}
	return nil
}

// seedCatalogue makes a catalogue of n entries crawled at
// git.example.org/PREFIX/tool-N, published by one administration.
func seedCatalogue(ctx context.Context, data, prefix string, n int, extra string) error {
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: data})
	if err != nil {
		return err
	}
	defer store.Close()
	pub := catalogue.Publisher{ID: prefix, Name: "Administration " + prefix, URI: "urn:test:" + prefix}
	if err := store.SyncPublishers(ctx, []catalogue.Publisher{pub}); err != nil {
		return err
	}
	for i := range n {
		if err := applyEntry(ctx, store, prefix, i, extra); err != nil {
			return err
		}
	}
	return nil
}

// changeEntries changes the first n entries' files, beside a running server.
func changeEntries(ctx context.Context, data, prefix string, n int) error {
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: data})
	if err != nil {
		return err
	}
	defer store.Close()
	for i := range n {
		if err := applyEntry(ctx, store, prefix, i, " (changed)"); err != nil {
			return err
		}
	}
	return nil
}

// entryFile is the publiccode.yml of the i-th entry of a generated catalogue.
func entryFile(prefix string, i int, extra string) string {
	return fmt.Sprintf(`publiccodeYmlVersion: "0.4"
name: %s tool %d
url: https://git.example.org/%s/tool-%d
developmentStatus: stable
softwareType: standalone/web
platforms: [web]
categories: [it-development]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Team %s
      email: team@%s.example
description:
  en:
    shortDescription: Tool number %d of %s%s
`, prefix, i, prefix, i, prefix, prefix, i, prefix, extra)
}

func applyEntry(ctx context.Context, store *sqlstore.Store, prefix string, i int, extra string) error {
	repo := fmt.Sprintf("https://git.example.org/%s/tool-%d", prefix, i)
	if err := store.RegisterRepository(ctx, prefix, repo); err != nil {
		return err
	}
	raw := entryFile(prefix, i, extra)
	d := publiccode.Read([]byte(raw), publiccode.Limits{})
	_, err := store.ApplyCrawl(ctx, catalogue.CrawlResult{RepoURL: repo, Head: "h", Path: "publiccode.yml", Raw: []byte(raw), File: d.File, Findings: d.Findings})
	if err != nil && strings.Contains(err.Error(), "locked") {
		return errors.New("the peer's database is busy: " + err.Error())
	}
	return err
}
