package sqlstore

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestMigrate_NodesStartingTogetherApplyEachMigrationOnce(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("OSCAT_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("OSCAT_TEST_POSTGRES is not set; set it to a PostgreSQL DSN to migrate one schema from several stores at once")
	}
	schemaDSN := postgresSchemaDSN(t, dsn)
	const nodes = 4
	stores := make([]*Store, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), Config{PostgresDSN: schemaDSN}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	known, err := knownMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var applied, distinct int
	if err := stores[0].queryRow(t.Context(), `SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&applied, &distinct); err != nil {
		t.Fatal(err)
	}
	if applied != len(known) || distinct != len(known) {
		t.Errorf("%d migrations recorded (%d distinct), want each of the %d once", applied, distinct, len(known))
	}
	// The store works: the tables of the first and the last migration exist.
	if _, err := stores[nodes-1].InstanceID(t.Context(), ""); err != nil {
		t.Errorf("a store opened beside others cannot be used: %v", err)
	}
}

func TestOpen_RefusesASchemaNewerThanItKnows(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		refusesNewer(t, Config{DataDir: dir})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := os.Getenv("OSCAT_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("OSCAT_TEST_POSTGRES is not set; set it to a PostgreSQL DSN to run the store tests there too")
		}
		refusesNewer(t, Config{PostgresDSN: postgresSchemaDSN(t, dsn)})
	})
}

// refusesNewer upgrades a database behind this binary's back, as a newer oscat
// would, and checks that Open refuses it with both versions named.
func refusesNewer(t *testing.T, cfg Config) {
	t.Helper()
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.InstanceID(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	future := SchemaVersion() + 7
	if _, err := s.db.ExecContext(t.Context(), s.d.rebind(`INSERT INTO schema_migrations (version) VALUES (?)`), future); err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, err = Open(t.Context(), cfg)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open on a newer schema: %v, want ErrSchemaTooNew", err)
	}
	for _, want := range []string{fmt.Sprintf("%04d", future), fmt.Sprintf("up to %04d", SchemaVersion()), "restore a backup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}

	// Once the newer migration is gone (the operator restored), it opens as before.
	raw, err := openRaw(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.db.ExecContext(t.Context(), raw.d.rebind(`DELETE FROM schema_migrations WHERE version = ?`), future); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s, err = Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("reopen after the downgrade: %v", err)
	}
	defer s.Close()
	if got, err := s.InstanceID(t.Context(), ""); err != nil || got != id {
		t.Errorf("instance id %q (%v), want %q kept", got, err, id)
	}
}

// Processes opening one new SQLite catalogue at the same moment (serve and a
// crawl started together, or a backup beside them) all open it: the first
// connection's switch to WAL finds the file locked without SQLite calling the
// busy handler, and that must be waited out, not returned.
func TestOpen_SQLiteOpenedBySeveralAtOnceOpensForAll(t *testing.T) {
	t.Parallel()
	const rounds, openers = 25, 6
	for range rounds {
		dir := t.TempDir()
		errs := make([]error, openers)
		var wg sync.WaitGroup
		for i := range openers {
			wg.Go(func() {
				s, err := Open(t.Context(), Config{DataDir: dir})
				if err == nil {
					err = s.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("opener %d of %d on a new catalogue: %v", i, openers, err)
			}
		}
	}
}
