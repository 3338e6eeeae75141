package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrNotSQLite is returned by BackupInto on PostgreSQL, which is backed up with
// its own tools (pg_dump).
var ErrNotSQLite = errors.New("only a SQLite catalogue is backed up by oscat; back up PostgreSQL with pg_dump")

// BackupInto writes a consistent copy of the SQLite catalogue to path, which must
// not exist, while other connections and processes go on reading and writing: it
// is one read transaction (VACUUM INTO), so the copy is the catalogue as of one
// moment, compacted.
func (s *Store) BackupInto(ctx context.Context, path string) error {
	if s.d.name != "sqlite" {
		return ErrNotSQLite
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("back up into %s: the file exists", path)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("back up into %s: %w", path, err)
	}
	return nil
}

// IntegrityCheck runs SQLite's integrity check and fails unless it answers ok.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.d.name != "sqlite" {
		return nil
	}
	var res string
	if err := s.db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// Contents counts what a catalogue holds, to tell an operator what a backup or a
// restore carried.
type Contents struct {
	Software     int   `json:"software"`
	Repositories int   `json:"repositories"`
	Publishers   int   `json:"publishers"`
	ChangeHead   int64 `json:"changeHead"`
}

// Contents counts the catalogue's software, repositories and publishers, and
// reads the change log's head.
func (s *Store) Contents(ctx context.Context) (Contents, error) {
	var c Contents
	err := s.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM software), (SELECT COUNT(*) FROM repositories), (SELECT COUNT(*) FROM publishers), (SELECT COALESCE(MAX(seq), 0) FROM changes)`).
		Scan(&c.Software, &c.Repositories, &c.Publishers, &c.ChangeHead)
	if err != nil {
		return Contents{}, fmt.Errorf("count the catalogue: %w", err)
	}
	return c, nil
}
