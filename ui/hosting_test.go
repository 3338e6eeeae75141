package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/localforge"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// crawledNotice tells a test when the real crawler behind a site has crawled a
// repository.
type crawledNotice struct {
	mu   sync.Mutex
	done map[string]chan struct{}
}

func (n *crawledNotice) ch(repoURL string) chan struct{} {
	key, _ := catalogue.CanonicalURL(repoURL)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.done[key] == nil {
		n.done[key] = make(chan struct{})
	}
	return n.done[key]
}

func (n *crawledNotice) crawled(repoURL string, _ catalogue.RepoStatus) {
	ch := n.ch(repoURL)
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// wait waits for the first crawl of repoURL (a generous bound, not a timing).
func (n *crawledNotice) wait(t *testing.T, repoURL string) {
	t.Helper()
	select {
	case <-n.ch(repoURL):
	case <-time.After(time.Minute):
		t.Fatalf("%s was not crawled within a minute", repoURL)
	}
}

// crawlingJoinSite is a join site whose "crawl now" is the real crawler,
// crawling a forge on loopback.
func crawlingJoinSite(t *testing.T) (*joinSite, *crawler.Crawler, *crawledNotice) {
	t.Helper()
	store := testStore(t,
		catalogue.Publisher{ID: "a", Name: "Gemeente A", Country: "NL", URI: "urn:a", EmailDomains: []string{"a.example"}},
		catalogue.Publisher{ID: "b", Name: "Kommune B", Country: "DK", URI: "urn:b", EmailDomains: []string{"b.example"}},
	)
	notice := &crawledNotice{done: map[string]chan struct{}{}}
	c := crawler.New(store, crawler.Options{Policy: safehttp.Policy{AllowPrivate: true}, Workers: 2, Logger: quiet, Poll: 20 * time.Millisecond,
		Fetch: gitfetch.Options{Timeout: 30 * time.Second, CacheDir: t.TempDir()}, OnRepository: notice.crawled})
	js := &joinSite{store: store, crawler: &fakeCrawler{}}
	js.opts = Options{Logger: quiet, PublicURL: "https://oscat.example", Admins: []string{"root@operator.example"}, Crawler: c,
		FetchPolicy: safehttp.Policy{AllowPrivate: true}} // the forge is on loopback
	srv, err := New(communitySources(store), testIndex(t, store), js.opts)
	if err != nil {
		t.Fatal(err)
	}
	js.ts = httptest.NewTLSServer(srv)
	t.Cleanup(js.ts.Close)
	return js, c, notice
}

// work runs the crawler's queue until the test ends.
func work(t *testing.T, c *crawler.Crawler) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { c.Work(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
}

func pushFile(t *testing.T, f *localforge.Forge, owner, name, file string) {
	t.Helper()
	if _, err := f.Push(owner, name, localforge.Commit{Files: map[string][]byte{"publiccode.yml": []byte(file)}, Message: "publiccode.yml"}); err != nil {
		t.Fatal(err)
	}
}

// softwareOf reads, through the API, the software a repository carries.
func softwareOf(t *testing.T, b *browser, repoURL string) (repo repositoryListItem, sw softwareItem) {
	t.Helper()
	_, body := b.get("/api/v1/repositories?filter[publisher]=b")
	var list struct {
		Data []repositoryListItem `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("repositories: %v: %s", err, body)
	}
	key, _ := catalogue.CanonicalURL(repoURL)
	for _, r := range list.Data {
		if c, _ := catalogue.CanonicalURL(r.URL); c == key {
			repo = r
		}
	}
	if repo.URL == "" {
		t.Fatalf("%s is not among b's repositories: %s", repoURL, body)
	}
	if repo.Software == "" {
		return repo, sw
	}
	_, body = b.get("/api/v1/software/" + repo.Software)
	if err := json.Unmarshal([]byte(body), &sw); err != nil {
		t.Fatalf("software: %v: %s", err, body)
	}
	return repo, sw
}

// TestCodeHosting_AddedOnTheSiteIsLinkedAndMarkedAtOnce takes the path the
// site takes: a member adds a repository with the form, the site asks the real
// crawler to crawl now, and the software shows its publisher and its mark
// without waiting for a full crawl.
func TestCodeHosting_AddedOnTheSiteIsLinkedAndMarkedAtOnce(t *testing.T) {
	t.Parallel()
	f, forge := localforge.StartTest(t)
	js, c, notice := crawlingJoinSite(t)
	plain := forge.URL + "/b/plain.git"
	named := forge.URL + "/b/named.git"
	known := forge.URL + "/b/known.git"
	pushFile(t, f, "b", "plain", "publiccodeYmlVersion: \"0.4\"\nname: Plain\nurl: "+plain+"\n")
	pushFile(t, f, "b", "named", "publiccodeYmlVersion: \"0.4\"\nname: Named\nurl: "+named+"\norganisation:\n  uri: urn:b\n")
	pushFile(t, f, "b", "known", "publiccodeYmlVersion: \"0.4\"\nname: Known\nurl: "+known+"\norganisation:\n  uri: urn:b\n")
	// known is in the catalogue already: another administration lists it, and
	// it was crawled.
	if err := js.store.SyncPublishers(t.Context(), []catalogue.Publisher{
		{ID: "a", Name: "Gemeente A", Country: "NL", URI: "urn:a", EmailDomains: []string{"a.example"}, CodeHosting: []catalogue.CodeHosting{{URL: known}}},
		{ID: "b", Name: "Kommune B", Country: "DK", URI: "urn:b", EmailDomains: []string{"b.example"}},
	}); err != nil {
		t.Fatal(err)
	}
	work(t, c)
	if err := c.CrawlPublisherNow(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	notice.wait(t, known)

	bob := js.signIn(t, "bob@b.example")
	for _, u := range []string{plain, named, known} {
		resp, body := bob.post("/publishers/b/code-hosting", url.Values{"url": {u}, "type": {"git"}, "csrf": {bob.csrf("/publishers/b")}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("adding %s: %d %s", u, resp.StatusCode, body)
		}
	}
	// At once, before any crawl of b: the repositories are b's, and the one
	// whose file names b is verified.
	if r, _ := softwareOf(t, bob, plain); !slices.Contains(r.Publishers, "b") {
		t.Errorf("plain's publishers at once: %v", r.Publishers)
	}
	if _, sw := softwareOf(t, bob, known); !slices.Contains(sw.Publishers, "b") {
		t.Errorf("known's publishers at once: %v", sw.Publishers)
	}
	if pub, err := js.store.Publisher(t.Context(), "b"); err != nil {
		t.Fatal(err)
	} else {
		for _, h := range pub.CodeHosting {
			if h.URL == known && h.Verified != catalogue.VerifiedByPubliccode {
				t.Errorf("known, whose file names urn:b, is %q at once, want verified by its file", h.Verified)
			}
		}
	}

	notice.wait(t, plain)
	notice.wait(t, named)
	if _, sw := softwareOf(t, bob, plain); !slices.Contains(sw.Publishers, "b") || !sw.PublisherUnverified {
		t.Errorf("plain after its crawl now: publishers %v, unverified %t; want b, marked unverified", sw.Publishers, sw.PublisherUnverified)
	}
	if _, sw := softwareOf(t, bob, named); !slices.Contains(sw.Publishers, "b") || sw.PublisherUnverified {
		t.Errorf("named after its crawl now: publishers %v, unverified %t; want b, verified by its file", sw.Publishers, sw.PublisherUnverified)
	}
}
