package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/search"
)

// crawlCode records that publisher lists repo, then a crawl that found no
// publiccode file there but facts.
func crawlCode(t *testing.T, store *sqlstore.Store, publisher, repo string, facts catalogue.CodeFacts) {
	t.Helper()
	if err := store.RegisterRepository(t.Context(), publisher, repo); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: repo, Head: "h1", Outcome: catalogue.StatusNoPubliccode,
		Reason: "no publiccode.yml", Code: &facts}); err != nil {
		t.Fatal(err)
	}
}

// codeSite is a catalogue with software and three code entries.
func codeSite(t *testing.T) (*httptest.Server, *sqlstore.Store, *search.Index) {
	t.Helper()
	store := testStore(t, catalogue.Publisher{ID: "voorbeeld", Name: "Gemeente Voorbeeld", Country: "NL"},
		catalogue.Publisher{ID: "esempio", Name: "Comune di Esempio", Country: "IT"})
	listFile(t, store, "voorbeeld", "https://git.example.org/voorbeeld/parkeren", parking)
	crawlCode(t, store, "voorbeeld", "https://git.example.org/voorbeeld/parkeer-scripts", catalogue.CodeFacts{
		Readme: "Scripts voor het beheer van parkeervergunningen.", License: "MIT", ProgrammingLanguages: []string{"Go", "Shell"}})
	crawlCode(t, store, "voorbeeld", "https://git.example.org/voorbeeld/parkeer-app", catalogue.CodeFacts{
		Readme: "Een app voor parkeervergunningen.", ProgrammingLanguages: []string{"Kotlin"}})
	crawlCode(t, store, "esempio", "https://git.example.org/esempio/sosta", catalogue.CodeFacts{
		Readme: "Gestione della sosta.", License: "EUPL-1.2", ProgrammingLanguages: []string{"PHP"}})
	index := testIndex(t, store)
	srv, err := New(storeSources(store), index, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, store, index
}

func TestAPICode_SearchFiltersPagesAndProblems(t *testing.T) {
	t.Parallel()
	ts, _, _ := codeSite(t)

	var all listBody
	getJSON(t, ts.URL+"/api/v1/code?page[size]=2", http.StatusOK, &all)
	if all.Meta.Total != 3 || len(all.Data) != 2 || all.Links.Next == nil {
		t.Fatalf("first page: total %d, %d items, next %v", all.Meta.Total, len(all.Data), all.Links.Next)
	}
	var rest listBody
	getJSON(t, ts.URL+*all.Links.Next, http.StatusOK, &rest)
	if len(rest.Data) != 1 || rest.Links.Next != nil {
		t.Errorf("second page: %d items, next %v", len(rest.Data), rest.Links.Next)
	}
	for _, key := range []string{"id", "name", "url", "description", "readme", "license", "programmingLanguages", "publishers", "archived", "lastCommitAt", "activity", "updatedAt"} {
		if _, ok := rest.Data[0][key]; !ok && key != "lastCommitAt" && key != "activity" {
			t.Errorf("item lacks %q: %v", key, rest.Data[0])
		}
	}

	var hits listBody
	getJSON(t, ts.URL+"/api/v1/code?q=parkeervergunningen&filter[programmingLanguages]=Go", http.StatusOK, &hits)
	if hits.Meta.Total != 1 || hits.Data[0]["name"] != "parkeer-scripts" || hits.Data[0]["license"] != "MIT" {
		t.Errorf("q and filter: %+v", hits)
	}
	var it listBody
	getJSON(t, ts.URL+"/api/v1/code?filter[country]=IT", http.StatusOK, &it)
	if it.Meta.Total != 1 || it.Data[0]["name"] != "sosta" {
		t.Errorf("country filter: %+v", it)
	}
	// Software is not a code entry, and code entries are not software.
	var sw listBody
	getJSON(t, ts.URL+"/api/v1/software?q=parkeervergunningen", http.StatusOK, &sw)
	if sw.Meta.Total != 1 {
		t.Errorf("software search found %d entries, want the one software", sw.Meta.Total)
	}

	for _, bad := range []string{"/api/v1/code?filter[categories]=x", "/api/v1/code?page[size]=500", "/api/v1/software?filter[programmingLanguages]=Go"} {
		resp, body := get(t, ts.URL+bad)
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s: %d %s %s", bad, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	resp, _ := get(t, ts.URL+"/api/v1/code/999999")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown code entry: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestAPICode_EntryTurnsIntoSoftwareAndIsNeverInTheFeed(t *testing.T) {
	t.Parallel()
	ts, store, index := codeSite(t)
	e, err := store.CodeEntryByURL(t.Context(), "https://git.example.org/voorbeeld/parkeer-scripts")
	if err != nil {
		t.Fatal(err)
	}
	var item map[string]any
	getJSON(t, ts.URL+"/api/v1/code/"+e.ID, http.StatusOK, &item)
	if item["readme"] != "Scripts voor het beheer van parkeervergunningen." {
		t.Errorf("item = %v", item)
	}

	var feed listBody
	getJSON(t, ts.URL+"/api/v1/changes?after=0&page[size]=100", http.StatusOK, &feed)
	for _, ch := range feed.Data {
		if ch["type"] == "code" {
			t.Errorf("the change feed publishes a code entry: %v", ch)
		}
	}

	// The maintainers add a publiccode.yml.
	listFile(t, store, "voorbeeld", "https://git.example.org/voorbeeld/parkeer-scripts", "name: Parkeerscripts\nurl: https://git.example.org/voorbeeld/parkeer-scripts\n")
	if err := index.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(ts.URL + "/api/v1/code/" + e.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(loc, "/api/v1/software/") {
		t.Fatalf("after the file: %d Location %q, want 301 to the software item", resp.StatusCode, loc)
	}
	var swItem map[string]any
	getJSON(t, ts.URL+loc, http.StatusOK, &swItem)
	if swItem["name"] != "Parkeerscripts" {
		t.Errorf("software item = %v", swItem["name"])
	}
	var left listBody
	getJSON(t, ts.URL+"/api/v1/code?q=parkeervergunningen", http.StatusOK, &left)
	if left.Meta.Total != 1 {
		t.Errorf("code search after the file: %d entries, want 1 (the app)", left.Meta.Total)
	}
}
