package search

import (
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

func TestSearch_UsedByOpenToJoinAndSortByUsers(t *testing.T) {
	t.Parallel()
	ix, s := catalogueFixture(t)
	ctx := t.Context()
	st := s.(*sqlstore.Store)
	ids := map[string]string{}
	all, _ := ix.Search(ctx, Request{Size: 10})
	list, _ := st.SoftwareByIDs(ctx, all.IDs)
	for _, sw := range list {
		ids[sw.Name] = sw.ID
	}
	if err := st.SyncPublishers(ctx, []catalogue.Publisher{
		{ID: "roma", Name: "Roma", Country: "IT", EmailDomains: []string{"roma.example"}},
		{ID: "utrecht", Name: "Utrecht", Country: "NL", EmailDomains: []string{"utrecht.example"}},
	}); err != nil {
		t.Fatal(err)
	}
	roma, _ := st.SignIn(ctx, "a@roma.example", "", "", "")
	utrecht, _ := st.SignIn(ctx, "b@utrecht.example", "", "", "")
	declare := func(who catalogue.Person, pub, name string, kind catalogue.JoinKind) {
		t.Helper()
		if _, err := st.DeclareJoin(ctx, catalogue.Actor{Person: who.ID}, catalogue.Join{Software: ids[name], Publisher: pub, Kind: kind,
			Since: "2024-01-01", Contact: catalogue.Contact{Name: "X", Email: "x@" + pub + ".example"}}); err != nil {
			t.Fatal(err)
		}
	}
	declare(roma, "roma", "Zaakregistratie", catalogue.JoinUses)
	declare(utrecht, "utrecht", "Zaakregistratie", catalogue.JoinCoDevelops)
	declare(roma, "roma", "Parkeervergunningen", catalogue.JoinUses)
	declare(utrecht, "utrecht", "Protocollo", catalogue.JoinInterested)
	if err := st.SetJoinInfo(ctx, catalogue.Actor{Person: utrecht.ID}, catalogue.JoinInfo{Software: ids["Parkeervergunningen"], Open: true, Meetings: "Every first Monday"}); err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, Request{})
	if err != nil {
		t.Fatal(err)
	}
	counts := facetMap(res)
	if c := counts["usedBy"]; c["0"] != 2 || c["1"] != 1 || c["2-4"] != 1 {
		t.Errorf("usedBy counts = %v", c)
	}
	if c := counts["openToJoin"]; c["true"] != 1 || c["false"] != 3 {
		t.Errorf("openToJoin counts = %v", c)
	}
	if got := found(t, ix, s, Request{Filters: map[Facet][]string{FacetUsedBy: {"1", "2-4"}}}); strings.Join(got, ",") != "Parkeervergunningen,Zaakregistratie" {
		t.Errorf("usedBy 1|2-4 = %v", got)
	}
	if got := found(t, ix, s, Request{Filters: map[Facet][]string{FacetOpenToJoin: {"true"}}}); strings.Join(got, ",") != "Parkeervergunningen" {
		t.Errorf("openToJoin = %v", got)
	}
	got := found(t, ix, s, Request{Sort: "-users"})
	if strings.Join(got[:2], ",") != "Zaakregistratie,Parkeervergunningen" {
		t.Errorf("by users = %v", got)
	}
	// Pages of sort=-users follow each other.
	p1, _ := ix.Search(ctx, Request{Sort: "-users", Size: 1})
	p2, err := ix.Search(ctx, Request{Sort: "-users", Size: 1, After: p1.Next})
	if err != nil || len(p2.IDs) != 1 || p2.IDs[0] != ids["Parkeervergunningen"] {
		t.Errorf("second page by users = %v, %v", p2.IDs, err)
	}
	for _, b := range []struct {
		n    int
		want string
	}{{0, "0"}, {1, "1"}, {2, "2-4"}, {4, "2-4"}, {5, "5-9"}, {9, "5-9"}, {10, "10+"}, {250, "10+"}} {
		if got := UsersBucket(b.n); got != b.want {
			t.Errorf("UsersBucket(%d) = %q, want %q", b.n, got, b.want)
		}
	}
}
