package ui

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/safehttp"
	"github.com/oscat-eu/oscat/schemas"
	"github.com/oscat-eu/oscat/search"
)

const complete = `publiccodeYmlVersion: "0.4"
name: Sportello Prenotazioni
url: https://git.example.org/torino/sportello
softwareVersion: "2.1"
developmentStatus: stable
softwareType: standalone/web
categories: [appointment-scheduling, citizen-engagement]
platforms: [web]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Ufficio Sistemi
      email: sistemi@comune.torino.example
description:
  it:
    shortDescription: Prenotazione degli appuntamenti allo sportello
  en:
    shortDescription: Booking appointments at the front desk
`

// fedSite serves a catalogue of two entries with the federation options set.
func fedSite(t *testing.T) (*httptest.Server, *sqlstore.Store) {
	t.Helper()
	store := testStore(t, catalogue.Publisher{ID: "torino", Name: "Città di Torino", Country: "IT", URI: "urn:x-italian-pa:c_l219"})
	listFile(t, store, "torino", "https://git.example.org/torino/sportello", complete)
	listFile(t, store, "torino", "https://git.example.org/torino/parcheggi", parking)
	index := testIndex(t, store)
	srv, err := New(storeSources(store), index, Options{Logger: quiet, PublicURL: "https://oscat.example.eu", FetchPolicy: safehttp.Policy{Resolver: testNames},
		Federation: FederationOptions{InstanceID: "test-instance", Title: "Oscat test", Operator: "Test operator", ContactEmail: "catalogue@example.eu", AdminToken: "s3cret"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(conforming(t, srv))
	t.Cleanup(ts.Close)
	return ts, store
}

type feedBody struct {
	Data []struct {
		Seq   int64          `json:"seq"`
		Type  string         `json:"type"`
		Op    string         `json:"op"`
		ID    string         `json:"id"`
		Entry map[string]any `json:"entry"`
	} `json:"data"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	Meta struct {
		Instance string `json:"instance"`
		Head     int64  `json:"head"`
	} `json:"meta"`
}

func TestChanges_FeedCarriesEntriesAndSaysGoneForOldCursors(t *testing.T) {
	t.Parallel()
	ts, store := fedSite(t)
	var feed feedBody
	getJSON(t, ts.URL+"/api/v1/changes?after=0&page[size]=100", 200, &feed)
	if feed.Meta.Instance != "test-instance" || feed.Links.Next != nil {
		t.Fatalf("meta %+v, next %v", feed.Meta, feed.Links.Next)
	}
	software := 0
	for _, it := range feed.Data {
		if it.Type == "software" {
			software++
			if it.Op != "upsert" || it.Entry["publiccodeYml"] == "" || it.Entry["id"] != it.ID {
				t.Errorf("software change %+v", it)
			}
			if d, _ := it.Entry["publisherDetails"].([]any); len(d) != 1 {
				t.Errorf("publisherDetails = %v", it.Entry["publisherDetails"])
			}
		}
	}
	if software != 2 {
		t.Errorf("%d software changes, want 2", software)
	}
	// Paged: a full page links to the next one.
	getJSON(t, ts.URL+"/api/v1/changes?after=0&page[size]=1", 200, &feed)
	if feed.Links.Next == nil || !strings.Contains(*feed.Links.Next, "after=") {
		t.Errorf("next = %v", feed.Links.Next)
	}
	// A hidden entry is a hide.
	id := feed.Data[0].ID
	if feed.Data[0].Type == "software" {
		if err := store.HideSoftware(t.Context(), id, "test"); err != nil {
			t.Fatal(err)
		}
		getJSON(t, fmt.Sprintf("%s/api/v1/changes?after=%d", ts.URL, feed.Meta.Head), 200, &feed)
		if len(feed.Data) != 1 || feed.Data[0].Op != "hide" || feed.Data[0].Entry != nil {
			t.Errorf("after hiding: %+v", feed.Data)
		}
	}
	if _, err := store.PruneChanges(t.Context(), time.Now().Add(time.Hour), math.MaxInt64); err != nil {
		t.Fatal(err)
	}
	var gone map[string]any
	h := getJSON(t, ts.URL+"/api/v1/changes?after=0", 410, &gone)
	if h.Get("Content-Type") != "application/problem+json" || gone["resync"] == nil || gone["resumeAfter"] == nil {
		t.Errorf("410 = %v %v", h, gone)
	}
	getJSON(t, ts.URL+"/api/v1/changes?after=-3", 400, &gone)
}

func TestAPI_SoftwareItemsCarryJoinsAndThePubliccodeFileWhenAsked(t *testing.T) {
	t.Parallel()
	ts, _ := fedSite(t)
	var list listBody
	getJSON(t, ts.URL+"/api/v1/software?include=publiccodeYml", 200, &list)
	for _, it := range list.Data {
		if it["publiccodeYml"] == nil || it["joins"] == nil {
			t.Errorf("item %v", it)
		}
		if _, harvested := it["origin"]; harvested {
			t.Errorf("a local entry has an origin: %v", it["origin"])
		}
	}
}

func TestDI_ListsInDevelopersItaliaShapes(t *testing.T) {
	t.Parallel()
	ts, _ := fedSite(t)
	var page struct {
		Data  []map[string]any `json:"data"`
		Links struct {
			Prev *string `json:"prev"`
			Next *string `json:"next"`
		} `json:"links"`
	}
	getJSON(t, ts.URL+"/di/v1/software?page[size]=1", 200, &page)
	if len(page.Data) != 1 || page.Links.Next == nil || !strings.HasPrefix(*page.Links.Next, "?page[after]=") || page.Links.Prev != nil {
		t.Fatalf("first page %+v", page)
	}
	for _, k := range []string{"id", "url", "aliases", "publiccodeYml", "active", "createdAt", "updatedAt"} {
		if _, ok := page.Data[0][k]; !ok {
			t.Errorf("software lacks %s", k)
		}
	}
	first := page.Data[0]["id"]
	getJSON(t, ts.URL+"/di/v1/software"+*page.Links.Next, 200, &page)
	if len(page.Data) != 1 || page.Data[0]["id"] == first || page.Links.Next != nil || page.Links.Prev == nil {
		t.Errorf("second page %+v", page)
	}
	var one map[string]any
	getJSON(t, fmt.Sprintf("%s/di/v1/software/%s", ts.URL, first), 200, &one)
	getJSON(t, ts.URL+"/di/v1/software/nope", 404, &one)
	getJSON(t, ts.URL+"/di/v1/software?page[size]=101", 422, &one)
	getJSON(t, ts.URL+"/di/v1/software?page[after]=garbage", 422, &one)
	getJSON(t, ts.URL+"/di/v1/software?from=2100-01-01T00:00:00Z", 200, &page)
	if len(page.Data) != 0 {
		t.Errorf("created after 2100: %d", len(page.Data))
	}
	getJSON(t, ts.URL+"/di/v1/publishers", 200, &page)
	if len(page.Data) != 1 || page.Data[0]["description"] != "Città di Torino" || page.Data[0]["codeHosting"] == nil {
		t.Errorf("publishers %+v", page.Data)
	}
}

func TestAdminWebhooks_NeedTheToken(t *testing.T) {
	t.Parallel()
	ts, _ := fedSite(t)
	do := func(method, path, token, body string) (int, string) {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := do("GET", "/api/v1/admin/webhooks", "wrong", ""); code != 401 {
		t.Errorf("a wrong token: %d", code)
	}
	code, body := do("POST", "/api/v1/admin/webhooks", "s3cret", `{"url":"https://hooks.example/x","events":["software.created"]}`)
	var w webhookItem
	if code != 201 || json.Unmarshal([]byte(body), &w) != nil || !strings.HasPrefix(w.Secret, "whsec_") {
		t.Fatalf("create: %d %s", code, body)
	}
	if code, body := do("GET", "/api/v1/admin/webhooks", "s3cret", ""); code != 200 || strings.Contains(body, "whsec_") {
		t.Errorf("list shows the secret or fails: %d %s", code, body)
	}
	if code, _ := do("POST", "/api/v1/admin/webhooks", "s3cret", `{"url":"ftp://x"}`); code != 400 {
		t.Errorf("a bad URL: %d", code)
	}
	if code, _ := do("GET", fmt.Sprintf("/api/v1/admin/webhooks/%d/deliveries", w.ID), "s3cret", ""); code != 200 {
		t.Errorf("deliveries: %d", code)
	}
	if code, _ := do("DELETE", fmt.Sprintf("/api/v1/admin/webhooks/%d", w.ID), "s3cret", ""); code != 204 {
		t.Errorf("delete: %d", code)
	}
}

func TestAtom_FeedsAreRFC4287WithAbsoluteLinks(t *testing.T) {
	t.Parallel()
	ts, _ := fedSite(t)
	for _, path := range []string{"/feeds/software.atom", "/feeds/categories/appointment-scheduling.atom", "/feeds/publishers/torino.atom"} {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Host = "evil.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var feed atomFeed
		if err := xml.Unmarshal(b, &feed); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if feed.ID == "" || feed.Title == "" || feed.Updated == "" || feed.Author.Name == "" || len(feed.Entries) == 0 {
			t.Errorf("%s: feed %+v", path, feed)
		}
		rels := map[string]string{}
		for _, l := range feed.Links {
			rels[l.Rel] = l.Href
		}
		if rels["self"] != "https://oscat.example.eu"+path || !strings.HasPrefix(rels["alternate"], "https://oscat.example.eu/") {
			t.Errorf("%s: links %v", path, rels)
		}
		for _, e := range feed.Entries {
			if e.ID == "" || e.Title == "" || e.Updated == "" || e.Summary.Text == "" || len(e.Links) == 0 || !strings.HasPrefix(e.Links[0].Href, "https://oscat.example.eu/software/") {
				t.Errorf("%s: entry %+v", path, e)
			}
		}
		if bytes.Contains(b, []byte("evil.example")) {
			t.Errorf("%s: a link was built from the Host header", path)
		}
		uris := []string{feed.ID}
		for _, l := range feed.Links {
			uris = append(uris, l.Href)
		}
		for _, e := range feed.Entries {
			uris = append(uris, e.ID)
			for _, l := range e.Links {
				uris = append(uris, l.Href)
			}
		}
		for _, u := range uris {
			if !isURI(u) {
				t.Errorf("%s: %q is not a percent-encoded URI", path, u)
			}
		}
	}
	if resp, _ := get(t, ts.URL+"/feeds/categories/appointment-scheduling.atom"); resp.StatusCode != 200 {
		t.Error(resp.StatusCode)
	}
	for _, path := range []string{"/feeds/publishers/nobody.atom", "/feeds/categories/no-such-category.atom"} {
		if resp, _ := get(t, ts.URL+path); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
	// A category of the standard that nothing is in yet has an empty feed.
	if resp, body := get(t, ts.URL+"/feeds/categories/backup.atom"); resp.StatusCode != 200 || strings.Contains(body, "<entry>") {
		t.Errorf("an empty category's feed: %d %s", resp.StatusCode, body)
	}
}

// isURI says whether s is an absolute URI as RFC 3986 writes one: only the
// characters it allows, brackets only around an IP literal, % only in escapes.
func isURI(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~:/?#@!$&'()*+,;=", c) >= 0:
		case c == '%' && i+2 < len(s) && strings.IndexByte("0123456789ABCDEFabcdef", s[i+1]) >= 0 && strings.IndexByte("0123456789ABCDEFabcdef", s[i+2]) >= 0:
		case (c == '[' || c == ']') && strings.HasPrefix(u.Host, "["):
		default:
			return false
		}
	}
	return true
}

// The feed has every property its JSON Schema (schemas/changes.schema.json)
// requires, at each level.
func TestChanges_FeedFollowsItsSchema(t *testing.T) {
	t.Parallel()
	raw, err := schemas.Read("changes.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Required []string `json:"required"`
		Defs     map[string]struct {
			Required []string `json:"required"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	ts, _ := fedSite(t)
	var page map[string]any
	getJSON(t, ts.URL+"/api/v1/changes?after=0", 200, &page)
	has := func(where string, obj map[string]any, keys []string) {
		for _, k := range keys {
			if _, ok := obj[k]; !ok {
				t.Errorf("%s lacks %q: %v", where, k, obj)
			}
		}
	}
	has("the page", page, schema.Required)
	has("meta", page["meta"].(map[string]any), []string{"instance", "head", "last"})
	for _, it := range page["data"].([]any) {
		ch := it.(map[string]any)
		has("a change", ch, schema.Defs["change"].Required)
		if entry, ok := ch["entry"].(map[string]any); ok {
			has(ch["type"].(string), entry, schema.Defs[ch["type"].(string)].Required)
		}
	}
}

func TestAPI_AHarvestedEntryIsMarkedStaleWhenItsPeerGoesQuiet(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.EnsurePeer(ctx, catalogue.Peer{URL: "https://peer.example", Kind: catalogue.PeerOscat}); err != nil {
		t.Fatal(err)
	}
	raw := "name: Far Away\nurl: https://git.example.org/far/away\n"
	e := catalogue.HarvestedEntry{RemoteID: "farawayfaraway01", URL: "https://git.example.org/far/away", Instance: "peer", Raw: raw,
		File: publiccode.Read([]byte(raw), publiccode.Limits{}).File, Valid: true, Digest: "1",
		Publishers: []catalogue.OriginPublisher{{ID: "far", Name: "Far Municipality", Country: "DK"}}}
	if _, err := store.ApplyHarvest(ctx, catalogue.HarvestBatch{Peer: "https://peer.example", Instance: "peer", Upserts: []catalogue.HarvestedEntry{e}}); err != nil {
		t.Fatal(err)
	}
	if err := store.RecordHarvest(ctx, "https://peer.example", "", ""); err != nil {
		t.Fatal(err)
	}
	index, err := search.Open(ctx, t.TempDir(), store, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer index.Close()
	for stale, after := range map[bool]time.Duration{false: time.Hour, true: time.Nanosecond} {
		srv, err := New(storeSources(store), index, Options{Logger: quiet, Federation: FederationOptions{StaleAfter: after}})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(conforming(t, srv))
		var item map[string]any
		getJSON(t, ts.URL+"/api/v1/software/farawayfaraway01", 200, &item)
		ts.Close()
		o, _ := item["origin"].(map[string]any)
		if o == nil || o["stale"] != stale || o["peer"] != "https://peer.example" || o["id"] != "farawayfaraway01" || len(o["publishers"].([]any)) != 1 {
			t.Errorf("stale after %s: origin %v", after, o)
		}
	}
}
