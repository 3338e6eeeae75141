package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
)

// SetRepositoryFiles records the publiccode files a crawl found in the
// repository at repoURL, and returns those recorded before.
func (s *Store) SetRepositoryFiles(ctx context.Context, repoURL string, files []catalogue.RepoFile) ([]catalogue.RepoFile, error) {
	canonical, err := catalogue.CanonicalURL(repoURL)
	if err != nil {
		return nil, err
	}
	var prev []catalogue.RepoFile
	err = s.txn(ctx, func(t *tx) error {
		var id int64
		if err := t.queryRow(ctx, `SELECT id FROM repositories WHERE canonical_url = ?`, canonical).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("repository %s: %w", repoURL, catalogue.ErrNotFound)
			}
			return err
		}
		var err error
		if prev, err = repositoryFiles(ctx, t.Tx, t.d, id); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM repository_files WHERE repository_id = ?`, id); err != nil {
			return err
		}
		for _, f := range files {
			if _, err := t.exec(ctx, `INSERT INTO repository_files (repository_id, path, entry_url, outcome, reason) VALUES (?, ?, ?, ?, ?)`,
				id, f.Path, f.Entry, string(f.Outcome), f.Reason); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record the publiccode files of %s: %w", repoURL, err)
	}
	return prev, nil
}

// RepositoryFiles returns the publiccode files found in each of the
// repositories at urls, by the URL given.
func (s *Store) RepositoryFiles(ctx context.Context, urls []string) (map[string][]catalogue.RepoFile, error) {
	out := map[string][]catalogue.RepoFile{}
	for _, u := range urls {
		canonical, err := catalogue.CanonicalURL(u)
		if err != nil {
			continue
		}
		var id int64
		err = s.queryRow(ctx, `SELECT id FROM repositories WHERE canonical_url = ?`, canonical).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("publiccode files of %s: %w", u, err)
		}
		files, err := repositoryFiles(ctx, s.db, s.d, id)
		if err != nil {
			return nil, fmt.Errorf("publiccode files of %s: %w", u, err)
		}
		if len(files) > 0 {
			out[u] = files
		}
	}
	return out, nil
}

// AppParent returns the URL of the repository whose subfolder file the entry at
// entryURL carries, or false when it is no app of a repository.
func (s *Store) AppParent(ctx context.Context, entryURL string) (string, bool, error) {
	canonical, err := catalogue.CanonicalURL(entryURL)
	if err != nil {
		return "", false, nil
	}
	var parent string
	err = s.queryRow(ctx, `SELECT r.url FROM repository_files f JOIN repositories r ON r.id = f.repository_id
		WHERE f.entry_url = ? AND r.canonical_url <> ? ORDER BY r.id LIMIT 1`, canonical, canonical).Scan(&parent)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("repository of the app %s: %w", entryURL, err)
	}
	return parent, true, nil
}

func repositoryFiles(ctx context.Context, q querier, d dialect, id int64) ([]catalogue.RepoFile, error) {
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT path, entry_url, outcome, reason FROM repository_files WHERE repository_id = ?
		ORDER BY (LENGTH(path) - LENGTH(REPLACE(path, '/', ''))), path`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalogue.RepoFile
	for rows.Next() {
		var f catalogue.RepoFile
		var outcome string
		if err := rows.Scan(&f.Path, &f.Entry, &outcome, &f.Reason); err != nil {
			return nil, err
		}
		f.Outcome = catalogue.RepoStatus(outcome)
		out = append(out, f)
	}
	return out, rows.Err()
}
