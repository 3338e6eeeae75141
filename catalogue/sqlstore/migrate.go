package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLockKey is the PostgreSQL advisory lock held, on one connection, for a
// whole migration run; its second half is the schema's hash, so catalogues in two
// schemas of one database do not wait for each other.
const migrationLockKey = 4242_0002

// migrationLockWait bounds how long a node waits for another node's migrations.
const migrationLockWait = 10 * time.Minute

// ErrSchemaTooNew is returned by Open when the database holds migrations this
// binary does not know: a newer oscat has upgraded it.
var ErrSchemaTooNew = errors.New("the database schema is newer than this oscat")

// migration is one embedded migration file.
type migration struct {
	version int
	name    string
	body    string
}

// knownMigrations lists the embedded migrations in version order.
func knownMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	var out []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with its number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", base, err)
		}
		out = append(out, migration{version: version, name: base, body: string(body)})
	}
	return out, nil
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	known, err := knownMigrations()
	if err != nil || len(known) == 0 {
		return 0
	}
	return known[len(known)-1].version
}

// migrate applies, in order, the embedded migrations the database has not seen.
// Each runs in its own transaction with its version recorded. On PostgreSQL the
// whole run holds an advisory lock on one connection, so nodes starting together
// migrate one after the other and each migration is applied once. A database that
// holds a migration this binary does not know is refused before anything changes.
func (s *Store) migrate(ctx context.Context) (err error) {
	known, err := knownMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if s.d.name == "postgres" {
		lockCtx, cancel := context.WithTimeout(ctx, migrationLockWait)
		_, err := conn.ExecContext(lockCtx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, migrationLockKey)
		cancel()
		if err != nil {
			return fmt.Errorf("migrate: wait for another node's migrations (advisory lock %d): %w", migrationLockKey, err)
		}
		defer func() {
			// A fresh context: the lock must be released even when ctx ended, or the
			// connection goes back to the pool still holding it.
			unlockCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if _, uerr := conn.ExecContext(unlockCtx, `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, migrationLockKey); uerr != nil {
				_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // drop the connection, and the lock with it
				if err == nil {
					err = fmt.Errorf("migrate: release the advisory lock: %w", uerr)
				}
			}
		}()
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := s.refuseUnknown(ctx, conn, known); err != nil {
		return err
	}
	for _, m := range known {
		if err := s.writeWith(ctx, conn, func(t *tx) error {
			var seen int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&seen); err != nil {
				return err
			}
			if seen > 0 {
				return nil
			}
			for _, stmt := range splitStatements(s.d.migration(m.body)) {
				if _, err := t.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w", firstLine(stmt), err)
				}
			}
			if step := migrationSteps[m.version]; step != nil {
				if err := step(ctx, t); err != nil {
					return err
				}
			}
			_, err := t.exec(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, m.version)
			return err
		}); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// migrationSteps are data changes SQL cannot say in both dialects (parsing JSON,
// normalising addresses), run after a migration's statements in its
// transaction.
var migrationSteps = map[int]func(context.Context, *tx) error{
	7: normaliseIdentities,
}

// refuseUnknown fails with ErrSchemaTooNew when the database records a migration
// that is not embedded in this binary.
func (s *Store) refuseUnknown(ctx context.Context, conn *sql.Conn, known []migration) error {
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		return fmt.Errorf("migrate: read applied migrations: %w", err)
	}
	defer rows.Close()
	isKnown := map[int]bool{}
	for _, m := range known {
		isKnown[m.version] = true
	}
	var unknown []string
	newest := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("migrate: read applied migrations: %w", err)
		}
		newest = max(newest, v)
		if !isKnown[v] {
			unknown = append(unknown, fmt.Sprintf("%04d", v))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("migrate: read applied migrations: %w", err)
	}
	if len(unknown) == 0 {
		return nil
	}
	mine := 0
	if len(known) > 0 {
		mine = known[len(known)-1].version
	}
	return fmt.Errorf("%w: the %s database is at schema version %04d (it has migration %s, which this oscat does not know); this oscat knows versions up to %04d. Run an oscat at least as new as the one that upgraded the database, or restore a backup taken before the upgrade",
		ErrSchemaTooNew, s.d.name, newest, strings.Join(unknown, ", "), mine)
}

// splitStatements splits a migration on semicolons at line ends, dropping comments.
func splitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
