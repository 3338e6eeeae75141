package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/push"
	"github.com/oscat-eu/oscat/crawler/safehttp"
	"github.com/oscat-eu/oscat/search"
	"github.com/oscat-eu/oscat/ui"
)

type serveFlags struct {
	common
	crawlerFlags
	joinFlags
	federationFlags
	crawlSchedule  string
	addr           string
	publicURL      string
	publishers     string
	trustedProxies listFlag
	follow         time.Duration
	// validateConcurrency and validatePerMinute bound the anonymous validator.
	validateConcurrency int
	validatePerMinute   int
	// hookSecret verifies forges' push webhooks for any repository; hookRate caps
	// one client's deliveries a minute.
	hookSecret string
	hookRate   int
}

func (f *serveFlags) register(fs *flag.FlagSet) {
	f.common.register(fs, true)
	f.crawlerFlags.register(fs)
	f.joinFlags.register(fs)
	f.federationFlags.register(fs)
	fs.StringVar(&f.crawlSchedule, "crawl-schedule", "0 */6 * * *", `when to crawl: a cron expression (minute hour day month weekday, or @every 1h), or "off"`)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to serve on")
	fs.StringVar(&f.publicURL, "public-url", "", "the catalogue's public URL, for links in mails and feeds (default http://ADDR)")
	fs.StringVar(&f.publishers, "publishers", "", "publishers list (YAML) read at start and before each scheduled crawl")
	fs.Var(&f.trustedProxies, "trusted-proxy", "CIDR of a reverse proxy whose X-Forwarded-For is trusted (repeatable)")
	fs.DurationVar(&f.follow, "index-follow", 2*time.Second, "how often the search index catches up with the catalogue")
	fs.IntVar(&f.validateConcurrency, "validate-concurrency", 0, "validations this process runs at once (default the number of CPUs, at least 2)")
	fs.IntVar(&f.validatePerMinute, "validate-per-minute", ui.DefaultValidatePerMinute, "validations one client may ask for in a minute")
	fs.StringVar(&f.hookSecret, "forge-webhook-secret", "", "secret verifying forges' push webhooks (/hooks/FORGE) for any repository, beside each code-hosting entry's own")
	fs.IntVar(&f.hookRate, "forge-webhook-rate", 120, "push-webhook deliveries one client may send a minute (more get 429)")
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var f serveFlags
	f.register(fs)
	err := parseFlags(fs, args, getenv)
	if err == nil {
		err = noArguments(fs)
	}
	if err == nil {
		err = serve(ctx, f, stderr, nil)
	}
	return exitCode(stderr, "serve", fs, err)
}

// serve runs the server until ctx ends. ready, when set, receives the address
// once the server listens.
func serve(ctx context.Context, f serveFlags, stderr io.Writer, ready func(addr string)) error {
	log, err := f.logger(stderr)
	if err != nil {
		return err
	}
	var proxies []*net.IPNet
	for _, p := range f.trustedProxies {
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return usageError("--trusted-proxy %q: write a CIDR such as 10.0.0.0/8", p)
		}
		proxies = append(proxies, n)
	}
	store, err := openStore(ctx, f.common)
	if err != nil {
		return err
	}
	defer store.Close()
	if f.publishers != "" {
		if err := syncPublishers(ctx, store, f.publishers, log); err != nil {
			return err
		}
	}
	return serveStore(ctx, f, store, log, proxies, newProcessMetrics(), ready)
}

// processMetrics is the one Prometheus registry of a process, with the
// crawler's metrics registered once, so that /metrics counts every crawl the
// process runs: the demo's first one, scheduled ones, ones asked for.
type processMetrics struct {
	reg   *prometheus.Registry
	crawl *crawler.Metrics
}

func newProcessMetrics() *processMetrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return &processMetrics{reg: reg, crawl: crawler.NewMetrics(reg)}
}

func serveStore(ctx context.Context, f serveFlags, store *sqlstore.Store, log *slog.Logger, proxies []*net.IPNet, metrics *processMetrics, ready func(string)) error {
	sched, crawl, err := scheduler(f, store, log, metrics.crawl)
	if err != nil {
		return err
	}
	index, err := search.Open(ctx, searchDir(f.common), store, log)
	if err != nil {
		return err
	}
	defer index.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	wg.Go(func() { index.Follow(ctx, f.follow) })
	if sched != nil {
		wg.Go(func() {
			if err := sched.Run(ctx); err != nil {
				log.Error("the crawl scheduler stopped", "err", err)
			}
		})
	} else {
		// No schedule: crawls still run on demand ("crawl now", oscat crawl).
		wg.Go(func() { crawl.Work(ctx) })
	}

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another oscat serve running? use --addr)", f.addr, err)
	}
	publicURL := f.publicURL
	if publicURL == "" {
		publicURL = "http://" + ln.Addr().String()
	}
	instance, err := store.InstanceID(ctx, f.instanceID)
	if err != nil {
		ln.Close()
		return err
	}
	fd := federation{store: store, flags: f.federationFlags, publicURL: publicURL, policy: safehttp.Policy{AllowPrivate: f.allowPrivate}, log: log,
		indexSeq: index.Seq}
	if _, err := fd.flags.every(); err != nil {
		ln.Close()
		return err
	}
	if _, err := fd.flags.peerList(); err != nil {
		ln.Close()
		return err
	}
	mailer, err := mailWorker(f, store, publicURL, log)
	if err != nil {
		ln.Close()
		return err
	}
	opts := ui.Options{PublicURL: publicURL, TrustedProxies: proxies, Logger: log, Crawler: crawl, Drafter: crawl,
		Metrics: promhttp.HandlerFor(metrics.reg, promhttp.HandlerOpts{}), Federation: f.federationFlags.uiOptions(instance),
		// The validator's URL field and OpenID Connect discovery fetch under the
		// same address policy as crawls.
		FetchPolicy:         safehttp.Policy{AllowPrivate: f.allowPrivate},
		Outbox:              filepath.Join(f.data, "outbox"),
		ValidateConcurrency: f.validateConcurrency, ValidatePerMinute: f.validatePerMinute,
		Hooks:          &push.Receiver{Store: store, Crawler: crawl, Secret: f.hookSecret, Log: log},
		HooksPerMinute: f.hookRate, RepositoryFiles: store}
	if err := f.joinFlags.joinOptions(&opts); err != nil {
		ln.Close()
		return err
	}
	srv, err := ui.New(siteSources(store, true), index, opts)
	if err != nil {
		ln.Close()
		return err
	}
	wg.Go(func() {
		if err := fd.run(ctx); err != nil {
			log.Error("federation stopped", "err", err)
		}
	})
	wg.Go(func() {
		if err := mailer.Run(ctx); err != nil && ctx.Err() == nil {
			log.Error("the mail worker stopped", "err", err)
		}
	})
	log.Info("serving", "url", "http://"+ln.Addr().String(), "store", store.Dialect(), "data", f.data, "crawl schedule", f.crawlSchedule)
	if ready != nil {
		ready(ln.Addr().String())
	}
	return srv.Serve(ctx, ln)
}

// scheduler builds the crawler and, unless crawling on a schedule is off, its
// scheduler.
func scheduler(f serveFlags, store *sqlstore.Store, log *slog.Logger, metrics *crawler.Metrics) (*crawler.Scheduler, *crawler.Crawler, error) {
	opts, err := f.crawlerFlags.options(f.common, log)
	if err != nil {
		return nil, nil, err
	}
	opts.Metrics = metrics
	c := crawler.New(store, opts)
	if f.crawlSchedule == "off" || f.crawlSchedule == "" {
		return nil, c, nil
	}
	spec, err := cron.ParseStandard(f.crawlSchedule)
	if err != nil {
		return nil, nil, usageError("--crawl-schedule %q: %v (write a cron expression such as \"0 */6 * * *\", or off)", f.crawlSchedule, err)
	}
	s := &crawler.Scheduler{Crawler: c, Next: spec.Next}
	if f.publishers != "" {
		s.BeforeRun = func(ctx context.Context) error { return syncPublishers(ctx, store, f.publishers, log) }
	}
	return s, c, nil
}
