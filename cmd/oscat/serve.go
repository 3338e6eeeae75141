package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"

	"github.com/oscat-eu/oscat/catalogue"
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
	// role is what this node does: web, worker or all.
	role string
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
	fs.StringVar(&f.role, "role", string(catalogue.RoleAll), "what this node does: web (site, API, feeds, its own search index), worker (background jobs: crawls, harvests, mails, webhook deliveries; answers only /healthz, /readyz, /metrics), or all (both; the only role on SQLite)")
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

// drainFor bounds how long a node shutting down waits for requests in flight.
const drainFor = 10 * time.Second

// serveNode is what the parts of a serving node share.
type serveNode struct {
	f         serveFlags
	store     *sqlstore.Store
	log       *slog.Logger
	proxies   []*net.IPNet
	metrics   *processMetrics
	ln        net.Listener
	publicURL string
	node      *node
	sched     *crawler.Scheduler
	crawl     *crawler.Crawler
	ready     func(string)
	// scheduling is true while this node holds the schedule lease: then it
	// alone exports the cluster-wide gauges.
	scheduling atomic.Bool
}

// serveStore serves in the node's role (--role) until ctx ends: the site and
// its index (web), the background jobs (worker), or both (all).
func serveStore(ctx context.Context, f serveFlags, store *sqlstore.Store, log *slog.Logger, proxies []*net.IPNet, metrics *processMetrics, ready func(string)) error {
	role, err := f.nodeRole(store.Dialect())
	if err != nil {
		return err
	}
	id, err := nodeID(f.data)
	if err != nil {
		return err
	}
	sched, crawl, err := scheduler(f, store, log, metrics.crawl)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another oscat serve running? use --addr)", f.addr, err)
	}
	publicURL := f.publicURL
	if publicURL == "" {
		publicURL = "http://" + ln.Addr().String()
	}
	n := &serveNode{f: f, store: store, log: log.With("node", id, "role", string(role)), proxies: proxies, metrics: metrics, ln: ln,
		publicURL: publicURL, sched: sched, crawl: crawl, ready: ready,
		node: &node{self: catalogue.Node{ID: id, Role: role, Version: version, StartedAt: time.Now()}, store: store}}
	n.node.log = n.log
	if err := metrics.reg.Register(ui.NewStatusCollector(n.statusOptions(), store, n.log)); err != nil {
		n.log.Warn("the operator's gauges are not in /metrics", "err", err)
	}
	if role == catalogue.RoleWorker {
		return n.serveWorker(ctx)
	}
	return n.serveSite(ctx, role == catalogue.RoleAll)
}

func (n *serveNode) metricsHandler() http.Handler {
	return promhttp.HandlerFor(n.metrics.reg, promhttp.HandlerOpts{})
}

// serveWorker runs the background jobs, answering only the probes, until ctx
// ends; then it stops claiming and hands its jobs back.
func (n *serveNode) serveWorker(ctx context.Context) error {
	ctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	if err := n.background(ctx, &wg, nil); err != nil {
		n.ln.Close()
		return err
	}
	wg.Go(func() { n.node.beat(ctx) })
	rd := readiness{stopping: ctx, ping: n.store.Ping}
	n.log.Info("serving as a worker (probes only)", "url", "http://"+n.ln.Addr().String(), "store", n.store.Dialect(), "crawl schedule", n.f.crawlSchedule)
	if n.ready != nil {
		n.ready(n.ln.Addr().String())
	}
	return ui.ServeHandler(ctx, n.ln, ui.Probes{Ready: rd.ready, Metrics: n.metricsHandler(), Logger: n.log}, n.log, drainFor)
}

// serveSite serves the site with its own search index, and with jobs when the
// node does everything. It listens at once: /readyz is 503 until the index is
// open and caught up with the change log's head seen at start.
func (n *serveNode) serveSite(ctx context.Context, withJobs bool) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	sw := &switchable{}
	opening := readiness{stopping: ctx, ping: n.store.Ping, caughtUp: func() error { return errors.New("search index opening") }}
	sw.set(ui.Probes{Ready: opening.ready, Metrics: n.metricsHandler(), Logger: n.log})
	served := make(chan error, 1)
	go func() { served <- ui.ServeHandler(ctx, n.ln, sw, n.log, drainFor) }()
	fail := func(err error) error { stop(); <-served; return err }
	head, err := n.store.ChangeHead(ctx)
	if err != nil {
		return fail(err)
	}
	index, err := search.Open(ctx, searchDir(n.f.common), n.store, n.log)
	if err != nil {
		return fail(err)
	}
	defer index.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	rd := readiness{stopping: ctx, ping: n.store.Ping, caughtUp: indexCaughtUp(index.Position, head)}
	srv, err := n.site(ctx, index, rd.ready)
	if err != nil {
		return fail(err)
	}
	if withJobs {
		if err := n.background(ctx, &wg, index.Position); err != nil {
			return fail(err)
		}
	}
	n.node.position = index.Position
	wg.Go(func() { index.Follow(ctx, n.f.follow) })
	wg.Go(func() { n.node.beat(ctx) })
	sw.set(srv)
	n.log.Info("serving", "url", "http://"+n.ln.Addr().String(), "store", n.store.Dialect(), "data", n.f.data, "crawl schedule", n.f.crawlSchedule)
	if n.ready != nil {
		n.ready(n.ln.Addr().String())
	}
	err = <-served
	stop()
	return err
}

// site builds the web server.
func (n *serveNode) site(ctx context.Context, index *search.Index, ready func(context.Context) error) (*ui.Server, error) {
	f := n.f
	instance, err := n.store.InstanceID(ctx, f.instanceID)
	if err != nil {
		return nil, err
	}
	opts := ui.Options{PublicURL: n.publicURL, TrustedProxies: n.proxies, Logger: n.log, Crawler: n.crawl, Drafter: n.crawl,
		Metrics: n.metricsHandler(), Federation: f.federationFlags.uiOptions(instance), Ready: ready,
		// The validator's URL field and OpenID Connect discovery fetch under the
		// same address policy as crawls.
		FetchPolicy:         safehttp.Policy{AllowPrivate: f.allowPrivate},
		Outbox:              filepath.Join(f.data, "outbox"),
		ValidateConcurrency: f.validateConcurrency, ValidatePerMinute: f.validatePerMinute,
		Hooks:          &push.Receiver{Store: n.store, Crawler: n.crawl, Secret: f.hookSecret, Log: n.log},
		HooksPerMinute: f.hookRate, RepositoryFiles: n.store, Status: n.statusOptions()}
	if err := f.joinFlags.joinOptions(&opts); err != nil {
		return nil, err
	}
	return ui.New(siteSources(n.store, true), index, opts)
}

// background starts the jobs of a worker (crawls, harvests, mails, webhook
// deliveries) in wg, and the schedule's duties, done while this node holds
// the schedule lease. position, when set, is this node's search index's.
func (n *serveNode) background(ctx context.Context, wg *sync.WaitGroup, position func() int64) error {
	fd := federation{store: n.store, flags: n.f.federationFlags, publicURL: n.publicURL, policy: safehttp.Policy{AllowPrivate: n.f.allowPrivate}, log: n.log}
	harvests, duties, err := fd.start(ctx)
	if err != nil {
		return err
	}
	mailer, err := mailWorker(n.f, n.store, n.publicURL, n.log)
	if err != nil {
		return err
	}
	duties = append(duties, &duty{name: "schedule mails", every: 30 * time.Second, run: mailer.Ensure})
	work := n.sched
	if work != nil {
		duties = append(duties, &duty{name: "schedule crawls", every: scheduleTick, run: n.sched.Ensure})
	} else {
		// No schedule: crawls still run on demand ("crawl now", oscat crawl, a
		// run left by a killed process), and are finished here.
		work = &crawler.Scheduler{Crawler: n.crawl}
	}
	wg.Go(func() { work.Work(ctx) })
	if n.f.retention > 0 {
		duties = append(duties, pruneDuty(n.store, n.f.retention, position, n.log))
	}
	wg.Go(func() { _ = harvests.Run(ctx) })
	wg.Go(func() {
		if err := mailer.Runner().Run(ctx); err != nil && ctx.Err() == nil {
			n.log.Error("the mail worker stopped", "err", err)
		}
	})
	co := &coordinator{store: n.store, holder: n.node.self.ID, duties: duties, log: n.log, holding: &n.scheduling}
	wg.Go(func() { co.run(ctx) })
	return nil
}

// scheduler builds the crawler and, unless crawling on a schedule is off, its
// scheduler.
func scheduler(f serveFlags, store *sqlstore.Store, log *slog.Logger, metrics *crawler.Metrics) (*crawler.Scheduler, *crawler.Crawler, error) {
	opts, err := f.crawlerFlags.options(f.common, log)
	if err != nil {
		return nil, nil, err
	}
	opts.Metrics = metrics
	withHostLimits(&opts, store, f.crawlerFlags)
	c := crawler.New(store, opts)
	if f.crawlSchedule == "off" || f.crawlSchedule == "" {
		return nil, c, nil
	}
	spec, err := cron.ParseStandard(f.crawlSchedule)
	if err != nil {
		return nil, nil, usageError("--crawl-schedule %q: %v (write a cron expression such as \"0 */6 * * *\", or off)", f.crawlSchedule, err)
	}
	next := spec.Next
	if every, ok := spec.(cron.ConstantDelaySchedule); ok {
		// @every D counts from the clock's zero, not from when a node asks: every
		// node computes the same ticks, which keeps each tick's key one.
		next = func(t time.Time) time.Time { return t.Truncate(every.Delay).Add(every.Delay) }
	}
	s := &crawler.Scheduler{Crawler: c, Next: next}
	if f.publishers != "" {
		s.BeforeRun = func(ctx context.Context) error { return syncPublishers(ctx, store, f.publishers, log) }
	}
	return s, c, nil
}
