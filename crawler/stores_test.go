package crawler

import (
	"os"
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
		schemaDSN, drop, err := sqlstore.NewSchema(t.Context(), dsn, "oscat_crawl_")
		must(t, err)
		t.Cleanup(drop)
		fn(t, func() *sqlstore.Store {
			s, err := sqlstore.Open(t.Context(), sqlstore.Config{PostgresDSN: schemaDSN})
			must(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		})
	})
}
