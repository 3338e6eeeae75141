package harvest_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/harvest"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// diAPI is a Developers Italia-shaped API: software and publishers in creation
// order, cursors in page[after], links.next as "?page[after]=…".
type diAPI struct {
	mu       sync.Mutex
	software []map[string]any
	requests int
}

func (d *diAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.requests++
	var items []map[string]any
	switch r.URL.Path {
	case "/v1/software":
		items = d.software
	case "/v1/publishers":
		items = []map[string]any{{"id": "p-1", "description": "Comune di Esempio", "codeHosting": []map[string]any{{"url": "https://github.com/italia"}}}}
	default:
		http.NotFound(w, r)
		return
	}
	size, _ := strconv.Atoi(r.URL.Query().Get("page[size]"))
	if size <= 0 {
		size = 25
	}
	start := 0
	if c := r.URL.Query().Get("page[after]"); c != "" {
		b, _ := base64.StdEncoding.DecodeString(c)
		start, _ = strconv.Atoi(string(b))
	}
	end := min(start+size, len(items))
	var next *string
	if end < len(items) {
		n := "?page[after]=" + base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(end)))
		next = &n
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"data": items[start:end], "links": map[string]any{"prev": nil, "next": next}})
}

// corpus reads the real publiccode files beside the clone, with the URL each names.
func corpus(t *testing.T) []map[string]any {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "publiccode")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yml"))
	if len(files) == 0 {
		t.Skip("../shared/corpus/publiccode is not beside this clone; the real corpus is harvested in CI")
	}
	sort.Strings(files)
	var out []map[string]any
	for i, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := publiccode.Read(raw, publiccode.Limits{})
		u := ""
		if doc.File != nil {
			u = doc.File.URL
		}
		if _, err := catalogue.CanonicalURL(u); err != nil {
			u = "https://git.example.org/corpus/" + strings.TrimSuffix(filepath.Base(f), ".yml")
		}
		out = append(out, map[string]any{"id": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "url": u, "aliases": []string{},
			"publiccodeYml": string(raw), "active": true, "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"})
	}
	return out
}

func TestHarvest_ADevelopersItaliaAPIServingTheRealCorpus(t *testing.T) {
	t.Parallel()
	files := corpus(t)
	api := &diAPI{software: files}
	ts := httptest.NewServer(api)
	defer ts.Close()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := harvest.New(store, harvest.Options{Policy: safehttp.Policy{AllowPrivate: true}})
	res, err := h.Harvest(t.Context(), catalogue.Peer{URL: ts.URL + "/v1", Kind: catalogue.PeerDI})
	if err != nil {
		t.Fatal(err)
	}
	listable := listableURLs(files)
	all := allSoftware(t, store)
	if len(all) != listable || res.Count.Added+res.Count.Skipped != len(files) {
		t.Fatalf("listed %d of %d listable files (%d distinct URLs): %s", len(all), len(files), listable, res)
	}
	withOwner := 0
	for _, sw := range all {
		if sw.Origin == nil || sw.Origin.Peer != ts.URL+"/v1" || sw.File == nil || sw.Name == "" {
			t.Errorf("entry %s: origin %+v", sw.ID, sw.Origin)
		}
		if len(sw.Origin.Publishers) == 1 {
			withOwner++
		}
	}
	if withOwner == 0 {
		t.Error("no entry was matched to the publisher by its code hosting")
	}

	// One file changes and one goes: the next harvest applies just that.
	api.mu.Lock()
	first := files[0]["publiccodeYml"].(string)
	api.software[0] = map[string]any{"id": files[0]["id"], "url": files[0]["url"], "publiccodeYml": first + "\n# changed\n", "active": true}
	gone := api.software[1]
	api.software = append(api.software[:1], api.software[2:]...)
	api.requests = 0
	api.mu.Unlock()
	res, err = h.Harvest(t.Context(), catalogue.Peer{URL: ts.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Count.Updated+res.Count.Skipped < 1 || res.Count.Removed+res.Count.Skipped < 1 || res.Count.Added != 0 || res.Count.Unchanged+res.Count.Skipped < len(files)-3 {
		t.Errorf("second harvest: %s", res)
	}
	if _, err := store.Software(t.Context(), gone["id"].(string)); err == nil {
		t.Errorf("an entry the peer no longer lists is still listed")
	}
	if res.Requests != int64(api.requests) || res.Requests > 5 {
		t.Errorf("requests: counted %d, served %d", res.Requests, api.requests)
	}
}

// allSoftware is every entry store lists, page after page.
func allSoftware(t *testing.T, store *sqlstore.Store) []catalogue.Software {
	t.Helper()
	var all []catalogue.Software
	page := catalogue.Page{Size: 500}
	for {
		list, next, err := store.ListSoftware(t.Context(), "", page)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, list...)
		if next == "" {
			return all
		}
		page.After = next
	}
}

// listableURLs is how many distinct canonical URLs the listable files of the
// corpus have.
func listableURLs(files []map[string]any) int {
	urls := map[string]bool{}
	listable := 0
	for _, f := range files {
		if publiccode.Read([]byte(f["publiccodeYml"].(string)), publiccode.Limits{}).File.Listable() {
			u, _ := catalogue.CanonicalURL(f["url"].(string))
			if !urls[u] {
				listable++
			}
			urls[u] = true
		}
	}
	return listable
}

func TestHarvest_APeerAnsweringGarbageFailsAndKeepsWhatWasHarvested(t *testing.T) {
	t.Parallel()
	var broken sync.Map
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, bad := broken.Load("yes"); bad {
			w.Write([]byte("<html>maintenance</html>"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/publishers":
			w.Write([]byte(`{"data":[],"links":{"next":null}}`))
		default:
			w.Write([]byte(`{"data":[{"id":"s1","url":"https://git.example.org/x/one","publiccodeYml":"name: One\nurl: https://git.example.org/x/one\n"}],"links":{"next":null}}`))
		}
	}))
	defer ts.Close()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := harvest.New(store, harvest.Options{Policy: safehttp.Policy{AllowPrivate: true, Timeout: time.Minute}})
	peer := catalogue.Peer{URL: ts.URL + "/v1", Kind: catalogue.PeerDI}
	if _, err := h.Harvest(t.Context(), peer); err != nil {
		t.Fatal(err)
	}
	broken.Store("yes", true)
	if _, err := h.Harvest(t.Context(), peer); err == nil || !strings.Contains(err.Error(), "not the JSON expected") {
		t.Errorf("garbage: %v", err)
	}
	if _, err := store.Software(t.Context(), "s1"); err != nil {
		t.Errorf("what was harvested before is gone: %v", err)
	}
	p, _ := store.Peer(t.Context(), peer.URL)
	if p.LastError == "" || p.LastSuccessAt == nil {
		t.Errorf("peer = %+v", p)
	}
}

func TestHarvest_RefusesPrivateAddressesUnlessAllowed(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.NotFoundHandler())
	defer ts.Close()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, err = harvest.New(store, harvest.Options{}).Harvest(t.Context(), catalogue.Peer{URL: ts.URL, Kind: catalogue.PeerDI})
	if err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Errorf("harvesting a loopback peer without permission: %v", err)
	}
}

func TestParsePeer_ReadsKindAndURL(t *testing.T) {
	for spec, want := range map[string]catalogue.Peer{
		"https://oscat.example.nl/":              {URL: "https://oscat.example.nl"},
		"oscat:https://oscat.example.nl/api/v1":  {URL: "https://oscat.example.nl", Kind: catalogue.PeerOscat},
		"di:https://api.developers.italia.it/v1": {URL: "https://api.developers.italia.it/v1", Kind: catalogue.PeerDI},
	} {
		got, err := harvest.ParsePeer(spec)
		if err != nil || got.URL != want.URL || got.Kind != want.Kind {
			t.Errorf("ParsePeer(%q) = %+v, %v", spec, got, err)
		}
	}
	if _, err := harvest.ParsePeer("ftp://x"); err == nil {
		t.Error("an ftp URL is accepted")
	}
}
