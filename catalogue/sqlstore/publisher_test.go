package sqlstore

import (
	"errors"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

func TestSyncPublishers_FollowsTheFile(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		torino := catalogue.Publisher{ID: "comune-torino", Name: "Città di Torino", Country: "IT", URI: "urn:x-italian-pa:c_l219",
			EmailDomains: []string{"comune.torino.it"},
			CodeHosting: []catalogue.CodeHosting{
				{URL: "https://github.com/comune-torino", Group: true},
				{URL: "https://git.example.org/torino/anagrafe.git"},
			}}
		if err := s.SyncPublishers(ctx, []catalogue.Publisher{torino}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Publisher(ctx, "comune-torino")
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Città di Torino" || len(got.CodeHosting) != 2 || got.EmailDomains[0] != "comune.torino.it" {
			t.Fatalf("publisher = %+v", got)
		}
		if got.CodeHosting[0].Origin != "file" {
			t.Errorf("origin = %q, want file", got.CodeHosting[0].Origin)
		}
		n := len(allChanges(t, s))

		// The same file again changes nothing.
		if err := s.SyncPublishers(ctx, []catalogue.Publisher{torino}); err != nil {
			t.Fatal(err)
		}
		if m := len(allChanges(t, s)); m != n {
			t.Errorf("an unchanged file appended %d changes", m-n)
		}

		// A hosting entry that disappears from the file is dropped.
		torino.CodeHosting = torino.CodeHosting[:1]
		if err := s.SyncPublishers(ctx, []catalogue.Publisher{torino}); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Publisher(ctx, "comune-torino")
		if len(got.CodeHosting) != 1 {
			t.Errorf("hosting = %+v, want one entry", got.CodeHosting)
		}

		// A publisher missing from the file keeps its record but loses its file hosting.
		if err := s.SyncPublishers(ctx, nil); err != nil {
			t.Fatal(err)
		}
		got, err = s.Publisher(ctx, "comune-torino")
		if err != nil || len(got.CodeHosting) != 0 {
			t.Errorf("after removal from the file: %+v, %v", got, err)
		}
	})
}

func TestSyncPublishers_RefusesBadEntries(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		bad := []catalogue.Publisher{
			{ID: "Bad ID", Name: "x"},
			{ID: "ok", Name: ""},
			{ID: "ok", Name: "x", CodeHosting: []catalogue.CodeHosting{{URL: "https://x", Type: "svn"}}},
		}
		for _, p := range bad {
			if err := s.SyncPublishers(t.Context(), []catalogue.Publisher{p}); !errors.Is(err, catalogue.ErrInvalid) {
				t.Errorf("%+v: err = %v, want ErrInvalid", p, err)
			}
		}
		if _, err := s.Publisher(t.Context(), "nope"); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("unknown publisher: %v", err)
		}
	})
}

func TestPublishers_PagesByCursor(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		var pubs []catalogue.Publisher
		for _, id := range []string{"a", "b", "c", "d", "e"} {
			pubs = append(pubs, catalogue.Publisher{ID: id, Name: "P " + id})
		}
		if err := s.SyncPublishers(t.Context(), pubs); err != nil {
			t.Fatal(err)
		}
		var seen []string
		after := ""
		for range 10 {
			page, next, err := s.Publishers(t.Context(), catalogue.Page{After: after, Size: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page {
				seen = append(seen, p.ID)
			}
			if next == "" {
				break
			}
			after = next
		}
		if len(seen) != 5 || seen[0] != "a" || seen[4] != "e" {
			t.Errorf("paged through %v", seen)
		}
	})
}
