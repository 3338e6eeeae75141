package sqlstore

import (
	"reflect"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

func TestByIDs_ReadsAPageOfTheFeedAsOneByOneInTheOrderAsked(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		if err := s.SetEmailDomains(ctx, w.admin, "b", []string{"b.example", "kommune-b.example"}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddCodeHosting(ctx, w.bob, "b", catalogue.CodeHosting{URL: "https://github.com/kommune-b", Group: true, Type: "github"}); err != nil {
			t.Fatal(err)
		}
		ja, err := s.DeclareJoin(ctx, w.alice, w.declaration("a", catalogue.JoinUses))
		if err != nil {
			t.Fatal(err)
		}
		jb, err := s.DeclareJoin(ctx, w.bob, w.declaration("b", catalogue.JoinFunds))
		if err != nil {
			t.Fatal(err)
		}

		pubs, err := s.PublishersByIDs(ctx, []string{"b", "nobody", "a"})
		if err != nil {
			t.Fatal(err)
		}
		if len(pubs) != 2 || pubs[0].ID != "b" || pubs[1].ID != "a" {
			t.Fatalf("publishers = %+v", pubs)
		}
		for _, p := range pubs {
			one, err := s.Publisher(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p, one) {
				t.Errorf("by IDs %+v\none by one %+v", p, one)
			}
		}
		if len(pubs[0].CodeHosting) != 1 || len(pubs[0].SiteDomains) == 0 {
			t.Errorf("B's hosting and site domains: %+v", pubs[0])
		}

		joins, err := s.JoinsByIDs(ctx, []string{jb.ID, "withdrawn", ja.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(joins) != 2 || !reflect.DeepEqual(joins[0], jb) || !reflect.DeepEqual(joins[1], ja) {
			t.Errorf("joins = %+v, want %+v and %+v", joins, jb, ja)
		}
		if none, err := s.JoinsByIDs(ctx, nil); err != nil || len(none) != 0 {
			t.Errorf("no IDs: %v %v", none, err)
		}
	})
}
