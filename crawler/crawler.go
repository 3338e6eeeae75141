// Package crawler discovers the repositories publishers list, fetches what it
// needs of them with go-git, reads and validates their publiccode.yml, measures
// their activity, and records each result in the catalogue. All its work goes
// through the catalogue's durable job queue: one job per code-hosting listing and
// one per repository, so crawls survive a kill and several processes share them.
package crawler

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/crawler/contrib"
	"github.com/oscat-eu/oscat/crawler/forge"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// Job kinds of the crawler. One crawl run is a start job, a discover job per
// code-hosting entry, a repository job per repository found, and a finish job.
const (
	KindStart    catalogue.JobKind = "crawl.start"
	KindDiscover catalogue.JobKind = "crawl.discover"
	KindRepo     catalogue.JobKind = "crawl.repo"
	KindFinish   catalogue.JobKind = "crawl.finish"
	KindSchedule catalogue.JobKind = "crawl.schedule"
)

// Options configure a crawler. The zero value is usable: it refuses private
// networks and uses the defaults below.
type Options struct {
	// Policy is the address policy for every fetch (forge APIs and git).
	Policy safehttp.Policy
	// Workers is how many repositories this process crawls at once (default 4);
	// half as many listings run beside them.
	Workers int
	// PerHost caps this process's jobs on one host (default 4).
	PerHost int
	// Hosts, when set, holds the per-host limits across every worker of the
	// instance (the store's limiter, see sqlstore.Store.HostLimiter): a job on a
	// host runs only while it holds one of the host's slots, and each request
	// toward a host takes one of its tokens. It also keeps what the operator's
	// status shows of each host.
	Hosts catalogue.HostLimiter
	// Fetch bounds transfers; Fetch.Timeout also bounds each repository's whole
	// crawl (default 2 minutes).
	Fetch gitfetch.Options
	// Limits bound the reading of one publiccode.yml.
	Limits publiccode.Limits
	// Tokens maps hosts to forge API tokens; APIBase maps hosts to API base URLs.
	Tokens  map[string]string
	APIBase map[string]string
	// GoneAfter is how many consecutive failed crawls mark a repository gone
	// (default 4: a day of crawls every 6 hours).
	GoneAfter int
	// RecheckAfter is how long an unmoved head goes without its files being read
	// again (default a week; negative: never), so that findings follow changes of
	// the validator.
	RecheckAfter time.Duration
	// MaxMediaBytes caps each stored logo or screenshot (default 1 MiB).
	MaxMediaBytes int64
	// PubliccodeDepth is how deep below the root subfolders are searched for
	// more publiccode files (default 3; negative: the root's file only), and
	// PubliccodeFiles how many are read at most (default 20).
	PubliccodeDepth int
	PubliccodeFiles int
	// Lease, Poll and Backoff tune the job runner (defaults 2 minutes, 200 ms and
	// catalogue.Backoff).
	Lease   time.Duration
	Poll    time.Duration
	Backoff func(attempts int) time.Duration
	// Logger receives one line per repository (default slog.Default()); with
	// Quiet, those lines are at debug level (a progress bar shows instead).
	Logger *slog.Logger
	Quiet  bool
	// Metrics, when set, counts what crawls do.
	Metrics *Metrics
	// OnRepository, when set, is called after each repository this process crawls.
	OnRepository func(repoURL string, status catalogue.RepoStatus)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Crawler runs crawls over the catalogue's publishers.
type Crawler struct {
	runs  crawlRuns
	repos repoCatalogue
	// queue is the store's job queue, behind the per-host slots when Hosts is set.
	queue   catalogue.JobQueue
	fetch   *gitfetch.Fetcher
	client  *forge.Client
	listers map[catalogue.HostingType]forge.Lister
	opts    Options
	log     *slog.Logger
	// contribs computes contribution figures when the store can keep them;
	// ledger keeps each repository's commit list for them.
	contribs     ContributionStore
	ledger       *contrib.Ledger
	orgs         orgDirectory
	contribNanos atomic.Int64
}

// New returns a crawler writing to store.
func New(store Catalogue, opts Options) *Crawler {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.PerHost <= 0 {
		opts.PerHost = 4
	}
	if opts.Fetch.Timeout <= 0 {
		opts.Fetch.Timeout = 2 * time.Minute
	}
	if opts.GoneAfter == 0 {
		opts.GoneAfter = 4
	}
	if opts.RecheckAfter == 0 {
		opts.RecheckAfter = 7 * 24 * time.Hour
	}
	if opts.MaxMediaBytes <= 0 {
		opts.MaxMediaBytes = 1 << 20
	}
	if opts.PubliccodeDepth == 0 {
		opts.PubliccodeDepth = DefaultPubliccodeDepth
	}
	if opts.PubliccodeFiles <= 0 {
		opts.PubliccodeFiles = DefaultPubliccodeFiles
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = 200 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	var queue catalogue.JobQueue = store
	var observer forge.Observer
	if opts.Metrics != nil {
		observer = opts.Metrics
	}
	if opts.Hosts != nil {
		gate := catalogue.HostRequests{Limiter: opts.Hosts, Logger: log}
		opts.Policy.Gate = gate
		queue = &catalogue.HostSlotQueue{JobQueue: store, Limiter: opts.Hosts, Logger: log}
		observer = hostObserver{next: observer, gate: gate}
	}
	fo := opts.Fetch
	fo.Policy = opts.Policy
	client := forge.NewClient(opts.Policy)
	client.Tokens, client.APIBase, client.Cache = opts.Tokens, opts.APIBase, forgeCache{store: store}
	client.Observer = observer
	gitea := forge.Gitea{Client: client}
	contribs, _ := store.(ContributionStore)
	return &Crawler{
		contribs: contribs,
		ledger:   contrib.NewLedger(ledgerDir(fo.CacheDir)),
		runs:     store,
		repos:    store,
		queue:    queue,
		fetch:    gitfetch.New(fo),
		client:   client,
		listers: map[catalogue.HostingType]forge.Lister{
			catalogue.HostingGitHub: forge.GitHub{Client: client}, catalogue.HostingGitLab: forge.GitLab{Client: client},
			catalogue.HostingGitea: gitea, catalogue.HostingForgejo: gitea, catalogue.HostingBitbucket: forge.Bitbucket{Client: client},
		},
		opts: opts,
		log:  log,
	}
}

// Summary is what a crawl did.
type Summary struct {
	Run           catalogue.CrawlRun
	HostingFailed int
	Duration      time.Duration
}

func (s Summary) String() string {
	c := s.Run.Counts
	line := fmt.Sprintf("crawl %d: %d repositories seen, %d listed, %d without a publiccode file, %d failed",
		s.Run.ID, s.Run.Seen(), s.Run.Listed, c[catalogue.StatusNoPubliccode], c[catalogue.StatusFailed]+c[catalogue.StatusOverCap])
	if n := c[catalogue.StatusInvalid]; n > 0 {
		line += fmt.Sprintf(", %d with invalid metadata", n)
	}
	if n := c[catalogue.StatusUnchanged]; n > 0 {
		line += fmt.Sprintf(", %d unchanged", n)
	}
	if n := c[catalogue.StatusGone]; n > 0 {
		line += fmt.Sprintf(", %d gone", n)
	}
	if s.HostingFailed > 0 {
		line += fmt.Sprintf(", %d code-hosting entries could not be listed", s.HostingFailed)
	}
	return line + fmt.Sprintf(" (%s)", s.Duration.Round(time.Millisecond))
}

// Failed reports whether any repository or code-hosting entry failed.
func (s Summary) Failed() bool {
	return s.HostingFailed > 0 || s.Run.Counts[catalogue.StatusFailed] > 0 || s.Run.Counts[catalogue.StatusOverCap] > 0
}

// runGroup is the job group of a run.
func runGroup(id int64) string { return fmt.Sprintf("crawl-run:%d", id) }

// RunGroup is the job group of a run: its jobs still to do are the live jobs
// of the group (for the operator's status).
func RunGroup(id int64) string { return runGroup(id) }

// finishGroup is the group of a run's finish job (apart, so that it does not
// count as the run's work left).
func finishGroup(id int64) string { return fmt.Sprintf("crawl-finish:%d", id) }

// Start begins a crawl run, or joins the one already going (a killed crawl, or
// the scheduled one), and queues its start job.
func (c *Crawler) Start(ctx context.Context, trigger string) (catalogue.CrawlRun, bool, error) {
	run, started, err := c.runs.BeginCrawlRun(ctx, trigger)
	if err != nil {
		return run, false, err
	}
	// Queued again when joining: discovery is cheap to repeat (conditional
	// requests), and it finishes a start that a kill interrupted.
	if _, err := c.queue.Enqueue(ctx, catalogue.NewJob{Kind: KindStart, Key: fmt.Sprint(run.ID), Group: runGroup(run.ID),
		Payload: payload{Run: run.ID}.encode()}); err != nil {
		return run, started, err
	}
	if started && c.opts.Metrics != nil {
		c.opts.Metrics.runs.Inc()
	}
	return run, started, nil
}

// Runners returns the job runners for the crawler's jobs: one for listings
// (start, discover, finish) and one for repositories, each with its own
// workers, so that long listings never hold the workers that fetch.
func (c *Crawler) Runners() (listings, repos *catalogue.JobRunner) {
	runner := func(workers int, handlers map[catalogue.JobKind]catalogue.JobHandler) *catalogue.JobRunner {
		return &catalogue.JobRunner{Queue: c.queue, Handlers: handlers, Workers: workers, PerConcurrency: c.opts.PerHost,
			Lease: c.opts.Lease, Poll: c.opts.Poll, Backoff: c.opts.Backoff, Logger: c.log}
	}
	listings = runner(max(1, c.opts.Workers/2), map[catalogue.JobKind]catalogue.JobHandler{
		KindStart: c.handleStart, KindDiscover: c.handleDiscover, KindFinish: c.handleFinish,
	})
	listings.Handlers[KindVerifyHosting] = c.handleVerifyHosting
	repos = runner(c.opts.Workers, map[catalogue.JobKind]catalogue.JobHandler{KindRepo: c.handleRepo, KindContrib: c.handleContrib})
	return listings, repos
}

// Work runs the crawler's jobs (without a schedule) until ctx ends: crawls
// started elsewhere, and "crawl now".
func (c *Crawler) Work(ctx context.Context) {
	listings, repos := c.Runners()
	c.work(ctx, listings, repos)
}

// work runs both runners until ctx ends.
func (c *Crawler) work(ctx context.Context, listings, repos *catalogue.JobRunner) {
	var wg sync.WaitGroup
	wg.Go(func() { _ = listings.Run(ctx) })
	wg.Go(func() { _ = repos.Run(ctx) })
	wg.Wait()
}

// Run runs one crawl to its end: it starts a run or joins the one going, works
// the queue (beside any other process that does), and returns the run's summary.
// progress, when set, is called about twice a second with the repositories done
// and the total known so far.
func (c *Crawler) Run(ctx context.Context, trigger string, progress func(done, total int)) (Summary, error) {
	start := time.Now()
	run, _, err := c.Start(ctx, trigger)
	if err != nil {
		return Summary{}, err
	}
	rctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	listings, repos := c.Runners()
	wg.Go(func() { c.work(rctx, listings, repos) })
	defer func() { stop(); wg.Wait() }()
	tick := time.NewTicker(c.opts.Poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return Summary{}, fmt.Errorf("crawl %d: %w", run.ID, ctx.Err())
		case <-tick.C:
		}
		if err := c.MaybeFinish(ctx); err != nil {
			c.log.Warn("checking whether the crawl is done failed", "err", err)
		}
		cur, err := c.runs.CrawlRun(ctx, run.ID)
		if err != nil {
			return Summary{}, err
		}
		if cur.FinishedAt != nil {
			// MaybeFinish may have queued the finish job again while the run
			// closed: it ends at once, and is run out so that none is left behind.
			if n, err := c.queue.CountJobs(ctx, finishGroup(run.ID)); err == nil && n > 0 {
				continue
			}
			return Summary{Run: cur, HostingFailed: len(cur.HostingFailures), Duration: time.Since(start)}, nil
		}
		if progress != nil {
			left, _ := c.queue.CountJobs(ctx, runGroup(run.ID))
			progress(cur.Seen(), cur.Seen()+left)
		}
	}
}

// MaybeFinish queues the finish job of the active run once it has no work left.
func (c *Crawler) MaybeFinish(ctx context.Context) error {
	run, err := c.runs.ActiveCrawlRun(ctx)
	if err != nil {
		if catalogueNotFound(err) {
			return nil
		}
		return err
	}
	n, err := c.queue.CountJobs(ctx, runGroup(run.ID))
	if err != nil {
		return fmt.Errorf("count the jobs left of run %d: %w", run.ID, err)
	}
	if n > 0 {
		return nil
	}
	_, err = c.queue.Enqueue(ctx, catalogue.NewJob{Kind: KindFinish, Key: fmt.Sprint(run.ID), Group: finishGroup(run.ID), Payload: payload{Run: run.ID}.encode()})
	return err
}

// handleFinish applies the gone rule to what the run did not see and closes it.
// One finish job per run can be live, so the sweep never runs twice at once.
func (c *Crawler) handleFinish(ctx context.Context, j catalogue.Job) error {
	p, err := decodePayload(j)
	if err != nil {
		return err
	}
	run, err := c.runs.CrawlRun(ctx, p.Run)
	if err != nil || run.FinishedAt != nil {
		return err
	}
	if n, err := c.queue.CountJobs(ctx, runGroup(p.Run)); err != nil || n > 0 {
		return err // not done after all; MaybeFinish queues it again
	}
	swept, err := c.runs.SweepUnlisted(ctx, p.Run, c.opts.GoneAfter)
	if err != nil {
		return err
	}
	done, err := c.runs.FinishCrawlRun(ctx, p.Run)
	if err != nil {
		return err
	}
	if c.opts.Metrics != nil {
		c.opts.Metrics.runDuration.Observe(done.FinishedAt.Sub(done.StartedAt).Seconds())
	}
	c.log.Info("crawl finished", "run", done.ID, "seen", done.Seen(), "listed", done.Listed, "no longer listed", swept,
		"hosting failures", len(done.HostingFailures))
	return nil
}
