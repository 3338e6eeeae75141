// Package sqlstore keeps the catalogue in SQL: SQLite (a pure-Go driver, WAL) in the
// data directory by default, or PostgreSQL for several machines. One implementation
// serves both; their differences are in dialect.go.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"               // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/oscat-eu/oscat/catalogue"
)

// Config selects the database.
type Config struct {
	// DataDir holds the SQLite file (oscat.db) when PostgresDSN is empty.
	DataDir string
	// PostgresDSN, when set, selects PostgreSQL.
	PostgresDSN string
	// BusyTimeout is how long a SQLite writer waits for another (default 10 s).
	BusyTimeout time.Duration
}

// Store is the catalogue.Store on a SQL database.
type Store struct {
	db *sql.DB
	d  dialect
	// dirLock is the shared lock on a SQLite data directory (see LockDataDir).
	dirLock *os.File
	// now is the clock; tests may replace it.
	now func() time.Time
}

var _ catalogue.Store = (*Store)(nil)

// Open connects to the database and applies pending migrations. It fails with
// ErrSchemaTooNew when a newer oscat has migrated the database further.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s, err := openRaw(cfg)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := s.ping(pingCtx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to %s: %w", s.d.name, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ping makes the first connection. On SQLite that connection switches a new
// file to WAL, which needs the file to itself: a second process opening it at
// the same moment gets SQLITE_BUSY at once, without its busy handler being
// called, so that is retried until ctx ends.
func (s *Store) ping(ctx context.Context) error {
	for {
		err := s.db.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// openRaw opens the database without touching it.
func openRaw(cfg Config) (*Store, error) {
	var (
		db  *sql.DB
		d   dialect
		err error
	)
	if cfg.PostgresDSN != "" {
		d = postgresDialect
		db, err = sql.Open("pgx", cfg.PostgresDSN)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// database/sql keeps only 2 idle connections by default: under load the
		// rest would be closed after each query and a new PostgreSQL backend
		// forked for the next one.
		db.SetMaxOpenConns(16)
		db.SetMaxIdleConns(16)
		db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		d = sqliteDialect
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		busy := cfg.BusyTimeout
		if busy <= 0 {
			busy = 10 * time.Second
		}
		q := url.Values{}
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
		q.Add("_pragma", "foreign_keys(ON)")
		q.Add("_pragma", "synchronous(NORMAL)")
		lock, err := lockDataDir(cfg.DataDir, false)
		if err != nil {
			return nil, fmt.Errorf("open sqlite in %s: %w (a restore is under way; wait for it to end)", cfg.DataDir, err)
		}
		path := filepath.Join(cfg.DataDir, "oscat.db")
		db, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			unlockDataDir(lock)
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
		return &Store{db: db, d: d, dirLock: lock, now: utcNow}, nil
	}
	return &Store{db: db, d: d, now: utcNow}, nil
}

func utcNow() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Close releases the database.
func (s *Store) Close() error {
	err := s.db.Close()
	unlockDataDir(s.dirLock)
	s.dirLock = nil
	return err
}

// Dialect names the database in use ("sqlite" or "postgres").
func (s *Store) Dialect() string { return s.d.name }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// tx is a transaction that rebinds placeholders for the dialect.
type tx struct {
	*sql.Tx
	d   dialect
	now time.Time
}

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.QueryContext(ctx, t.d.rebind(q), args...)
}

func (t *tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.QueryRowContext(ctx, t.d.rebind(q), args...)
}

// appendChange writes one change-log entry inside the transaction.
func (t *tx) appendChange(ctx context.Context, typ catalogue.ChangeType, op catalogue.ChangeOp, id string) error {
	_, err := t.exec(ctx, `INSERT INTO changes (type, op, entity_id, at) VALUES (?, ?, ?, ?)`, string(typ), string(op), id, t.now)
	if err != nil {
		return fmt.Errorf("append change %s %s: %w", typ, id, err)
	}
	return nil
}

// write runs fn in one transaction that may append to the change log. Writers are
// serialised (SQLite: IMMEDIATE transactions; PostgreSQL: an advisory lock), so
// change-log sequence numbers commit in order.
func (s *Store) write(ctx context.Context, fn func(*tx) error) error {
	return s.writeWith(ctx, s.db, fn)
}

// beginner is a *sql.DB or one *sql.Conn of it.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// writeWith is write on a given connection (migrations hold one for their lock).
func (s *Store) writeWith(ctx context.Context, b beginner, fn func(*tx) error) error {
	sqlTx, err := b.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &tx{Tx: sqlTx, d: s.d, now: s.now()}
	if s.d.lockChangeLog != "" {
		if _, err := t.ExecContext(ctx, s.d.lockChangeLog); err != nil {
			_ = sqlTx.Rollback()
			return fmt.Errorf("lock change log: %w", err)
		}
	}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, s.d.rebind(q), args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.d.rebind(q), args...)
}
