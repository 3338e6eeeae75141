package search

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/oscat-eu/oscat/catalogue"
)

// shardOfBatches indexes n entries in batches of size each, so that the index
// holds several segments.
func shardOfBatches(t *testing.T, n, size int) *shard {
	t.Helper()
	sh, err := createShard(t.TempDir(), "s", quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sh.close() })
	for start := 0; start < n; start += size {
		var batch []catalogue.Software
		for i := start; i < min(n, start+size); i++ {
			batch = append(batch, catalogue.Software{ID: fmt.Sprintf("sw%05d", i), Name: fmt.Sprintf("Entry %d", i), URL: fmt.Sprintf("https://example.org/e/%d", i)})
		}
		if err := sh.write(batch, nil, int64(start+1)); err != nil {
			t.Fatal(err)
		}
	}
	// Deleting some entries leaves holes in segments, as real updates do.
	if err := sh.write(nil, []string{"sw00003", "sw00150", "sw00299"}, int64(n+1)); err != nil {
		t.Fatal(err)
	}
	return sh
}

// everyHit runs fn on the internal ID and external ID of every live document
// of reader: the snapshot the resolver under test was made for, since internal
// IDs of another snapshot (after a background merge) name other documents.
func everyHit(t *testing.T, sh *shard, reader index.IndexReader, fn func(id index.IndexInternalID, external string)) {
	t.Helper()
	s, err := query.NewMatchAllQuery().Searcher(t.Context(), reader, sh.mapping, bsearch.SearcherOptions{Score: "none"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: reader}
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			t.Fatal(err)
		}
		if dm == nil {
			return
		}
		ext, err := reader.ExternalID(dm.IndexInternalID)
		if err != nil {
			t.Fatal(err)
		}
		fn(dm.IndexInternalID, ext)
		sctx.DocumentMatchPool.Put(dm)
	}
}

// TestOrdCache_AgreesWithBleveOnEveryDocument fails loudly when a Bleve upgrade
// changes the internal document numbering ordcache.go relies on: then the
// shortcut must be updated (or dropped for docValueResolver).
func TestOrdCache_AgreesWithBleveOnEveryDocument(t *testing.T) {
	t.Parallel()
	sh := shardOfBatches(t, 300, 37)
	adv, _ := sh.bleve.Advanced()
	reader, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	snap, ok := reader.(*scorch.IndexSnapshot)
	if !ok {
		t.Fatalf("the index reader is a %T, not a scorch snapshot: Bleve changed, update ordcache.go", reader)
	}
	t.Logf("%d segments", len(snap.Segments()))
	fast, err := sh.ords.resolver(reader)
	if err != nil {
		t.Fatal(err)
	}
	if sh.ords.layoutChanged.Load() {
		t.Fatal("Bleve's internal document numbering is not the one ordcache.go assumes: update ordcache.go for this Bleve version")
	}
	if _, _, _, checked, err := sh.ords.tables(snap); err != nil || !checked {
		t.Errorf("the same segments are to be checked again (%v): the check is once per layout", err)
	}
	seen := 0
	everyHit(t, sh, reader, func(id index.IndexInternalID, ext string) {
		seen++
		got, ok := fast(id)
		if want := sh.table.byID[ext]; !ok || got != want {
			t.Errorf("%s: ordcache gives ordinal %d (%t), its ordinal is %d: Bleve's layout changed, update ordcache.go", ext, got, ok, want)
		}
	})
	if seen != 297 {
		t.Fatalf("saw %d documents, want 297", seen)
	}
}

// TestOrdCache_FallsBackWhenTheLayoutCheckFails shows that a layout the check
// rejects costs speed, not correctness: the resolver reads doc values instead.
func TestOrdCache_FallsBackWhenTheLayoutCheckFails(t *testing.T) {
	t.Parallel()
	sh := shardOfBatches(t, 120, 25)
	adv, _ := sh.bleve.Advanced()
	reader, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	offsets, tables, _, _, err := sh.ords.tables(reader.(*scorch.IndexSnapshot))
	if err != nil {
		t.Fatal(err)
	}
	slow, err := docValueResolver(reader)
	if err != nil {
		t.Fatal(err)
	}
	// A resolver that reads IDs little-endian stands for a changed layout.
	wrong := func(id index.IndexInternalID) (uint32, bool) {
		n := binary.LittleEndian.Uint64(id)
		for i := len(offsets) - 1; i >= 0; i-- {
			if n >= offsets[i] && n-offsets[i] < uint64(len(tables[i])) {
				return tables[i][n-offsets[i]], tables[i][n-offsets[i]] != noValue
			}
		}
		return 0, false
	}
	if err := checkLayout(offsets, tables, wrong, slow); err == nil {
		t.Fatal("the layout check accepted a resolver that reads IDs the wrong way round")
	}
	if err := checkLayout(offsets, tables, slow, slow); err != nil {
		t.Fatalf("the layout check refused Bleve's own reader: %v", err)
	}
	sh.ords.layoutChanged.Store(true)
	fallback, err := sh.ords.resolver(reader)
	if err != nil {
		t.Fatal(err)
	}
	everyHit(t, sh, reader, func(id index.IndexInternalID, ext string) {
		if got, ok := fallback(id); !ok || got != sh.table.byID[ext] {
			t.Errorf("%s: the fallback gives ordinal %d (%t), want %d", ext, got, ok, sh.table.byID[ext])
		}
	})
}
