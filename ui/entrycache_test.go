package ui

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

// fakeLoads is a store of entries by ID that counts what it is asked for.
type fakeLoads struct {
	entries map[string]catalogue.Software
	asked   [][]string
}

func (f *fakeLoads) load(_ context.Context, ids []string) ([]catalogue.Software, error) {
	f.asked = append(f.asked, slices.Clone(ids))
	var out []catalogue.Software
	for _, id := range ids {
		if sw, ok := f.entries[id]; ok {
			out = append(out, sw)
		}
	}
	return out, nil
}

func namesOf(list []catalogue.Software) []string {
	var out []string
	for _, sw := range list {
		out = append(out, sw.Name)
	}
	return out
}

func TestEntryCache_ServesAnEntryOnlyAtTheIndexsVersion(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := &fakeLoads{entries: map[string]catalogue.Software{"a": {ID: "a", Name: "A1"}, "b": {ID: "b", Name: "B1"}}}
	c := newEntryCache(10)
	got, err := c.listed(ctx, []string{"b", "a"}, []uint64{1, 1}, f.load)
	if err != nil || !slices.Equal(namesOf(got), []string{"B1", "A1"}) || len(f.asked) != 1 {
		t.Fatalf("first listing: %v %v, asked %v", namesOf(got), err, f.asked)
	}
	// The same versions: nothing is read again.
	if got, _ = c.listed(ctx, []string{"a", "b"}, []uint64{1, 1}, f.load); !slices.Equal(namesOf(got), []string{"A1", "B1"}) || len(f.asked) != 1 {
		t.Fatalf("same versions: %v, asked %v", namesOf(got), f.asked)
	}
	// The index wrote a again: only a is read, and the new one shown.
	f.entries["a"] = catalogue.Software{ID: "a", Name: "A2"}
	if got, _ = c.listed(ctx, []string{"a", "b"}, []uint64{2, 1}, f.load); !slices.Equal(namesOf(got), []string{"A2", "B1"}) || !slices.Equal(f.asked[1], []string{"a"}) {
		t.Fatalf("a rewritten: %v, asked %v", namesOf(got), f.asked)
	}
	// An entry the store no longer lists is left out, as the store's own call does.
	delete(f.entries, "b")
	if got, _ = c.listed(ctx, []string{"a", "b"}, []uint64{2, 3}, f.load); !slices.Equal(namesOf(got), []string{"A2"}) {
		t.Fatalf("b unlisted: %v", namesOf(got))
	}
	// Without versions, the store is asked every time.
	n := len(f.asked)
	if got, _ = c.listed(ctx, []string{"a"}, nil, f.load); !slices.Equal(namesOf(got), []string{"A2"}) || len(f.asked) != n+1 {
		t.Fatalf("no versions: %v, asked %v", namesOf(got), f.asked)
	}
}

func TestEntryCache_KeepsAtMostItsSizeDroppingTheLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := &fakeLoads{entries: map[string]catalogue.Software{}}
	for _, id := range []string{"a", "b", "c"} {
		f.entries[id] = catalogue.Software{ID: id, Name: strings.ToUpper(id)}
	}
	c := newEntryCache(2)
	for _, id := range []string{"a", "b", "a", "c"} {
		if _, err := c.listed(ctx, []string{id}, []uint64{1}, f.load); err != nil {
			t.Fatal(err)
		}
	}
	if c.order.Len() != 2 || len(c.byID) != 2 {
		t.Fatalf("%d entries kept, %d indexed; the size is 2", c.order.Len(), len(c.byID))
	}
	if _, ok := c.byID["b"]; ok {
		t.Error("b, the least recently used, was kept")
	}
	n := len(f.asked)
	_, _ = c.listed(ctx, []string{"a", "c"}, []uint64{1, 1}, f.load)
	if len(f.asked) != n {
		t.Errorf("a and c were read again: %v", f.asked[n:])
	}
}

// countingCatalog counts the store's reads of entries by ID.
type countingCatalog struct {
	CatalogSource
	mu    sync.Mutex
	reads int
}

func (c *countingCatalog) SoftwareByIDs(ctx context.Context, ids []string) ([]catalogue.Software, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.CatalogSource.SoftwareByIDs(ctx, ids)
}

// A results page asked again reads nothing from the store, and one asked after
// the index applied a change shows the change.
func TestResultsPage_ReadsTheStoreOnlyForEntriesTheIndexRewrote(t *testing.T) {
	t.Parallel()
	store := testStore(t, catalogue.Publisher{ID: "stad", Name: "Stad"})
	listFile(t, store, "stad", "https://example.org/stad/parking", "publiccodeYmlVersion: \"0.4\"\nname: Parking Permits\nurl: https://example.org/stad/parking\n")
	index := testIndex(t, store)
	src := storeSources(store)
	counting := &countingCatalog{CatalogSource: src.Catalog}
	src.Catalog = counting
	srv, err := New(src, index, Options{PublicURL: "http://127.0.0.1", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	page := func() string {
		t.Helper()
		resp, err := http.Get(ts.URL + "/search?q=parking")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("results page: %s", resp.Status)
		}
		return string(b)
	}
	reads := func() int {
		counting.mu.Lock()
		defer counting.mu.Unlock()
		return counting.reads
	}
	if !strings.Contains(page(), "Parking Permits") {
		t.Fatal("the entry is not on its results page")
	}
	before := reads()
	if !strings.Contains(page(), "Parking Permits") || reads() != before {
		t.Errorf("the same results page again read entries from the store %d times", reads()-before)
	}
	listFile(t, store, "stad", "https://example.org/stad/parking", "publiccodeYmlVersion: \"0.4\"\nname: Parking Permits Online\nurl: https://example.org/stad/parking\n")
	if err := index.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if body := page(); !strings.Contains(body, "Parking Permits Online") {
		t.Error("after the index applied the new name, the results page still shows the old one")
	}
}
