package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

func TestJobs_OneLiveJobPerKeyAndFinishedJobsDoNotBlockTheNext(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		job := catalogue.NewJob{Kind: "crawl.repo", Key: "https://example.org/a", Group: "run:1"}
		n, err := s.Enqueue(ctx, job, job, catalogue.NewJob{Kind: "crawl.repo", Key: "https://example.org/b", Group: "run:1"})
		must(t, err)
		if n != 2 {
			t.Fatalf("enqueued %d, want 2 (the duplicate is skipped)", n)
		}
		jobs, err := s.ClaimJobs(ctx, catalogue.Claim{Worker: "w1", Kinds: []catalogue.JobKind{"crawl.repo"}, Limit: 1, Lease: time.Minute})
		must(t, err)
		if len(jobs) != 1 || jobs[0].Key != "https://example.org/a" || jobs[0].Attempts != 1 || jobs[0].State != catalogue.JobRunning {
			t.Fatalf("claimed %+v", jobs)
		}
		// While it runs, the same repository cannot be queued again.
		if n, _ := s.Enqueue(ctx, job); n != 0 {
			t.Error("a running job's key was enqueued again")
		}
		if c, _ := s.CountJobs(ctx, "run:1"); c != 2 {
			t.Errorf("live jobs in the group = %d, want 2", c)
		}
		must(t, s.CompleteJob(ctx, jobs[0].ID, "w1"))
		if err := s.CompleteJob(ctx, jobs[0].ID, "w1"); !errors.Is(err, catalogue.ErrLeaseLost) {
			t.Errorf("completing twice: %v", err)
		}
		// Once finished, the next scheduled crawl of it is accepted (unlike River's
		// default uniqueness, which would skip it for a day).
		if n, _ := s.Enqueue(ctx, job); n != 1 {
			t.Error("a finished job's key could not be enqueued again")
		}
	})
}

func TestJobs_AKilledWorkersJobIsClaimedAgainAfterItsLease(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		clock := time.Now().UTC()
		s.now = func() time.Time { return clock }
		_, err := s.Enqueue(ctx, catalogue.NewJob{Kind: "k", Key: "x"})
		must(t, err)
		claim := func(w string) []catalogue.Job {
			jobs, err := s.ClaimJobs(ctx, catalogue.Claim{Worker: w, Kinds: []catalogue.JobKind{"k"}, Limit: 5, Lease: 30 * time.Second})
			must(t, err)
			return jobs
		}
		if got := claim("dead-worker"); len(got) != 1 {
			t.Fatalf("first claim: %d jobs", len(got))
		}
		if got := claim("w2"); len(got) != 0 {
			t.Fatal("a leased job was claimed twice")
		}
		clock = clock.Add(31 * time.Second)
		got := claim("w2")
		if len(got) != 1 || got[0].Attempts != 2 {
			t.Fatalf("after the lease: %+v", got)
		}
		if err := s.CompleteJob(ctx, got[0].ID, "dead-worker"); !errors.Is(err, catalogue.ErrLeaseLost) {
			t.Errorf("the old worker completed a job it lost: %v", err)
		}
		must(t, s.CompleteJob(ctx, got[0].ID, "w2"))
	})
}

func TestJobs_FailuresBackOffThenDie(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		clock := time.Now().UTC()
		s.now = func() time.Time { return clock }
		_, err := s.Enqueue(ctx, catalogue.NewJob{Kind: "k", Key: "x", MaxAttempts: 2, Group: "g"})
		must(t, err)
		c := catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{"k"}, Limit: 1}
		jobs, err := s.ClaimJobs(ctx, c)
		must(t, err)
		must(t, s.FailJob(ctx, jobs[0].ID, "w", "host down", clock.Add(time.Minute)))
		if again, _ := s.ClaimJobs(ctx, c); len(again) != 0 {
			t.Fatal("a failed job ran before its retry time")
		}
		clock = clock.Add(61 * time.Second)
		jobs, err = s.ClaimJobs(ctx, c)
		must(t, err)
		if len(jobs) != 1 || jobs[0].LastError != "host down" {
			t.Fatalf("retry: %+v", jobs)
		}
		must(t, s.FailJob(ctx, jobs[0].ID, "w", "still down", clock))
		dead, err := s.Jobs(ctx, "g", catalogue.JobDead, 10)
		must(t, err)
		if len(dead) != 1 || dead[0].LastError != "still down" {
			t.Fatalf("dead jobs: %+v", dead)
		}
		if n, _ := s.CountJobs(ctx, "g"); n != 0 {
			t.Errorf("a dead job counts as live")
		}
		// A dead job does not block a new one with its key.
		if n, _ := s.Enqueue(ctx, catalogue.NewJob{Kind: "k", Key: "x"}); n != 1 {
			t.Error("a dead job blocked its key")
		}
	})
}

func TestJobs_ClaimsSkipBusyResourcesAndReleaseDoesNotCountAnAttempt(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		_, err := s.Enqueue(ctx,
			catalogue.NewJob{Kind: "k", Key: "1", Concurrency: "slow.example.org"},
			catalogue.NewJob{Kind: "k", Key: "2", Concurrency: "fast.example.org"})
		must(t, err)
		jobs, err := s.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{"k"}, Limit: 5, Exclude: []string{"slow.example.org"}})
		must(t, err)
		if len(jobs) != 1 || jobs[0].Key != "2" {
			t.Fatalf("claimed %+v", jobs)
		}
		must(t, s.ReleaseJob(ctx, jobs[0].ID, "w", time.Now()))
		jobs, err = s.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{"k"}, Limit: 5})
		must(t, err)
		for _, j := range jobs {
			if j.Attempts != 1 {
				t.Errorf("job %s attempts %d, want 1", j.Key, j.Attempts)
			}
		}
	})
}

func TestJobRunner_ConcurrentRunnersRunEveryJobOnce(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a generous bound
		defer cancel()
		const n = 120
		var jobs []catalogue.NewJob
		for i := range n {
			jobs = append(jobs, catalogue.NewJob{Kind: "count", Key: fmt.Sprint(i), Group: "g", Concurrency: fmt.Sprintf("host%d", i%3)})
		}
		_, err := s.Enqueue(ctx, jobs...)
		must(t, err)
		var (
			mu      sync.Mutex
			seen    = map[string]int{}
			failed  atomic.Bool
			running = map[string]int{}
			maxRun  int
		)
		handler := func(ctx context.Context, j catalogue.Job) error {
			mu.Lock()
			seen[j.Key]++
			running[j.Concurrency]++
			maxRun = max(maxRun, running[j.Concurrency])
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running[j.Concurrency]--
			mu.Unlock()
			if j.Key == "7" && !failed.Swap(true) {
				return errors.New("first attempt fails")
			}
			return nil
		}
		rctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for i := range 3 {
			r := &catalogue.JobRunner{Queue: s, Handlers: map[catalogue.JobKind]catalogue.JobHandler{"count": handler},
				Worker: fmt.Sprint("runner", i), Workers: 4, PerConcurrency: 1, Poll: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
			wg.Go(func() { _ = r.Run(rctx) })
		}
		// Job 7 fails once and waits out its backoff; everything else finishes.
		for ctx.Err() == nil {
			if c, _ := s.CountJobs(ctx, "g"); c <= 1 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		stop()
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("ran %d distinct jobs, want %d", len(seen), n)
		}
		for k, c := range seen {
			if c != 1 && k != "7" {
				t.Errorf("job %s ran %d times", k, c)
			}
		}
		// The per-resource cap is per runner: three runners, one each.
		if maxRun > 3 {
			t.Errorf("%d jobs of one resource ran at once", maxRun)
		}
		left, _ := s.Jobs(ctx, "g", "", 10)
		if len(left) != 1 || left[0].Key != "7" || left[0].State != catalogue.JobPending || left[0].Attempts != 1 {
			t.Errorf("left %+v", left)
		}
	})
}

// A runner stopped while it holds jobs (SIGTERM) hands them back: another
// worker claims them at once rather than after their lease, and the
// interrupted attempt is not counted.
func TestJobRunner_AStoppedRunnerHandsItsJobsBackAtOnce(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a generous bound
		defer cancel()
		_, err := s.Enqueue(ctx, catalogue.NewJob{Kind: "slow", Key: "a"}, catalogue.NewJob{Kind: "slow", Key: "b"})
		must(t, err)
		started := make(chan string, 2)
		handler := func(ctx context.Context, j catalogue.Job) error {
			started <- j.Key
			<-ctx.Done()
			return ctx.Err()
		}
		r := &catalogue.JobRunner{Queue: s, Handlers: map[catalogue.JobKind]catalogue.JobHandler{"slow": handler},
			Worker: "leaving", Workers: 2, Lease: time.Hour, Poll: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}
		rctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); _ = r.Run(rctx) }()
		for range 2 {
			select {
			case <-started:
			case <-ctx.Done():
				t.Fatal("the runner did not start both jobs")
			}
		}
		stop()
		<-done
		jobs, err := s.ClaimJobs(ctx, catalogue.Claim{Worker: "staying", Kinds: []catalogue.JobKind{"slow"}, Limit: 5, Lease: time.Minute})
		must(t, err)
		if len(jobs) != 2 {
			t.Fatalf("another worker claimed %d jobs at once, want both handed back (their hour-long leases notwithstanding)", len(jobs))
		}
		for _, j := range jobs {
			if j.Attempts != 1 {
				t.Errorf("job %s at attempt %d: the interrupted attempt was counted", j.Key, j.Attempts)
			}
		}
	})
}
