package search

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

// A rebuild swapped in while searches run (oscat index rebuild through a
// running server) closes the old index only after the searches using it end:
// every search in flight answers in full.
func TestFollow_SearchesInFlightSurviveRepeatedRebuilds(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	const n = 3
	for i := range n {
		list(t, s, fmt.Sprintf("https://example.org/a/agenda%d", i), fmt.Sprintf("name: Agenda %d\n", i))
	}
	dir := t.TempDir()
	ix, err := Open(ctx, dir, s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	followCtx, stopFollow := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { ix.Follow(followCtx, time.Millisecond) })
	defer wg.Wait()
	defer stopFollow()

	searchCtx, stopSearches := context.WithCancel(ctx)
	var answered atomic.Int64
	var searches sync.WaitGroup
	defer searches.Wait()
	defer stopSearches()
	for range 4 {
		searches.Go(func() {
			for searchCtx.Err() == nil {
				res, err := ix.Search(searchCtx, Request{Text: "agenda"})
				switch {
				case errors.Is(err, context.DeadlineExceeded) || searchCtx.Err() != nil:
					// QueryTimeout passed on a busy machine, or the test is ending.
				case err != nil:
					t.Errorf("a search during a rebuild: %v", err)
					return
				case len(res.IDs) != n:
					t.Errorf("a search during a rebuild found %d entries, want %d", len(res.IDs), n)
					return
				default:
					answered.Add(1)
				}
			}
		})
	}
	for round := range 8 {
		before := answered.Load()
		name, err := Build(ctx, dir, s)
		if err != nil {
			t.Fatal(err)
		}
		// Wait for the switch, and for searches on the new index.
		deadline := time.Now().Add(2 * time.Minute) // a generous bound
		for (ix.folder() != name || answered.Load() < before+4) && time.Now().Before(deadline) && !t.Failed() {
			time.Sleep(time.Millisecond)
		}
		if ix.folder() != name {
			t.Fatalf("round %d: the running index did not switch to %s", round, name)
		}
	}
	stopSearches()
	searches.Wait()
	if answered.Load() == 0 {
		t.Fatal("no search was answered")
	}
}

// A node kept down past the change log's retention comes back to a log pruned
// past its index: it rebuilds by itself rather than skip what was pruned.
func TestOpen_RebuildsAnIndexTheChangeLogWasPrunedPast(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	list(t, s, "https://example.org/a/agenda0", "name: Agenda 0\n")
	dir := t.TempDir()
	buildClosed(t, dir, s)
	for i := 1; i <= 3; i++ {
		list(t, s, fmt.Sprintf("https://example.org/a/agenda%d", i), fmt.Sprintf("name: Agenda %d\n", i))
	}
	if n, err := s.PruneChanges(ctx, time.Now().Add(time.Hour), math.MaxInt64); err != nil || n == 0 {
		t.Fatalf("pruned %d: %v", n, err)
	}
	ix, err := Open(ctx, dir, s, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, Request{Text: "agenda"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.IDs) != 4 {
		t.Errorf("after the log was pruned past it, the index finds %d entries, want 4: %v", len(res.IDs), names(t, s, res.IDs))
	}
}

// buildClosed builds an index of src in dir and closes it, as a node that
// stops.
func buildClosed(t *testing.T, dir string, src Source) {
	t.Helper()
	ix, err := Open(t.Context(), dir, src, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOpen_RebuildsAnIndexAheadOfARestoredStore opens an index that read four
// listings against a store restored from a backup taken before three of them:
// its change log ends before the index's position, so the index is rebuilt
// and holds only what the store holds.
func TestOpen_RebuildsAnIndexAheadOfARestoredStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := openStore(t)
	list(t, s, "https://example.org/a/agenda0", "name: Agenda 0\n")
	backup := t.TempDir()
	if err := s.BackupInto(ctx, filepath.Join(backup, "oscat.db")); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		list(t, s, fmt.Sprintf("https://example.org/a/agenda%d", i), fmt.Sprintf("name: Agenda %d\n", i))
	}
	dir := t.TempDir()
	buildClosed(t, dir, s)

	restored, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: backup})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var logged bytes.Buffer
	ix, err := Open(ctx, dir, restored, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res, err := ix.Search(ctx, Request{Text: "agenda"})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, restored, res.IDs); len(res.IDs) != 1 || !slices.Equal(got, []string{"Agenda 0"}) {
		t.Errorf("against the restored store, the index finds %v (names %v), want only Agenda 0", res.IDs, got)
	}
	if !strings.Contains(logged.String(), "read past the change log's head") {
		t.Errorf("no warning says why the index was rebuilt; the log:\n%s", logged.String())
	}
}
