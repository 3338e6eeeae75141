package crawler

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

// secretText is what an internal error page gives away; none of it may reach
// a public crawl reason.
const secretText = "Internal Server Error at db-7.corp.internal (10.20.30.40): password=hunter2"

// remoteAnswers are git servers that fail with their own words.
var remoteAnswers = []struct {
	name string
	h    http.HandlerFunc
}{
	{"forbidden", status(http.StatusForbidden, "text/plain", secretText)},
	{"unauthorised", status(http.StatusUnauthorized, "text/plain", secretText)},
	{"missing", status(http.StatusNotFound, "text/html", "<html><body>"+secretText+"</body></html>")},
	{"broken", status(http.StatusInternalServerError, "text/html", "<h1>"+secretText+"</h1>")},
	{"teapot", status(http.StatusTeapot, "text/plain", secretText)},
	{"html-page", status(http.StatusOK, "text/html", "<html>"+secretText+"</html>")},
	{"err-packet", status(http.StatusOK, "application/x-git-upload-pack-advertisement", pktLine("# service=git-upload-pack\n")+"0000"+pktLine("ERR "+secretText+"\n"))},
	{"bad-advert", status(http.StatusOK, "application/x-git-upload-pack-advertisement", pktLine("# service=git-upload-pack\n")+"0000"+pktLine(secretText))},
}

func status(code int, typ, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", typ)
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}
}

// pktLine frames s as one line of git's protocol.
func pktLine(s string) string { return fmt.Sprintf("%04x%s", len(s)+4, s) }

func TestCrawl_RemoteErrorTextNeverBecomesAPublicReason(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		store := open()
		var hosting []catalogue.CodeHosting
		for _, a := range remoteAnswers {
			srv := httptest.NewServer(a.h)
			t.Cleanup(srv.Close)
			hosting = append(hosting, catalogue.CodeHosting{URL: srv.URL + "/o/" + a.name + ".git"})
		}
		// And a server that is gone: the reason names no address.
		down := httptest.NewServer(http.NotFoundHandler())
		down.Close()
		hosting = append(hosting, catalogue.CodeHosting{URL: down.URL + "/o/gone.git"})
		must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "p", Name: "P", CodeHosting: hosting}}))
		runCrawl(t, New(store, testOptions()))
		repos := repoByName(t, store)
		for _, name := range []string{"forbidden", "unauthorised", "missing", "broken", "teapot", "html-page", "err-packet", "bad-advert", "gone"} {
			r, ok := repos[name]
			if !ok {
				t.Errorf("%s: not recorded", name)
				continue
			}
			if r.Status != catalogue.StatusFailed || r.Reason == "" {
				t.Errorf("%s: %s %q", name, r.Status, r.Reason)
			}
			for _, leak := range []string{"hunter2", "10.20.30.40", "corp.internal", "<", "127.0.0.1", "dial tcp"} {
				if strings.Contains(r.Reason, leak) {
					t.Errorf("%s: the public reason %q carries %q", name, r.Reason, leak)
				}
			}
		}
		if r := repos["broken"]; !strings.Contains(r.Reason, "HTTP 500") {
			t.Errorf("broken: %q should name the status", r.Reason)
		}
	})
}

// A git:// or ssh:// repository added on the site is never dialled: go-git's
// own transports dial by name, outside the connect-time check. The same URL
// in the operator's publishers file is fetched.
func TestCrawl_SiteCodeHostingOverGitOrSSHIsNotFetched(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	var dialled atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			dialled.Add(1)
			c.Close()
		}
	}()
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	must(t, err)
	defer store.Close()
	ctx := t.Context()
	must(t, store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "b", Name: "Kommune B", EmailDomains: []string{"b.example"}}}))
	bob, err := store.SignIn(ctx, "bob@b.example", "", "", "")
	must(t, err)
	addr := ln.Addr().String()
	for _, u := range []string{"git://" + addr + "/o/site-git", "ssh://git@" + addr + "/o/site-ssh"} {
		must(t, store.AddCodeHosting(ctx, catalogue.Actor{Person: bob.ID}, "b", catalogue.CodeHosting{URL: u}))
	}
	// Even with private networks allowed: the refusal is the entry's origin's.
	runCrawl(t, New(store, testOptions()))
	repos := repoByName(t, store)
	for _, name := range []string{"site-git", "site-ssh"} {
		if r := repos[name]; r.Status != catalogue.StatusSkipped || r.Reason != reasonSchemeRefused {
			t.Errorf("%s: %s %q", name, r.Status, r.Reason)
		}
	}
	if n := dialled.Load(); n != 0 {
		t.Fatalf("a site entry was dialled %d times", n)
	}

	must(t, store.SyncPublishers(ctx, []catalogue.Publisher{{ID: "b", Name: "Kommune B", EmailDomains: []string{"b.example"},
		CodeHosting: []catalogue.CodeHosting{{URL: "git://" + addr + "/o/file-git"}}}}))
	runCrawl(t, New(store, testOptions()))
	if r := repoByName(t, store)["file-git"]; r.Status != catalogue.StatusFailed || dialled.Load() == 0 {
		t.Errorf("the operator's git:// entry was not fetched: %s %q, dialled %d", r.Status, r.Reason, dialled.Load())
	}
}

// A listing that fails on the network is recorded, publicly, by its kind:
// the crawls page and API show no address, port or resolver.
func TestDiscover_HostingFailureNamesNoNetworkDetail(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "p", Name: "P", CodeHosting: []catalogue.CodeHosting{
		{URL: down.URL + "/org", Group: true, Type: catalogue.HostingGitea},
	}}}))
	opts := testOptions()
	opts.Backoff = func(int) time.Duration { return time.Millisecond }
	sum := runCrawl(t, New(store, opts))
	runs, _, err := store.CrawlRuns(t.Context(), catalogue.Page{Size: 1})
	must(t, err)
	if sum.HostingFailed != 1 || len(runs) != 1 || len(runs[0].HostingFailures) != 1 {
		t.Fatalf("summary %s, runs %+v", sum, runs)
	}
	msg := runs[0].HostingFailures[0].Error
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(down.URL, "http://"))
	if !strings.Contains(msg, "refused the connection") {
		t.Errorf("the failure %q does not say what happened", msg)
	}
	for _, leak := range []string{"127.0.0.1:" + port, "dial tcp", "connect:"} {
		if strings.Contains(msg, leak) {
			t.Errorf("the public failure %q carries %q", msg, leak)
		}
	}
}
