package crawler

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

// onBothDatabases runs fn on SQLite, and on PostgreSQL when OSCAT_TEST_POSTGRES
// holds a DSN (in a schema of its own), so that whole crawls, queue included, are
// tested on both.
func onBothDatabases(t *testing.T, fn func(t *testing.T, open func() *sqlstore.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		fn(t, func() *sqlstore.Store {
			s, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: dir})
			must(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := os.Getenv("OSCAT_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("OSCAT_TEST_POSTGRES is not set; set it to a PostgreSQL DSN to crawl into PostgreSQL too")
		}
		admin, err := sql.Open("pgx", dsn)
		must(t, err)
		t.Cleanup(func() { admin.Close() })
		var b [6]byte
		_, _ = rand.Read(b[:])
		schema := "oscat_crawl_" + hex.EncodeToString(b[:])
		if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
			t.Fatalf("create schema: %v", err)
		}
		t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		fn(t, func() *sqlstore.Store {
			s, err := sqlstore.Open(t.Context(), sqlstore.Config{PostgresDSN: dsn + sep + "search_path=" + schema})
			must(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
}
