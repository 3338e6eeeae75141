package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// crawlerFlags are the crawler's settings, shared by crawl and serve.
type crawlerFlags struct {
	workers      int
	perHost      int
	hostJobs     int
	hostRate     float64
	repoTimeout  time.Duration
	repoBytes    int64
	historyDepth int
	cacheDir     string
	goneAfter    int
	tokens       listFlag
	apiBases     listFlag
	jobLease     time.Duration
	recheck      time.Duration
	// pcDepth and pcFiles bound the search for publiccode files in subfolders.
	pcDepth int
	pcFiles int
}

func (f *crawlerFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.workers, "workers", 4, "repositories crawled at once by this process")
	fs.IntVar(&f.perHost, "per-host", 4, "repositories and listings at once on one host, by this process")
	fs.IntVar(&f.hostJobs, "host-jobs", 0, "repositories and listings at once on one host, by all processes on the store together (default --per-host)")
	fs.Float64Var(&f.hostRate, "host-rate", 0, "requests a second toward one host, by all processes on the store together (0: no limit beyond the forge's own)")
	fs.DurationVar(&f.repoTimeout, "repo-timeout", 2*time.Minute, "time allowed to crawl one repository")
	fs.Int64Var(&f.repoBytes, "repo-max-bytes", 256<<20, "bytes allowed to transfer for one repository's files (and, separately, its commit graph)")
	fs.IntVar(&f.historyDepth, "history-depth", 1000, "commits fetched for activity where the server cannot filter out files")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "where commit graphs are kept between crawls (default DATA/cache/git)")
	fs.DurationVar(&f.recheck, "recheck-after", 7*24*time.Hour, "how long an unchanged repository goes before its files are read and validated again (a negative value: never)")
	fs.IntVar(&f.goneAfter, "gone-after", 4, "consecutive failed crawls after which a repository is marked gone (hidden, not deleted)")
	fs.Var(&f.tokens, "forge-token", "HOST=TOKEN: an API token for a forge host (repeatable; comma-separated in OSCAT_FORGE_TOKEN); GITHUB_TOKEN and GITLAB_TOKEN are used for github.com and gitlab.com")
	fs.DurationVar(&f.jobLease, "job-lease", 2*time.Minute, "how long a crawl job stays claimed by a process that stopped answering (killed) before another takes it over")
	fs.IntVar(&f.pcDepth, "publiccode-depth", crawler.DefaultPubliccodeDepth, "how deep below the root subfolders are searched for more publiccode.yml files, each an app of its repository (0: the root's file only)")
	fs.IntVar(&f.pcFiles, "publiccode-files", crawler.DefaultPubliccodeFiles, "publiccode files read at most in one repository's subfolders")
	fs.Var(&f.apiBases, "forge-api", "HOST=URL: a forge's API base when it is not the usual one (repeatable), e.g. ghe.example.org=https://ghe.example.org/api/v3")
}

// hostMap parses HOST=VALUE entries, each possibly a comma-separated list.
func hostMap(flagName string, entries []string) (map[string]string, error) {
	out := map[string]string{}
	for _, e := range entries {
		for _, item := range strings.Split(e, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			host, value, ok := strings.Cut(item, "=")
			if !ok || host == "" || value == "" {
				return nil, usageError("--%s: write HOST=VALUE, not %q", flagName, redactValue(item))
			}
			out[strings.ToLower(host)] = value
		}
	}
	return out, nil
}

// redactValue hides what follows "=", so that a malformed token flag never
// prints the token.
func redactValue(s string) string {
	if i := strings.IndexByte(s, '='); i >= 0 {
		return s[:i+1] + "…"
	}
	if len(s) > 4 {
		return s[:4] + "…"
	}
	return s
}

// options builds the crawler's options from the flags.
func (f crawlerFlags) options(c common, log *slog.Logger) (crawler.Options, error) {
	if f.workers < 1 {
		return crawler.Options{}, usageError("--workers must be at least 1")
	}
	if f.perHost < 1 {
		return crawler.Options{}, usageError("--per-host must be at least 1")
	}
	if f.hostJobs < 0 || f.hostRate < 0 {
		return crawler.Options{}, usageError("--host-jobs and --host-rate must be 0 or more")
	}
	if f.pcDepth < 0 || f.pcFiles < 1 {
		return crawler.Options{}, usageError("--publiccode-depth must be 0 or more and --publiccode-files at least 1")
	}
	pcDepth := f.pcDepth
	if pcDepth == 0 {
		pcDepth = -1 // the crawler's "root only"
	}
	tokens, err := hostMap("forge-token", f.tokens)
	if err != nil {
		return crawler.Options{}, err
	}
	for host, env := range map[string]string{"github.com": "GITHUB_TOKEN", "gitlab.com": "GITLAB_TOKEN"} {
		if v := getenv(env); v != "" && tokens[host] == "" {
			tokens[host] = v
		}
	}
	apis, err := hostMap("forge-api", f.apiBases)
	if err != nil {
		return crawler.Options{}, err
	}
	cache := f.cacheDir
	if cache == "" {
		cache = filepath.Join(c.data, "cache", "git")
	}
	o := crawler.Options{
		Policy:  safehttp.Policy{AllowPrivate: c.allowPrivate},
		Workers: f.workers, PerHost: f.perHost,
		Fetch:        gitfetch.Options{Timeout: f.repoTimeout, MaxBytes: f.repoBytes, CacheDir: cache, HistoryDepth: f.historyDepth},
		Tokens:       tokens,
		APIBase:      apis,
		GoneAfter:    f.goneAfter,
		Lease:        f.jobLease,
		RecheckAfter: f.recheck,
		Logger:       log,
	}
	o.PubliccodeDepth, o.PubliccodeFiles = pcDepth, f.pcFiles
	return o, nil
}

type crawlFlags struct {
	common
	crawlerFlags
	publishers  string
	failOnError bool
	progress    string
}

func (f *crawlFlags) register(fs *flag.FlagSet) {
	f.common.register(fs, true)
	f.crawlerFlags.register(fs)
	fs.StringVar(&f.publishers, "publishers", "", "publishers list (YAML); without it, the publishers already in the catalogue are crawled")
	fs.BoolVar(&f.failOnError, "fail-on-error", false, "exit with status 1 when any repository failed")
	fs.StringVar(&f.progress, "progress", "auto", "progress bar: auto (on a terminal), always or never (one log line per repository instead)")
}

func runCrawl(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	var f crawlFlags
	f.register(fs)
	err := parseFlags(fs, args, getenv)
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil {
		err = crawl(ctx, f, stdout, stderr)
	}
	return exitCode(stderr, "crawl", fs, err)
}

var errCrawlFailures = errors.New("some repositories failed (see the log); --fail-on-error was given")

// crawl runs one crawl now, through the same durable queue as the scheduled
// ones: it joins a crawl already going (a killed one, or oscat serve's), and
// works until it is done.
func crawl(ctx context.Context, f crawlFlags, stdout, stderr io.Writer) error {
	log, err := f.logger(stderr)
	if err != nil {
		return err
	}
	showBar := false
	switch f.progress {
	case "auto":
		showBar = isTerminal(stderr)
	case "always":
		showBar = true
	case "never":
	default:
		return usageError("--progress %q: use auto, always or never", f.progress)
	}
	opts, err := f.crawlerFlags.options(f.common, log)
	if err != nil {
		return err
	}
	opts.Quiet = showBar
	store, err := openStore(ctx, f.common)
	if err != nil {
		return err
	}
	defer store.Close()
	if f.publishers != "" {
		if err := syncPublishers(ctx, store, f.publishers, log); err != nil {
			return err
		}
	} else if pubs, _, err := store.Publishers(ctx, catalogue.Page{Size: 1}); err != nil {
		return err
	} else if len(pubs) == 0 {
		return usageError("the catalogue has no publishers yet: give --publishers FILE")
	}
	var onProgress func(done, total int)
	var bar *progressBar
	if showBar {
		bar = newProgressBar(stderr)
		onProgress = bar.update
	}
	withHostLimits(&opts, store, f.crawlerFlags)
	sum, err := crawler.New(store, opts).Run(ctx, "cli", onProgress)
	if bar != nil {
		bar.done(sum.Run.Seen())
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, sum)
	if f.failOnError && sum.Failed() {
		return errCrawlFailures
	}
	return nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
