package search

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

var quiet = slog.New(slog.DiscardHandler)

func openStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func list(t *testing.T, s catalogue.Store, repo, yaml string) {
	t.Helper()
	d := publiccode.Check([]byte(yaml), publiccode.Options{})
	if _, err := s.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: repo, Raw: []byte(yaml), File: d.File, Findings: d.Findings, Path: "publiccode.yml"}); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, s catalogue.Store, ids []string) []string {
	t.Helper()
	list, err := s.SoftwareByIDs(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sw := range list {
		out = append(out, sw.Name)
	}
	return out
}

func TestIndex_FindsFollowsAndForgets(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	list(t, s, "https://example.org/a/parking", "name: Parking Permits\ndescription:\n  en:\n    shortDescription: Residents apply online\n")
	list(t, s, "https://example.org/a/waste", "name: Waste Calendar\ndescription:\n  en:\n    shortDescription: When is my bin collected\n    features: [parking of bins]\n")

	dir := t.TempDir()
	ix, err := Open(ctx, dir, s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, Request{Text: "parking"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, s, res.IDs); len(got) != 2 || got[0] != "Parking Permits" {
		t.Errorf("parking → %v (name should rank first)", got)
	}
	if res, _ := ix.Search(ctx, Request{Text: "wast"}); len(res.IDs) != 1 {
		t.Errorf("prefix of a name: %v", res.IDs)
	}

	// A new entry reaches the index through the change log.
	list(t, s, "https://example.org/a/library", "name: Library Loans\n")
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if res, _ := ix.Search(ctx, Request{Text: "library"}); len(res.IDs) != 1 {
		t.Errorf("after catch-up: %v", res.IDs)
	}
	// A hidden entry leaves it.
	if _, err := s.ApplyCrawl(ctx, catalogue.CrawlResult{RepoURL: "https://example.org/a/library", Outcome: catalogue.StatusNoPubliccode}); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if res, _ := ix.Search(ctx, Request{Text: "library"}); len(res.IDs) != 0 {
		t.Errorf("a hidden entry is still found: %v", res.IDs)
	}
	head, _ := s.ChangeHead(ctx)
	if ix.Seq() != head || ix.Position() != head {
		t.Errorf("index at %d, log at %d", ix.Seq(), head)
	}
}

func TestSearch_PagesWithCursors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	for i := range 7 {
		list(t, s, fmt.Sprintf("https://example.org/a/r%d", i), fmt.Sprintf("name: Permit tool %d\n", i))
	}
	ix, err := Open(ctx, t.TempDir(), s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, text := range []string{"", "permit"} {
		seen := map[string]bool{}
		q := Request{Text: text, Size: 3}
		pages := 0
		for {
			res, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, id := range res.IDs {
				if seen[id] {
					t.Errorf("%q: %s twice", text, id)
				}
				seen[id] = true
			}
			if res.Total != 7 {
				t.Errorf("total = %d", res.Total)
			}
			if res.Next == "" {
				break
			}
			q.After = res.Next
		}
		if len(seen) != 7 || pages != 3 {
			t.Errorf("%q: %d entries in %d pages", text, len(seen), pages)
		}
	}
	if _, err := ix.Search(ctx, Request{After: "garbage!"}); err != ErrBadCursor {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestSearch_ValidRanksAboveInvalidAtEqualRelevance(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	list(t, s, "https://example.org/a/bad", "name: Agenda\nplatforms: web\n")
	list(t, s, "https://example.org/a/good", validAgenda)
	ix, err := Open(ctx, t.TempDir(), s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, _ := ix.Search(ctx, Request{Text: "agenda"})
	list, _ := s.SoftwareByIDs(ctx, res.IDs)
	if len(list) != 2 || !list[0].Valid || list[1].Valid {
		t.Errorf("order = %+v", list)
	}
}

func TestBuild_SwapsAndARunningIndexFollows(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	list(t, s, "https://example.org/a/one", "name: One\n")
	dir := t.TempDir()
	ix, err := Open(ctx, dir, s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	first := ix.folder()

	name, err := Build(ctx, dir, s)
	if err != nil {
		t.Fatal(err)
	}
	followCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	go ix.Follow(followCtx, 10*time.Millisecond)
	deadline := time.Now().Add(2 * time.Minute) // a generous bound
	for time.Now().Before(deadline) {
		if _, err := os.Stat(filepath.Join(dir, first)); ix.folder() == name && os.IsNotExist(err) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if ix.folder() != name {
		t.Fatalf("the running index did not switch to %s", name)
	}
	if _, err := os.Stat(filepath.Join(dir, first)); !os.IsNotExist(err) {
		t.Errorf("the old folder was not removed: %v", err)
	}
	if res, _ := ix.Search(ctx, Request{Text: "one"}); len(res.IDs) != 1 {
		t.Errorf("after the swap: %v", res.IDs)
	}
}

func TestOpen_RebuildsAnIndexWithAnotherMapping(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	list(t, s, "https://example.org/a/one", "name: One\n")
	dir := t.TempDir()
	ix, err := Open(ctx, dir, s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ix.shard().bleve.SetInternal([]byte(internalMapping), []byte("0"))
	ix.Close()
	ix, err = Open(ctx, dir, s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if res, _ := ix.Search(ctx, Request{Text: "one"}); len(res.IDs) != 1 {
		t.Errorf("after rebuild: %v", res.IDs)
	}
	// Deleting the index folder loses nothing either.
	ix.Close()
	os.RemoveAll(dir)
	ix, err = Open(ctx, dir, s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if res, _ := ix.Search(ctx, Request{Text: "one"}); len(res.IDs) != 1 {
		t.Errorf("after deleting the folder: %v", res.IDs)
	}
}

// validAgenda is a complete, valid publiccode.yml.
const validAgenda = `publiccodeYmlVersion: "0"
name: Agenda
url: https://example.org/a/good
platforms: [web]
categories: [online-booking]
developmentStatus: stable
softwareType: standalone/web
description:
  en:
    shortDescription: Book an appointment at the town hall
    longDescription: Residents book appointments at the town hall online, choose the service and the time, and receive a reminder. Staff see the day at a glance and manage the desks.
    features: [Online booking]
legal: {license: EUPL-1.2}
maintenance: {type: community, contacts: [{name: Ada}]}
localisation: {localisationReady: true, availableLanguages: [en]}
`

// A hit's version changes when the index writes its entry again, or applies a
// change of publishers, and only then: a cache of entries keyed by it is as
// fresh as the index.
func TestSearch_VersionsChangeWhenTheIndexRewritesAnEntry(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	list(t, s, "https://example.org/a/parking", "name: Parking Permits\n")
	list(t, s, "https://example.org/a/waste", "name: Waste Calendar\n")
	ix, err := Open(ctx, t.TempDir(), s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	versions := func() map[string]uint64 {
		t.Helper()
		res, err := ix.Search(ctx, Request{})
		if err != nil || len(res.Versions) != len(res.IDs) {
			t.Fatalf("search: %v, %d versions for %d hits", err, len(res.Versions), len(res.IDs))
		}
		out := map[string]uint64{}
		for i, id := range res.IDs {
			out[id] = res.Versions[i]
		}
		return out
	}
	v0 := versions()
	if len(v0) != 2 {
		t.Fatalf("hits %v", v0)
	}
	list(t, s, "https://example.org/a/parking", "name: Parking Permits\ndescription:\n  en:\n    shortDescription: Residents apply online\n")
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	v1 := versions()
	var parking, waste string
	for id := range v0 {
		if names(t, s, []string{id})[0] == "Parking Permits" {
			parking = id
		} else {
			waste = id
		}
	}
	if v1[parking] == v0[parking] || v1[waste] != v0[waste] {
		t.Errorf("after rewriting one entry: versions %v → %v (parking %s)", v0, v1, parking)
	}
	if err := s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "stad", Name: "Stad", Country: "NL"}}); err != nil {
		t.Fatal(err)
	}
	pv := ix.PublishersVersion()
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	v2 := versions()
	if v2[parking] == v1[parking] || v2[waste] == v1[waste] || ix.PublishersVersion() == pv {
		t.Errorf("after a change of publishers: versions %v → %v, publishers' %d → %d", v1, v2, pv, ix.PublishersVersion())
	}
}
