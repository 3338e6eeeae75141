package ui

import (
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/search"
)

// testStore opens a fresh SQLite catalogue holding pubs, closed with the test.
func testStore(t *testing.T, pubs ...catalogue.Publisher) *sqlstore.Store {
	t.Helper()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.SyncPublishers(t.Context(), pubs); err != nil {
		t.Fatal(err)
	}
	return store
}

// listFile records that publisher lists repo, then a crawl of it that read file.
func listFile(t *testing.T, store *sqlstore.Store, publisher, repo, file string) {
	t.Helper()
	if err := store.RegisterRepository(t.Context(), publisher, repo); err != nil {
		t.Fatal(err)
	}
	d := publiccode.Check([]byte(file), publiccode.Options{})
	if _, err := store.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: repo, Raw: []byte(file), Path: "publiccode.yml", File: d.File, Findings: d.Findings}); err != nil {
		t.Fatal(err)
	}
}

// testIndex opens a search index over store, closed with the test.
func testIndex(t *testing.T, store *sqlstore.Store) *search.Index {
	t.Helper()
	index, err := search.Open(t.Context(), t.TempDir(), store, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { index.Close() })
	return index
}
