package ui

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// fixedNames is a resolver for tests, which never ask the network: names it
// does not know do not exist.
type fixedNames map[string]string

func (f fixedNames) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	a, ok := f[strings.TrimSuffix(strings.ToLower(host), ".")]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, Server: "10.0.0.53:53", IsNotFound: true}
	}
	return []netip.Addr{netip.MustParseAddr(a)}, nil
}

// testNames are the names the site's tests use, public ones on public
// addresses (nothing is dialled) and internal ones where an intranet has them.
var testNames = fixedNames{
	"github.com": "140.82.121.3", "gitlab.com": "172.65.251.78", "git.example.org": "93.184.215.14",
	"hooks.example": "93.184.215.15", "hooks.example.org": "93.184.215.15",
	"intranet.example": "10.1.2.3", "metadata.example": "169.254.169.254", "nat64.example": "64:ff9b::a01:203",
	"loopback.example": "127.0.0.1", "zoned.example": "fe80::1%eth0",
}

// internalURLs are the address forms an outside test used to reach what only
// the server can: each must be refused wherever the site takes a URL to fetch.
var internalURLs = []struct{ url, kind string }{
	{"http://127.0.0.1:PORT/publiccode.yml", "loopback"},
	{"http://[::1%25lo]:PORT6/publiccode.yml", "IPv6 zone by name"},
	{"http://[::1%251]:PORT6/publiccode.yml", "IPv6 zone by index"},
	{"http://[::1]:PORT6/publiccode.yml", "IPv6 loopback"},
	{"http://2130706433:PORT/publiccode.yml", "decimal"},
	{"http://0177.0.0.1:PORT/publiccode.yml", "octal"},
	{"http://0x7f.1:PORT/publiccode.yml", "hexadecimal"},
	{"http://127.1:PORT/publiccode.yml", "short"},
	{"http://127.0.0.1.:PORT/publiccode.yml", "trailing dot"},
	{"http://0.0.0.0:PORT/publiccode.yml", "this network"},
	{"http://[::ffff:127.0.0.1]:PORT/publiccode.yml", "IPv4-mapped"},
	{"http://[::127.0.0.1]:PORT/publiccode.yml", "IPv4-compatible"},
	{"http://[64:ff9b::7f00:1]:PORT/publiccode.yml", "NAT64"},
	{"http://[2002:7f00:1::1]:PORT/publiccode.yml", "6to4"},
	{"http://[2001:0:7f00:1::1]:PORT/publiccode.yml", "Teredo"},
	{"http://a@127.0.0.1:PORT/publiccode.yml", "userinfo"},
	{"http://localhost:PORT/publiccode.yml", "localhost"},
	{"http://loopback.example:PORT/publiccode.yml", "a name on loopback"},
	{"http://intranet.example/publiccode.yml", "a name on a private network"},
	{"http://metadata.example/latest/meta-data/", "a name on the metadata service"},
	{"http://nat64.example/", "a name on NAT64"},
	{"http://zoned.example/", "a name on a zoned address"},
	{"http://169.254.169.254/latest/meta-data/", "cloud metadata"},
	{"http://100.64.0.1/", "shared address space"},
	{"http://198.18.0.1/", "benchmarking"},
	{"http://192.88.99.1/", "6to4 relay anycast"},
	{"http://[::]/", "unspecified"},
}

// loopbackSecret is a service that listens on loopback only, on IPv4 and (when
// the machine has it) IPv6, counting who reaches it.
func loopbackSecret(t *testing.T) (port4, port6 string, hits *atomic.Int64) {
	t.Helper()
	hits = new(atomic.Int64)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("name: Internal secret\n"))
	})
	s4 := httptest.NewServer(h)
	t.Cleanup(s4.Close)
	_, port4, _ = net.SplitHostPort(s4.Listener.Addr().String())
	port6 = port4
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil {
		s6 := httptest.NewUnstartedServer(h)
		s6.Listener.Close()
		s6.Listener = ln
		s6.Start()
		t.Cleanup(s6.Close)
		_, port6, _ = net.SplitHostPort(ln.Addr().String())
	}
	return port4, port6, hits
}

func withPorts(u, port4, port6 string) string {
	return strings.ReplaceAll(strings.ReplaceAll(u, "PORT6", port6), "PORT", port4)
}

// leaks are what a visitor must never read in a refusal: the resolver, the
// address a name resolved to, the dialer's words.
var leaks = []string{"10.0.0.53", "10.1.2.3", "169.254", "lookup", "dial tcp", "connect:", "no route", "secret"}

func TestValidatorURL_RefusesEveryInternalAddressForm(t *testing.T) {
	t.Parallel()
	port4, port6, hits := loopbackSecret(t)
	_, ts, _ := siteWith(t, Options{FetchPolicy: safehttp.Policy{Resolver: testNames}, ValidatePerMinute: 1000})
	for _, tt := range internalURLs {
		u := withPorts(tt.url, port4, port6)
		resp, body := postForm(t, ts.URL+"/validate?lang=en", map[string]string{"url": u}, "")
		alert := find(parse(t, body), "div", "class", "alert")
		if resp.StatusCode != http.StatusUnprocessableEntity || alert == nil {
			t.Errorf("%s (%s): %d, want a refusal", u, tt.kind, resp.StatusCode)
			continue
		}
		msg := text(alert)
		if !strings.Contains(msg, "not on the public internet") {
			t.Errorf("%s (%s): %q", u, tt.kind, msg)
		}
		for _, leak := range leaks {
			if strings.Contains(msg, leak) {
				t.Errorf("%s (%s): the message %q reveals %q", u, tt.kind, msg, leak)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the loopback-only service was read %d times through the validator", n)
	}
}

func TestValidatorURL_FailuresNameNoResolverOrNetwork(t *testing.T) {
	t.Parallel()
	_, ts, _ := siteWith(t, Options{FetchPolicy: safehttp.Policy{Resolver: testNames}})
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	_, open, _ := siteWith(t, Options{FetchPolicy: safehttp.Policy{Resolver: testNames, AllowPrivate: true}})
	errorPage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "stack trace at db-7.corp.internal 10.1.2.3", http.StatusInternalServerError)
	}))
	defer errorPage.Close()
	cases := []struct {
		site *httptest.Server
		url  string
		want string
	}{
		{ts, "https://no-such-name.example/publiccode.yml", "the host name does not exist"},
		{open, closed.URL + "/publiccode.yml", "the server refused the connection"},
		{open, errorPage.URL + "/publiccode.yml", "the server answered 500 Internal Server Error"},
	}
	for _, c := range cases {
		resp, body := postForm(t, c.site.URL+"/validate?lang=en", map[string]string{"url": c.url}, "")
		alert := find(parse(t, body), "div", "class", "alert")
		if resp.StatusCode != http.StatusUnprocessableEntity || alert == nil || !strings.Contains(text(alert), c.want) {
			t.Errorf("%s: %d %v, want %q", c.url, resp.StatusCode, alert != nil, c.want)
			continue
		}
		for _, leak := range append(leaks, "127.0.0.1", "corp.internal") {
			if strings.Contains(text(alert), leak) {
				t.Errorf("%s: %q reveals %q", c.url, text(alert), leak)
			}
		}
	}
}

func TestWebhookRegistration_RefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	port4, port6, hits := loopbackSecret(t)
	ts, _ := fedSite(t)
	add := func(u string) (int, string) {
		body, _ := json.Marshal(map[string]string{"url": u})
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/admin/webhooks", strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer s3cret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %s is no problem+json", u, resp.Header.Get("Content-Type"))
		}
		return resp.StatusCode, string(b)
	}
	for _, tt := range internalURLs {
		u := withPorts(tt.url, port4, port6)
		code, body := add(u)
		var p problem
		_ = json.Unmarshal([]byte(body), &p)
		if code != http.StatusBadRequest || !strings.Contains(p.Detail, "not on the public internet") {
			t.Errorf("%s (%s): %d %s", u, tt.kind, code, body)
		}
		for _, leak := range leaks {
			if strings.Contains(p.Detail, leak) {
				t.Errorf("%s: %q reveals %q", u, p.Detail, leak)
			}
		}
	}
	if code, body := add("https://hooks.example.org/oscat"); code != http.StatusCreated {
		t.Errorf("a public webhook: %d %s", code, body)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("registration reached the loopback service %d times", n)
	}
}

func TestCodeHosting_SiteAndAPIAcceptOnlyPublicWebAddresses(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	bob := js.signIn(t, "bob@b.example")
	bt := bob.token()
	refused := []struct{ url, kind, want string }{
		{"file:///etc/passwd", "the server's disk", "publishers file"},
		{"file://localhost/srv/git/x", "the server's disk, by host", "publishers file"},
		{"git://github.com/kommune-b/x", "git:// (dialled by name)", "publishers file"},
		{"ssh://git@github.com/kommune-b/x", "ssh:// (dialled by name)", "publishers file"},
		{"git@github.com:kommune-b/x.git", "scp-like ssh", "publishers file"},
		{"gopher://github.com/", "another scheme", "publishers file"},
	}
	for _, tt := range internalURLs {
		refused = append(refused, struct{ url, kind, want string }{withPorts(tt.url, "8080", "8080"), tt.kind, "not on the public internet"})
	}
	for _, tt := range refused {
		resp, body := bob.api(http.MethodPost, "/api/v1/publishers/b/code-hosting", bt, map[string]any{"url": tt.url, "group": true, "type": "gitea"})
		var p problem
		_ = json.Unmarshal([]byte(body), &p)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(p.Detail, tt.want) {
			t.Errorf("API, %s (%s): %d %s", tt.url, tt.kind, resp.StatusCode, body)
		}
		for _, leak := range leaks {
			if strings.Contains(p.Detail, leak) {
				t.Errorf("API, %s: %q reveals %q", tt.url, p.Detail, leak)
			}
		}
	}
	for _, u := range []string{"file:///etc/passwd", "git://github.com/kommune-b/x", "http://[::1%25lo]/x", "http://intranet.example/x"} {
		resp, body := bob.post("/publishers/b/code-hosting", url.Values{"url": {u}, "csrf": {bob.csrf("/publishers/b")}})
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "refused") && !strings.Contains(body, "publishers file") {
			t.Errorf("form, %s: %d", u, resp.StatusCode)
		}
	}
	p, err := js.store.Publisher(t.Context(), "b")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.CodeHosting) != 0 {
		t.Errorf("refused code hosting was kept: %+v", p.CodeHosting)
	}
	js.crawler.mu.Lock()
	got := js.crawler.calls
	js.crawler.mu.Unlock()
	if len(got) != 0 {
		t.Errorf("refused code hosting was queued: %v", got)
	}
	if resp, body := bob.api(http.MethodPost, "/api/v1/publishers/b/code-hosting", bt, map[string]any{"url": "https://github.com/kommune-b", "group": true, "type": "github"}); resp.StatusCode != http.StatusCreated {
		t.Errorf("public https code hosting: %d %s", resp.StatusCode, body)
	}
}
