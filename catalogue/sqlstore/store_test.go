package sqlstore

import (
	"os"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// crawled builds the crawl result of a repository carrying the given file.
func crawled(repoURL, yaml string) catalogue.CrawlResult {
	d := publiccode.Read([]byte(yaml), publiccode.Limits{})
	return catalogue.CrawlResult{RepoURL: repoURL, Head: "abc", Path: "publiccode.yml", Raw: []byte(yaml), File: d.File, Findings: d.Findings}
}

func mustApply(t *testing.T, s *Store, r catalogue.CrawlResult, want catalogue.RepoStatus) {
	t.Helper()
	got, err := s.ApplyCrawl(t.Context(), r)
	if err != nil {
		t.Fatalf("apply %s: %v", r.RepoURL, err)
	}
	if got != want {
		t.Fatalf("apply %s: status %s, want %s", r.RepoURL, got, want)
	}
}

func allChanges(t *testing.T, s *Store) []catalogue.Change {
	t.Helper()
	cs, err := s.Changes(t.Context(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func onlySoftware(t *testing.T, s *Store) catalogue.Software {
	t.Helper()
	list, _, err := s.ListSoftware(t.Context(), "", catalogue.Page{Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("listed %d software entries, want 1", len(list))
	}
	return list[0]
}

// backends runs fn once per database: SQLite always, PostgreSQL when
// OSCAT_TEST_POSTGRES holds a DSN (each test gets a schema of its own).
func backends(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		s, err := Open(t.Context(), Config{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		fn(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := os.Getenv("OSCAT_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("OSCAT_TEST_POSTGRES is not set; set it to a PostgreSQL DSN to run the store tests there too")
		}
		s := openPostgresSchema(t, dsn)
		fn(t, s)
	})
}

func openPostgresSchema(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), Config{PostgresDSN: postgresSchemaDSN(t, dsn)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// postgresSchemaDSN creates a fresh schema, dropped after the test, and returns a
// DSN whose search path is it.
func postgresSchemaDSN(t *testing.T, dsn string) string {
	t.Helper()
	schemaDSN, drop, err := NewSchema(t.Context(), dsn, "oscat_test_")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return schemaDSN
}
