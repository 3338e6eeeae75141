package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/push"
)

// pushTrigger records the crawls webhooks queue.
type pushTrigger struct {
	mu    sync.Mutex
	calls []string
}

func (p *pushTrigger) CrawlPushed(_ context.Context, u, head string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, "crawl "+u+" "+head)
	return nil
}

func (p *pushTrigger) RefreshListing(_ context.Context, publisher string, h catalogue.CodeHosting) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, "list "+publisher+" "+h.URL)
	return nil
}

func (p *pushTrigger) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// hookSite is a join site whose administration A lists its forge group
// https://git.example.org/a, with webhooks on.
func hookSite(t *testing.T, perMinute int) (*joinSite, *pushTrigger) {
	t.Helper()
	trigger := &pushTrigger{}
	js := newJoinSite(t, func(o *Options, src *Sources) {
		store := src.Catalog.(*sqlstore.Store)
		if err := store.SyncPublishers(t.Context(), []catalogue.Publisher{
			{ID: "a", Name: "Gemeente A", Country: "NL", URI: "urn:a", EmailDomains: []string{"a.example"},
				CodeHosting: []catalogue.CodeHosting{{URL: "https://git.example.org/a", Group: true, Type: catalogue.HostingGitea}}},
			{ID: "b", Name: "Kommune B", Country: "DK", URI: "urn:b", EmailDomains: []string{"b.example"}},
		}); err != nil {
			t.Fatal(err)
		}
		o.Hooks = &push.Receiver{Store: store, Crawler: trigger, Log: quiet}
		src.HookSecrets = store
		o.HooksPerMinute = perMinute
	})
	return js, trigger
}

// giteaPush is a Gitea push to main of repo, whose default branch is main.
func giteaPush(repo, head string) []byte {
	b, _ := json.Marshal(map[string]any{"ref": "refs/heads/main", "before": "28e1879d029cb852e4844d9c718537df08844e03", "after": head,
		"repository": map[string]any{"full_name": "a/parkeren", "html_url": repo, "clone_url": repo + ".git", "default_branch": "main"}})
	return b
}

// deliver posts a delivery with no cookie and no CSRF token, as a forge does.
func deliver(t *testing.T, js *joinSite, forge string, h http.Header, body []byte) (*http.Response, string) {
	t.Helper()
	b := js.browser(t)
	req, _ := http.NewRequest(http.MethodPost, js.ts.URL+"/hooks/"+forge, bytes.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	return b.do(req)
}

var secretRE = regexp.MustCompile(`<code class="secret">([^<]+)</code>`)

func TestHooks_MembersSeeTheSecretAndSignedPushesQueueACrawl(t *testing.T) {
	t.Parallel()
	js, trigger := hookSite(t, 0)
	alice := js.signIn(t, "alice@a.example")
	_, page := alice.get("/publishers/a")
	m := secretRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("a member sees no webhook secret on the publisher page:\n%s", page)
	}
	secret := m[1]
	if !strings.Contains(page, "https://oscat.example/hooks/gitea") || !strings.Contains(page, "Add webhook → Gitea") {
		t.Errorf("the page shows no Gitea set-up for a Gitea entry")
	}
	if _, other := js.signIn(t, "bob@b.example").get("/publishers/a"); strings.Contains(other, secret) || strings.Contains(other, `id="webhooks"`) {
		t.Error("a member of another administration sees the secret")
	}
	if _, anon := js.browser(t).get("/publishers/a"); strings.Contains(anon, secret) {
		t.Error("a visitor sees the secret")
	}

	body := giteaPush("https://git.example.org/a/parkeren", "bffeb74224043ba2feb48d137756c8a9331c449a")
	forged, _ := push.Headers("gitea", "d-0", body, "guessed")
	resp, text := deliver(t, js, "gitea", forged, body)
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("a forged delivery: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), text)
	}
	h, _ := push.Headers("gitea", "d-1", body, secret)
	resp, text = deliver(t, js, "gitea", h, body)
	var res push.Result
	if resp.StatusCode != http.StatusAccepted || json.Unmarshal([]byte(text), &res) != nil || res.Outcome != push.Queued {
		t.Fatalf("a signed push (without cookie or CSRF token): %d %s", resp.StatusCode, text)
	}
	if got := trigger.seen(); !slices.Equal(got, []string{"crawl https://git.example.org/a/parkeren bffeb74224043ba2feb48d137756c8a9331c449a"}) {
		t.Errorf("crawls queued %q", got)
	}
	if resp, text = deliver(t, js, "gitea", h, body); resp.StatusCode != http.StatusAccepted || !strings.Contains(text, `"replayed"`) {
		t.Errorf("the same delivery again: %d %s", resp.StatusCode, text)
	}

	// A rotation: the page shows the new secret and until when the old one works.
	resp, _ = alice.post("/publishers/a/code-hosting/hook-secret", url.Values{"csrf": {alice.csrf("/publishers/a")}, "url": {"https://git.example.org/a"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rotating: %d", resp.StatusCode)
	}
	_, page = alice.get(resp.Header.Get("Location"))
	if m := secretRE.FindStringSubmatch(page); m == nil || m[1] == secret || !strings.Contains(page, "The previous secret keeps working until") {
		t.Errorf("after the rotation the page shows %v", m)
	}
	body = giteaPush("https://git.example.org/a/parkeren", "0123456789abcdef0123456789abcdef01234567")
	h, _ = push.Headers("gitea", "d-2", body, secret)
	if resp, text = deliver(t, js, "gitea", h, body); resp.StatusCode != http.StatusAccepted {
		t.Errorf("the old secret within its grace: %d %s", resp.StatusCode, text)
	}
	if resp, _ := alice.post("/publishers/b/code-hosting/hook-secret", url.Values{"csrf": {alice.csrf("/publishers/a")}, "url": {"https://git.example.org/a"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("rotating another administration's secret: %d", resp.StatusCode)
	}
}

func TestHooks_AFloodFromOneClientIsRateLimited(t *testing.T) {
	t.Parallel()
	js, _ := hookSite(t, 5)
	statuses := map[int]int{}
	var retry string
	for i := range 8 {
		body := giteaPush("https://elsewhere.example/x/y", strings.Repeat(string(rune('a'+i)), 40))
		h, _ := push.Headers("gitea", "", body, "unknown")
		resp, _ := deliver(t, js, "gitea", h, body)
		statuses[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			retry = resp.Header.Get("Retry-After")
		}
	}
	if statuses[http.StatusUnauthorized] != 5 || statuses[http.StatusTooManyRequests] != 3 || retry == "" {
		t.Errorf("8 deliveries at once with 5 a minute allowed: %v (Retry-After %q)", statuses, retry)
	}
}
