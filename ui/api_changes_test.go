package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

// joinReads counts how a page of the change feed reads join records.
type joinReads struct {
	JoinSource
	mu           sync.Mutex
	one, batches int
}

func (r *joinReads) Join(ctx context.Context, id string) (catalogue.Join, error) {
	r.mu.Lock()
	r.one++
	r.mu.Unlock()
	return r.JoinSource.Join(ctx, id)
}

func (r *joinReads) JoinsByIDs(ctx context.Context, ids []string) ([]catalogue.Join, error) {
	r.mu.Lock()
	r.batches++
	r.mu.Unlock()
	return r.JoinSource.JoinsByIDs(ctx, ids)
}

func TestChanges_OneReadOfJoinRecordsPerPage(t *testing.T) {
	t.Parallel()
	reads := &joinReads{}
	js := newJoinSite(t, func(_ *Options, src *Sources) { reads.JoinSource = src.Community.Joins; src.Community.Joins = reads })
	alice, bob := js.signIn(t, "alice@a.example"), js.signIn(t, "bob@b.example")
	declared := 0
	for _, who := range []struct {
		b   *browser
		pub string
	}{{alice, "a"}, {bob, "b"}} {
		for _, kind := range []string{"uses", "funds", "co-develops"} {
			resp, body := who.b.api(http.MethodPost, "/api/v1/software/"+js.software+"/joins", who.b.token(),
				map[string]any{"publisher": who.pub, "kind": kind, "since": "2025-02-01", "contact": map[string]string{"name": "Bo", "email": "bo@b.example"}})
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("%s declaring %s: %d %s", who.pub, kind, resp.StatusCode, body)
			}
			declared++
		}
	}
	reads.mu.Lock()
	reads.one, reads.batches = 0, 0
	reads.mu.Unlock()
	_, body := js.browser(t).get("/api/v1/changes?after=0&page[size]=100")
	var f feedBody
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		t.Fatal(err)
	}
	upserted := 0
	for _, ch := range f.Data {
		if ch.Type == "join" && ch.Op == "upsert" && ch.Entry["kind"] != nil {
			upserted++
		}
	}
	if upserted != declared {
		t.Errorf("%d join records upserted in the feed, want %d: %s", upserted, declared, body)
	}
	reads.mu.Lock()
	defer reads.mu.Unlock()
	if reads.one != 0 || reads.batches != 1 {
		t.Errorf("a page read join records %d times one by one and %d times in a batch, want 0 and 1", reads.one, reads.batches)
	}
}
