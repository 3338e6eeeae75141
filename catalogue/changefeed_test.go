package catalogue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// feedStore is a FeedLog, FeedSource and FeedJoins over maps, counting the
// calls each page makes.
type feedStore struct {
	log        []Change
	software   map[string]Software
	publishers map[string]Publisher
	joins      map[string]Join
	calls      map[string]int
	fail       string // the method that fails
}

func (f *feedStore) call(m string) error {
	f.calls[m]++
	if f.fail == m {
		return fmt.Errorf("%s: broken", m)
	}
	return nil
}

func (f *feedStore) ChangesSince(_ context.Context, after int64, limit int) ([]Change, error) {
	if err := f.call("ChangesSince"); err != nil {
		return nil, err
	}
	if after < 0 {
		return nil, ErrGone
	}
	var out []Change
	for _, ch := range f.log {
		if ch.Seq > after && len(out) < limit {
			out = append(out, ch)
		}
	}
	return out, nil
}

func byIDs[T any](f *feedStore, m string, ids []string, all map[string]T) ([]T, error) {
	if err := f.call(m); err != nil {
		return nil, err
	}
	var out []T
	asked := map[string]bool{}
	for _, id := range ids {
		if asked[id] {
			return nil, fmt.Errorf("%s: asked twice for %s", m, id)
		}
		asked[id] = true
		if v, ok := all[id]; ok {
			out = append(out, v)
		}
	}
	return out, nil
}

func (f *feedStore) SoftwareByIDs(_ context.Context, ids []string) ([]Software, error) {
	return byIDs(f, "SoftwareByIDs", ids, f.software)
}

func (f *feedStore) PublishersByIDs(_ context.Context, ids []string) ([]Publisher, error) {
	return byIDs(f, "PublishersByIDs", ids, f.publishers)
}

func (f *feedStore) JoinsByIDs(_ context.Context, ids []string) ([]Join, error) {
	return byIDs(f, "JoinsByIDs", ids, f.joins)
}

func newFeedStore(changes ...string) *feedStore {
	f := &feedStore{
		software:   map[string]Software{"sw1": {ID: "sw1", Name: "Parkeren", Publishers: []string{"b", "gone", "a"}}},
		publishers: map[string]Publisher{"a": {ID: "a", Name: "Gemeente A"}, "b": {ID: "b", Name: "Kommune B"}},
		joins:      map[string]Join{"j1": {ID: "j1", Software: "sw1", Publisher: "a"}, "j2": {ID: "j2", Software: "sw1", Publisher: "b"}},
		calls:      map[string]int{},
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, c := range changes {
		typ, id, _ := strings.Cut(c, ":")
		op := OpUpsert
		if strings.HasPrefix(id, "-") {
			op, id = OpHide, id[1:]
		}
		f.log = append(f.log, Change{Seq: int64(i + 1), Type: ChangeType(typ), Op: op, ID: id, At: at})
	}
	return f
}

// summary writes a page's entries as "type:id:op[:what]".
func summary(entries []FeedEntry) string {
	var out []string
	for _, e := range entries {
		s := fmt.Sprintf("%d %s:%s:%s", e.Seq, e.Type, e.ID, e.Op)
		switch {
		case e.Software != nil:
			var pubs []string
			for _, p := range e.Publishers {
				pubs = append(pubs, p.ID)
			}
			s += ":" + e.Software.Name + "[" + strings.Join(pubs, ",") + "]"
		case e.Publisher != nil:
			s += ":" + e.Publisher.Name
		case e.Join != nil:
			s += ":" + e.Join.Publisher
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func TestReadFeed_EachChangeCarriesItsEntityAsItIsNow(t *testing.T) {
	tests := []struct {
		name    string
		log     []string
		after   int64
		size    int
		noJoins bool
		want    string
		last    int64
		more    bool
	}{
		{"an empty log", nil, 0, 10, false, "", 0, false},
		{"software with its publishers in its order, those known",
			[]string{"software:sw1"}, 0, 10, false, "1 software:sw1:upsert:Parkeren[b,a]", 1, false},
		{"software no longer listed is hidden, whatever was logged",
			[]string{"software:sw9"}, 0, 10, false, "1 software:sw9:hide", 1, false},
		{"a hidden software listed again is an upsert",
			[]string{"software:-sw1"}, 0, 10, false, "1 software:sw1:upsert:Parkeren[b,a]", 1, false},
		{"publishers, known or not",
			[]string{"publisher:a", "publisher:zz"}, 0, 10, false, "1 publisher:a:upsert:Gemeente A; 2 publisher:zz:hide", 2, false},
		{"join records, existing or withdrawn",
			[]string{"join:j1", "join:-j9"}, 0, 10, false, "1 join:j1:upsert:a; 2 join:j9:hide", 2, false},
		{"join records of an instance without accounts are hidden",
			[]string{"join:j1"}, 0, 10, true, "1 join:j1:hide", 1, false},
		{"code entries never travel",
			[]string{"code:c1", "software:sw1"}, 0, 10, false, "2 software:sw1:upsert:Parkeren[b,a]", 2, false},
		{"unknown kinds pass as logged",
			[]string{"thing:t1", "thing:-t2"}, 0, 10, false, "1 thing:t1:upsert; 2 thing:t2:hide", 2, false},
		{"every change of one entity carries it, in order",
			[]string{"join:j1", "software:sw1", "join:j1"}, 0, 10, false,
			"1 join:j1:upsert:a; 2 software:sw1:upsert:Parkeren[b,a]; 3 join:j1:upsert:a", 3, false},
		{"a full page says more follow",
			[]string{"publisher:a", "publisher:b", "publisher:a"}, 0, 2, false, "1 publisher:a:upsert:Gemeente A; 2 publisher:b:upsert:Kommune B", 2, true},
		{"the next page starts after the cursor",
			[]string{"publisher:a", "publisher:b", "publisher:a"}, 2, 2, false, "3 publisher:a:upsert:Gemeente A", 3, false},
		{"past the head, the page is empty and ends at the cursor",
			[]string{"publisher:a"}, 5, 2, false, "", 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFeedStore(tt.log...)
			var joins FeedJoins = f
			if tt.noJoins {
				joins = nil
			}
			page, err := ReadFeed(t.Context(), f, f, joins, tt.after, tt.size)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(page.Entries); got != tt.want {
				t.Errorf("entries = %q\nwant      %q", got, tt.want)
			}
			if page.Last != tt.last || page.More != tt.more {
				t.Errorf("last, more = %d %v, want %d %v", page.Last, page.More, tt.last, tt.more)
			}
		})
	}
}

func TestReadFeed_OneReadPerKindOfEntityPerPage(t *testing.T) {
	// 60 join records, 20 publishers and 20 software entries on one page.
	f := newFeedStore()
	var log []string
	for i := range 20 {
		sw, pub := fmt.Sprintf("sw%d", i), fmt.Sprintf("p%d", i)
		f.software[sw] = Software{ID: sw, Publishers: []string{pub, "a"}}
		f.publishers[pub] = Publisher{ID: pub}
		log = append(log, "software:"+sw, "publisher:"+pub)
		for k := range 3 {
			id := fmt.Sprintf("j%d-%d", i, k)
			f.joins[id] = Join{ID: id, Publisher: pub}
			log = append(log, "join:"+id)
		}
	}
	f.log = newFeedStore(log...).log
	page, err := ReadFeed(t.Context(), f, f, f, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 100 {
		t.Fatalf("%d entries, want 100", len(page.Entries))
	}
	want := map[string]int{"ChangesSince": 1, "SoftwareByIDs": 1, "PublishersByIDs": 1, "JoinsByIDs": 1}
	for m, n := range want {
		if f.calls[m] != n {
			t.Errorf("%s called %d times, want %d (calls: %v)", m, f.calls[m], n, f.calls)
		}
	}
}

func TestReadFeed_ErrorsSayWhere(t *testing.T) {
	for _, m := range []string{"ChangesSince", "SoftwareByIDs", "PublishersByIDs", "JoinsByIDs"} {
		t.Run(m, func(t *testing.T) {
			f := newFeedStore("software:sw1", "join:j1")
			f.fail = m
			_, err := ReadFeed(t.Context(), f, f, f, 0, 10)
			if err == nil || !strings.Contains(err.Error(), m+": broken") || !strings.Contains(err.Error(), "change feed after 0") {
				t.Errorf("err = %v", err)
			}
		})
	}
	f := newFeedStore("software:sw1")
	if _, err := ReadFeed(t.Context(), f, f, f, -1, 10); !errors.Is(err, ErrGone) {
		t.Errorf("a cursor older than the retention: %v, want ErrGone", err)
	}
}
