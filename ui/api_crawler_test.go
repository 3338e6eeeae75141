package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/search"
)

// crawledSite is a server over a catalogue with one finished crawl run: a listed
// repository with a logo and activity, and a failed one.
func crawledSite(t *testing.T) *httptest.Server {
	t.Helper()
	ctx := t.Context()
	store, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if err := store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "voorbeeld", Name: "Gemeente Voorbeeld"}, {ID: "ander", Name: "Ander"}}); err != nil {
		t.Fatal(err)
	}
	run, _, err := store.BeginCrawlRun(ctx, "cli")
	if err != nil {
		t.Fatal(err)
	}
	yaml := parking + "logo: logo.svg\n"
	d := publiccode.Check([]byte(yaml), publiccode.Options{})
	results := []catalogue.CrawlResult{
		{RunID: run.ID, RepoURL: "https://git.example.org/voorbeeld/parkeren", Raw: []byte(yaml), Path: "publiccode.yml", File: d.File, Findings: d.Findings,
			Media:    []catalogue.MediaFile{{MediaRef: catalogue.MediaRef{Role: "logo", Path: "logo.svg"}, ContentType: "image/svg+xml", Data: []byte("<svg/>")}},
			Activity: &catalogue.Activity{Score: 55.5, Commits: 10, Authors: 2, Breakdown: []catalogue.ScoreComponent{{Name: "commits", Points: 20, Max: 30}}}},
		{RunID: run.ID, RepoURL: "https://git.example.org/ander/weg", Outcome: catalogue.StatusFailed, Reason: "the repository does not exist"},
	}
	for i, r := range results {
		if _, err := store.ListRepository(ctx, run.ID, []string{"voorbeeld", "ander"}[i], catalogue.Discovered{URL: r.RepoURL}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.ApplyCrawl(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.FinishCrawlRun(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	index, err := search.Open(ctx, t.TempDir(), store, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { index.Close() })
	srv, err := New(storeSources(store), index, Options{Logger: quiet, Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("oscat_crawl_runs_total 1\n"))
	})})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(conforming(t, srv))
	t.Cleanup(ts.Close)
	return ts
}

func TestAPI_RepositoriesShowEveryStatusAndFilter(t *testing.T) {
	t.Parallel()
	ts := crawledSite(t)
	var all listBody
	getJSON(t, ts.URL+"/api/v1/repositories?include=history", 200, &all)
	if len(all.Data) != 2 {
		t.Fatalf("repositories %+v", all.Data)
	}
	var failed listBody
	getJSON(t, ts.URL+"/api/v1/repositories?filter[status]=failed", 200, &failed)
	if len(failed.Data) != 1 || failed.Data[0]["reason"] != "the repository does not exist" || failed.Data[0]["failures"] != 1.0 {
		t.Errorf("failed %+v", failed.Data)
	}
	var mine listBody
	getJSON(t, ts.URL+"/api/v1/repositories?filter[publisher]=voorbeeld&page[size]=1", 200, &mine)
	if len(mine.Data) != 1 || mine.Data[0]["status"] != "mirror" || mine.Links.Next != nil {
		t.Fatalf("voorbeeld's %+v", mine)
	}
	media := mine.Data[0]["media"].([]any)[0].(map[string]any)
	resp, body := get(t, ts.URL+media["url"].(string))
	if resp.StatusCode != 200 || body != "<svg/>" || resp.Header.Get("Content-Type") != "image/svg+xml" ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("logo: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	var problem map[string]any
	getJSON(t, ts.URL+"/api/v1/repositories?filter[status]=sleeping", 400, &problem)
	if !strings.Contains(problem["detail"].(string), "filter[status]") {
		t.Errorf("problem %v", problem)
	}

	var sw listBody
	getJSON(t, ts.URL+"/api/v1/software?q=parkeervergunning", 200, &sw)
	if len(sw.Data) != 1 || sw.Data[0]["logo"] != media["url"] || sw.Data[0]["activity"].(map[string]any)["score"] != 55.5 {
		t.Errorf("software item %+v", sw.Data)
	}
}

func TestAPI_CrawlsShowRunsWithCountsAndMetricsAreServed(t *testing.T) {
	t.Parallel()
	ts := crawledSite(t)
	var runs listBody
	getJSON(t, ts.URL+"/api/v1/crawls", 200, &runs)
	if len(runs.Data) != 1 {
		t.Fatalf("runs %+v", runs.Data)
	}
	r := runs.Data[0]
	counts := r["counts"].(map[string]any)
	if r["trigger"] != "cli" || r["finishedAt"] == nil || counts["failed"] != 1.0 || counts["mirror"] != 1.0 || r["listed"] != 1.0 {
		t.Errorf("run %+v", r)
	}
	resp, body := get(t, ts.URL+"/metrics")
	if resp.StatusCode != 200 || !strings.Contains(body, "oscat_crawl_runs_total") {
		t.Errorf("metrics: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, ts.URL+"/media/not-a-hash"); resp.StatusCode != 404 {
		t.Errorf("a bad media name: %d", resp.StatusCode)
	}
}
