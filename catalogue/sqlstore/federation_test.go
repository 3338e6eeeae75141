package sqlstore

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

func harvested(remoteID, url, name, instance string) catalogue.HarvestedEntry {
	raw := fmt.Sprintf("name: %s\nurl: %s\n", name, url)
	return catalogue.HarvestedEntry{RemoteID: remoteID, URL: url, Instance: instance, Name: name, Raw: raw,
		File: publiccode.Read([]byte(raw), publiccode.Limits{}).File, Valid: true, Digest: raw}
}

func mustHarvest(t *testing.T, s *Store, b catalogue.HarvestBatch) catalogue.HarvestCount {
	t.Helper()
	c, err := s.ApplyHarvest(t.Context(), b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestInstanceID_IsMadeOnceAndKept(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		first, err := s.InstanceID(t.Context(), "")
		must(t, err)
		again, err := s.InstanceID(t.Context(), "")
		must(t, err)
		if first == "" || first != again {
			t.Fatalf("instance IDs %q then %q", first, again)
		}
		set, err := s.InstanceID(t.Context(), "nl-oscat")
		must(t, err)
		kept, _ := s.InstanceID(t.Context(), "")
		if set != "nl-oscat" || kept != "nl-oscat" {
			t.Errorf("a configured ID is kept: %q, %q", set, kept)
		}
	})
}

func TestChangesSince_AnOldCursorIsGoneAfterPruning(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for i := range 3 {
			mustApply(t, s, crawled(fmt.Sprintf("https://example.org/a/r%d", i), fmt.Sprintf("name: R%d\n", i)), catalogue.StatusNew)
		}
		n, err := s.PruneChanges(ctx, time.Now().Add(time.Hour), math.MaxInt64)
		must(t, err)
		if n != 2 {
			t.Errorf("pruned %d entries, want 2 (the newest stays)", n)
		}
		if _, err := s.ChangesSince(ctx, 0, 10); !errors.Is(err, catalogue.ErrGone) {
			t.Errorf("a cursor before the pruned entries: %v, want ErrGone", err)
		}
		head, _ := s.ChangeHead(ctx)
		if cs, err := s.ChangesSince(ctx, head-1, 10); err != nil || len(cs) != 1 {
			t.Errorf("after the pruned entries: %v %v", cs, err)
		}
	})
}

func TestApplyHarvest_ListsUpdatesAndHidesWhatAPeerLists(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		ours, _ := s.InstanceID(ctx, "here")
		_, err := s.EnsurePeer(ctx, catalogue.Peer{URL: "https://b.example", Kind: catalogue.PeerOscat})
		must(t, err)
		a := harvested("bbbbbbbbbbbbbbb1", "https://git.example.org/b/one", "One", "b")
		back := harvested("cccccccccccccc01", "https://git.example.org/a/ours", "Ours", ours)
		cursor := int64(7)
		c := mustHarvest(t, s, catalogue.HarvestBatch{Peer: "https://b.example", Instance: "b", Upserts: []catalogue.HarvestedEntry{a, back}, Cursor: &cursor})
		if c.Added != 1 || c.Skipped != 1 {
			t.Errorf("count = %+v", c)
		}
		sw := onlySoftware(t, s)
		if sw.ID != a.RemoteID || sw.Origin == nil || sw.Origin.Peer != "https://b.example" || sw.Origin.Instance != "b" || sw.Name != "One" {
			t.Fatalf("harvested entry = %+v, origin %+v", sw, sw.Origin)
		}
		if p, _ := s.Peer(ctx, "https://b.example"); p.Cursor != 7 || p.Instance != "b" || p.Entries != 1 {
			t.Errorf("peer = %+v", p)
		}
		// The same again: nothing changes, nothing is appended.
		head, _ := s.ChangeHead(ctx)
		if c := mustHarvest(t, s, catalogue.HarvestBatch{Peer: "https://b.example", Upserts: []catalogue.HarvestedEntry{a}}); c.Unchanged != 1 {
			t.Errorf("count = %+v", c)
		}
		if h, _ := s.ChangeHead(ctx); h != head {
			t.Errorf("an unchanged entry appended %d changes", h-head)
		}
		a2 := harvested(a.RemoteID, a.URL, "One Renamed", "b")
		mustHarvest(t, s, catalogue.HarvestBatch{Peer: "https://b.example", Upserts: []catalogue.HarvestedEntry{a2}})
		if sw := onlySoftware(t, s); sw.Name != "One Renamed" || sw.ID != a.RemoteID {
			t.Errorf("updated entry = %+v", sw)
		}
		// A complete listing without it hides it.
		if c := mustHarvest(t, s, catalogue.HarvestBatch{Peer: "https://b.example", Complete: true}); c.Removed != 1 {
			t.Errorf("count = %+v", c)
		}
		if list, _, _ := s.ListSoftware(ctx, "", catalogue.Page{Size: 10}); len(list) != 0 {
			t.Errorf("still listed: %+v", list)
		}
		cs := allChanges(t, s)
		if last := cs[len(cs)-1]; last.Op != catalogue.OpHide || last.ID != a.RemoteID {
			t.Errorf("last change = %+v", last)
		}
	})
}

func TestApplyHarvest_LocalCrawlWinsAndPeerJoinsAreMerged(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		must(t, s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "torino", Name: "Torino", URI: "urn:x-italian-pa:c_l219"}}))
		_, err := s.EnsurePeer(ctx, catalogue.Peer{URL: "https://b.example"})
		must(t, err)
		e := harvested("bbbbbbbbbbbbbbb1", "https://example.org/italia/medusa", "Medusa from B", "b")
		e.Joins = []catalogue.JoinRecord{{ID: "j1", Relation: "uses", PublisherName: "Comune di Torino", PublisherURI: "urn:x-italian-pa:c_l219"}}
		mustHarvest(t, s, catalogue.HarvestBatch{Peer: "https://b.example", Instance: "b", Upserts: []catalogue.HarvestedEntry{e}})

		// Crawled here too: the local entry wins, keeps the ID, and carries B's join record.
		must(t, s.RegisterRepository(ctx, "torino", "https://example.org/italia/medusa.git"))
		mustApply(t, s, crawled("https://example.org/italia/medusa.git", medusa), catalogue.StatusNew)
		sw := onlySoftware(t, s)
		if sw.Name != "Medusa" || sw.Origin != nil || sw.ID != e.RemoteID {
			t.Fatalf("local entry = %+v origin %+v", sw, sw.Origin)
		}
		if len(sw.Joins) != 1 || sw.Joins[0].Instance != "b" || sw.Joins[0].Publisher != "torino" {
			t.Errorf("joins = %+v", sw.Joins)
		}
		// The local repository goes: the peer's copy is shown again.
		must(t, s.HideRepository(ctx, "https://example.org/italia/medusa.git", "test"))
		sw = onlySoftware(t, s)
		if sw.Name != "Medusa from B" || sw.Origin == nil {
			t.Errorf("after the local repository went: %+v", sw)
		}
	})
}

func TestSyncPeers_APeerLeftOutIsKeptStaleAndRemovingItRemovesItsEntries(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		_, err := s.SyncPeers(ctx, []catalogue.Peer{{URL: "https://b.example"}, {URL: "https://c.example"}})
		must(t, err)
		shared := "https://git.example.org/x/shared"
		mustHarvest(t, s, catalogue.HarvestBatch{Peer: "https://b.example", Instance: "b", Upserts: []catalogue.HarvestedEntry{
			harvested("b1", shared, "Shared (B)", "b"), harvested("b2", "https://git.example.org/x/only-b", "Only B", "b")}})
		mustHarvest(t, s, catalogue.HarvestBatch{Peer: "https://c.example", Instance: "c", Upserts: []catalogue.HarvestedEntry{
			harvested("c1", shared, "Shared (C)", "c")}})
		list, _, _ := s.ListSoftware(ctx, "", catalogue.Page{Size: 10})
		if len(list) != 2 {
			t.Fatalf("listed %d, want 2 (deduplicated by URL)", len(list))
		}
		// B left out of the configuration (harvested from cron, say): kept with
		// its entries, marked stale.
		peers, err := s.SyncPeers(ctx, []catalogue.Peer{{URL: "https://c.example"}})
		must(t, err)
		if len(peers) != 2 || peers[0].URL != "https://b.example" || !peers[0].Stale || peers[0].Entries != 2 || peers[1].Stale {
			t.Fatalf("peers = %+v, want B kept, stale, with its 2 entries", peers)
		}
		if list, _, _ := s.ListSoftware(ctx, "", catalogue.Page{Size: 10}); len(list) != 2 {
			t.Errorf("a peer left out of the configuration lost its entries: %d listed", len(list))
		}
		// Configured again: no longer stale.
		peers, err = s.SyncPeers(ctx, []catalogue.Peer{{URL: "https://b.example"}, {URL: "https://c.example"}})
		must(t, err)
		if len(peers) != 2 || peers[0].Stale || peers[1].Stale {
			t.Errorf("configured again: %+v", peers)
		}
		// Removed on purpose: its entries go, what C also lists stays.
		must(t, s.RemovePeer(ctx, "https://b.example"))
		if err := s.RemovePeer(ctx, "https://b.example"); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("removing an unknown peer: %v", err)
		}
		if peers, _ := s.Peers(ctx); len(peers) != 1 {
			t.Errorf("peers after removal = %+v", peers)
		}
		sw := onlySoftware(t, s)
		if sw.Name != "Shared (C)" || sw.Origin.Peer != "https://c.example" || sw.ID != "b1" {
			t.Errorf("after removing B: %+v %+v", sw, sw.Origin)
		}
	})
}

func TestWebhooks_DeliveryLogIsBounded(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w, err := s.AddWebhook(ctx, catalogue.Webhook{URL: "https://hooks.example/x", Secret: "whsec_abc", Events: []string{catalogue.EventSoftwareCreated}})
		must(t, err)
		for i := range catalogue.DeliveryLogLength + 5 {
			must(t, s.LogDelivery(ctx, catalogue.Delivery{Webhook: w.ID, MessageID: fmt.Sprint("msg_", i), Event: "software.created", Attempt: 1, Status: 204}))
		}
		ds, err := s.Deliveries(ctx, w.ID, 1000)
		must(t, err)
		if len(ds) != catalogue.DeliveryLogLength || ds[0].MessageID != fmt.Sprint("msg_", catalogue.DeliveryLogLength+4) {
			t.Errorf("%d deliveries kept, newest %+v", len(ds), ds[0])
		}
		got, err := s.WebhookByID(ctx, w.ID)
		if err != nil || got.Secret != "whsec_abc" || got.Events[0] != catalogue.EventSoftwareCreated {
			t.Errorf("webhook = %+v, %v", got, err)
		}
		must(t, s.RemoveWebhook(ctx, w.ID))
		if _, err := s.WebhookByID(ctx, w.ID); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("removed webhook: %v", err)
		}
	})
}

func TestSoftwareByCreation_PagesInCreationOrder(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for i := range 5 {
			mustApply(t, s, crawled(fmt.Sprintf("https://example.org/a/r%d", i), fmt.Sprintf("name: R%d\n", i)), catalogue.StatusNew)
		}
		var names []string
		p := catalogue.CreationPage{Size: 2}
		for range 5 {
			list, next, _, err := s.SoftwareByCreation(ctx, p)
			must(t, err)
			for _, sw := range list {
				names = append(names, sw.Name)
			}
			if next == "" {
				break
			}
			p.After = next
		}
		if fmt.Sprint(names) != "[R0 R1 R2 R3 R4]" {
			t.Errorf("pages = %v", names)
		}
		list, _, _, err := s.SoftwareByCreation(ctx, catalogue.CreationPage{URL: "https://example.org/a/r3.git"})
		if err != nil || len(list) != 1 || list[0].Name != "R3" {
			t.Errorf("by URL: %+v %v", list, err)
		}
	})
}
