package catalogue

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// JobHandler does one job. An error fails the attempt (retried with backoff, or
// at the time a *RetryError names); nil completes the job.
type JobHandler func(ctx context.Context, job Job) error

// JobRunner runs jobs from a queue with a bounded pool of goroutines, keeping
// their leases alive while they run. Several runners, in one process or many, may
// share one queue.
type JobRunner struct {
	Queue    JobQueue
	Handlers map[JobKind]JobHandler
	// Worker names this runner in claims (default host:pid plus a counter).
	Worker string
	// Workers is how many jobs run at once (default 4).
	Workers int
	// PerConcurrency caps the running jobs that share a Concurrency value, such as
	// one forge host (0: no cap).
	PerConcurrency int
	// Lease is how long a claim holds before another worker may take the job
	// (default 1 minute); it is renewed every third of it while the job runs.
	Lease time.Duration
	// Poll is how often an idle runner looks for work (default 1 s).
	Poll time.Duration
	// Backoff is the delay before retrying a job that failed attempts times
	// (default Backoff).
	Backoff func(attempts int) time.Duration
	Logger  *slog.Logger
}

// DefaultWorkerName names a worker after its host and process, with a random
// suffix so that two runners in one process are told apart.
func DefaultWorkerName() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%x", host, os.Getpid(), b)
}

type runningJob struct {
	job    Job
	cancel context.CancelFunc
}

// pool is the state of one Run: the jobs this runner holds.
type pool struct {
	r       *JobRunner
	kinds   []JobKind
	mu      sync.Mutex
	running map[int64]*runningJob
	perKey  map[string]int
	wg      sync.WaitGroup
	wake    chan struct{}
}

// Run claims and runs jobs until ctx ends. Then it stops claiming, and hands the
// jobs it holds back to the queue: their handlers are cancelled, and each job
// interrupted so is released untried, for another worker to claim at once.
func (r *JobRunner) Run(ctx context.Context) error {
	r.defaults()
	p := &pool{r: r, running: map[int64]*runningJob{}, perKey: map[string]int{}, wake: make(chan struct{}, 1)}
	for k := range r.Handlers {
		p.kinds = append(p.kinds, k)
	}
	defer p.wg.Wait()
	renew := time.NewTicker(r.Lease / 3)
	defer renew.Stop()
	for {
		free, exclude := p.room()
		claimed := 0
		if free > 0 && ctx.Err() == nil {
			claimed = p.claim(ctx, free, exclude)
		}
		if ctx.Err() != nil {
			return nil
		}
		if claimed > 0 && claimed == free {
			continue // there may be more work waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-p.wake:
		case <-time.After(r.Poll):
		case <-renew.C:
			p.renew(ctx)
		}
	}
}

// room is how many more jobs the pool may run, and the resources that are full.
func (p *pool) room() (free int, exclude []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.r.PerConcurrency > 0 {
		for k, n := range p.perKey {
			if n >= p.r.PerConcurrency && k != "" {
				exclude = append(exclude, k)
			}
		}
	}
	return p.r.Workers - len(p.running), exclude
}

// claim claims up to free jobs and starts them; it returns how many started.
func (p *pool) claim(ctx context.Context, free int, exclude []string) int {
	r := p.r
	jobs, err := r.Queue.ClaimJobs(ctx, Claim{Worker: r.Worker, Kinds: p.kinds, Limit: free, Lease: r.Lease, Exclude: exclude})
	if err != nil && ctx.Err() == nil {
		r.Logger.Warn("claiming jobs failed", "err", err)
	}
	started := 0
	for _, j := range jobs {
		if p.start(ctx, j) {
			started++
			continue
		}
		// Its resource filled up within this batch: give it back untried.
		if err := r.Queue.ReleaseJob(context.WithoutCancel(ctx), j.ID, r.Worker, time.Now().Add(200*time.Millisecond)); err != nil {
			r.Logger.Warn("releasing a job failed", "job", j.ID, "err", err)
		}
	}
	return started
}

// start runs a claimed job in a goroutine of its own, unless its resource is full.
func (p *pool) start(ctx context.Context, j Job) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.r.PerConcurrency > 0 && j.Concurrency != "" && p.perKey[j.Concurrency] >= p.r.PerConcurrency {
		return false
	}
	jctx, cancel := context.WithCancel(ctx)
	p.running[j.ID] = &runningJob{job: j, cancel: cancel}
	p.perKey[j.Concurrency]++
	p.wg.Go(func() {
		p.r.runOne(jctx, j)
		cancel()
		p.mu.Lock()
		delete(p.running, j.ID)
		p.perKey[j.Concurrency]--
		p.mu.Unlock()
		select {
		case p.wake <- struct{}{}:
		default:
		}
	})
	return true
}

// renew extends the leases of the running jobs, stopping any whose lease was lost.
func (p *pool) renew(ctx context.Context) {
	p.mu.Lock()
	held := make([]*runningJob, 0, len(p.running))
	for _, rj := range p.running {
		held = append(held, rj)
	}
	p.mu.Unlock()
	for _, rj := range held {
		err := p.r.Queue.ExtendJob(ctx, rj.job.ID, p.r.Worker, p.r.Lease)
		if errors.Is(err, ErrLeaseLost) {
			p.r.Logger.Warn("a job's lease was lost; stopping it", "job", rj.job.ID, "kind", rj.job.Kind)
			rj.cancel()
		}
	}
}

func (r *JobRunner) defaults() {
	if r.Workers <= 0 {
		r.Workers = 4
	}
	if r.Lease <= 0 {
		r.Lease = time.Minute
	}
	if r.Poll <= 0 {
		r.Poll = time.Second
	}
	if r.Worker == "" {
		r.Worker = DefaultWorkerName()
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	if r.Backoff == nil {
		r.Backoff = Backoff
	}
}

// runOne runs a job's handler and records the outcome. A job interrupted by the
// runner's own shutdown is given back untried.
func (r *JobRunner) runOne(ctx context.Context, j Job) {
	err := r.call(ctx, j)
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch {
	case err == nil:
		err = r.Queue.CompleteJob(bg, j.ID, r.Worker)
	case ctx.Err() != nil:
		err = r.Queue.ReleaseJob(bg, j.ID, r.Worker, time.Now())
	default:
		at := time.Now().Add(r.Backoff(j.Attempts))
		var re *RetryError
		if errors.As(err, &re) {
			at = re.At
		}
		r.Logger.Warn("job failed", "kind", j.Kind, "key", j.Key, "attempt", j.Attempts, "of", j.MaxAttempts, "err", err)
		err = r.Queue.FailJob(bg, j.ID, r.Worker, err.Error(), at)
	}
	if err != nil && !errors.Is(err, ErrLeaseLost) {
		r.Logger.Warn("recording a job's outcome failed", "job", j.ID, "err", err)
	}
}

func (r *JobRunner) call(ctx context.Context, j Job) (err error) {
	h := r.Handlers[j.Kind]
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s %s panicked: %v", j.Kind, j.Key, p)
		}
	}()
	return h(ctx, j)
}
