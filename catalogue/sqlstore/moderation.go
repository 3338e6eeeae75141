package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
)

var _ catalogue.Moderator = (*Store)(nil)

func (t *tx) blocked(ctx context.Context, canonical string) (bool, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM blocklist WHERE url = ?`, canonical).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

func needReason(reason string) error {
	if strings.TrimSpace(reason) == "" {
		return catalogue.Invalidf("give a reason: it is kept and shown to the publisher")
	}
	return nil
}

// setRepositoryHidden sets or clears a repository's hidden reason and takes its
// software out or lets the next crawl list it again.
func (t *tx) setRepositoryHidden(ctx context.Context, canonical, reason string) error {
	var id int64
	var sw sql.NullString
	err := t.queryRow(ctx, `SELECT id, software_id FROM repositories WHERE canonical_url = ?`, canonical).Scan(&id, &sw)
	if errors.Is(err, sql.ErrNoRows) {
		if reason == "" {
			return fmt.Errorf("repository %s: %w", canonical, catalogue.ErrNotFound)
		}
		return nil // blocking a URL not crawled yet
	}
	if err != nil {
		return err
	}
	if reason == "" {
		// The next crawl lists it again; clear the head so it is not skipped as unchanged.
		_, err := t.exec(ctx, `UPDATE repositories SET hidden_reason = '', head = '' WHERE id = ?`, id)
		return err
	}
	if _, err := t.exec(ctx, `UPDATE repositories SET hidden_reason = ?, software_id = NULL, role = '', status = ?, reason = ? WHERE id = ?`,
		reason, string(catalogue.StatusSkipped), "hidden by the operator: "+reason, id); err != nil {
		return err
	}
	if err := t.hideCode(ctx, id); err != nil {
		return err
	}
	return t.refreshSoftware(ctx, sw.String)
}

// HideRepository implements catalogue.Moderator.
func (s *Store) HideRepository(ctx context.Context, rawURL, reason string) error {
	if err := needReason(reason); err != nil {
		return err
	}
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM repositories WHERE canonical_url = ?`, canonical).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return catalogue.ErrNotFound
		}
		return t.setRepositoryHidden(ctx, canonical, reason)
	})
	if err != nil {
		return fmt.Errorf("hide repository %s: %w", rawURL, err)
	}
	return nil
}

// UnhideRepository implements catalogue.Moderator.
func (s *Store) UnhideRepository(ctx context.Context, rawURL string) error {
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return err
	}
	if err := s.write(ctx, func(t *tx) error { return t.setRepositoryHidden(ctx, canonical, "") }); err != nil {
		return fmt.Errorf("unhide repository %s: %w", rawURL, err)
	}
	return nil
}

// HideSoftware implements catalogue.Moderator.
func (s *Store) HideSoftware(ctx context.Context, id, reason string) error {
	if err := needReason(reason); err != nil {
		return err
	}
	return s.setSoftwareHidden(ctx, id, reason, catalogue.OpHide)
}

// UnhideSoftware implements catalogue.Moderator.
func (s *Store) UnhideSoftware(ctx context.Context, id string) error {
	return s.setSoftwareHidden(ctx, id, "", catalogue.OpUpsert)
}

func (s *Store) setSoftwareHidden(ctx context.Context, id, reason string, op catalogue.ChangeOp) error {
	err := s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE software SET hidden_reason = ?, updated_at = ? WHERE id = ?`, reason, t.now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return catalogue.ErrNotFound
		}
		return t.appendChange(ctx, catalogue.ChangeSoftware, op, id)
	})
	if err != nil {
		return fmt.Errorf("software %s: %w", id, err)
	}
	return nil
}

// Block implements catalogue.Moderator.
func (s *Store) Block(ctx context.Context, rawURL, reason string) error {
	if err := needReason(reason); err != nil {
		return err
	}
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `INSERT INTO blocklist (url, reason, created_at) VALUES (?, ?, ?)
			ON CONFLICT (url) DO UPDATE SET reason = excluded.reason`, canonical, reason, t.now); err != nil {
			return err
		}
		return t.setRepositoryHidden(ctx, canonical, "blocked: "+reason)
	})
	if err != nil {
		return fmt.Errorf("block %s: %w", rawURL, err)
	}
	return nil
}

// Unblock implements catalogue.Moderator.
func (s *Store) Unblock(ctx context.Context, rawURL string) error {
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM blocklist WHERE url = ?`, canonical)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return catalogue.ErrNotFound
		}
		err = t.setRepositoryHidden(ctx, canonical, "")
		if errors.Is(err, catalogue.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("unblock %s: %w", rawURL, err)
	}
	return nil
}

// Blocklist implements catalogue.Moderator.
func (s *Store) Blocklist(ctx context.Context) ([]catalogue.BlockedURL, error) {
	rows, err := s.query(ctx, `SELECT url, reason, created_at FROM blocklist ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("blocklist: %w", err)
	}
	defer rows.Close()
	var out []catalogue.BlockedURL
	for rows.Next() {
		var b catalogue.BlockedURL
		if err := rows.Scan(&b.URL, &b.Reason, &b.At); err != nil {
			return nil, fmt.Errorf("blocklist: %w", err)
		}
		b.At = b.At.UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}
