package forge

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/crawler/localforge"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// world serves an organisation with five repositories (one private, one empty,
// one archived, one fork), a subgroup, and a user, two to a page.
func world(t *testing.T) *localforge.Server {
	t.Helper()
	f, srv := localforge.StartTest(t)
	srv.SetMaxPageSize(2)
	for _, o := range []string{"city", "city/parking"} {
		if err := f.AddOwner(o, localforge.Org); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.AddOwner("jan", localforge.User); err != nil {
		t.Fatal(err)
	}
	file := map[string][]byte{"README": []byte("x")}
	for _, r := range []string{"city/a", "city/b", "city/c", "city/d", "city/parking/meters", "jan/tools"} {
		i := strings.LastIndexByte(r, '/')
		if _, err := f.Push(r[:i], r[i+1:], localforge.Commit{Files: file}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.CreateEmpty("city", "empty"); err != nil {
		t.Fatal(err)
	}
	f.SetMeta("city", "b", localforge.RepoMeta{Private: true})
	f.SetMeta("city", "c", localforge.RepoMeta{Archived: true})
	f.SetMeta("city", "d", localforge.RepoMeta{Fork: true, Parent: "jan/tools"})
	return srv
}

type memCache struct {
	mu sync.Mutex
	m  map[string]CachedPage
}

func (c *memCache) Get(_ context.Context, u string) (CachedPage, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.m[u]
	return p, ok, nil
}

func (c *memCache) Put(_ context.Context, u string, p CachedPage) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[u] = p
	return nil
}

func client() *Client {
	c := NewClient(safehttp.Policy{AllowPrivate: true})
	c.Cache = &memCache{m: map[string]CachedPage{}}
	return c
}

func listAll(t *testing.T, l Lister, groupURL string) map[string]Repo {
	t.Helper()
	out := map[string]Repo{}
	err := l.List(t.Context(), groupURL, func(_ context.Context, repos []Repo) error {
		for _, r := range repos {
			out[r.CloneURL[strings.LastIndex(r.CloneURL, "/")+1:]] = r
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(m map[string]Repo) string {
	var n []string
	for k := range m {
		n = append(n, k)
	}
	sort.Strings(n)
	return strings.Join(n, " ")
}

func TestListers_ReadEveryForgesShapeAcrossPages(t *testing.T) {
	t.Parallel()
	srv := world(t)
	c := client()
	tests := []struct {
		name   string
		lister Lister
		group  string
		want   string
	}{
		{"gitea", Gitea{Client: c}, "/city", "a.git b.git c.git d.git empty.git"},
		{"github", GitHub{Client: c}, "/city", "a.git c.git d.git empty.git"}, // type=public
		{"gitlab", GitLab{Client: c}, "/city", "a.git b.git c.git d.git empty.git meters.git"},
		{"gitlab subgroup", GitLab{Client: c}, "/city/parking", "meters.git"},
		{"bitbucket", Bitbucket{Client: c}, "/city", "a.git b.git c.git d.git empty.git"},
		{"github user", GitHub{Client: c}, "/jan", "tools.git"},
		{"gitlab user", GitLab{Client: c}, "/jan", "tools.git"},
		{"gitea user", Gitea{Client: c}, "/jan", "tools.git"},
	}
	for _, tt := range tests {
		got := listAll(t, tt.lister, srv.URL+tt.group)
		if names(got) != tt.want {
			t.Errorf("%s: listed %q, want %q", tt.name, names(got), tt.want)
			continue
		}
		if r, ok := got["b.git"]; ok && !r.Private {
			t.Errorf("%s: b should be private", tt.name)
		}
		if r, ok := got["empty.git"]; ok && !r.Empty && !strings.HasPrefix(tt.name, "github") {
			t.Errorf("%s: empty should be empty", tt.name)
		}
		if r, ok := got["d.git"]; ok && (!r.Fork || (!strings.HasSuffix(r.Parent, "/jan/tools.git") && tt.name != "github")) {
			t.Errorf("%s: d should be a fork of jan/tools: %+v", tt.name, r)
		}
		if r, ok := got["c.git"]; ok && !r.Archived && tt.name != "bitbucket" {
			t.Errorf("%s: c should be archived", tt.name)
		}
	}
	for _, l := range []Lister{GitHub{Client: c}, GitLab{Client: c}, Bitbucket{Client: c}, Gitea{Client: c}} {
		err := l.List(t.Context(), srv.URL+"/nobody", func(context.Context, []Repo) error { return nil })
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%T: a missing owner: %v", l, err)
		}
	}
}

func TestClient_UnchangedListingCostsNoRateLimit(t *testing.T) {
	t.Parallel()
	srv := world(t)
	c := client()
	gh := GitHub{Client: c}
	first := listAll(t, gh, srv.URL+"/city")
	calls := srv.APICalls()
	if calls != 2 {
		t.Fatalf("first listing made %d counted requests, want 2 pages", calls)
	}
	// A user is first asked for as an organisation (404): remembered, not asked again.
	listAll(t, gh, srv.URL+"/jan")
	srv.SetRateLimit(0) // any counted request would now be refused
	again := listAll(t, gh, srv.URL+"/city")
	if names(again) != names(first) || srv.APICalls() != calls+1 {
		t.Errorf("the second listing cost %d counted requests and listed %q", srv.APICalls()-calls-1, names(again))
	}
	before := srv.Requests()
	if user := listAll(t, gh, srv.URL+"/jan"); names(user) != "tools.git" || srv.Requests()-before != 1 {
		t.Errorf("listing a user again took %d requests (want 1: the users endpoint, answered 304)", srv.Requests()-before)
	}

}

func TestClient_WaitsOutRetryAfterAndRateLimitResets(t *testing.T) {
	t.Parallel()
	srv := world(t)
	c := client()
	var waits []time.Duration
	var mu sync.Mutex
	c.Observer = observerFunc(func(_ string, d time.Duration) { mu.Lock(); waits = append(waits, d); mu.Unlock() })
	srv.FailAPI(http.StatusBadGateway, 0)
	var se *StatusError
	if err := (Gitea{Client: c}).List(t.Context(), srv.URL+"/jan", func(context.Context, []Repo) error { return nil }); !errors.As(err, &se) || se.Status != 502 {
		t.Errorf("a 502 is the caller's to retry: %v", err)
	}
	srv.FailAPI(http.StatusTooManyRequests, time.Second)
	if got := listAll(t, Gitea{Client: c}, srv.URL+"/jan"); names(got) != "tools.git" {
		t.Fatalf("after a 429: %q", names(got))
	}
	srv.SetRateLimit(0)
	gh := client()
	// The limit is reset while the client waits for the reset it was told.
	gh.Observer = observerFunc(func(string, time.Duration) { srv.SetRateLimit(-1) })
	if got := listAll(t, GitHub{Client: gh}, srv.URL+"/jan"); names(got) != "tools.git" {
		t.Fatalf("after an exhausted rate limit: %q", names(got))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(waits) == 0 {
		t.Error("no rate-limit wait was reported")
	}

	// A reset further away than MaxWait fails the listing with when to retry.
	short := client()
	short.MaxWait = time.Millisecond
	srv.FailAPI(http.StatusTooManyRequests, time.Hour)
	err := Gitea{Client: short}.List(t.Context(), srv.URL+"/jan", func(context.Context, []Repo) error { return nil })
	var rl *RateLimitError
	if !errors.As(err, &rl) || time.Until(rl.Until) < 50*time.Minute {
		t.Errorf("a long rate limit: %v", err)
	}
}

func TestClient_SendsTokensOnlyToTheirHost(t *testing.T) {
	t.Parallel()
	var got []string
	var mu sync.Mutex
	srv := world(t)
	c := client()
	c.Tokens = map[string]string{HostOf(srv.URL): "s3cret", "other.example": "nope"}
	base := c.HTTP.Transport
	c.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		return base.RoundTrip(r)
	})
	listAll(t, GitHub{Client: c}, srv.URL+"/jan")
	listAll(t, Gitea{Client: c}, srv.URL+"/jan")
	if len(got) < 2 || got[0] != "Bearer s3cret" || got[len(got)-1] != "token s3cret" {
		t.Errorf("Authorization headers: %q", got)
	}
}

type observerFunc func(host string, d time.Duration)

func (f observerFunc) Request(string, int)                        {}
func (f observerFunc) RateLimitWait(host string, d time.Duration) { f(host, d) }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
