package ui

import (
	"fmt"
	"slices"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

// feedChange is what a follower keeps of one change.
type feedChange struct {
	Seq      int64
	Type, Op string
	ID       string
}

// readFeed follows the change feed from after to its end with pages of size,
// returning every change and the number of pages read.
func readFeed(t *testing.T, base string, after int64, size int) ([]feedChange, int) {
	t.Helper()
	var all []feedChange
	next := fmt.Sprintf("/api/v1/changes?after=%d&page[size]=%d", after, size)
	pages := 0
	for next != "" {
		var feed feedBody
		getJSON(t, base+next, 200, &feed)
		pages++
		if len(feed.Data) > size {
			t.Fatalf("%s: %d changes on a page of %d", next, len(feed.Data), size)
		}
		for _, it := range feed.Data {
			all = append(all, feedChange{it.Seq, it.Type, it.Op, it.ID})
		}
		next = ""
		if feed.Links.Next != nil {
			next = *feed.Links.Next
		}
		if pages > 1000 {
			t.Fatal("the feed does not end")
		}
	}
	return all, pages
}

func TestChanges_TheSameChangesWhateverThePageSize(t *testing.T) {
	t.Parallel()
	ts, store := fedSite(t)
	ctx := t.Context()
	// Entities changed several times, between other changes: each change must
	// reach every follower, however it pages.
	for i := range 3 {
		listFile(t, store, "torino", "https://git.example.org/torino/parcheggi", fmt.Sprintf("name: Parcheggi %d\nplatforms: web\n", i))
		listFile(t, store, "torino", fmt.Sprintf("https://git.example.org/torino/nuovo%d", i), fmt.Sprintf("name: Nuovo %d\n", i))
	}
	list, _, err := store.ListSoftware(ctx, "", catalogue.Page{Size: 1})
	if err != nil || len(list) == 0 {
		t.Fatal(list, err)
	}
	if err := store.HideSoftware(ctx, list[0].ID, "test"); err != nil {
		t.Fatal(err)
	}
	head, err := store.ChangeHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := readFeed(t, ts.URL, 0, 100)
	if len(want) < 10 || want[len(want)-1].Seq != head {
		t.Fatalf("the feed read whole has %d changes ending at %v, want at least 10 ending at the head %d", len(want), want[len(want)-1], head)
	}
	for i := 1; i < len(want); i++ {
		if want[i].Seq <= want[i-1].Seq {
			t.Fatalf("changes out of order: %v then %v", want[i-1], want[i])
		}
	}
	for _, size := range []int{1, 2, 7, 100} {
		got, pages := readFeed(t, ts.URL, 0, size)
		if !slices.Equal(got, want) {
			t.Errorf("page size %d: %d changes %v\nwant %d: %v", size, len(got), got, len(want), want)
		}
		// A full last page has no next: as many pages as it takes, no more.
		if wantPages := max(1, (len(want)+size-1)/size); pages != wantPages {
			t.Errorf("page size %d: %d pages for %d changes, want %d", size, pages, len(want), wantPages)
		}
	}
	// An entity that changed twice carries its state now at both changes.
	var hidden []feedChange
	for _, ch := range want {
		if ch.ID == list[0].ID {
			hidden = append(hidden, ch)
		}
	}
	if len(hidden) < 2 || slices.ContainsFunc(hidden, func(c feedChange) bool { return c.Op != "hide" }) {
		t.Errorf("the hidden entry's changes: %v, want several, each a hide", hidden)
	}
}

func TestChanges_ACursorBeyondTheHeadIsGone(t *testing.T) {
	t.Parallel()
	ts, store := fedSite(t)
	head, err := store.ChangeHead(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var feed feedBody
	getJSON(t, fmt.Sprintf("%s/api/v1/changes?after=%d", ts.URL, head), 200, &feed)
	if len(feed.Data) != 0 || feed.Links.Next != nil || feed.Meta.Head != head {
		t.Errorf("at the head: %+v", feed)
	}
	var gone map[string]any
	h := getJSON(t, fmt.Sprintf("%s/api/v1/changes?after=%d", ts.URL, head+1000), 410, &gone)
	if h.Get("Content-Type") != "application/problem+json" || gone["resync"] == nil || gone["resumeAfter"] != float64(head) || gone["head"] != float64(head) {
		t.Errorf("beyond the head: %v %v", h, gone)
	}
}
