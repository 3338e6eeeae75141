package gitfetch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/crawler/localforge"
)

// bigRepo pushes a repository with many files beside its publiccode.yml.
func bigRepo(t *testing.T, f *localforge.Forge, files int) {
	t.Helper()
	m := map[string][]byte{"publiccode.yml": []byte("name: Big\nlogo: img/logo.svg\n"), "img/logo.svg": []byte("<svg/>")}
	for i := range files {
		m[fmt.Sprintf("src/%03d/file%d.txt", i%50, i)] = []byte(fmt.Sprintf("content of file %d, not small: %0200d", i, i))
	}
	if _, err := f.Push("org", "big", localforge.Commit{Files: m}); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshot_FetchesOnlyTheBlobsItReadsWhereTheServerFilters(t *testing.T) {
	t.Parallel()
	f, srv := startForge(t)
	bigRepo(t, f, 2000)
	cache := t.TempDir()
	fetch := func(filter bool) (*Snapshot, int64) {
		srv.SetFilter(filter)
		before := srv.Packs()
		snap, err := New(Options{Policy: allowLoopback.Policy, CacheDir: cache}).Fetch(t.Context(), srv.RepoURL("org", "big"))
		if err != nil {
			t.Fatal(err)
		}
		if b, err := snap.ReadFile("publiccode.yml", 1<<20); err != nil || string(b) != "name: Big\nlogo: img/logo.svg\n" {
			t.Fatalf("publiccode.yml = %q, %v", b, err)
		}
		if err := snap.Prefetch("img/logo.svg", "no/such/file"); err != nil {
			t.Fatal(err)
		}
		if _, err := fs.ReadFile(snap.FS(), "img/logo.svg"); err != nil {
			t.Fatal(err)
		}
		return snap, srv.Packs() - before
	}
	partial, packs := fetch(true)
	if !partial.Partial || packs != 3 {
		t.Errorf("partial: %v, %d fetches (want trees, then publiccode.yml, then the logo)", partial.Partial, packs)
	}
	full, fullPacks := fetch(false)
	if full.Partial || fullPacks != 1 {
		t.Errorf("without filter: partial %v, %d fetches", full.Partial, fullPacks)
	}
	full.Close() // a full snapshot is kept packed on disk until closed
	if left, _ := os.ReadDir(filepath.Join(cache, "tmp")); len(left) != 0 {
		t.Errorf("a closed snapshot left %d folders", len(left))
	}
	if partial.Bytes()*2 > full.Bytes() {
		t.Errorf("the partial fetch moved %d bytes, the full one %d: filtering saved too little", partial.Bytes(), full.Bytes())
	}
}

func TestHistory_CountsCommitsAuthorsAndReleasesIncrementally(t *testing.T) {
	t.Parallel()
	f, srv := startForge(t)
	now := time.Now().UTC()
	push := func(when time.Time, author, tag, release string) {
		t.Helper()
		if _, err := f.Push("org", "app", localforge.Commit{Files: map[string][]byte{"f": []byte(when.String())}, When: when, Author: author, Tag: tag, Release: release}); err != nil {
			t.Fatal(err)
		}
	}
	push(now.AddDate(-2, 0, 0), "Ada", "", "")
	push(now.AddDate(0, -3, 0), "Ada", "v1.0", "")
	push(now.AddDate(0, -1, 0), "Bob", "", "v1.1")
	cache := t.TempDir()
	fe := New(Options{Policy: allowLoopback.Policy, CacheDir: cache})
	since := now.AddDate(-1, 0, 0)
	r, err := fe.Refs(t.Context(), srv.RepoURL("org", "app"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := fe.History(t.Context(), r, since, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Filtered || h.Truncated || len(h.Commits) != 2 || h.Walked != 3 || len(h.Roots) != 1 || len(h.Tags) != 2 {
		t.Fatalf("history %+v", h)
	}
	if h.Tags[0].Name != "v1.1" || h.Commits[0].Author != "bob@example.org" {
		t.Errorf("newest tag %+v, newest commit %+v", h.Tags[0], h.Commits[0])
	}
	// Nothing new: the cache answers, no fetch.
	packs := srv.Packs()
	r, _ = fe.Refs(t.Context(), srv.RepoURL("org", "app"))
	h2, err := fe.History(t.Context(), r, since, nil)
	if err != nil || h2.Fetched || srv.Packs() != packs || h2.Walked != 3 {
		t.Fatalf("unchanged: %+v, %v, %d fetches", h2, err, srv.Packs()-packs)
	}
	// One new commit: one fetch, of that commit only.
	push(now, "Cy", "", "")
	r, _ = fe.Refs(t.Context(), srv.RepoURL("org", "app"))
	before := r.Bytes()
	h3, err := fe.History(t.Context(), r, since, nil)
	if err != nil || !h3.Fetched || h3.Walked != 4 || len(h3.Commits) != 3 || h3.Roots[0] != h.Roots[0] {
		t.Fatalf("incremental: %+v, %v", h3, err)
	}
	if got := r.Bytes() - before; got > 2000 {
		t.Errorf("the incremental fetch moved %d bytes", got)
	}

	// A server without filters: the last HistoryDepth commits, marked truncated.
	srv.SetFilter(false)
	shallow := New(Options{Policy: allowLoopback.Policy, HistoryDepth: 1})
	r, _ = shallow.Refs(t.Context(), srv.RepoURL("org", "app"))
	h4, err := shallow.History(t.Context(), r, since, nil)
	// The head and the two tagged commits came, at depth 1 each; the root did not.
	if err != nil || !h4.Truncated || h4.Walked != 3 || len(h4.Roots) != 0 || len(h4.Tags) != 2 {
		t.Fatalf("depth fallback: %+v, %v", h4, err)
	}
	// After a depth-1 snapshot, the history deepens it: the head's files do not come again.
	deep := New(Options{Policy: allowLoopback.Policy, HistoryDepth: 10})
	r, _ = deep.Refs(t.Context(), srv.RepoURL("org", "app"))
	snap, err := deep.Snapshot(t.Context(), r)
	if err != nil || snap.Partial {
		t.Fatalf("snapshot: %v", err)
	}
	h5, err := deep.History(t.Context(), r, since, snap)
	if err != nil || h5.Walked != 4 || h5.Truncated || len(h5.Roots) != 1 {
		t.Fatalf("deepened: %+v, %v", h5, err)
	}
	if b, _ := snap.ReadFile("f", 1<<20); len(b) == 0 {
		t.Error("the snapshot lost its files")
	}

}

func TestFetch_ReportsTruncatedPacksAndDeletedRepositories(t *testing.T) {
	t.Parallel()
	f, srv := startForge(t)
	bigRepo(t, f, 300)
	srv.SetTruncatePacks(2000)
	if _, err := New(allowLoopback).Fetch(t.Context(), srv.RepoURL("org", "big")); err == nil {
		t.Error("a truncated pack was accepted")
	}
	srv.SetTruncatePacks(0)
	if err := f.Delete("org", "big"); err != nil {
		t.Fatal(err)
	}
	if _, err := New(allowLoopback).Fetch(t.Context(), srv.RepoURL("org", "big")); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted repository: %v", err)
	}
}
