package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// HostLimiter returns the per-host limiter of this store: on PostgreSQL it is
// kept in the database, so that every worker on it shares the limits; on SQLite,
// where one process does all the work, it is kept in memory. Both count by the
// database's clock (PostgreSQL) or the process's (SQLite), never by a mix of
// machines' clocks.
func (s *Store) HostLimiter(l catalogue.HostLimits) catalogue.HostLimiter {
	l = l.WithDefaults()
	if s.d.name != postgresDialect.name {
		return catalogue.NewLocalHostLimiter(l)
	}
	return &pgHostLimiter{s: s, limits: l}
}

// pgHostLimiter keeps the limits in the host_limits and host_slots tables.
type pgHostLimiter struct {
	s      *Store
	limits catalogue.HostLimits
}

// dbNow is the statement's time by the database's clock, in seconds since 1970:
// one value per statement, so that a bucket's refill is counted once.
const dbNow = `EXTRACT(EPOCH FROM statement_timestamp())::double precision`

// ensureHost makes host's row, with a full bucket, when it has none.
const ensureHost = `INSERT INTO host_limits (host, tokens, refilled_at) VALUES (?, ?, ` + dbNow + `) ON CONFLICT (host) DO NOTHING`

// TryAcquire implements catalogue.HostLimiter. The host's row is locked while its
// slots are counted, so two workers never both take the last one.
func (l *pgHostLimiter) TryAcquire(ctx context.Context, host, holder string) (bool, error) {
	ok := false
	err := l.s.txn(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, ensureHost, host, float64(l.limits.Burst)); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `SELECT host FROM host_limits WHERE host = ? FOR UPDATE`, host); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM host_slots WHERE host = ? AND lease_until <= clock_timestamp()`, host); err != nil {
			return err
		}
		var held int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM host_slots WHERE host = ? AND holder <> ?`, host, holder).Scan(&held); err != nil {
			return err
		}
		if held >= l.limits.Concurrency {
			return nil
		}
		ok = true
		_, err := t.exec(ctx, `INSERT INTO host_slots (host, holder, lease_until)
			VALUES (?, ?, clock_timestamp() + make_interval(secs => ?))
			ON CONFLICT (host, holder) DO UPDATE SET lease_until = excluded.lease_until`, host, holder, l.limits.Lease.Seconds())
		return err
	})
	if err != nil {
		return false, fmt.Errorf("take a slot of %s: %w", host, err)
	}
	return ok, nil
}

// Extend implements catalogue.HostLimiter; a slot whose lease ran out is not
// taken back (another job may hold it now).
func (l *pgHostLimiter) Extend(ctx context.Context, host, holder string) error {
	_, err := l.s.db.ExecContext(ctx, l.s.d.rebind(`UPDATE host_slots SET lease_until = clock_timestamp() + make_interval(secs => ?)
		WHERE host = ? AND holder = ? AND lease_until > clock_timestamp()`), l.limits.Lease.Seconds(), host, holder)
	if err != nil {
		return fmt.Errorf("renew a slot of %s: %w", host, err)
	}
	return nil
}

// Release implements catalogue.HostLimiter.
func (l *pgHostLimiter) Release(ctx context.Context, host, holder string) error {
	if _, err := l.s.db.ExecContext(ctx, l.s.d.rebind(`DELETE FROM host_slots WHERE host = ? AND holder = ?`), host, holder); err != nil {
		return fmt.Errorf("release a slot of %s: %w", host, err)
	}
	return nil
}

// takeToken is the token bucket in one statement: the row's lock orders the
// takers, the refill counts the time since the last one (never backwards), and
// granted says whether a whole token was there to take.
const takeToken = `INSERT INTO host_limits AS h (host, tokens, refilled_at, granted)
	VALUES ($1, $2::double precision - 1, ` + dbNow + `, 1)
	ON CONFLICT (host) DO UPDATE SET
		tokens = LEAST($2::double precision, h.tokens + GREATEST(0, ` + dbNow + ` - h.refilled_at) * $3::double precision)
			- CASE WHEN LEAST($2::double precision, h.tokens + GREATEST(0, ` + dbNow + ` - h.refilled_at) * $3::double precision) >= 1 THEN 1 ELSE 0 END,
		granted = CASE WHEN LEAST($2::double precision, h.tokens + GREATEST(0, ` + dbNow + ` - h.refilled_at) * $3::double precision) >= 1 THEN 1 ELSE 0 END,
		refilled_at = GREATEST(h.refilled_at, ` + dbNow + `)
	RETURNING granted, tokens`

// Take implements catalogue.HostLimiter.
func (l *pgHostLimiter) Take(ctx context.Context, host string) (time.Duration, error) {
	if l.limits.Rate == 0 {
		return 0, nil
	}
	var (
		granted int
		tokens  float64
	)
	if err := l.s.db.QueryRowContext(ctx, takeToken, host, float64(l.limits.Burst), l.limits.Rate).Scan(&granted, &tokens); err != nil {
		return 0, fmt.Errorf("take a request token of %s: %w", host, err)
	}
	if granted == 1 {
		return 0, nil
	}
	return time.Duration((1 - tokens) / l.limits.Rate * float64(time.Second)), nil
}

// NoteWait implements catalogue.HostLimiter.
func (l *pgHostLimiter) NoteWait(ctx context.Context, host string) error {
	_, err := l.s.db.ExecContext(ctx, `INSERT INTO host_limits AS h (host, tokens, refilled_at, rate_limit_waits)
		VALUES ($1, $2, `+dbNow+`, 1)
		ON CONFLICT (host) DO UPDATE SET rate_limit_waits = h.rate_limit_waits + 1`, host, float64(l.limits.Burst))
	if err != nil {
		return fmt.Errorf("count a rate-limit wait of %s: %w", host, err)
	}
	return nil
}

// NoteError implements catalogue.HostLimiter.
func (l *pgHostLimiter) NoteError(ctx context.Context, host, msg string) error {
	_, err := l.s.db.ExecContext(ctx, `INSERT INTO host_limits AS h (host, tokens, refilled_at, last_error, last_error_at)
		VALUES ($1, $2, `+dbNow+`, $3, clock_timestamp())
		ON CONFLICT (host) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
		host, float64(l.limits.Burst), catalogue.TrimError(msg))
	if err != nil {
		return fmt.Errorf("keep the last error of %s: %w", host, err)
	}
	return nil
}

// Hosts implements catalogue.HostLimiter.
func (l *pgHostLimiter) Hosts(ctx context.Context) ([]catalogue.HostStatus, error) {
	rows, err := l.s.db.QueryContext(ctx, `SELECT h.host,
		(SELECT COUNT(*) FROM host_slots s WHERE s.host = h.host AND s.lease_until > clock_timestamp()),
		h.rate_limit_waits, h.last_error, h.last_error_at
		FROM host_limits h ORDER BY h.host`)
	if err != nil {
		return nil, fmt.Errorf("hosts: %w", err)
	}
	defer rows.Close()
	var out []catalogue.HostStatus
	for rows.Next() {
		var st catalogue.HostStatus
		var at sql.NullTime
		if err := rows.Scan(&st.Host, &st.InFlight, &st.RateLimitWaits, &st.LastError, &at); err != nil {
			return nil, fmt.Errorf("hosts: %w", err)
		}
		if at.Valid {
			t := at.Time.UTC()
			st.LastErrorAt = &t
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
