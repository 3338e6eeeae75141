package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// A repository holding two apps: the publisher page names each of its files
// with its outcome, and an app's page says its activity and contribution
// figures are the repository's.
func TestMonorepo_PublisherPageListsTheFilesAndAppPagesSayActivityIsTheRepositorys(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := testStore(t, catalogue.Publisher{ID: "stad", Name: "Stad"})
	repo := "https://git.example.org/stad/mono"
	if err := store.RegisterRepository(ctx, "stad", repo); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ApplyCrawl(ctx, catalogue.CrawlResult{RepoURL: repo, Head: "abc", Outcome: catalogue.StatusNoPubliccode,
		Reason: "no publiccode.yml at the root; 2 in subfolders, each listed as an app of this repository"}); err != nil {
		t.Fatal(err)
	}
	app := repo + "/tree/main/apps/permits"
	if err := store.RegisterRepository(ctx, "stad", app); err != nil {
		t.Fatal(err)
	}
	file := strings.Replace(parking, "name:", "url: "+app+"\nname:", 1)
	d := publiccode.Check([]byte(file), publiccode.Options{})
	now := time.Now()
	if _, err := store.ApplyCrawl(ctx, catalogue.CrawlResult{RepoURL: app, Head: "abc", Raw: []byte(file), Path: "apps/permits/publiccode.yml",
		File: d.File, Findings: d.Findings, Activity: &catalogue.Activity{Commits: 12, Authors: 3, LastCommit: &now, At: now}}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetRepositoryFiles(ctx, repo, []catalogue.RepoFile{
		{Path: "apps/permits/publiccode.yml", Entry: app, Outcome: catalogue.StatusNew},
		{Path: "apps/permits/v2/publiccode.yml", Outcome: catalogue.StatusDuplicate, Reason: "another file of this repository describes the same software: apps/permits/publiccode.yml"},
	}); err != nil {
		t.Fatal(err)
	}
	srv, err := New(storeSources(store), testIndex(t, store), Options{Logger: quiet, RepositoryFiles: store})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	_, page := get(t, ts.URL+"/publishers/stad")
	for _, want := range []string{"<code>apps/permits/publiccode.yml</code>: <span class=\"status new\">New</span>",
		"<code>apps/permits/v2/publiccode.yml</code>: <span class=\"status duplicate\">Same software as a shallower file</span>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the publisher page lacks %s", want)
		}
	}
	var api struct {
		Data []struct {
			URL   string               `json:"url"`
			Files []catalogue.RepoFile `json:"files"`
		} `json:"data"`
	}
	getJSON(t, ts.URL+"/api/v1/repositories?filter[publisher]=stad", 200, &api)
	for _, r := range api.Data {
		if r.URL == repo && (len(r.Files) != 2 || r.Files[1].Outcome != catalogue.StatusDuplicate) {
			t.Errorf("the API's files of the repository: %+v", r.Files)
		}
	}
	list, _, _ := store.ListSoftware(ctx, "stad", catalogue.Page{Size: 10})
	if len(list) != 1 {
		t.Fatalf("listed %d", len(list))
	}
	_, page = get(t, ts.URL+"/software/"+list[0].ID)
	if !strings.Contains(page, "its activity is the whole repository&#39;s") || !strings.Contains(page, repo) {
		t.Errorf("the app's page does not say its activity is the repository's")
	}
	appFiguresAreTheRepositorys(t, store, ts.URL, list[0].ID)
}

// appFiguresAreTheRepositorys checks that an app's page and API item show the
// whole repository's contribution figures, and say so.
func appFiguresAreTheRepositorys(t *testing.T, store interface {
	SetContributions(ctx context.Context, softwareID string, c *catalogue.Contributions) error
}, base, id string) {
	t.Helper()
	// Its contribution figures are the whole repository's, and say so.
	fig := figures(time.Now())
	fig.Shared, fig.Holds = true, 2
	if err := store.SetContributions(t.Context(), id, fig); err != nil {
		t.Fatal(err)
	}
	_, page := get(t, base+"/software/"+id)
	if !strings.Contains(page, "These are the figures of the whole repository, which holds 2 software.") {
		t.Errorf("the app's page does not say its figures are the whole repository's")
	}
	var item struct {
		Contributors  []map[string]any `json:"contributors"`
		Contributions struct {
			Shared bool `json:"shared"`
			Holds  int  `json:"holds"`
		} `json:"contributions"`
	}
	getJSON(t, base+"/api/v1/software/"+id, 200, &item)
	if len(item.Contributors) != 3 || !item.Contributions.Shared || item.Contributions.Holds != 2 {
		t.Errorf("the app's API item: %+v", item)
	}
}
