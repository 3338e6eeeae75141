package ui

// The attacks a security test of a running instance made on membership,
// identity, sessions, headers and limits, kept as tables: each line is
// something the site refuses. Every line failed before its fix.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
)

// signInTo goes through the e-mail link flow with a next parameter and returns
// where the site sends the browser.
func (js *joinSite) signInTo(t *testing.T, email, next string) (*browser, string) {
	t.Helper()
	b := js.browser(t)
	resp, body := b.post("/signin", url.Values{"email": {email}, "next": {next}, "csrf": {b.csrf("/signin")}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("asking for a link for %s: %d %s", email, resp.StatusCode, body)
	}
	mails := js.queuedMails(t)
	link := regexp.MustCompile(`https://oscat\.example/signin/confirm\?\S+`).FindString(mails[len(mails)-1].Text)
	u, err := url.Parse(link)
	if err != nil || link == "" {
		t.Fatalf("mailed link %q: %v", link, err)
	}
	resp, _ = b.post("/signin/confirm", url.Values{"token": {u.Query().Get("token")}, "next": {u.Query().Get("next")},
		"csrf": {b.csrf("/signin/confirm?" + u.RawQuery)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirming %s: %d", email, resp.StatusCode)
	}
	return b, resp.Header.Get("Location")
}

// memberships are the administrations a signed-in browser belongs to.
func (b *browser) memberships() map[string]catalogue.MembershipStatus {
	b.t.Helper()
	_, body := b.get("/api/v1/me")
	var me struct {
		Memberships []catalogue.Membership `json:"memberships"`
	}
	if err := json.Unmarshal([]byte(body), &me); err != nil {
		b.t.Fatalf("GET /api/v1/me: %v: %s", err, body)
	}
	out := map[string]catalogue.MembershipStatus{}
	for _, m := range me.Memberships {
		out[m.Publisher] = m.Status
	}
	return out
}

// TestAttacks_Membership: addresses that tried to make themselves members of
// administrations whose domain they do not have. Administrations a (a.example)
// and b (b.example) exist; each address is refused at sign-in, and no account
// is made for it.
func TestAttacks_Membership(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, func(o *Options, _ *Sources) { o.SignInPerAddress = 50 })
	for _, tc := range []struct{ name, email string }{
		{"a LIKE pattern matching every domain", "w@%.%"},
		{"a LIKE pattern matching every domain under .example", "eve@%.example"},
		{"a LIKE wildcard for one character", "eve@_.example"},
		{"a wildcard in the middle of a label", "eve@a%.example"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := js.browser(t)
			resp, body := b.post("/signin", url.Values{"email": {tc.email}, "next": {"/software/x"}, "csrf": {b.csrf("/signin")}})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `role="alert"`) {
				t.Errorf("signing in as %s: %d, want 400 with a message", tc.email, resp.StatusCode)
			}
			if !strings.Contains(body, `name="next" value="/software/x"`) {
				t.Errorf("the form given back for %s lost where to go after signing in", tc.email)
			}
			if _, err := js.store.SignIn(t.Context(), tc.email, "", "", ""); err == nil {
				t.Errorf("the store made an account for %s", tc.email)
			}
		})
	}
	// An address of a.example is a member of a only: whole domains, compared
	// exactly, and their internationalised spelling is one domain.
	if err := js.store.SyncPublishers(t.Context(), []catalogue.Publisher{
		{ID: "a", Name: "Gemeente A", Country: "NL", URI: "urn:a", EmailDomains: []string{"a.example"}},
		{ID: "b", Name: "Kommune B", Country: "DK", URI: "urn:b", EmailDomains: []string{"b.example"}},
		{ID: "m", Name: "Stadt München", Country: "DE", EmailDomains: []string{"münchen.example"}},
		{ID: "k", Name: "Københavns Kommune", Country: "DK", EmailDomains: []string{"xn--kbenhavn-54a.example"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, email string
		want        string
	}{
		{"an internationalised domain typed in A-labels is its administration's", "ida@xn--mnchen-3ya.example", "m"},
		{"an internationalised domain typed in Unicode, listed in A-labels, is its administration's", "kaj@københavn.example", "k"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := js.signIn(t, tc.email)
			got := b.memberships()
			if len(got) != 1 || got[tc.want] != catalogue.MemberApproved {
				t.Errorf("%s belongs to %v, want %s only", tc.email, got, tc.want)
			}
		})
	}
}

// TestAttacks_Identity: one mailbox written in other cases or spellings is one
// account, with one sign-in limit.
func TestAttacks_Identity(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, func(o *Options, _ *Sources) { o.SignInPerAddress = 3 })
	for _, tc := range []struct {
		name     string
		spelling []string
	}{
		{"the local part in capitals", []string{"Dora@b.example", "DORA@b.example", "dora@B.EXAMPLE"}},
		{"an internationalised domain in Unicode and in A-labels", []string{"ida@münchen.example", "ida@xn--mnchen-3ya.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids := map[string]bool{}
			for _, e := range tc.spelling {
				ids[js.signIn(t, e).me().ID] = true
			}
			if len(ids) != 1 {
				t.Errorf("%v signed in as %d accounts, want one", tc.spelling, len(ids))
			}
		})
	}
	t.Run("the per-address limit counts every case of the address", func(t *testing.T) {
		b := js.browser(t)
		var last int
		for _, e := range []string{"Zoe@b.example", "ZOE@b.example", "zoe@B.example", "zOE@b.example"} {
			resp, _ := b.post("/signin", url.Values{"email": {e}, "csrf": {b.csrf("/signin")}})
			last = resp.StatusCode
		}
		if last != http.StatusTooManyRequests {
			t.Errorf("a fourth link for one address in four cases: %d, want 429 (three an hour)", last)
		}
	})
	for _, email := range []string{"a@1.2.3.4", "a@-x.example", "a@x_y.example", "a@[127.0.0.1]", "a@example.123"} {
		t.Run("sign-in refuses a domain that is no host name: "+email, func(t *testing.T) {
			b := js.browser(t)
			resp, _ := b.post("/signin", url.Values{"email": {email}, "csrf": {b.csrf("/signin")}})
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("signing in as %s: %d, want 400", email, resp.StatusCode)
			}
		})
	}
}

// TestAttacks_Sessions: a sign-in's "next" leads only to this site, and the
// pre-session cookie is only one the server issued.
func TestAttacks_Sessions(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, func(o *Options, _ *Sources) { o.SignInPerAddress = 50 })
	for i, next := range []string{"/\t/evil.example", "/\t\t/evil.example/x", "/\x0b/evil.example", "/\x00/evil.example", "/\x7f/evil.example", "/\u00a0/evil.example"} {
		t.Run(fmt.Sprintf("next %q", next), func(t *testing.T) {
			_, got := js.signInTo(t, fmt.Sprintf("ada%d@a.example", i), next)
			if got != "/account" {
				t.Errorf("next %q: sent to %q, want /account", next, got)
			}
		})
	}
	t.Run("a browser cookie the server did not issue gives no form token", func(t *testing.T) {
		// A neighbouring site of the same domain sets the cookie, and so knows
		// the form token derived from it.
		forged := strings.Repeat("A", 43)
		b := js.browser(t)
		u, _ := url.Parse(js.ts.URL)
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: browserCookie, Value: forged, Path: "/"}})
		resp, _ := b.post("/signin", url.Values{"email": {"ada@a.example"}, "csrf": {csrfToken(forged)}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("a form posted with the forged cookie's token: %d, want 403", resp.StatusCode)
		}
		if n := len(js.queuedMails(t)); n != 0 && strings.Contains(js.queuedMails(t)[n-1].To, "ada@a.example") {
			t.Errorf("a sign-in link was mailed on a forged cookie's token")
		}
	})
}

// TestAttacks_Headers: what every response says to browsers and caches, and
// how links from repository text are marked.
func TestAttacks_Headers(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	listFile(t, js.store, "a", "https://git.example.org/a/links", "publiccodeYmlVersion: \"0.4\"\nname: Links\nurl: https://git.example.org/a/links\n"+
		"description:\n  en:\n    shortDescription: Links\n    longDescription: \"See <https://tracker.example/autolink> and <mailto:x@tracker.example>, [a link](https://tracker.example/written) and [a reference][r].\\n\\n[r]: https://tracker.example/reference\"\n")
	ada := js.signIn(t, "ada@a.example")
	anon := js.browser(t)
	t.Run("HSTS when the public URL is https", func(t *testing.T) {
		resp, _ := anon.get("/")
		if got := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
			t.Errorf("Strict-Transport-Security = %q", got)
		}
	})
	for _, path := range []string{"/", "/account", "/api/v1/me", "/publishers/a", "/search?q=parkeren", "/static/site.css"} {
		t.Run("no-store for a signed-in person: "+path, func(t *testing.T) {
			resp, _ := ada.get(path)
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("GET %s signed in: Cache-Control %q (%d), want no-store", path, got, resp.StatusCode)
			}
		})
	}
	sw := idOf(t, js.store, "Links")
	_, page := anon.get("/software/" + sw)
	doc := parse(t, page)
	for _, href := range []string{"https://tracker.example/autolink", "mailto:x@tracker.example", "https://tracker.example/written", "https://tracker.example/reference"} {
		t.Run("nofollow noopener on a link from repository text: "+href, func(t *testing.T) {
			a := find(doc, "a", "href", href)
			if a == nil {
				t.Fatalf("no link to %s on the page", href)
			}
			if got := attr(a, "rel"); got != "nofollow noopener" {
				t.Errorf("link to %s: rel %q", href, got)
			}
		})
	}
}

// tooMany checks a refusal by a limit: 429 with Retry-After, problem+json for
// the API, a message on a page.
func tooMany(t *testing.T, resp *http.Response, body string, api bool) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if api && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("a refused API call answers %s", resp.Header.Get("Content-Type"))
	}
	if !api && !strings.Contains(body, `role="alert"`) && !strings.Contains(body, "<h1") {
		t.Errorf("a refused form shows no message: %s", body)
	}
}

// TestAttacks_Limits: work a request makes the site do is limited; a refusal is
// 429 with Retry-After, problem+json for the API, a message on the page, and
// nothing written is lost.
func TestAttacks_Limits(t *testing.T) {
	t.Parallel()
	outbox := t.TempDir()
	js := newJoinSite(t, func(o *Options, _ *Sources) { o.Outbox = outbox })
	ada := js.signIn(t, "ada@a.example")
	token := ada.token()
	t.Run("crawl now of one repository, again and again", func(t *testing.T) {
		var resp *http.Response
		var body string
		for range 3 {
			resp, body = ada.api(http.MethodPost, "/api/v1/repositories/crawl", token, map[string]string{"url": "https://git.example.org/a/parkeren"})
		}
		tooMany(t, resp, body, true)
	})
	t.Run("crawl now of one administration, again and again, from its page", func(t *testing.T) {
		var resp *http.Response
		var body string
		for range 3 {
			resp, body = ada.post("/publishers/a/crawl", url.Values{"csrf": {ada.csrf("/publishers/a")}})
		}
		tooMany(t, resp, body, false)
	})
	t.Run("crawl now by one person of many repositories", func(t *testing.T) {
		var resp *http.Response
		var body string
		for i := range 12 {
			repo := fmt.Sprintf("https://git.example.org/a/r%02d", i)
			if err := js.store.RegisterRepository(t.Context(), "a", repo); err != nil {
				t.Fatal(err)
			}
			if resp, body = ada.api(http.MethodPost, "/api/v1/repositories/crawl", token, map[string]string{"url": repo}); resp.StatusCode == http.StatusTooManyRequests {
				break
			}
		}
		tooMany(t, resp, body, true)
	})
	t.Run("barrier reports from one client", func(t *testing.T) {
		anon := js.browser(t)
		var resp *http.Response
		var body string
		for i := range 8 {
			if resp, body = anon.post("/accessibility", url.Values{"what": {fmt.Sprintf("report %d: the menu traps the keyboard", i)}, "csrf": {anon.csrf("/accessibility")}}); resp.StatusCode == http.StatusTooManyRequests {
				break
			}
		}
		tooMany(t, resp, body, false)
		if !strings.Contains(body, "the menu traps the keyboard") {
			t.Error("the refused report is not shown back to send later")
		}
	})
}

// TestAttacks_BarrierReportKeepsItsHeaderLines: no field of a barrier report
// adds a header line to the report the outbox keeps.
func TestAttacks_BarrierReportKeepsItsHeaderLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, field, value string }{
		{"a header line in the page field", "where", "/search\r\nBcc: everyone@evil.example"},
		{"a header line after a bare LF in the contact field", "contact", "ana@example.org\nSubject: Urgent: pay now"},
		{"a header line after a Unicode line separator", "where", "/search\u2028Bcc: everyone@evil.example"},
		{"a header line after a next-line character", "contact", "ana@example.org\u0085Reply-To: evil@evil.example"},
	} {
		t.Run("barrier report: "+tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, ts, _ := siteWith(t, Options{Outbox: dir})
			form := url.Values{"what": {"The map cannot be used with a keyboard."}, tc.field: {tc.value}}
			resp, err := http.PostForm(ts.URL+"/accessibility", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			files, _ := filepath.Glob(filepath.Join(dir, "barrier-*.txt"))
			if resp.StatusCode != http.StatusOK || len(files) != 1 {
				t.Fatalf("report: %d, %d files", resp.StatusCode, len(files))
			}
			b, _ := os.ReadFile(files[0])
			head, _, _ := strings.Cut(string(b), "\n\n")
			var names []string
			for _, line := range strings.FieldsFunc(head, func(r rune) bool { return r == '\n' || r == '\r' || r == '\u2028' || r == '\u0085' }) {
				name, _, _ := strings.Cut(line, ":")
				names = append(names, name)
			}
			if strings.Join(names, " ") != "Subject Date Page Contact" {
				t.Errorf("the stored report's header lines are %v, want Subject Date Page Contact:\n%s", names, b)
			}
		})
	}
}
