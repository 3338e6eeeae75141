package main

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/localforge"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// The demo world is crawled for real: every sample repository ends as its README
// says, and Oscat's own publiccode.yml is listed.
func TestDemoWorld_IsCrawledForReal(t *testing.T) {
	t.Parallel()
	forge, err := buildDemoForge(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := localforge.Start(forge, "127.0.0.1:0")
	if errors.Is(err, localforge.ErrNoGit) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	list, _ := demoWorld.ReadFile("demoworld/publishers.yml")
	pubs, err := crawler.ParsePublishers("publishers.yml", []byte(strings.ReplaceAll(string(list), "{{forge}}", srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.SyncPublishers(t.Context(), pubs); err != nil {
		t.Fatal(err)
	}
	sum, err := crawler.New(store, crawler.Options{Policy: safehttp.Policy{AllowPrivate: true}, Logger: slog.New(slog.DiscardHandler)}).Run(t.Context(), "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The empty repository is skipped; four have no publiccode file and are code entries.
	if sum.Failed() || sum.Run.Counts[catalogue.StatusNoPubliccode] != 4 || sum.Run.Counts[catalogue.StatusSkipped] != 1 || sum.Run.Listed < 15 {
		t.Errorf("demo crawl: %s", sum)
	}
	code, _, err := store.ListCodeEntries(t.Context(), "", catalogue.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	licences := map[string]string{}
	for _, e := range code {
		licences[e.Name] = e.License
	}
	want := map[string]string{"beheerscripts": "EUPL-1.2", "albo-pretorio-api": "MIT", "carte-travaux": "Apache-2.0", "borgerservice-bot": ""}
	if len(code) != len(want) {
		t.Errorf("code entries: %v, want %v", licences, want)
	}
	for name, l := range want {
		if got, ok := licences[name]; !ok || got != l {
			t.Errorf("code entry %s: licence %q (present %v), want %q", name, got, ok, l)
		}
	}
	all, _, err := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	var oscatListed, invalid, shared bool
	for _, sw := range all {
		switch {
		case sw.URL == "https://github.com/oscat-eu/oscat":
			oscatListed = sw.Valid
		case !sw.Valid:
			invalid = true
		}
		if len(sw.Publishers) > 1 {
			shared = true
		}
	}
	if !oscatListed {
		t.Error("Oscat's own publiccode.yml is not listed as valid")
	}
	if !invalid {
		t.Error("the demo world should show an entry with invalid metadata")
	}
	if !shared {
		t.Error("the demo world should show software shared by two publishers")
	}
}
