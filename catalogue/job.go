package catalogue

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// JobKind names what a job does ("crawl.repo", later "webhook.deliver",
// "harvest.peer", "mail.reminder"). Each kind has one handler, in the package that
// does the work.
type JobKind string

// Job is one unit of background work, kept in the store so that it survives a
// crash or a kill -9 of the process that was running it.
//
// The rules:
//   - at most one live (pending or running) job per (Kind, Key): enqueuing a second
//     one is a no-op, so "crawl repository X" can never run twice at once. A job that
//     finished is deleted, so it never blocks the next one with its key;
//   - a job runs no earlier than RunAt;
//   - a worker claims a job for a lease; it must complete, fail or extend the job
//     before the lease ends, or any worker may claim it again (a killed worker's jobs
//     come back by themselves);
//   - every claim counts an attempt; a job that fails is retried with backoff until
//     MaxAttempts, then kept as dead for the operator to see;
//   - Group ties jobs to the thing they are part of ("crawl-run:42"), so that the
//     thing can tell when all its work is done.
type Job struct {
	ID          int64      `json:"id"`
	Kind        JobKind    `json:"kind"`
	Key         string     `json:"key"`
	Group       string     `json:"group,omitempty"`
	Payload     []byte     `json:"payload,omitempty"`
	State       JobState   `json:"state"`
	RunAt       time.Time  `json:"runAt"`
	Attempts    int        `json:"attempts"`
	MaxAttempts int        `json:"maxAttempts"`
	LastError   string     `json:"lastError,omitempty"`
	ClaimedBy   string     `json:"claimedBy,omitempty"`
	LeaseUntil  *time.Time `json:"leaseUntil,omitempty"`
	Concurrency string     `json:"concurrency,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
}

// JobState is where a job is in its life.
type JobState string

// Job states. A finished job is deleted, so there is no "done".
const (
	JobPending JobState = "pending"
	JobRunning JobState = "running"
	JobDead    JobState = "dead"
)

// DefaultMaxAttempts is used when a new job does not say.
const DefaultMaxAttempts = 5

// NewJob describes a job to enqueue. Concurrency, when set, names a resource the
// job uses (a forge's host), so that a worker pool can cap how many of its jobs
// run at once.
type NewJob struct {
	Kind        JobKind
	Key         string
	Group       string
	Payload     []byte
	RunAt       time.Time
	MaxAttempts int
	Concurrency string
	// First puts the job ahead of every job of its kind already waiting ("crawl
	// now"); a waiting job with its key is moved ahead instead of added twice.
	First bool
	// Once marks a scheduled run (its Key names the scheduled time): it is
	// enqueued at most once ever, even after it finished and its job was
	// deleted, whichever node enqueues it.
	Once bool
}

// Claim asks for up to Limit runnable jobs of Kinds for Worker, held for Lease.
// Jobs whose Concurrency is in Exclude are left for later (their resource is busy).
type Claim struct {
	Worker  string
	Kinds   []JobKind
	Limit   int
	Lease   time.Duration
	Exclude []string
}

// ErrLeaseLost is returned when a worker completes, fails or extends a job it no
// longer holds (its lease ran out and another worker claimed it).
var ErrLeaseLost = errors.New("the job's lease was lost to another worker")

// JobQueue is the durable job queue. Its plumbing is here, in the domain, because
// every kind of background work shares it; each worker lives with its work.
type JobQueue interface {
	// Enqueue adds jobs, skipping each whose (Kind, Key) already has a live job,
	// and returns how many were added.
	Enqueue(ctx context.Context, jobs ...NewJob) (int, error)
	// ClaimJobs leases runnable jobs, oldest RunAt first.
	ClaimJobs(ctx context.Context, c Claim) ([]Job, error)
	// CompleteJob deletes a finished job.
	CompleteJob(ctx context.Context, id int64, worker string) error
	// FailJob records a failure: the job runs again at retryAt, or becomes dead
	// when it has used all its attempts.
	FailJob(ctx context.Context, id int64, worker string, msg string, retryAt time.Time) error
	// ReleaseJob gives a job back untried (its attempt is not counted), to run at runAt.
	ReleaseJob(ctx context.Context, id int64, worker string, runAt time.Time) error
	// ExtendJob keeps a running job's lease alive.
	ExtendJob(ctx context.Context, id int64, worker string, lease time.Duration) error
	// Jobs lists jobs of a group (all groups when empty) in a state (all when empty).
	Jobs(ctx context.Context, group string, state JobState, limit int) ([]Job, error)
	// CountJobs counts the live (pending or running) jobs of a group.
	CountJobs(ctx context.Context, group string) (int, error)
}

// RetryError asks the job runner to retry the job at a given time rather than
// after the usual backoff (a forge said when its rate limit resets).
type RetryError struct {
	Err error
	At  time.Time
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("%v (retry at %s)", e.Err, e.At.UTC().Format(time.RFC3339))
}

func (e *RetryError) Unwrap() error { return e.Err }

// Backoff is the delay before the next attempt of a job that failed attempts
// times: 10 s, 40 s, 90 s… (10 s × attempts²), at most an hour.
func Backoff(attempts int) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	d := time.Duration(attempts*attempts) * 10 * time.Second
	return min(d, time.Hour)
}
