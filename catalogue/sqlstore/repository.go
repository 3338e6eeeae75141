package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/oscat-eu/oscat/catalogue"
)

// RegisterRepository implements catalogue.Store.
func (s *Store) RegisterRepository(ctx context.Context, publisherID, rawURL string) error {
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return fmt.Errorf("register repository %s: %w", rawURL, err)
	}
	return s.write(ctx, func(t *tx) error {
		id, err := t.ensureRepository(ctx, rawURL, canonical)
		if err != nil {
			return fmt.Errorf("register repository %s: %w", rawURL, err)
		}
		if _, err := t.exec(ctx, `INSERT INTO repository_publishers (repository_id, publisher_id) VALUES (?, ?)
			ON CONFLICT (repository_id, publisher_id) DO NOTHING`, id, publisherID); err != nil {
			return fmt.Errorf("register repository %s for %s: %w", rawURL, publisherID, err)
		}
		return nil
	})
}

func (t *tx) ensureRepository(ctx context.Context, rawURL, canonical string) (int64, error) {
	var id int64
	err := t.queryRow(ctx, `SELECT id FROM repositories WHERE canonical_url = ?`, canonical).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	err = t.queryRow(ctx, `INSERT INTO repositories (url, canonical_url, status, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		rawURL, canonical, string(catalogue.StatusPending), t.now).Scan(&id)
	return id, err
}

const repositoryColumns = `r.id, r.url, COALESCE(r.software_id, ''), r.role, r.status, r.reason, r.path, r.head, r.findings, r.raw,
	r.last_crawled_at, r.created_at, r.archived, r.forge_fork, r.upstream, r.failures, r.hidden_reason, r.root_commit, r.tags_digest,
	r.activity, r.media, r.bytes, r.read_at, COALESCE((SELECT s.hidden_reason FROM software s WHERE s.id = r.software_id), ''),
	COALESCE((SELECT c.version FROM code_entries c WHERE c.repository_id = r.id), 0), r.branch`

func scanRepository(r scanner) (catalogue.Repository, error) {
	var repo catalogue.Repository
	var role, status, findings, activity, media string
	var crawled, read sql.NullTime
	if err := r.Scan(&repo.ID, &repo.URL, &repo.SoftwareID, &role, &status, &repo.Reason, &repo.Path, &repo.Head, &findings, &repo.Raw,
		&crawled, &repo.CreatedAt, &repo.Archived, &repo.ForgeFork, &repo.Upstream, &repo.Failures, &repo.HiddenReason, &repo.RootCommit,
		&repo.TagsDigest, &activity, &media, &repo.Bytes, &read, &repo.SoftwareHiddenReason, &repo.CodeVersion, &repo.Branch); err != nil {
		return repo, err
	}
	if read.Valid {
		t := read.Time.UTC()
		repo.ReadAt = &t
	}
	repo.Role, repo.Status = catalogue.RepoRole(role), catalogue.RepoStatus(status)
	if err := json.Unmarshal([]byte(findings), &repo.Findings); err != nil {
		return repo, fmt.Errorf("repository %s: findings: %w", repo.URL, err)
	}
	if activity != "" {
		repo.Activity = &catalogue.Activity{}
		if err := json.Unmarshal([]byte(activity), repo.Activity); err != nil {
			return repo, fmt.Errorf("repository %s: activity: %w", repo.URL, err)
		}
	}
	if err := json.Unmarshal([]byte(media), &repo.Media); err != nil {
		return repo, fmt.Errorf("repository %s: media: %w", repo.URL, err)
	}
	if crawled.Valid {
		t := crawled.Time.UTC()
		repo.LastCrawledAt = &t
	}
	repo.CreatedAt = repo.CreatedAt.UTC()
	return repo, nil
}

// Repositories implements catalogue.Store: repositories by ID, the cursor being the
// last ID.
func (s *Store) Repositories(ctx context.Context, f catalogue.RepositoryFilter, page catalogue.Page) ([]catalogue.Repository, string, error) {
	size := pageSize(page.Size)
	after := int64(0)
	if page.After != "" {
		n, err := strconv.ParseInt(page.After, 10, 64)
		if err != nil {
			return nil, "", catalogue.Invalidf("cursor %q", page.After)
		}
		after = n
	}
	var where []string
	args := []any{after}
	if f.Publisher != "" {
		where = append(where, `r.id IN (SELECT repository_id FROM repository_publishers WHERE publisher_id = ?)`)
		args = append(args, f.Publisher)
	}
	if f.Status != "" {
		where = append(where, `r.status = ?`)
		args = append(args, string(f.Status))
	}
	if f.Software != "" {
		// Those carrying it and those whose file names it (forks, gone ones), as
		// a software entry lists them.
		where = append(where, `(r.software_id = ? OR r.software_url = (SELECT url FROM software WHERE id = ?))`)
		args = append(args, f.Software, f.Software)
	}
	if f.RootCommit != "" {
		where = append(where, `r.root_commit = ?`)
		args = append(args, f.RootCommit)
	}
	q := `SELECT ` + repositoryColumns + ` FROM repositories r WHERE r.id > ?`
	for _, w := range where {
		q += " AND " + w
	}
	q += ` ORDER BY r.id LIMIT ?`
	args = append(args, size+1)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("list repositories: %w", err)
	}
	var out []catalogue.Repository
	for rows.Next() {
		r, err := scanRepository(rows)
		if err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("list repositories: %w", err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list repositories: %w", err)
	}
	next := ""
	if len(out) > size {
		out = out[:size]
		next = strconv.FormatInt(out[size-1].ID, 10)
	}
	if err := s.fillRepositoryPublishers(ctx, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

func (s *Store) fillRepositoryPublishers(ctx context.Context, repos []catalogue.Repository) error {
	if len(repos) == 0 {
		return nil
	}
	ids := make([]int64, len(repos))
	for i, r := range repos {
		ids[i] = r.ID
	}
	pubs, err := repositoryPublishers(ctx, s.db, s.d, ids)
	if err != nil {
		return err
	}
	for i := range repos {
		repos[i].Publishers = nonNil(pubs[repos[i].ID])
	}
	return nil
}

func repositoryPublishers(ctx context.Context, q querier, d dialect, ids []int64) (map[int64][]string, error) {
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT repository_id, publisher_id FROM repository_publishers WHERE repository_id IN (`+placeholders(len(ids))+`) ORDER BY publisher_id`), anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("repository publishers: %w", err)
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var pub string
		if err := rows.Scan(&id, &pub); err != nil {
			return nil, fmt.Errorf("repository publishers: %w", err)
		}
		out[id] = append(out[id], pub)
	}
	return out, rows.Err()
}

// StartCrawlRun implements catalogue.Store.
func (s *Store) StartCrawlRun(ctx context.Context) (catalogue.CrawlRun, error) {
	run := catalogue.CrawlRun{Counts: map[catalogue.RepoStatus]int{}}
	err := s.write(ctx, func(t *tx) error {
		run.StartedAt = t.now
		return t.queryRow(ctx, `INSERT INTO crawl_runs (started_at) VALUES (?) RETURNING id`, t.now).Scan(&run.ID)
	})
	if err != nil {
		return run, fmt.Errorf("start crawl run: %w", err)
	}
	return run, nil
}

// FinishCrawlRun implements catalogue.Store.
func (s *Store) FinishCrawlRun(ctx context.Context, id int64) (catalogue.CrawlRun, error) {
	err := s.write(ctx, func(t *tx) error {
		if err := t.freezeCounts(ctx, id); err != nil {
			return err
		}
		_, err := t.exec(ctx, `UPDATE crawl_runs SET finished_at = ? WHERE id = ? AND finished_at IS NULL`, t.now, id)
		return err
	})
	if err != nil {
		return catalogue.CrawlRun{}, fmt.Errorf("finish crawl run %d: %w", id, err)
	}
	runs, err := s.crawlRuns(ctx, `WHERE id = ?`, id)
	if err != nil {
		return catalogue.CrawlRun{}, err
	}
	if len(runs) == 0 {
		return catalogue.CrawlRun{}, fmt.Errorf("crawl run %d: %w", id, catalogue.ErrNotFound)
	}
	return runs[0], nil
}

// CrawlRuns implements catalogue.Store: the newest runs first.
func (s *Store) CrawlRuns(ctx context.Context, page catalogue.Page) ([]catalogue.CrawlRun, string, error) {
	size := pageSize(page.Size)
	before := int64(1<<62 - 1)
	if page.After != "" {
		n, err := strconv.ParseInt(page.After, 10, 64)
		if err != nil {
			return nil, "", catalogue.Invalidf("cursor %q", page.After)
		}
		before = n
	}
	runs, err := s.crawlRuns(ctx, `WHERE id < ? ORDER BY id DESC LIMIT ?`, before, size+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(runs) > size {
		runs = runs[:size]
		next = strconv.FormatInt(runs[size-1].ID, 10)
	}
	return runs, next, nil
}

func (s *Store) crawlRuns(ctx context.Context, where string, args ...any) ([]catalogue.CrawlRun, error) {
	rows, err := s.query(ctx, `SELECT id, started_at, finished_at, trigger_name, counts, listed FROM crawl_runs `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("crawl runs: %w", err)
	}
	var runs []catalogue.CrawlRun
	frozen := map[int64]bool{}
	for rows.Next() {
		var r catalogue.CrawlRun
		var fin sql.NullTime
		var counts string
		if err := rows.Scan(&r.ID, &r.StartedAt, &fin, &r.Trigger, &counts, &r.Listed); err != nil {
			rows.Close()
			return nil, fmt.Errorf("crawl runs: %w", err)
		}
		r.StartedAt = r.StartedAt.UTC()
		if fin.Valid {
			t := fin.Time.UTC()
			r.FinishedAt = &t
		}
		r.Counts = map[catalogue.RepoStatus]int{}
		if counts != "" && fin.Valid {
			frozen[r.ID] = true
			if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
				rows.Close()
				return nil, fmt.Errorf("crawl run %d counts: %w", r.ID, err)
			}
		} else {
			r.Listed = 0
		}
		runs = append(runs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("crawl runs: %w", err)
	}
	if len(runs) == 0 {
		return runs, nil
	}
	var ids []int64
	index := map[int64]int{}
	all := make([]int64, len(runs))
	for i, r := range runs {
		all[i] = r.ID
		index[r.ID] = i
		if !frozen[r.ID] {
			ids = append(ids, r.ID)
		}
	}
	failures, err := s.hostingFailures(ctx, all)
	if err != nil {
		return nil, err
	}
	for id, f := range failures {
		runs[index[id]].HostingFailures = f
	}
	if len(ids) == 0 {
		return runs, nil
	}
	crows, err := s.query(ctx, `SELECT run_id, status, COUNT(*), SUM(CASE WHEN listed THEN 1 ELSE 0 END) FROM crawl_results
		WHERE run_id IN (`+placeholders(len(ids))+`) GROUP BY run_id, status`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("crawl run counts: %w", err)
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var status string
		var n, listed int
		if err := crows.Scan(&id, &status, &n, &listed); err != nil {
			return nil, fmt.Errorf("crawl run counts: %w", err)
		}
		runs[index[id]].Counts[catalogue.RepoStatus(status)] = n
		runs[index[id]].Listed += listed
	}
	return runs, crows.Err()
}
