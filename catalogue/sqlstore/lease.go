package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// AcquireLease takes or renews the lease name for holder until ttl from now,
// and reports whether holder has it: it has when no one held it, when holder
// held it already, or when the last holder's lease ran out (it died).
func (s *Store) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	held := false
	err := s.txn(ctx, func(t *tx) error {
		until := t.now.Add(ttl)
		res, err := t.exec(ctx, `INSERT INTO leases (name, holder, lease_until, acquired_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until,
			acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
			WHERE leases.holder = excluded.holder OR leases.lease_until < ?`,
			name, holder, until, t.now, t.now)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		held = n > 0
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("lease %s for %s: %w", name, holder, err)
	}
	return held, nil
}

// ReleaseLease gives the lease up, if holder has it, so that another node
// takes it at once (a node shutting down).
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	err := s.txn(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("release lease %s of %s: %w", name, holder, err)
	}
	return nil
}

// LeaseHolder names the holder of a lease that has not run out ("" when none).
func (s *Store) LeaseHolder(ctx context.Context, name string) (string, error) {
	var holder string
	rows, err := s.query(ctx, `SELECT holder FROM leases WHERE name = ? AND lease_until >= ?`, name, s.now())
	if err != nil {
		return "", fmt.Errorf("lease %s: %w", name, err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&holder); err != nil {
			return "", fmt.Errorf("lease %s: %w", name, err)
		}
	}
	return holder, rows.Err()
}

// PruneScheduledRuns forgets scheduled runs enqueued before a time: their
// scheduled times are long past, so no node computes them again.
func (s *Store) PruneScheduledRuns(ctx context.Context, before time.Time) error {
	err := s.txn(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM scheduled_runs WHERE enqueued_at < ?`, dbTime(before))
		return err
	})
	if err != nil {
		return fmt.Errorf("prune scheduled runs: %w", err)
	}
	return nil
}
