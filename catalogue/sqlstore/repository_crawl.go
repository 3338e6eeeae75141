package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
)

// Repository is for the crawler (crawler.Catalogue).
func (s *Store) Repository(ctx context.Context, rawURL string) (catalogue.Repository, error) {
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return catalogue.Repository{}, err
	}
	repo, err := scanRepository(s.queryRow(ctx, `SELECT `+repositoryColumns+` FROM repositories r WHERE r.canonical_url = ?`, canonical))
	if errors.Is(err, sql.ErrNoRows) {
		return repo, fmt.Errorf("repository %s: %w", rawURL, catalogue.ErrNotFound)
	}
	if err != nil {
		return repo, fmt.Errorf("repository %s: %w", rawURL, err)
	}
	list := []catalogue.Repository{repo}
	if err := s.fillRepositoryPublishers(ctx, list); err != nil {
		return repo, err
	}
	return list[0], nil
}

// ListRepository is for the crawler (crawler.Catalogue).
func (s *Store) ListRepository(ctx context.Context, run int64, publisherID string, d catalogue.Discovered) (bool, error) {
	canonical, err := catalogue.CanonicalURL(d.URL)
	if err != nil {
		return false, fmt.Errorf("list repository %s: %w", d.URL, err)
	}
	listed := false
	err = s.write(ctx, func(t *tx) error {
		if blocked, err := t.blocked(ctx, canonical); err != nil || blocked {
			return err
		}
		id, err := t.ensureRepository(ctx, d.URL, canonical)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO repository_publishers (repository_id, publisher_id) VALUES (?, ?)
			ON CONFLICT (repository_id, publisher_id) DO NOTHING`, id, publisherID); err != nil {
			return err
		}
		listed = true
		if !d.FromForge {
			_, err = t.exec(ctx, `UPDATE repositories SET listed_run = CASE WHEN listed_run > ? THEN listed_run ELSE ? END WHERE id = ?`, run, run, id)
			return err
		}
		// A listing outside any run ("crawl now", run 0) keeps the run that last saw it.
		if _, err = t.exec(ctx, `UPDATE repositories SET listed_run = CASE WHEN listed_run > ? THEN listed_run ELSE ? END, archived = ?, forge_fork = ?, upstream = ? WHERE id = ?`,
			run, run, d.Archived, d.Fork, d.Upstream, id); err != nil {
			return err
		}
		return t.keepForgeListing(ctx, id, d)
	})
	if err != nil {
		return false, fmt.Errorf("list repository %s for %s: %w", d.URL, publisherID, err)
	}
	return listed, nil
}

// RepositoryHistory implements catalogue.Store.
func (s *Store) RepositoryHistory(ctx context.Context, rawURL string) ([]catalogue.RepoCrawl, error) {
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT c.run_id, c.at, c.status, c.reason, c.head, c.errors, c.warnings FROM crawl_results c
		JOIN repositories r ON r.id = c.repository_id WHERE r.canonical_url = ? ORDER BY c.run_id DESC LIMIT ?`, canonical, catalogue.HistoryLength)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", rawURL, err)
	}
	defer rows.Close()
	out := []catalogue.RepoCrawl{}
	for rows.Next() {
		var c catalogue.RepoCrawl
		var at sql.NullTime
		var status string
		if err := rows.Scan(&c.RunID, &at, &status, &c.Reason, &c.Head, &c.Errors, &c.Warnings); err != nil {
			return nil, fmt.Errorf("history of %s: %w", rawURL, err)
		}
		c.Status = catalogue.RepoStatus(status)
		if at.Valid {
			c.At = at.Time.UTC()
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Crawled is for the crawler (crawler.Catalogue).
func (s *Store) Crawled(ctx context.Context, run int64, rawURL string) (bool, error) {
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return false, err
	}
	var n int
	err = s.queryRow(ctx, `SELECT COUNT(*) FROM crawl_results c JOIN repositories r ON r.id = c.repository_id
		WHERE c.run_id = ? AND r.canonical_url = ?`, run, canonical).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("crawled %s in run %d: %w", rawURL, run, err)
	}
	return n > 0, nil
}

// ForgePage is for the crawler (crawler.Catalogue).
func (s *Store) ForgePage(ctx context.Context, url string) (string, []byte, bool, error) {
	var etag, body string
	err := s.queryRow(ctx, `SELECT etag, body FROM forge_pages WHERE url = ?`, url).Scan(&etag, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, fmt.Errorf("forge page %s: %w", url, err)
	}
	return etag, []byte(body), true, nil
}

// PutForgePage is for the crawler (crawler.Catalogue).
func (s *Store) PutForgePage(ctx context.Context, url, etag string, body []byte) error {
	err := s.txn(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO forge_pages (url, etag, body, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, body = excluded.body, updated_at = excluded.updated_at`, url, etag, string(body), t.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("keep forge page %s: %w", url, err)
	}
	return nil
}

// Media implements catalogue.Store.
func (s *Store) Media(ctx context.Context, hash string) (catalogue.Media, error) {
	m := catalogue.Media{Hash: hash}
	err := s.queryRow(ctx, `SELECT content_type, data FROM media WHERE hash = ?`, hash).Scan(&m.ContentType, &m.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("media %s: %w", hash, catalogue.ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("media %s: %w", hash, err)
	}
	return m, nil
}
