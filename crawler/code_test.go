package crawler

import (
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// scriptsRepo is a repository without a publiccode.yml, as administrations have many.
func scriptsRepo(t *testing.T) map[string][]byte {
	t.Helper()
	mit, err := os.ReadFile("codefacts/testdata/licenses/MIT.txt")
	must(t, err)
	return map[string][]byte{
		"README.md":        []byte("# Beheerscripts\n\n[![ci](https://ci.example/badge.svg)](https://ci.example)\n\nScripts waarmee het team applicatiebeheer de servers van de gemeente bijwerkt.\n\n## Gebruik\n\n`make`\n"),
		"LICENSE":          mit,
		"main.go":          []byte("package main\n\nfunc main() {}\n"),
		"internal/sync.go": []byte("package internal\n"),
		"deploy/run.sh":    []byte("#!/bin/sh\necho run\n"),
		"docs/logo.svg":    []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
	}
}

func TestRun_CodeEntryFromARepositoryWithoutPubliccode(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		codeEntryLifecycle(t, open())
	})
}

func codeEntryLifecycle(t *testing.T, store *sqlstore.Store) {
	f, srv := localforge.StartTest(t)
	must(t, f.AddOwner("voorbeeld", localforge.Org))
	files := scriptsRepo(t)
	released := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	if _, err := f.Push("voorbeeld", "beheerscripts", localforge.Commit{Files: files, Release: "v1.4.0", When: released}); err != nil {
		t.Fatal(err)
	}
	f.SetMeta("voorbeeld", "beheerscripts", localforge.RepoMeta{Description: "Servers bijwerken", Topics: []string{"ansible", "beheer"}})
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "voorbeeld", Name: "Gemeente Voorbeeld", Country: "NL",
		CodeHosting: []catalogue.CodeHosting{{URL: srv.URL + "/voorbeeld", Group: true, Type: catalogue.HostingGitea}}}}))
	c := New(store, testOptions())
	runCrawl(t, c)

	list, _, err := store.ListCodeEntries(t.Context(), "", catalogue.Page{Size: 10})
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("code entries = %+v, want one", list)
	}
	e := list[0]
	if e.Name != "beheerscripts" || e.Description != "Servers bijwerken" || !slices.Equal(e.Topics, []string{"ansible", "beheer"}) {
		t.Errorf("name/description/topics = %q %q %v", e.Name, e.Description, e.Topics)
	}
	if e.Readme != "Scripts waarmee het team applicatiebeheer de servers van de gemeente bijwerkt." {
		t.Errorf("readme = %q", e.Readme)
	}
	if e.License != "MIT" || e.LicenseFile != "LICENSE" {
		t.Errorf("licence = %q from %q", e.License, e.LicenseFile)
	}
	if len(e.ProgrammingLanguages) == 0 || e.ProgrammingLanguages[0] != "Go" || !slices.Contains(e.ProgrammingLanguages, "Shell") {
		t.Errorf("languages = %v", e.ProgrammingLanguages)
	}
	if !slices.Equal(e.Publishers, []string{"voorbeeld"}) || e.LastCommitAt == nil || e.Activity == nil {
		t.Errorf("publishers %v, last commit %v, activity %v", e.Publishers, e.LastCommitAt, e.Activity)
	}
	if e.Release == nil || e.Release.Name != "v1.4.0" || e.Logo != "docs/logo.svg" {
		t.Errorf("release %+v, logo %q", e.Release, e.Logo)
	}
	got, err := store.CodeEntry(t.Context(), e.ID)
	if err != nil || got.URL != e.URL {
		t.Errorf("CodeEntry(%s) = %+v, %v", e.ID, got, err)
	}
	head, err := store.ChangeHead(t.Context())
	must(t, err)

	// The maintainers describe it: the code entry ends and points to the software.
	files["publiccode.yml"] = []byte(validFile("Beheerscripts", srv.RepoURL("voorbeeld", "beheerscripts")))
	if _, err := f.Push("voorbeeld", "beheerscripts", localforge.Commit{Files: files}); err != nil {
		t.Fatal(err)
	}
	runCrawl(t, c)
	_, err = store.CodeEntry(t.Context(), e.ID)
	var described *catalogue.DescribedError
	if !errors.As(err, &described) || described.SoftwareID == "" {
		t.Fatalf("CodeEntry after the file was added: %v, want a DescribedError", err)
	}
	if sw, err := store.Software(t.Context(), described.SoftwareID); err != nil || sw.Name != "Beheerscripts" {
		t.Errorf("software %s = %+v, %v", described.SoftwareID, sw.Name, err)
	}
	list, _, err = store.ListCodeEntries(t.Context(), "", catalogue.Page{Size: 10})
	must(t, err)
	if len(list) != 0 {
		t.Errorf("code entries after the file was added = %+v", list)
	}
	changes, err := store.Changes(t.Context(), head, 100)
	must(t, err)
	hidden := false
	for _, ch := range changes {
		if ch.Type == catalogue.ChangeCode && ch.ID == e.ID && ch.Op == catalogue.OpHide {
			hidden = true
		}
	}
	if !hidden {
		t.Errorf("no change-log entry ends code entry %s: %+v", e.ID, changes)
	}
}

func TestCodeStale_OneTimeReRead(t *testing.T) {
	t.Parallel()
	cases := []struct {
		repo catalogue.Repository
		want bool
	}{
		{catalogue.Repository{Status: catalogue.StatusNoPubliccode}, true}, // crawled before code entries existed
		{catalogue.Repository{Status: catalogue.StatusNoPubliccode, CodeVersion: catalogue.CodeFactsVersion}, false},
		{catalogue.Repository{Status: catalogue.StatusNew}, false},
	}
	for _, c := range cases {
		if got := codeStale(c.repo); got != c.want {
			t.Errorf("codeStale(%s, version %d) = %v", c.repo.Status, c.repo.CodeVersion, got)
		}
	}
}

func TestRun_RereadsUnmovedRepositoriesWithoutCodeFactsOnce(t *testing.T) {
	t.Parallel()
	f, srv := localforge.StartTest(t)
	must(t, f.AddOwner("voorbeeld", localforge.Org))
	head, err := f.Push("voorbeeld", "beheerscripts", localforge.Commit{Files: scriptsRepo(t)})
	must(t, err)
	store := openStore(t)
	url := srv.RepoURL("voorbeeld", "beheerscripts")
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "voorbeeld", Name: "Gemeente Voorbeeld",
		CodeHosting: []catalogue.CodeHosting{{URL: url}}}}))
	// What a crawl before code entries recorded: no publiccode file, at this head, nothing more.
	if _, err := store.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: url, Head: head, Outcome: catalogue.StatusNoPubliccode, Reason: "no publiccode.yml"}); err != nil {
		t.Fatal(err)
	}
	c := New(store, testOptions())
	packs := srv.Packs()
	runCrawl(t, c)
	if srv.Packs() == packs {
		t.Fatal("the unmoved repository was not read again")
	}
	e, err := store.CodeEntryByURL(t.Context(), url)
	if err != nil || e.License != "MIT" {
		t.Fatalf("code entry after the re-read = %+v, %v", e, err)
	}
	packs = srv.Packs()
	runCrawl(t, c)
	if srv.Packs() != packs {
		t.Errorf("a second crawl fetched the unmoved repository again (%d packs)", srv.Packs()-packs)
	}
}
