package crawler

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

func TestCrawlNow_GoesAheadOfTheScheduleAndShowsTheResult(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		ctx := t.Context()
		srv := manyRepos(t, 4)
		store := open()
		must(t, store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "stad", Name: "Stad",
			CodeHosting: []catalogue.CodeHosting{{URL: srv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}}}}))
		opts := testOptions()
		opts.Fetch.CacheDir = t.TempDir()
		c := New(store, opts)
		run, _, err := c.Start(ctx, "schedule")
		must(t, err)
		// The scheduled run has queued three repositories already.
		for _, name := range []string{"app00", "app01", "app02"} {
			u := srv.URL + "/stad/" + name + ".git"
			key, _ := catalogue.CanonicalURL(u)
			_, err := store.Enqueue(ctx, catalogue.NewJob{Kind: KindRepo, Key: key, Group: runGroup(run.ID), Payload: payload{Run: run.ID, URL: u}.encode()})
			must(t, err)
		}
		target := srv.URL + "/stad/app03.git"
		must(t, c.CrawlNow(ctx, target))
		jobs, err := store.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{KindRepo}, Limit: 1})
		must(t, err)
		key, _ := catalogue.CanonicalURL(target)
		if len(jobs) != 1 || jobs[0].Key != key || jobs[0].Group != runGroup(run.ID) {
			t.Fatalf("first claimed %+v, want the crawl-now job of %s in the running run", jobs, key)
		}
		must(t, c.handleRepo(ctx, jobs[0]))
		repo, err := store.Repository(ctx, target)
		must(t, err)
		if repo.Status != catalogue.StatusMirror || repo.SoftwareID == "" { // its file names example.org: a mirror, listed
			t.Errorf("after crawl now: %s %q", repo.Status, repo.Reason)
		}
	})
}

func TestCrawlPublisherNow_QueuesItsListingsAndRepositories(t *testing.T) {
	t.Parallel()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	must(t, err)
	defer store.Close()
	ctx := t.Context()
	must(t, store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "stad", Name: "Stad", CodeHosting: []catalogue.CodeHosting{
		{URL: "https://forge.example/stad", Group: true, Type: catalogue.HostingGitea}, {URL: "https://git.example/stad/one.git"}}}}))
	_, err = store.Enqueue(ctx, catalogue.NewJob{Kind: KindDiscover, Key: "someone else's"})
	must(t, err)
	c := New(store, testOptions())
	must(t, c.CrawlPublisherNow(ctx, "stad"))
	jobs, err := store.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{KindDiscover}, Limit: 10})
	must(t, err)
	if len(jobs) != 2 || jobs[0].Key != "0 stad https://forge.example/stad" || jobs[1].Key != "someone else's" {
		t.Fatalf("claimed listings %+v", jobs)
	}
	jobs, err = store.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{KindRepo}, Limit: 10})
	must(t, err)
	if len(jobs) != 1 || jobs[0].Key != "https://git.example/stad/one" {
		t.Fatalf("claimed repositories %+v", jobs)
	}
	// Outside any run, a failed listing has no run to be recorded in, and is logged.
	must(t, c.hostingFailed(ctx, payload{Publisher: "stad", URL: "https://forge.example/stad"}, http.ErrHandlerTimeout))
}

// fakeGitHub answers GitHub's organisation API on loopback.
func fakeGitHub(t *testing.T, orgs map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := orgs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerifyHosting_TheForgesVerifiedDomain(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, map[string]string{
		"/api/v3/orgs/kommune-b":  `{"login":"kommune-b","is_verified":true,"blog":"https://www.b.example","email":""}`,
		"/api/v3/orgs/unverified": `{"login":"unverified","is_verified":false,"blog":"https://b.example"}`,
		"/api/v3/orgs/elsewhere":  `{"login":"elsewhere","is_verified":true,"blog":"https://elsewhere.example","email":"it@elsewhere.example"}`,
		"/api/v3/orgs/mail":       `{"login":"mail","is_verified":true,"blog":"","email":"it@digital.b.example"}`,
	})
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	must(t, err)
	defer store.Close()
	ctx := t.Context()
	must(t, store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "b", Name: "Kommune B", EmailDomains: []string{"b.example"}}}))
	bob, err := store.SignIn(ctx, "bob@b.example", "", "", "")
	must(t, err)
	c := New(store, testOptions())
	want := map[string]string{"kommune-b": catalogue.VerifiedByForgeDomain, "unverified": "", "elsewhere": "", "mail": catalogue.VerifiedByForgeDomain}
	for org := range want {
		u := gh.URL + "/" + org
		must(t, store.AddCodeHosting(ctx, catalogue.Actor{Person: bob.ID}, "b", catalogue.CodeHosting{URL: u, Group: true, Type: catalogue.HostingGitHub}))
		must(t, c.QueueVerifyHosting(ctx, "b", u))
	}
	jobs, err := store.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{KindVerifyHosting}, Limit: 10})
	must(t, err)
	if len(jobs) != len(want) {
		t.Fatalf("%d verify jobs", len(jobs))
	}
	for _, j := range jobs {
		must(t, c.handleVerifyHosting(ctx, j))
	}
	p, err := store.Publisher(ctx, "b")
	must(t, err)
	for _, h := range p.CodeHosting {
		org := h.URL[len(gh.URL)+1:]
		if h.Verified != want[org] {
			t.Errorf("%s: verified %q, want %q", org, h.Verified, want[org])
		}
	}
}
