package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

func manyRepos(t *testing.T, n int) *localforge.Server {
	t.Helper()
	f, srv := startServer(t)
	must(t, f.AddOwner("stad", localforge.Org))
	for i := range n {
		name := fmt.Sprintf("app%02d", i)
		_, err := f.Push("stad", name, localforge.Commit{Files: map[string][]byte{"publiccode.yml": file(name, "https://example.org/stad/"+name)}})
		must(t, err)
	}
	return srv
}

func TestRun_TwoProcessesShareOneRunAndCrawlEachRepositoryOnce(t *testing.T) {
	t.Parallel()
	const n = 20
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		srv := manyRepos(t, n)
		stores := []*sqlstore.Store{open(), open()} // two processes: two connections to one database
		must(t, stores[0].SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "stad", Name: "Stad",
			CodeHosting: []catalogue.CodeHosting{{URL: srv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}}}}))
		var wg sync.WaitGroup
		sums := make([]Summary, 2)
		for i, s := range stores {
			wg.Go(func() {
				opts := testOptions()
				opts.Workers = 2
				opts.Fetch.CacheDir = t.TempDir()
				sums[i] = runCrawl(t, New(s, opts))
			})
		}
		wg.Wait()
		if sums[0].Run.ID != sums[1].Run.ID || sums[0].Run.Seen() != n || sums[0].Run.Listed != n {
			t.Fatalf("runs %+v / %+v", sums[0].Run, sums[1].Run)
		}
		repos, _, _ := stores[0].Repositories(t.Context(), catalogue.RepositoryFilter{}, catalogue.Page{Size: 100})
		for _, r := range repos {
			if h, _ := stores[0].RepositoryHistory(t.Context(), r.URL); len(h) != 1 {
				t.Errorf("%s crawled %d times", r.URL, len(h))
			}
		}
		// Again: nothing moved, nothing is fetched, everything is recorded once more.
		packs := srv.Packs()
		again := runCrawl(t, New(stores[1], testOptions()))
		if again.Run.ID == sums[0].Run.ID || again.Run.Seen() != n || srv.Packs() != packs {
			t.Errorf("second run %+v, %d fetches", again.Run, srv.Packs()-packs)
		}
	})
}

func TestScheduler_StartsRunsOnItsScheduleAndQueuesTheNextTick(t *testing.T) {
	t.Parallel()
	srv := manyRepos(t, 3)
	store := openStore(t)
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "stad", Name: "Stad",
		CodeHosting: []catalogue.CodeHosting{{URL: srv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}}}}))
	synced := 0
	var mu sync.Mutex
	s := &Scheduler{
		Crawler:   New(store, testOptions()),
		Next:      func(t time.Time) time.Time { return t.Add(300 * time.Millisecond) },
		BeforeRun: func(context.Context) error { mu.Lock(); synced++; mu.Unlock(); return nil },
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // a generous bound
	defer cancel()
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	for ctx.Err() == nil {
		runs, _, err := store.CrawlRuns(ctx, catalogue.Page{Size: 10})
		must(t, err)
		if len(runs) >= 2 && runs[len(runs)-1].FinishedAt != nil {
			first := runs[len(runs)-1]
			if first.Trigger != "schedule" || first.Listed != 3 {
				t.Errorf("first scheduled run %+v", first)
			}
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	if ctx.Err() != nil && t.Context().Err() == nil && ctx.Err() == context.DeadlineExceeded {
		t.Fatal("no scheduled run finished")
	}
	mu.Lock()
	defer mu.Unlock()
	if synced < 2 {
		t.Errorf("the publishers list was re-read %d times, want once per run", synced)
	}
}

func TestRun_AnUnmovedHeadIsReadAgainOnceARecheckIsDue(t *testing.T) {
	t.Parallel()
	srv := manyRepos(t, 2)
	store := openStore(t)
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "stad", Name: "Stad",
		CodeHosting: []catalogue.CodeHosting{{URL: srv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}}}}))
	clock := time.Now()
	opts := testOptions()
	opts.Fetch.CacheDir = t.TempDir()
	opts.Now = func() time.Time { return clock }
	c := New(store, opts)
	runCrawl(t, c)
	packs := srv.Packs()
	runCrawl(t, c)
	if srv.Packs() != packs {
		t.Fatalf("an unchanged crawl fetched %d times", srv.Packs()-packs)
	}
	clock = clock.Add(8 * 24 * time.Hour)
	sum := runCrawl(t, c)
	// Files read again (trees and the publiccode file); the graph is in the cache.
	if got := srv.Packs() - packs; got != 4 || sum.Run.Listed != 2 {
		t.Errorf("a due recheck fetched %d times (want 2 per repository), listed %d", got, sum.Run.Listed)
	}
}

func TestRun_ALongListingDoesNotHoldTheWorkersThatFetch(t *testing.T) {
	t.Parallel()
	srv := manyRepos(t, 2)
	release := make(chan struct{})
	listing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // a forge that takes its time to list
		case <-release:
		case <-r.Context().Done():
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("[]"))
	}))
	t.Cleanup(listing.Close)
	store := openStore(t)
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "stad", Name: "Stad", CodeHosting: []catalogue.CodeHosting{
		{URL: listing.URL + "/slow-org", Group: true, Type: catalogue.HostingGitea},
		{URL: srv.RepoURL("stad", "app00")}, {URL: srv.RepoURL("stad", "app01")},
	}}}))
	opts := testOptions()
	opts.Workers = 1
	done := make(chan Summary, 1)
	go func() { done <- runCrawl(t, New(store, opts)) }()
	deadline := time.Now().Add(2 * time.Minute) // a generous bound
	for {
		run, err := store.ActiveCrawlRun(t.Context())
		if err == nil && run.Seen() == 2 {
			break // both repositories crawled while the listing still hangs
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatal("no repository was crawled while a listing hung")
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(release)
	if sum := <-done; sum.Run.Listed != 2 {
		t.Errorf("summary %s", sum)
	}
}
