package crawler

import (
	"context"
	"sync"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// Scheduler starts crawl runs on a schedule, through the job queue: each tick is
// a job of its own, keyed by its time and enqueued once ever (NewJob.Once), so
// that any number of processes start one run per tick, and a tick missed while
// every process was down runs when one comes back. In a cluster one node at a
// time calls Ensure (the holder of the schedule's lease); every worker runs the
// ticks' jobs (Work).
type Scheduler struct {
	Crawler *Crawler
	// Next is the schedule: the first tick after a time (a cron expression's).
	// Nodes that compute the same tick give it the same key, so it must not
	// depend on when a node asks (align periods on the clock).
	Next func(time.Time) time.Time
	// BeforeRun, when set, runs before each scheduled run (re-reading the
	// publishers list); its failure is logged and the run goes on.
	BeforeRun func(ctx context.Context) error
}

// Ensure queues the next tick unless it was queued already.
func (s *Scheduler) Ensure(ctx context.Context) error {
	next := s.Next(s.Crawler.opts.Now()).UTC()
	_, err := s.Crawler.queue.Enqueue(ctx, catalogue.NewJob{Kind: KindSchedule, Key: "at " + next.Format(time.RFC3339Nano), RunAt: next, MaxAttempts: 3, Once: true})
	return err
}

func (s *Scheduler) handle(ctx context.Context, j catalogue.Job) error {
	log := s.Crawler.log
	if s.BeforeRun != nil {
		if err := s.BeforeRun(ctx); err != nil {
			log.Warn("before the scheduled crawl", "err", err)
		}
	}
	run, started, err := s.Crawler.Start(ctx, "schedule")
	if err != nil {
		return err
	}
	if started {
		log.Info("scheduled crawl started", "run", run.ID, "tick", j.Key)
	} else {
		log.Info("scheduled crawl: a crawl is still going; it goes on", "run", run.ID, "tick", j.Key)
	}
	return nil
}

// Run enqueues the ticks and works the crawler's jobs until ctx ends: the
// single process's schedule.
func (s *Scheduler) Run(ctx context.Context) error {
	if err := s.Ensure(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { s.Work(ctx) })
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if err := s.Ensure(ctx); err != nil && ctx.Err() == nil {
			s.Crawler.log.Warn("queueing the next scheduled crawl failed", "err", err)
		}
	}
}

// Work works the crawler's jobs and the ticks' until ctx ends, without
// enqueuing ticks.
func (s *Scheduler) Work(ctx context.Context) {
	listings, repos := s.Crawler.Runners()
	listings.Handlers[KindSchedule] = s.handle
	var wg sync.WaitGroup
	wg.Go(func() { s.Crawler.work(ctx, listings, repos) })
	defer wg.Wait()
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := s.Crawler.MaybeFinish(ctx); err != nil && ctx.Err() == nil {
			s.Crawler.log.Warn("checking whether the crawl is done failed", "err", err)
		}
	}
}
