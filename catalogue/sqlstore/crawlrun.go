package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
)

// BeginCrawlRun is for the crawler (crawler.Catalogue). The check and the insert are one
// serialised write, so two processes starting a crawl at once share one run.
func (s *Store) BeginCrawlRun(ctx context.Context, trigger string) (catalogue.CrawlRun, bool, error) {
	var id int64
	started := false
	err := s.write(ctx, func(t *tx) error {
		err := t.queryRow(ctx, `SELECT id FROM crawl_runs WHERE finished_at IS NULL ORDER BY id LIMIT 1`).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		started = true
		return t.queryRow(ctx, `INSERT INTO crawl_runs (started_at, trigger_name) VALUES (?, ?) RETURNING id`, t.now, trigger).Scan(&id)
	})
	if err != nil {
		return catalogue.CrawlRun{}, false, fmt.Errorf("begin crawl run: %w", err)
	}
	run, err := s.CrawlRun(ctx, id)
	return run, started, err
}

// ActiveCrawlRun is for the crawler (crawler.Catalogue).
func (s *Store) ActiveCrawlRun(ctx context.Context) (catalogue.CrawlRun, error) {
	runs, err := s.crawlRuns(ctx, `WHERE finished_at IS NULL ORDER BY id LIMIT 1`)
	if err != nil {
		return catalogue.CrawlRun{}, err
	}
	if len(runs) == 0 {
		return catalogue.CrawlRun{}, fmt.Errorf("active crawl run: %w", catalogue.ErrNotFound)
	}
	return runs[0], nil
}

// CrawlRun is for the crawler (crawler.Catalogue).
func (s *Store) CrawlRun(ctx context.Context, id int64) (catalogue.CrawlRun, error) {
	runs, err := s.crawlRuns(ctx, `WHERE id = ?`, id)
	if err != nil {
		return catalogue.CrawlRun{}, err
	}
	if len(runs) == 0 {
		return catalogue.CrawlRun{}, fmt.Errorf("crawl run %d: %w", id, catalogue.ErrNotFound)
	}
	return runs[0], nil
}

// RecordHostingFailure is for the crawler (crawler.Catalogue).
func (s *Store) RecordHostingFailure(ctx context.Context, run int64, f catalogue.HostingFailure) error {
	err := s.txn(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO crawl_hosting_failures (run_id, publisher_id, url, error) VALUES (?, ?, ?, ?)
			ON CONFLICT (run_id, publisher_id, url) DO UPDATE SET error = excluded.error`, run, f.Publisher, f.URL, f.Error)
		return err
	})
	if err != nil {
		return fmt.Errorf("record hosting failure of %s: %w", f.URL, err)
	}
	return nil
}

// SweepUnlisted is for the crawler (crawler.Catalogue).
func (s *Store) SweepUnlisted(ctx context.Context, run int64, goneAfter int) (int, error) {
	rows, err := s.query(ctx, `SELECT r.url FROM repositories r
		WHERE r.listed_run < ? AND r.status NOT IN (?, ?)
		AND NOT EXISTS (SELECT 1 FROM crawl_results c WHERE c.run_id = ? AND c.repository_id = r.id)
		AND NOT EXISTS (SELECT 1 FROM blocklist b WHERE b.url = r.canonical_url)
		AND NOT EXISTS (SELECT 1 FROM repository_publishers rp JOIN crawl_hosting_failures f ON f.publisher_id = rp.publisher_id
			WHERE rp.repository_id = r.id AND f.run_id = ?)
		ORDER BY r.id`, run, string(catalogue.StatusGone), string(catalogue.StatusPending), run, run)
	if err != nil {
		return 0, fmt.Errorf("sweep run %d: %w", run, err)
	}
	var urls []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return 0, fmt.Errorf("sweep run %d: %w", run, err)
		}
		urls = append(urls, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("sweep run %d: %w", run, err)
	}
	for _, u := range urls {
		if _, err := s.ApplyCrawl(ctx, catalogue.CrawlResult{RunID: run, RepoURL: u, Outcome: catalogue.StatusFailed, GoneAfter: goneAfter,
			Reason: "no longer listed by any publisher's code hosting"}); err != nil {
			return 0, err
		}
	}
	return len(urls), nil
}

// freezeCounts keeps a finished run's counts with it, so that pruning old
// per-repository history never changes them.
func (t *tx) freezeCounts(ctx context.Context, id int64) error {
	rows, err := t.query(ctx, `SELECT status, COUNT(*), SUM(CASE WHEN listed THEN 1 ELSE 0 END) FROM crawl_results WHERE run_id = ? GROUP BY status`, id)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	listed := 0
	for rows.Next() {
		var status string
		var n, l int
		if err := rows.Scan(&status, &n, &l); err != nil {
			rows.Close()
			return err
		}
		counts[status] = n
		listed += l
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	b, _ := json.Marshal(counts)
	_, err = t.exec(ctx, `UPDATE crawl_runs SET counts = ?, listed = ? WHERE id = ?`, string(b), listed, id)
	return err
}

// hostingFailures loads the failures of the given runs.
func (s *Store) hostingFailures(ctx context.Context, ids []int64) (map[int64][]catalogue.HostingFailure, error) {
	out := map[int64][]catalogue.HostingFailure{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT run_id, publisher_id, url, error FROM crawl_hosting_failures WHERE run_id IN (`+placeholders(len(ids))+`)
		ORDER BY publisher_id, url`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("hosting failures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var f catalogue.HostingFailure
		if err := rows.Scan(&id, &f.Publisher, &f.URL, &f.Error); err != nil {
			return nil, fmt.Errorf("hosting failures: %w", err)
		}
		out[id] = append(out[id], f)
	}
	return out, rows.Err()
}
