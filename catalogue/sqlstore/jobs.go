package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

var _ catalogue.JobQueue = (*Store)(nil)

// txn runs fn in one transaction that does not touch the change log, so it takes
// no change-log lock: job bookkeeping must not queue behind catalogue writes on
// PostgreSQL. On SQLite every transaction is IMMEDIATE, one writer at a time.
func (s *Store) txn(ctx context.Context, fn func(*tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{Tx: sqlTx, d: s.d, now: s.now()}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Enqueue implements catalogue.JobQueue.
func (s *Store) Enqueue(ctx context.Context, jobs ...catalogue.NewJob) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	added := 0
	err := s.txn(ctx, func(t *tx) error {
		added = 0
		for _, j := range jobs {
			n, err := t.enqueue(ctx, j)
			if err != nil {
				return err
			}
			added += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue %d jobs: %w", len(jobs), err)
	}
	return added, nil
}

// enqueue adds one job unless its key has a live job; it returns 1 when added.
func (t *tx) enqueue(ctx context.Context, j catalogue.NewJob) (int, error) {
	if j.Kind == "" || j.Key == "" {
		return 0, catalogue.Invalidf("a job needs a kind and a key")
	}
	runAt := j.RunAt
	if runAt.IsZero() || runAt.Before(t.now) {
		runAt = t.now
	}
	if j.Once {
		res, err := t.exec(ctx, `INSERT INTO scheduled_runs (kind, run_key, enqueued_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			string(j.Kind), j.Key, t.now)
		if err != nil {
			return 0, fmt.Errorf("enqueue scheduled %s %s: %w", j.Kind, j.Key, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, nil // enqueued before, by this node or another
		}
	}
	maxAttempts := j.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = catalogue.DefaultMaxAttempts
	}
	if j.First {
		// Ahead of every waiting job of its kind: claims take the oldest run_at first.
		var first time.Time
		err := t.queryRow(ctx, `SELECT run_at FROM jobs WHERE kind = ? AND state = ? ORDER BY run_at LIMIT 1`, string(j.Kind), string(catalogue.JobPending)).Scan(&first)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("enqueue %s %s: %w", j.Kind, j.Key, err)
		}
		if err == nil && !first.After(runAt) {
			runAt = first.Add(-time.Millisecond)
		}
		res, err := t.exec(ctx, `UPDATE jobs SET run_at = ? WHERE kind = ? AND unique_key = ? AND state = ?`,
			dbTime(runAt), string(j.Kind), j.Key, string(catalogue.JobPending))
		if err != nil {
			return 0, fmt.Errorf("enqueue %s %s: %w", j.Kind, j.Key, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return 1, nil
		}
	}
	res, err := t.exec(ctx, `INSERT INTO jobs (kind, unique_key, grp, payload, state, run_at, max_attempts, concurrency, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		string(j.Kind), j.Key, j.Group, string(j.Payload), string(catalogue.JobPending), dbTime(runAt), maxAttempts, j.Concurrency, t.now)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s %s: %w", j.Kind, j.Key, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const jobColumns = `id, kind, unique_key, grp, payload, state, run_at, attempts, max_attempts, last_error, claimed_by, lease_until, concurrency, created_at`

func scanJob(r scanner) (catalogue.Job, error) {
	var j catalogue.Job
	var kind, state, payload string
	var lease sql.NullTime
	if err := r.Scan(&j.ID, &kind, &j.Key, &j.Group, &payload, &state, &j.RunAt, &j.Attempts, &j.MaxAttempts, &j.LastError,
		&j.ClaimedBy, &lease, &j.Concurrency, &j.CreatedAt); err != nil {
		return j, err
	}
	j.Kind, j.State = catalogue.JobKind(kind), catalogue.JobState(state)
	if payload != "" {
		j.Payload = []byte(payload)
	}
	j.RunAt, j.CreatedAt = j.RunAt.UTC(), j.CreatedAt.UTC()
	if lease.Valid {
		l := lease.Time.UTC()
		j.LeaseUntil = &l
	}
	return j, nil
}

// ClaimJobs implements catalogue.JobQueue: runnable jobs are pending ones whose
// time has come and running ones whose lease ran out (their worker died).
func (s *Store) ClaimJobs(ctx context.Context, c catalogue.Claim) ([]catalogue.Job, error) {
	if c.Worker == "" || len(c.Kinds) == 0 || c.Limit <= 0 {
		return nil, catalogue.Invalidf("a claim needs a worker, kinds and a limit")
	}
	lease := c.Lease
	if lease <= 0 {
		lease = time.Minute
	}
	var out []catalogue.Job
	err := s.txn(ctx, func(t *tx) error {
		out = out[:0]
		args := []any{c.Worker, dbTime(t.now.Add(lease)), string(catalogue.JobRunning)}
		inner := `SELECT id FROM jobs WHERE kind IN (` + placeholders(len(c.Kinds)) + `) AND run_at <= ?
			AND (state = ? OR (state = ? AND lease_until < ?))`
		args = append(args, anys(c.Kinds)...)
		args = append(args, dbTime(t.now), string(catalogue.JobPending), string(catalogue.JobRunning), dbTime(t.now))
		if len(c.Exclude) > 0 {
			inner += ` AND concurrency NOT IN (` + placeholders(len(c.Exclude)) + `)`
			args = append(args, anys(c.Exclude)...)
		}
		inner += ` ORDER BY run_at, id LIMIT ?` + t.d.skipLocked
		args = append(args, c.Limit)
		rows, err := t.query(ctx, `UPDATE jobs SET claimed_by = ?, lease_until = ?, state = ?, attempts = attempts + 1
			WHERE id IN (`+inner+`) RETURNING `+jobColumns, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim jobs for %s: %w", c.Worker, err)
	}
	// RETURNING keeps no order: give them oldest first, as claimed.
	sort.Slice(out, func(i, j int) bool {
		if !out[i].RunAt.Equal(out[j].RunAt) {
			return out[i].RunAt.Before(out[j].RunAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// held runs an update of a job the worker must still hold.
func (t *tx) held(ctx context.Context, id int64, worker, set string, args ...any) error {
	args = append(args, id, worker, string(catalogue.JobRunning))
	res, err := t.exec(ctx, `UPDATE jobs SET `+set+` WHERE id = ? AND claimed_by = ? AND state = ?`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return catalogue.ErrLeaseLost
	}
	return nil
}

// CompleteJob implements catalogue.JobQueue.
func (s *Store) CompleteJob(ctx context.Context, id int64, worker string) error {
	err := s.txn(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM jobs WHERE id = ? AND claimed_by = ? AND state = ?`, id, worker, string(catalogue.JobRunning))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return catalogue.ErrLeaseLost
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("complete job %d: %w", id, err)
	}
	return nil
}

// FailJob implements catalogue.JobQueue.
func (s *Store) FailJob(ctx context.Context, id int64, worker, msg string, retryAt time.Time) error {
	if len(msg) > 2000 {
		msg = msg[:2000]
	}
	err := s.txn(ctx, func(t *tx) error {
		return t.held(ctx, id, worker, `state = CASE WHEN attempts >= max_attempts THEN ? ELSE ? END, last_error = ?, run_at = ?, claimed_by = '', lease_until = NULL`,
			string(catalogue.JobDead), string(catalogue.JobPending), msg, dbTime(retryAt))
	})
	if err != nil {
		return fmt.Errorf("fail job %d: %w", id, err)
	}
	return nil
}

// ReleaseJob implements catalogue.JobQueue.
func (s *Store) ReleaseJob(ctx context.Context, id int64, worker string, runAt time.Time) error {
	err := s.txn(ctx, func(t *tx) error {
		return t.held(ctx, id, worker, `state = ?, attempts = attempts - 1, run_at = ?, claimed_by = '', lease_until = NULL`,
			string(catalogue.JobPending), dbTime(runAt))
	})
	if err != nil {
		return fmt.Errorf("release job %d: %w", id, err)
	}
	return nil
}

// ExtendJob implements catalogue.JobQueue.
func (s *Store) ExtendJob(ctx context.Context, id int64, worker string, lease time.Duration) error {
	err := s.txn(ctx, func(t *tx) error {
		return t.held(ctx, id, worker, `lease_until = ?`, dbTime(t.now.Add(lease)))
	})
	if err != nil {
		return fmt.Errorf("extend job %d: %w", id, err)
	}
	return nil
}

// Jobs implements catalogue.JobQueue.
func (s *Store) Jobs(ctx context.Context, group string, state catalogue.JobState, limit int) ([]catalogue.Job, error) {
	var where []string
	var args []any
	if group != "" {
		where = append(where, `grp = ?`)
		args = append(args, group)
	}
	if state != "" {
		where = append(where, `state = ?`)
		args = append(args, string(state))
	}
	q := `SELECT ` + jobColumns + ` FROM jobs`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := s.query(ctx, q+` ORDER BY id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var out []catalogue.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// CountJobs implements catalogue.JobQueue.
func (s *Store) CountJobs(ctx context.Context, group string) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE grp = ? AND state <> ?`, group, string(catalogue.JobDead)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count jobs of %s: %w", group, err)
	}
	return n, nil
}

// dbTime is how every time is written: UTC, to the microsecond, so that SQLite's
// text timestamps compare in time order.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
