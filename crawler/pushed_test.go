package crawler

import (
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

func TestCrawlPushed_GoesFirstAndFollowsACrawlUnderWay(t *testing.T) {
	t.Parallel()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	must(t, err)
	defer store.Close()
	ctx := t.Context()
	c := New(store, testOptions())
	_, err = store.Enqueue(ctx, catalogue.NewJob{Kind: KindRepo, Key: "https://forge.example/stad/waiting"})
	must(t, err)
	must(t, c.CrawlPushed(ctx, "https://forge.example/stad/app.git", "abc"))
	claim := func() []string {
		t.Helper()
		jobs, err := store.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{KindRepo}, Limit: 1})
		must(t, err)
		var keys []string
		for _, j := range jobs {
			keys = append(keys, j.Key)
		}
		return keys
	}
	if keys := claim(); len(keys) != 1 || keys[0] != "https://forge.example/stad/app" {
		t.Fatalf("first claimed %q, want the pushed repository", keys)
	}
	// Its crawl is under way (claimed) when another push comes: a second crawl follows.
	must(t, c.CrawlPushed(ctx, "https://forge.example/stad/app.git", "def"))
	if keys := claim(); len(keys) != 1 || keys[0] != "https://forge.example/stad/app after def" {
		t.Fatalf("then claimed %q, want the crawl after the second push", keys)
	}
}

func TestRefreshListing_PutsWhatItFindsFirst(t *testing.T) {
	t.Parallel()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	must(t, err)
	defer store.Close()
	ctx := t.Context()
	srv := manyRepos(t, 2)
	h := catalogue.CodeHosting{URL: srv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}
	must(t, store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "stad", Name: "Stad", CodeHosting: []catalogue.CodeHosting{h}}}))
	_, err = store.Enqueue(ctx, catalogue.NewJob{Kind: KindRepo, Key: "https://forge.example/someone/else"})
	must(t, err)
	c := New(store, testOptions())
	must(t, c.RefreshListing(ctx, "stad", h))
	jobs, err := store.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{KindDiscover}, Limit: 10})
	must(t, err)
	if len(jobs) != 1 {
		t.Fatalf("listings queued: %+v", jobs)
	}
	must(t, c.handleDiscover(ctx, jobs[0]))
	repos, err := store.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{KindRepo}, Limit: 1})
	must(t, err)
	if len(repos) != 1 || repos[0].Key == "https://forge.example/someone/else" {
		t.Fatalf("first repository claimed %+v, want one the refreshed listing found", repos)
	}
}
