package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// deliveryRetention is how long a delivery's keys are kept against replays.
const deliveryRetention = 7 * 24 * time.Hour

// HookSecrets implements catalogue.HookSecrets.
func (s *Store) HookSecrets(ctx context.Context, a catalogue.Actor, publisher string) ([]catalogue.HookSecret, error) {
	var out []catalogue.HookSecret
	err := s.txn(ctx, func(t *tx) error {
		if _, err := t.publisher(ctx, publisher); err != nil {
			return err
		}
		if err := t.authorize(ctx, a, catalogue.ActSeeHookSecrets, publisher); err != nil {
			return err
		}
		rows, err := t.query(ctx, `SELECT url FROM code_hosting WHERE publisher_id = ? ORDER BY origin, url`, publisher)
		if err != nil {
			return err
		}
		var urls []string
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return err
			}
			urls = append(urls, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, u := range urls {
			h, err := t.hookSecret(ctx, publisher, u)
			if errors.Is(err, catalogue.ErrNotFound) {
				secret, _ := catalogue.NewSecret()
				h = catalogue.HookSecret{Publisher: publisher, HostingURL: u, Secret: secret, RotatedAt: t.now}
				_, err = t.exec(ctx, `INSERT INTO hook_secrets (publisher_id, hosting_url, secret, rotated_at) VALUES (?, ?, ?, ?)
					ON CONFLICT (publisher_id, hosting_url) DO NOTHING`, publisher, u, secret, t.now)
				if err == nil {
					h, err = t.hookSecret(ctx, publisher, u) // another process may have made it first
				}
			}
			if err != nil {
				return err
			}
			out = append(out, h)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("webhook secrets of %s: %w", publisher, err)
	}
	return out, nil
}

// RotateHookSecret implements catalogue.HookSecrets.
func (s *Store) RotateHookSecret(ctx context.Context, a catalogue.Actor, publisher, hostingURL string) (catalogue.HookSecret, error) {
	var h catalogue.HookSecret
	err := s.write(ctx, func(t *tx) error {
		if err := t.authorize(ctx, a, catalogue.ActRotateHookSecret, publisher); err != nil {
			return err
		}
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM code_hosting WHERE publisher_id = ? AND url = ?`, publisher, hostingURL).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("code hosting %s: %w", hostingURL, catalogue.ErrNotFound)
		}
		old, err := t.hookSecret(ctx, publisher, hostingURL)
		if errors.Is(err, catalogue.ErrNotFound) {
			old, err = catalogue.HookSecret{Publisher: publisher, HostingURL: hostingURL}, nil
		}
		if err != nil {
			return err
		}
		secret, _ := catalogue.NewSecret()
		h = old.Rotated(secret, t.now)
		var until any
		if h.Previous != "" {
			until = h.PreviousUntil
		}
		if _, err := t.exec(ctx, `INSERT INTO hook_secrets (publisher_id, hosting_url, secret, previous, previous_until, rotated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (publisher_id, hosting_url) DO UPDATE SET secret = excluded.secret, previous = excluded.previous,
			previous_until = excluded.previous_until, rotated_at = excluded.rotated_at`,
			publisher, hostingURL, h.Secret, h.Previous, until, t.now); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditHookSecretRotate, publisher, hostingURL, "")
	})
	if err != nil {
		return h, fmt.Errorf("rotate the webhook secret of %s for %s: %w", hostingURL, publisher, err)
	}
	return h, nil
}

func (t *tx) hookSecret(ctx context.Context, publisher, hostingURL string) (catalogue.HookSecret, error) {
	h := catalogue.HookSecret{Publisher: publisher, HostingURL: hostingURL}
	var until sql.NullTime
	err := t.queryRow(ctx, `SELECT secret, previous, previous_until, rotated_at FROM hook_secrets WHERE publisher_id = ? AND hosting_url = ?`,
		publisher, hostingURL).Scan(&h.Secret, &h.Previous, &until, &h.RotatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("webhook secret of %s: %w", hostingURL, catalogue.ErrNotFound)
	}
	if until.Valid {
		h.PreviousUntil = until.Time
	}
	return h, err
}

// HookTargets returns the code-hosting entries that cover any of urls (the
// entry's own repository, or a repository of its group, or the group itself),
// each with its webhook secret when one was made.
func (s *Store) HookTargets(ctx context.Context, urls []string) ([]catalogue.HookTarget, error) {
	var canon []string
	for _, u := range urls {
		if c, err := catalogue.CanonicalURL(u); err == nil {
			canon = append(canon, c)
		}
	}
	if len(canon) == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT h.publisher_id, h.url, h.grp, h.type, h.origin, h.verified,
		COALESCE(k.secret, ''), COALESCE(k.previous, ''), k.previous_until, k.rotated_at
		FROM code_hosting h LEFT JOIN hook_secrets k ON k.publisher_id = h.publisher_id AND k.hosting_url = h.url
		ORDER BY h.publisher_id, h.url`)
	if err != nil {
		return nil, fmt.Errorf("webhook targets of %v: %w", urls, err)
	}
	defer rows.Close()
	var out []catalogue.HookTarget
	for rows.Next() {
		var t catalogue.HookTarget
		var typ string
		var until, rotated sql.NullTime
		if err := rows.Scan(&t.Publisher, &t.Hosting.URL, &t.Hosting.Group, &typ, &t.Hosting.Origin, &t.Hosting.Verified,
			&t.Secret.Secret, &t.Secret.Previous, &until, &rotated); err != nil {
			return nil, fmt.Errorf("webhook targets: %w", err)
		}
		t.Hosting.Type = catalogue.HostingType(typ)
		t.Secret.Publisher, t.Secret.HostingURL = t.Publisher, t.Hosting.URL
		t.Secret.PreviousUntil, t.Secret.RotatedAt = until.Time, rotated.Time
		own, _ := catalogue.CanonicalURL(t.Hosting.URL)
		for _, c := range canon {
			if t.Hosting.Covers(c) || own == c {
				out = append(out, t)
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("webhook targets: %w", err)
	}
	return out, nil
}

// RecordDelivery notes a delivery by its keys (its forge's delivery ID, its
// body's hash) and reports false, recording nothing, when any of them was seen
// within the retention: the delivery is a replay. Older keys are forgotten.
func (s *Store) RecordDelivery(ctx context.Context, keys []string) (bool, error) {
	fresh := true
	err := s.txn(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM hook_deliveries WHERE received_at < ?`, t.now.Add(-deliveryRetention)); err != nil {
			return err
		}
		for _, k := range keys {
			res, err := t.exec(ctx, `INSERT INTO hook_deliveries (delivery_key, received_at) VALUES (?, ?) ON CONFLICT (delivery_key) DO NOTHING`, k, t.now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				fresh = false
			}
		}
		if !fresh {
			return errReplay // roll back: a replay records nothing
		}
		return nil
	})
	if errors.Is(err, errReplay) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record delivery: %w", err)
	}
	return true, nil
}

var errReplay = errors.New("replayed delivery")

// ForgetDelivery drops a delivery's keys (its processing failed: the forge's
// retry must be taken).
func (s *Store) ForgetDelivery(ctx context.Context, keys []string) error {
	for _, k := range keys {
		if _, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM hook_deliveries WHERE delivery_key = ?`), k); err != nil {
			return fmt.Errorf("forget delivery: %w", err)
		}
	}
	return nil
}
