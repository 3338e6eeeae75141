package harvest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/harvest"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// An Oscat peer's feed sends every change, each with its entity as it is now:
// an entity changed twice in one page is harvested once, as it is at its last
// change.
func TestHarvest_AnEntryChangedTwiceInAFeedPageIsAppliedOnce(t *testing.T) {
	t.Parallel()
	entry := func(name string) string {
		return fmt.Sprintf(`{"id":"s1","url":"https://git.example.org/x/one","name":%q,"valid":true,"publishers":["p"],"publisherDetails":[{"id":"p","name":"P"}],"publiccodeYml":"name: %s\nurl: https://git.example.org/x/one\n"}`, name, name)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("after") != "0" {
			fmt.Fprint(w, `{"data":[],"links":{"next":null},"meta":{"instance":"peer","head":3,"last":3}}`)
			return
		}
		fmt.Fprintf(w, `{"data":[{"seq":1,"type":"software","op":"upsert","id":"s1","entry":%s},{"seq":2,"type":"publisher","op":"upsert","id":"p"},{"seq":3,"type":"software","op":"upsert","id":"s1","entry":%s}],"links":{"next":null},"meta":{"instance":"peer","head":3,"last":3}}`,
			entry("One"), entry("One"))
	}))
	defer ts.Close()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := harvest.New(store, harvest.Options{Policy: safehttp.Policy{AllowPrivate: true, Timeout: 5 * time.Second}})
	res, err := h.Harvest(t.Context(), catalogue.Peer{URL: ts.URL, Kind: catalogue.PeerOscat})
	if err != nil {
		t.Fatal(err)
	}
	// The summary counts the one entry once.
	if res.Count != (catalogue.HarvestCount{Added: 1}) {
		t.Errorf("%v: want 1 added and nothing else", res)
	}
	if sw, err := store.Software(t.Context(), "s1"); err != nil || sw.Name != "One" {
		t.Errorf("harvested entry: %+v %v", sw.Name, err)
	}
}
