package catalogue

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"
)

// HostLimits are how hard all of an instance's workers together may use one
// forge host: how many jobs run on it at once, and how many requests they send
// it per second. They hold across processes when the store keeps them
// (PostgreSQL); on SQLite one process does all the work and keeps them itself.
type HostLimits struct {
	// Concurrency is the most jobs running at once on one host (default 4).
	Concurrency int
	// Rate is the most requests per second toward one host, Burst how many may
	// go at once after a quiet spell (default: Rate rounded up, at least 1).
	// Zero Rate: no rate limit.
	Rate  float64
	Burst int
	// Lease is how long a job's slot is held without being renewed (default 2
	// minutes): a killed worker's slots free themselves when it ends.
	Lease time.Duration
}

// WithDefaults fills the unset fields.
func (l HostLimits) WithDefaults() HostLimits {
	if l.Concurrency <= 0 {
		l.Concurrency = 4
	}
	if l.Rate < 0 {
		l.Rate = 0
	}
	if l.Burst <= 0 {
		l.Burst = max(1, int(math.Ceil(l.Rate)))
	}
	if l.Lease <= 0 {
		l.Lease = 2 * time.Minute
	}
	return l
}

// HostStatus is what the operator sees of one host: the jobs running on it,
// how often a request had to wait for its rate limit, and its last error.
type HostStatus struct {
	Host           string     `json:"host"`
	InFlight       int        `json:"inFlight"`
	RateLimitWaits int64      `json:"rateLimitWaits"`
	LastError      string     `json:"lastError,omitempty"`
	LastErrorAt    *time.Time `json:"lastErrorAt,omitempty"`
}

// HostLimiter keeps the per-host limits: slots for jobs (concurrency) and a
// token bucket for requests (rate). A holder names one claim of a slot (a
// worker and its job), so that releasing twice, or after the lease ran out, is
// harmless.
type HostLimiter interface {
	// TryAcquire takes one of host's slots for holder, held for the lease; it
	// reports false, without waiting, when all are held.
	TryAcquire(ctx context.Context, host, holder string) (bool, error)
	// Extend renews a held slot's lease.
	Extend(ctx context.Context, host, holder string) error
	// Release frees a slot.
	Release(ctx context.Context, host, holder string) error
	// Take takes one request token toward host. When none is left it takes
	// nothing and returns how long until one is.
	Take(ctx context.Context, host string) (time.Duration, error)
	// NoteWait counts a request that had to wait for host's rate limit (its own
	// or the forge's); NoteError keeps host's last error.
	NoteWait(ctx context.Context, host string) error
	NoteError(ctx context.Context, host, msg string) error
	// Hosts lists every host the limiter has seen, by name.
	Hosts(ctx context.Context) ([]HostStatus, error)
}

// maxErrorLen bounds a kept error message.
const maxErrorLen = 500

// TrimError shortens an error message for keeping.
func TrimError(msg string) string {
	if len(msg) <= maxErrorLen {
		return msg
	}
	return msg[:maxErrorLen] + "…"
}

// LocalHostLimiter keeps the limits in this process: the limiter of one
// machine (SQLite), and of tests.
type LocalHostLimiter struct {
	limits HostLimits
	// Now is the clock (default time.Now).
	Now   func() time.Time
	mu    sync.Mutex
	hosts map[string]*localHost
}

type localHost struct {
	slots     map[string]time.Time // holder → lease end
	tokens    float64
	refilled  time.Time
	waits     int64
	lastErr   string
	lastErrAt time.Time
}

// NewLocalHostLimiter returns an in-process limiter.
func NewLocalHostLimiter(l HostLimits) *LocalHostLimiter {
	return &LocalHostLimiter{limits: l.WithDefaults(), Now: time.Now, hosts: map[string]*localHost{}}
}

func (l *LocalHostLimiter) host(name string, now time.Time) *localHost {
	h, ok := l.hosts[name]
	if !ok {
		h = &localHost{slots: map[string]time.Time{}, tokens: float64(l.limits.Burst), refilled: now}
		l.hosts[name] = h
	}
	for holder, until := range h.slots {
		if !now.Before(until) {
			delete(h.slots, holder)
		}
	}
	return h
}

// TryAcquire implements HostLimiter.
func (l *LocalHostLimiter) TryAcquire(_ context.Context, host, holder string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	h := l.host(host, now)
	if _, held := h.slots[holder]; !held && len(h.slots) >= l.limits.Concurrency {
		return false, nil
	}
	h.slots[holder] = now.Add(l.limits.Lease)
	return true, nil
}

// Extend implements HostLimiter.
func (l *LocalHostLimiter) Extend(_ context.Context, host, holder string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	h := l.host(host, now)
	if _, held := h.slots[holder]; held {
		h.slots[holder] = now.Add(l.limits.Lease)
	}
	return nil
}

// Release implements HostLimiter.
func (l *LocalHostLimiter) Release(_ context.Context, host, holder string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.host(host, l.Now()).slots, holder)
	return nil
}

// Take implements HostLimiter.
func (l *LocalHostLimiter) Take(_ context.Context, host string) (time.Duration, error) {
	if l.limits.Rate == 0 {
		return 0, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	h := l.host(host, now)
	elapsed := max(0, now.Sub(h.refilled).Seconds())
	h.tokens = math.Min(float64(l.limits.Burst), h.tokens+elapsed*l.limits.Rate)
	h.refilled = now
	if h.tokens >= 1 {
		h.tokens--
		return 0, nil
	}
	return time.Duration((1 - h.tokens) / l.limits.Rate * float64(time.Second)), nil
}

// NoteWait implements HostLimiter.
func (l *LocalHostLimiter) NoteWait(_ context.Context, host string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.host(host, l.Now()).waits++
	return nil
}

// NoteError implements HostLimiter.
func (l *LocalHostLimiter) NoteError(_ context.Context, host, msg string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	h := l.host(host, now)
	h.lastErr, h.lastErrAt = TrimError(msg), now.UTC()
	return nil
}

// Hosts implements HostLimiter.
func (l *LocalHostLimiter) Hosts(_ context.Context) ([]HostStatus, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	out := make([]HostStatus, 0, len(l.hosts))
	for name := range l.hosts {
		h := l.host(name, now)
		st := HostStatus{Host: name, InFlight: len(h.slots), RateLimitWaits: h.waits, LastError: h.lastErr}
		if !h.lastErrAt.IsZero() {
			at := h.lastErrAt
			st.LastErrorAt = &at
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host < out[j].Host })
	return out, nil
}

// HostRequests paces requests toward hosts with a HostLimiter's tokens and
// keeps their failures: the gate an HTTP client's transport calls.
type HostRequests struct {
	Limiter HostLimiter
	Logger  *slog.Logger
}

// Wait takes a request token toward host, waiting while there is none; a
// request that had to wait is counted once.
func (g HostRequests) Wait(ctx context.Context, host string) error {
	counted := false
	for {
		d, err := g.Limiter.Take(ctx, host)
		if err != nil {
			return fmt.Errorf("rate limit of %s: %w", host, err)
		}
		if d <= 0 {
			return nil
		}
		if !counted {
			counted = true
			if err := g.Limiter.NoteWait(ctx, host); err != nil {
				g.logger().Warn("counting a rate-limit wait failed", "host", host, "err", err)
			}
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Failed keeps host's last error.
func (g HostRequests) Failed(ctx context.Context, host, msg string) {
	if err := g.Limiter.NoteError(context.WithoutCancel(ctx), host, msg); err != nil {
		g.logger().Warn("keeping a host's last error failed", "host", host, "err", err)
	}
}

// RateLimited counts a wait for the forge's own rate limit.
func (g HostRequests) RateLimited(ctx context.Context, host string) {
	if err := g.Limiter.NoteWait(context.WithoutCancel(ctx), host); err != nil {
		g.logger().Warn("counting a rate-limit wait failed", "host", host, "err", err)
	}
}

func (g HostRequests) logger() *slog.Logger {
	if g.Logger == nil {
		return slog.Default()
	}
	return g.Logger
}

// HostSlotQueue is a JobQueue whose jobs with a Concurrency (a forge host) run
// only while they hold one of its slots in a HostLimiter, so that the
// concurrency toward a host holds across every worker of the instance. A claimed
// job whose host is full is given back untried, to run a little later.
type HostSlotQueue struct {
	JobQueue
	Limiter HostLimiter
	// Retry is how long a job whose host was full waits (default 500 ms).
	Retry  time.Duration
	Logger *slog.Logger

	mu   sync.Mutex
	busy map[string]time.Time // host → until when claims leave it out
	held map[string]string    // holder → host, for the slots this process holds
}

// holder names one claim of a slot: the worker and its job.
func slotHolder(worker string, id int64) string { return worker + "#" + strconv.FormatInt(id, 10) }

// ClaimJobs implements JobQueue: it claims jobs, then keeps those that get a
// slot of their host.
func (q *HostSlotQueue) ClaimJobs(ctx context.Context, c Claim) ([]Job, error) {
	now := time.Now()
	q.mu.Lock()
	for host, until := range q.busy {
		if now.Before(until) {
			c.Exclude = append(c.Exclude, host)
		} else {
			delete(q.busy, host)
		}
	}
	q.mu.Unlock()
	jobs, err := q.JobQueue.ClaimJobs(ctx, c)
	if err != nil {
		return nil, err
	}
	kept := jobs[:0]
	for _, j := range jobs {
		if j.Concurrency == "" {
			kept = append(kept, j)
			continue
		}
		ok, err := q.Limiter.TryAcquire(ctx, j.Concurrency, slotHolder(c.Worker, j.ID))
		if err != nil {
			q.logger().Warn("taking a host slot failed", "host", j.Concurrency, "err", err)
		}
		if ok && err == nil {
			q.mu.Lock()
			if q.held == nil {
				q.held = map[string]string{}
			}
			q.held[slotHolder(c.Worker, j.ID)] = j.Concurrency
			q.mu.Unlock()
			kept = append(kept, j)
			continue
		}
		retry := q.retry()
		q.mu.Lock()
		if q.busy == nil {
			q.busy = map[string]time.Time{}
		}
		q.busy[j.Concurrency] = now.Add(retry)
		q.mu.Unlock()
		if err := q.JobQueue.ReleaseJob(context.WithoutCancel(ctx), j.ID, c.Worker, now.Add(retry)); err != nil {
			q.logger().Warn("giving back a job whose host is full failed", "job", j.ID, "err", err)
		}
	}
	return kept, nil
}

// free releases a job's slot, after its outcome is recorded.
func (q *HostSlotQueue) free(ctx context.Context, id int64, worker string) {
	holder := slotHolder(worker, id)
	q.mu.Lock()
	host, ok := q.held[holder]
	delete(q.held, holder)
	q.mu.Unlock()
	if !ok {
		return
	}
	if err := q.Limiter.Release(context.WithoutCancel(ctx), host, holder); err != nil {
		// Its lease frees it later.
		q.logger().Warn("releasing a host slot failed", "host", host, "err", err)
	}
}

// CompleteJob implements JobQueue.
func (q *HostSlotQueue) CompleteJob(ctx context.Context, id int64, worker string) error {
	err := q.JobQueue.CompleteJob(ctx, id, worker)
	q.free(ctx, id, worker)
	return err
}

// FailJob implements JobQueue.
func (q *HostSlotQueue) FailJob(ctx context.Context, id int64, worker, msg string, retryAt time.Time) error {
	err := q.JobQueue.FailJob(ctx, id, worker, msg, retryAt)
	q.free(ctx, id, worker)
	return err
}

// ReleaseJob implements JobQueue.
func (q *HostSlotQueue) ReleaseJob(ctx context.Context, id int64, worker string, runAt time.Time) error {
	err := q.JobQueue.ReleaseJob(ctx, id, worker, runAt)
	q.free(ctx, id, worker)
	return err
}

// ExtendJob implements JobQueue: the slot's lease follows the job's.
func (q *HostSlotQueue) ExtendJob(ctx context.Context, id int64, worker string, lease time.Duration) error {
	err := q.JobQueue.ExtendJob(ctx, id, worker, lease)
	if err != nil {
		return err
	}
	holder := slotHolder(worker, id)
	q.mu.Lock()
	host, ok := q.held[holder]
	q.mu.Unlock()
	if ok {
		if err := q.Limiter.Extend(ctx, host, holder); err != nil {
			q.logger().Warn("renewing a host slot failed", "host", host, "err", err)
		}
	}
	return nil
}

func (q *HostSlotQueue) retry() time.Duration {
	if q.Retry <= 0 {
		return 500 * time.Millisecond
	}
	return q.Retry
}

func (q *HostSlotQueue) logger() *slog.Logger {
	if q.Logger == nil {
		return slog.Default()
	}
	return q.Logger
}
