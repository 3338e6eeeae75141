package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// QueueFigures counts the job queue by kind and state, for the operator's status.
func (s *Store) QueueFigures(ctx context.Context) (map[catalogue.JobKind]catalogue.QueueFigures, error) {
	rows, err := s.query(ctx, `SELECT kind, state, CASE WHEN last_error <> '' THEN 1 ELSE 0 END, COUNT(*)
		FROM jobs GROUP BY kind, state, CASE WHEN last_error <> '' THEN 1 ELSE 0 END`)
	if err != nil {
		return nil, fmt.Errorf("queue figures: %w", err)
	}
	defer rows.Close()
	out := map[catalogue.JobKind]catalogue.QueueFigures{}
	for rows.Next() {
		var (
			kind, state string
			failed, n   int
		)
		if err := rows.Scan(&kind, &state, &failed, &n); err != nil {
			return nil, fmt.Errorf("queue figures: %w", err)
		}
		f := out[catalogue.JobKind(kind)]
		switch catalogue.JobState(state) {
		case catalogue.JobPending:
			f.Pending += n
			if failed == 1 {
				f.Failed += n
			}
		case catalogue.JobRunning:
			f.Running += n
		case catalogue.JobDead:
			f.Dead += n
		}
		out[catalogue.JobKind(kind)] = f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("queue figures: %w", err)
	}
	rows.Close()
	return out, s.oldestPending(ctx, out)
}

// oldestPending fills in when each kind's longest-waiting job was enqueued. The
// time is read from the row itself (not from MIN(), whose type SQLite forgets).
func (s *Store) oldestPending(ctx context.Context, out map[catalogue.JobKind]catalogue.QueueFigures) error {
	rows, err := s.query(ctx, `SELECT j.kind, j.created_at FROM jobs j WHERE j.state = ?
		AND j.id = (SELECT o.id FROM jobs o WHERE o.kind = j.kind AND o.state = ? ORDER BY o.created_at, o.id LIMIT 1)`,
		string(catalogue.JobPending), string(catalogue.JobPending))
	if err != nil {
		return fmt.Errorf("oldest pending jobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind string
			at   time.Time
		)
		if err := rows.Scan(&kind, &at); err != nil {
			return fmt.Errorf("oldest pending jobs: %w", err)
		}
		f := out[catalogue.JobKind(kind)]
		at = at.UTC()
		f.OldestPendingAt = &at
		out[catalogue.JobKind(kind)] = f
	}
	return rows.Err()
}

// ChangeLogBounds reads the change log's head and how far it was pruned.
func (s *Store) ChangeLogBounds(ctx context.Context) (catalogue.ChangeLogBounds, error) {
	var b catalogue.ChangeLogBounds
	head, err := s.ChangeHead(ctx)
	if err != nil {
		return b, err
	}
	b.Head = head
	v, err := s.setting(ctx, settingPruned)
	if err != nil {
		return b, fmt.Errorf("change log bounds: %w", err)
	}
	if v != "" {
		if b.PrunedTo, err = strconv.ParseInt(v, 10, 64); err != nil {
			return b, fmt.Errorf("change log bounds: pruned mark %q: %w", v, err)
		}
	}
	return b, nil
}
