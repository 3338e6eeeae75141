package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/search"
	"github.com/oscat-eu/oscat/ui"
)

func runBenchValidate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench validate", flag.ContinueOnError)
	var o benchValidateOptions
	fs.IntVar(&o.docs, "docs", 1000, "generated entries in the catalogue searched during the attack")
	fs.IntVar(&o.parallel, "parallel", 16, "posts of each input sent at once")
	fs.IntVar(&o.concurrency, "validate-concurrency", 0, "the server's --validate-concurrency (default its own)")
	fs.IntVar(&o.perMinute, "validate-per-minute", 1_000_000, "the server's --validate-per-minute (default high, to measure the parser and the slots; 30 is the server's default)")
	err := parseFlags(fs, args, func(string) string { return "" })
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil && (o.docs < 1 || o.parallel < 1) {
		err = usageError("--docs and --parallel must be at least 1")
	}
	if err == nil {
		err = benchValidate(ctx, stdout, o)
	}
	return exitCode(stderr, "bench validate", fs, err)
}

type benchValidateOptions struct {
	docs, parallel, concurrency, perMinute int
}

// validatorInput is one body posted to the validator.
type validatorInput struct {
	name string
	body []byte
}

// worstValidatorInputs are the bodies that cost a YAML parser most, each at
// the 1 MiB the validator reads, and a real-sized valid file to compare.
func worstValidatorInputs() []validatorInput {
	laughs := "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
	for i, prev := 1, "a"; i < 9; i++ {
		name := string(rune('a' + i))
		laughs += name + ": &" + name + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 10), ",") + "]\n"
		prev = name
	}
	return []validatorInput{
		{"real-file", []byte(validatorSample)},
		{"flow-seq-500k", []byte("name: X\nplatforms: [" + strings.Repeat("1,", 499_999) + "1]\n")},
		{"flow-map-300k", []byte("name: X\nlegal: {" + strings.Repeat("a,", 299_999) + "a}\n")},
		{"block-seq-250k", []byte("name: X\nplatforms:\n" + strings.Repeat("- a\n", 250_000))},
		{"block-map-150k", []byte("name: X\n" + strings.Repeat("k: v\n", 150_000))},
		{"documents-200k", []byte(strings.Repeat("---\n", 200_000) + "name: X\n")},
		{"aliases-300k", []byte("name: &n X\nplatforms: [" + strings.Repeat("*n,", 299_999) + "*n]\n")},
		{"billion-laughs", []byte(laughs + "name: X\n")},
		{"nested-10k", []byte(strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000))},
		{"key-1MiB", []byte("name: X\n" + strings.Repeat("k", 1<<20-16) + ": v\n")},
		{"scalar-1MiB", []byte("name: X\ndescription:\n  en:\n    longDescription: " + strings.Repeat("word ", (1<<20-64)/5) + "\n")},
		{"block-text-1MiB", []byte("name: X\ndescription:\n  en:\n    longDescription: |\n" + strings.Repeat(proseLine, (1<<20-64)/len(proseLine)))},
	}
}

// benchValidate serves a real catalogue on loopback and posts each input to
// POST /api/v1/validate, one at a time and then parallel at once, measuring
// the time, the answers, the process's peak memory and search latency.
func benchValidate(ctx context.Context, out io.Writer, o benchValidateOptions) error {
	dir, err := os.MkdirTemp("", "oscat-bench-validate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintf(out, "machine cpus=%d gomaxprocs=%d go=%s load=%s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadAverage())
	quiet := slog.New(slog.DiscardHandler)
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: dir})
	if err != nil {
		return err
	}
	defer store.Close()
	if err := fillStore(ctx, store, o.docs, 1); err != nil {
		return err
	}
	index, err := search.Open(ctx, filepath.Join(dir, "search"), store, quiet)
	if err != nil {
		return err
	}
	defer index.Close()
	srv, err := ui.New(siteSources(store, false), index, ui.Options{PublicURL: "http://127.0.0.1", Logger: quiet,
		ValidateConcurrency: o.concurrency, ValidatePerMinute: o.perMinute})
	if err != nil {
		return err
	}
	base, stop, err := serveLoopback(ctx, srv)
	if err != nil {
		return err
	}
	defer stop()
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: o.parallel * 2}}
	searchURL := base + "/api/v1/software?q=parkeren"
	for range 20 { // warm up
		if _, err := fetch(ctx, client, searchURL); err != nil {
			return err
		}
	}
	idle, err := searchLatency(ctx, client, searchURL, 50)
	if err != nil {
		return err
	}
	runtime.GC()
	fmt.Fprintf(out, "search idle p50=%s max=%s ms; process resident before the attacks %d MiB (peak memory below is the whole process: server, catalogue, index and the attacking client)\n",
		ms(pct(idle, 50)), ms(pct(idle, 100)), residentNow()>>20)
	fmt.Fprintf(out, "%-16s %7s %-18s | %-28s | %-58s\n", "input", "KiB", "finding", "one at a time", fmt.Sprintf("%d at once", o.parallel))
	for _, in := range worstValidatorInputs() {
		one := attack(ctx, client, base, in.body, 1, "")
		many := attack(ctx, client, base, in.body, o.parallel, searchURL)
		fmt.Fprintf(out, "%-16s %7d %-18s | %-5s %6s ms peak %4d MiB | %-14s %6s ms peak %4d MiB search p50 %s max %s ms\n",
			in.name, len(in.body)>>10, one.findings(), one.answers(), ms(one.max), one.peak>>20,
			many.answers(), ms(many.max), many.peak>>20, ms(pct(many.search, 50)), ms(pct(many.search, 100)))
	}
	fmt.Fprintf(out, "load=%s\n", loadAverage())
	return nil
}

type attackResult struct {
	status  map[int]int
	finding map[string]int
	max     time.Duration // the slowest answer
	peak    uint64        // the process's peak memory (resident set, or the Go runtime's when unreadable)
	search  []time.Duration
}

func (r attackResult) answers() string {
	var parts []string
	for _, code := range []int{200, 429} {
		if n := r.status[code]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", n, code))
		}
	}
	for code, n := range r.status {
		switch code {
		case 200, 429:
		case 0:
			parts = append(parts, fmt.Sprintf("%d×none", n))
		default:
			parts = append(parts, fmt.Sprintf("%d×%d", n, code))
		}
	}
	return strings.Join(parts, " ")
}

// findings names the first finding of the answers (one kind, normally).
func (r attackResult) findings() string {
	var parts []string
	for code := range r.finding {
		parts = append(parts, code)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// attack posts body n times at once and measures, while searching when
// searchURL is set.
func attack(ctx context.Context, client *http.Client, base string, body []byte, n int, searchURL string) attackResult {
	runtime.GC()
	resetPeak()
	res := attackResult{status: map[int]int{}, finding: map[string]int{}}
	var mu sync.Mutex
	var sampled atomic.Uint64
	done := make(chan struct{})
	var bg sync.WaitGroup
	bg.Go(func() { sampleMemory(done, &sampled) })
	if searchURL != "" {
		bg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				t := time.Now()
				if _, err := fetch(ctx, client, searchURL); err == nil {
					mu.Lock()
					res.search = append(res.search, time.Since(t))
					mu.Unlock()
				}
			}
		})
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range n {
		wg.Go(func() {
			<-start
			t := time.Now()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/validate", bytes.NewReader(body))
			if err != nil {
				return
			}
			req.Header.Set("Content-Type", "application/yaml")
			resp, err := client.Do(req)
			d := time.Since(t)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.status[0]++ // no answer
				return
			}
			var rep struct {
				Findings []struct {
					Code string `json:"code"`
				} `json:"findings"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&rep)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			res.status[resp.StatusCode]++
			if len(rep.Findings) > 0 {
				res.finding[rep.Findings[0].Code]++
			} else if resp.StatusCode == http.StatusOK {
				res.finding["valid"]++
			}
			res.max = max(res.max, d)
		})
	}
	close(start)
	wg.Wait()
	close(done)
	bg.Wait()
	res.peak = max(peakRSS(), sampled.Load())
	if len(res.search) == 0 {
		res.search = []time.Duration{0}
	}
	return res
}

// sampleMemory records the Go runtime's peak mapped memory until done.
func sampleMemory(done <-chan struct{}, peak *atomic.Uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}

// resetPeak resets the kernel's record of the process's peak resident set
// (Linux 4.0 and later); peakRSS reads it. Elsewhere both do nothing.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// residentNow is the process's resident set now.
func residentNow() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func searchLatency(ctx context.Context, client *http.Client, u string, n int) ([]time.Duration, error) {
	var lat []time.Duration
	for range n {
		t := time.Now()
		if _, err := fetch(ctx, client, u); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t))
	}
	return lat, nil
}

// proseLine is a line of a long description, with the marks prose has.
const proseLine = "      A line of prose, with commas: and colons - and dashes.\n"

// validatorSample is a real-sized valid publiccode.yml.
const validatorSample = `publiccodeYmlVersion: "0.4"
name: Parkeervergunning
url: https://git.example.org/gemeente/parkeren
platforms: [web]
categories: [online-booking]
developmentStatus: stable
softwareType: standalone/web
description:
  nl:
    shortDescription: Parkeervergunningen online aanvragen
    longDescription: Inwoners vragen vergunningen online aan, wijzigen ze en zeggen ze op zonder naar het stadskantoor te komen; medewerkers behandelen de aanvragen in één overzicht, met de status van elke aanvraag en de betalingen erbij.
    features: [Online aanvragen, Betalen met iDEAL]
legal: {license: EUPL-1.2}
maintenance: {type: internal, contacts: [{name: Jan}]}
localisation: {localisationReady: true, availableLanguages: [nl]}
`
