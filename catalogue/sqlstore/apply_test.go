package sqlstore

import (
	"errors"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

const medusa = `publiccodeYmlVersion: "0"
name: Medusa
url: https://example.org/italia/medusa.git
description:
  en:
    shortDescription: A content manager
`

func TestApplyCrawl_ListsUpdatesAndKeepsTheChangeLog(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		if err := s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "roma", Name: "Roma"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.RegisterRepository(ctx, "roma", "https://example.org/italia/medusa.git"); err != nil {
			t.Fatal(err)
		}
		before := len(allChanges(t, s))
		mustApply(t, s, crawled("https://example.org/italia/medusa.git", medusa), catalogue.StatusNew)
		sw := onlySoftware(t, s)
		if sw.Name != "Medusa" || sw.URL != "https://example.org/italia/medusa" || !sw.Valid {
			t.Fatalf("software = %+v", sw)
		}
		if len(sw.Publishers) != 1 || sw.Publishers[0] != "roma" || len(sw.Repositories) != 1 || sw.Repositories[0].Publisher != "roma" {
			t.Errorf("publishers %v, repositories %+v", sw.Publishers, sw.Repositories)
		}
		if d := sw.File.Description["en"].ShortDescription; d != "A content manager" {
			t.Errorf("description = %q", d)
		}
		if got := len(allChanges(t, s)) - before; got != 1 {
			t.Errorf("listing appended %d changes, want 1", got)
		}

		// The same file again: unchanged, nothing appended.
		mustApply(t, s, crawled("https://example.org/italia/medusa.git", medusa), catalogue.StatusUnchanged)
		if got := len(allChanges(t, s)) - before; got != 1 {
			t.Errorf("an unchanged crawl appended changes: %d", got-1)
		}

		// A changed file updates the entry, keeps its ID, and appends one change.
		mustApply(t, s, crawled("https://example.org/italia/medusa.git", medusa+"developmentStatus: stable\n"), catalogue.StatusUpdated)
		again := onlySoftware(t, s)
		if again.ID != sw.ID || again.File.DevelopmentStatus != "stable" || !again.UpdatedAt.After(sw.UpdatedAt) && again.UpdatedAt != sw.UpdatedAt {
			t.Errorf("after update: %+v", again)
		}
		cs := allChanges(t, s)
		if last := cs[len(cs)-1]; last.ID != sw.ID || last.Op != catalogue.OpUpsert || last.Type != catalogue.ChangeSoftware {
			t.Errorf("last change = %+v", last)
		}
	})
}

func TestApplyCrawl_MirrorsAndForksFollowTheModel(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		if err := s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "a", Name: "A"}, {ID: "b", Name: "B"}}); err != nil {
			t.Fatal(err)
		}
		mirrorFile := "name: Anagrafe\nurl: https://github.com/torino/anagrafe\n"
		// Served from a loopback address, naming its public forge: a mirror, listed.
		must(t, s.RegisterRepository(ctx, "a", "http://127.0.0.1:9/torino/anagrafe.git"))
		mustApply(t, s, crawled("http://127.0.0.1:9/torino/anagrafe.git", mirrorFile), catalogue.StatusMirror)
		sw := onlySoftware(t, s)
		if sw.URL != "https://github.com/torino/anagrafe" {
			t.Errorf("canonical URL = %s", sw.URL)
		}
		// A second mirror, listed by another publisher: the same software, two publishers.
		must(t, s.RegisterRepository(ctx, "b", "https://git.example.org/copy/anagrafe"))
		mustApply(t, s, crawled("https://git.example.org/copy/anagrafe", mirrorFile), catalogue.StatusMirror)
		sw = onlySoftware(t, s)
		if len(sw.Repositories) != 2 || len(sw.Publishers) != 2 {
			t.Errorf("repositories %+v publishers %v", sw.Repositories, sw.Publishers)
		}

		// The upstream itself crawled here: origin wins as the source.
		must(t, s.RegisterRepository(ctx, "a", "https://github.com/torino/anagrafe"))
		mustApply(t, s, crawled("https://github.com/torino/anagrafe", mirrorFile+"developmentStatus: beta\n"), catalogue.StatusNew)
		sw = onlySoftware(t, s)
		if sw.File.DevelopmentStatus != "beta" {
			t.Errorf("the origin did not become the source: %+v", sw.File)
		}

		// A repository whose file names another repository crawled here is a fork.
		must(t, s.RegisterRepository(ctx, "b", "https://git.example.org/b/anagrafe-fork"))
		mustApply(t, s, crawled("https://git.example.org/b/anagrafe-fork", "name: Anagrafe (fork)\nurl: https://github.com/torino/anagrafe.git\n"), catalogue.StatusFork)
		sw = onlySoftware(t, s)
		if sw.Name != "Anagrafe" {
			t.Errorf("a fork changed the listed name to %q", sw.Name)
		}
		forks := 0
		for _, r := range sw.Repositories {
			if r.Role == catalogue.RoleFork {
				forks++
			}
		}
		if forks != 1 {
			t.Errorf("repositories = %+v, want the fork among them", sw.Repositories)
		}
	})
}

func TestApplyCrawl_InvalidFilesAreListedButKeepLastValidContent(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		repo := "https://example.org/italia/medusa"
		mustApply(t, s, crawled(repo, medusa), catalogue.StatusNew)
		bad := crawled(repo, medusa+"platforms: web\n")
		if len(bad.Findings) == 0 {
			t.Fatal("the test file should have a finding")
		}
		mustApply(t, s, bad, catalogue.StatusInvalid)
		sw := onlySoftware(t, s)
		if !sw.Valid || len(sw.File.Platforms) != 0 {
			t.Errorf("the last valid content should stay listed: %+v", sw)
		}
		repos, _, err := s.Repositories(t.Context(), catalogue.RepositoryFilter{}, catalogue.Page{})
		if err != nil || len(repos) != 1 || len(repos[0].Findings) == 0 {
			t.Fatalf("the new findings should be on the repository: %+v %v", repos, err)
		}

		// A file with errors from the start is listed, marked invalid.
		other := "https://example.org/other"
		mustApply(t, s, crawled(other, "name: Other\nplatforms: web\n"), catalogue.StatusInvalid)
		list, _, _ := s.ListSoftware(t.Context(), "", catalogue.Page{})
		var found bool
		for _, sw := range list {
			if sw.Name == "Other" {
				found = true
				if sw.Valid || sw.Findings.Errors == 0 {
					t.Errorf("Other should be invalid with errors: %+v", sw)
				}
			}
		}
		if !found {
			t.Error("a listable file with errors is not listed")
		}
	})
}

func TestApplyCrawl_FailuresKeepAndRemovalsHide(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		repo := "https://example.org/italia/medusa"
		mustApply(t, s, crawled(repo, medusa), catalogue.StatusNew)
		id := onlySoftware(t, s).ID

		mustApply(t, s, catalogue.CrawlResult{RepoURL: repo, Outcome: catalogue.StatusFailed, Reason: "connection refused"}, catalogue.StatusFailed)
		if _, err := s.Software(ctx, id); err != nil {
			t.Errorf("a failed crawl unlisted the software: %v", err)
		}
		// Unreadable YAML: the repository is invalid, the listing stays.
		mustApply(t, s, crawled(repo, "name: [oops\n"), catalogue.StatusInvalid)
		if _, err := s.Software(ctx, id); err != nil {
			t.Errorf("an unreadable file unlisted the software: %v", err)
		}
		// The file was removed: the software is hidden, with a change saying so.
		mustApply(t, s, catalogue.CrawlResult{RepoURL: repo, Outcome: catalogue.StatusNoPubliccode, Reason: "no publiccode.yml at the root"}, catalogue.StatusNoPubliccode)
		if _, err := s.Software(ctx, id); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("software without a file is still listed: %v", err)
		}
		cs := allChanges(t, s)
		if last := cs[len(cs)-1]; last.Op != catalogue.OpHide || last.ID != id {
			t.Errorf("last change = %+v, want a hide of %s", last, id)
		}
		// It comes back, with the same ID, when the file does.
		mustApply(t, s, crawled(repo, medusa), catalogue.StatusNew)
		if got := onlySoftware(t, s); got.ID != id {
			t.Errorf("relisted with a new id %s, want %s", got.ID, id)
		}
	})
}

func TestCrawlRuns_CountByStatus(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		run, err := s.StartCrawlRun(ctx)
		must(t, err)
		for i, yaml := range []string{medusa, "name: B\n", ""} {
			r := crawled("https://example.org/r/"+string(rune('a'+i)), yaml)
			if yaml == "" {
				r = catalogue.CrawlResult{RepoURL: r.RepoURL, Outcome: catalogue.StatusNoPubliccode}
			}
			r.RunID = run.ID
			if _, err := s.ApplyCrawl(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		done, err := s.FinishCrawlRun(ctx, run.ID)
		must(t, err)
		if done.FinishedAt == nil || done.Seen() != 3 || done.Listed != 2 || done.Counts[catalogue.StatusNoPubliccode] != 1 {
			t.Errorf("run = %+v", done)
		}
		runs, _, err := s.CrawlRuns(ctx, catalogue.Page{})
		if err != nil || len(runs) != 1 || runs[0].ID != run.ID {
			t.Errorf("runs = %+v, %v", runs, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A repository moved to a new URL without a forge redirect, its file still
// naming the old URL, is a fork while the old one is crawled; once the old one
// is gone, it carries the software, with the same id, as its origin.
func TestApplyCrawl_AMovedRepositoryCarriesItsSoftwareOnceTheOldURLIsGone(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		must(t, s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "roma", Name: "Roma"}}))
		const old, moved = "https://example.org/italia/medusa.git", "https://git.example.org/roma/medusa.git"
		must(t, s.RegisterRepository(ctx, "roma", old))
		must(t, s.RegisterRepository(ctx, "roma", moved))
		gone := catalogue.CrawlResult{RepoURL: old, Outcome: catalogue.StatusFailed, Reason: "repository not found", GoneAfter: 1}
		roleOf := func(sw catalogue.Software, url string) catalogue.RepoRole {
			for _, r := range sw.Repositories {
				if r.URL == url {
					return r.Role
				}
			}
			return ""
		}

		mustApply(t, s, crawled(old, medusa), catalogue.StatusNew)
		id := onlySoftware(t, s).ID
		mustApply(t, s, crawled(moved, medusa), catalogue.StatusFork)
		mustApply(t, s, gone, catalogue.StatusGone)
		sw := onlySoftware(t, s) // never hidden in between
		if sw.ID != id || roleOf(sw, moved) != catalogue.RoleOrigin {
			t.Fatalf("after the old URL went: id %s (want %s), repositories %+v", sw.ID, id, sw.Repositories)
		}
		cs := allChanges(t, s)
		for _, c := range cs {
			if c.ID == id && c.Op == catalogue.OpHide {
				t.Errorf("the software was hidden on the way: %+v", c)
			}
		}
		// Its next crawl, with the same head, keeps it so.
		mustApply(t, s, catalogue.CrawlResult{RepoURL: moved, Head: "abc", Outcome: catalogue.StatusUnchanged}, catalogue.StatusUnchanged)
		if sw := onlySoftware(t, s); sw.ID != id || roleOf(sw, moved) != catalogue.RoleOrigin {
			t.Errorf("after the next crawl: %+v", sw)
		}
		// A new commit on the moved repository: still the origin, same id.
		mustApply(t, s, crawled(moved, medusa+"developmentStatus: stable\n"), catalogue.StatusUpdated)
		if sw := onlySoftware(t, s); sw.ID != id || sw.File.DevelopmentStatus != "stable" || roleOf(sw, moved) != catalogue.RoleOrigin {
			t.Errorf("after a new commit: %+v", sw)
		}
	})
}

// A fork kept from before the old URL went (the software hidden with it) carries
// the software again at its next crawl, even without a new commit.
func TestApplyCrawl_AForkOfAGoneRepositoryListsItsSoftwareAtItsNextCrawl(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		must(t, s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "roma", Name: "Roma"}}))
		const old, moved = "https://example.org/italia/medusa.git", "https://git.example.org/roma/medusa.git"
		must(t, s.RegisterRepository(ctx, "roma", old))
		must(t, s.RegisterRepository(ctx, "roma", moved))
		mustApply(t, s, crawled(old, medusa), catalogue.StatusNew)
		id := onlySoftware(t, s).ID
		mustApply(t, s, crawled(moved, medusa), catalogue.StatusFork)
		// The old repository drops its file (the software is hidden), then goes.
		mustApply(t, s, catalogue.CrawlResult{RepoURL: old, Outcome: catalogue.StatusNoPubliccode, Reason: "no file"}, catalogue.StatusNoPubliccode)
		mustApply(t, s, catalogue.CrawlResult{RepoURL: old, Outcome: catalogue.StatusFailed, Reason: "not found", GoneAfter: 1}, catalogue.StatusGone)
		if _, err := s.Software(ctx, id); !errors.Is(err, catalogue.ErrNotFound) {
			t.Fatalf("the software should be hidden before the fork's next crawl: %v", err)
		}
		mustApply(t, s, catalogue.CrawlResult{RepoURL: moved, Head: "abc", Outcome: catalogue.StatusUnchanged}, catalogue.StatusUnchanged)
		sw, err := s.Software(ctx, id)
		if err != nil || len(sw.Repositories) != 1 || sw.Repositories[0].Role != catalogue.RoleOrigin {
			t.Fatalf("after the fork's next crawl: %+v, %v", sw, err)
		}
	})
}
