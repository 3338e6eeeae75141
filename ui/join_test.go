package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// fakeCrawler records what the site asks of the crawler.
type fakeCrawler struct {
	mu    sync.Mutex
	calls []string
}

func (f *fakeCrawler) record(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return nil
}
func (f *fakeCrawler) CrawlNow(_ context.Context, u string) error { return f.record("repo " + u) }
func (f *fakeCrawler) CrawlPublisherNow(_ context.Context, p string) error {
	return f.record("publisher " + p)
}
func (f *fakeCrawler) QueueVerifyHosting(_ context.Context, p, u string) error {
	return f.record("verify " + p + " " + u)
}

// joinSite is a site with accounts: administrations A (publishing Parkeervergunning)
// and B, and an instance administrator root@operator.example.
type joinSite struct {
	ts       *httptest.Server
	store    *sqlstore.Store
	crawler  *fakeCrawler
	software string
	opts     Options
}

func newJoinSite(t *testing.T, mod func(*Options, *Sources)) *joinSite {
	t.Helper()
	ctx := t.Context()
	store := testStore(t,
		catalogue.Publisher{ID: "a", Name: "Gemeente A", Country: "NL", URI: "urn:a", EmailDomains: []string{"a.example"}},
		catalogue.Publisher{ID: "b", Name: "Kommune B", Country: "DK", URI: "urn:b", EmailDomains: []string{"b.example"}},
	)
	listFile(t, store, "a", "https://git.example.org/a/parkeren", parking)
	list, _, _ := store.ListSoftware(ctx, "", catalogue.Page{Size: 1})
	index := testIndex(t, store)
	js := &joinSite{store: store, crawler: &fakeCrawler{}, software: list[0].ID}
	js.opts = Options{Logger: quiet, PublicURL: "https://oscat.example", Admins: []string{"root@operator.example"}, Crawler: js.crawler,
		FetchPolicy: safehttp.Policy{Resolver: testNames}}
	src := communitySources(store)
	if mod != nil {
		mod(&js.opts, &src)
	}
	srv, err := New(src, index, js.opts)
	if err != nil {
		t.Fatal(err)
	}
	js.ts = httptest.NewTLSServer(conforming(t, srv)) // the public URL is https: cookies are Secure
	t.Cleanup(js.ts.Close)
	return js
}

// browser is a client with its own cookies that follows no redirect.
type browser struct {
	t  *testing.T
	c  *http.Client
	ts *httptest.Server
}

func (js *joinSite) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, ts: js.ts, c: &http.Client{Jar: jar, Transport: js.ts.Client().Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.ts.URL+path, nil)
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads a page's form token.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.get(path)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("%s has no CSRF field", path)
	}
	return m[1]
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// api makes a JSON request; token, when set, goes in X-CSRF-Token.
func (b *browser) api(method, path, token string, body any) (*http.Response, string) {
	b.t.Helper()
	var r io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, b.ts.URL+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("X-CSRF-Token", token)
	}
	return b.do(req)
}

// queuedMails are the mails queued for sending.
func (js *joinSite) queuedMails(t *testing.T) []catalogue.Mail {
	t.Helper()
	jobs, err := js.store.Jobs(t.Context(), "", "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []catalogue.Mail
	for _, j := range jobs {
		if j.Kind != catalogue.KindMailSend {
			continue
		}
		var m catalogue.Mail
		_ = json.Unmarshal(j.Payload, &m)
		out = append(out, m)
	}
	return out
}

// mailedLinks are the sign-in links queued as mails, newest last.
func (js *joinSite) mailedLinks(t *testing.T) []string {
	t.Helper()
	var out []string
	re := regexp.MustCompile(`https://oscat\.example/signin/confirm\?token=[A-Za-z0-9_-]+`)
	for _, m := range js.queuedMails(t) {
		out = append(out, re.FindAllString(m.Text, -1)...)
	}
	return out
}

// signIn goes through the whole e-mail link flow.
func (js *joinSite) signIn(t *testing.T, email string) *browser {
	t.Helper()
	return js.signInWith(t, js.browser(t), email)
}

// signInWith goes through the e-mail link flow in browser b.
func (js *joinSite) signInWith(t *testing.T, b *browser, email string) *browser {
	t.Helper()
	resp, body := b.post("/signin", url.Values{"email": {email}, "csrf": {b.csrf("/signin")}})
	if normal, _ := catalogue.NormaliseEmail(email); resp.StatusCode != 200 || !strings.Contains(body, normal) {
		t.Fatalf("asking for a link: %d %s", resp.StatusCode, body)
	}
	links := js.mailedLinks(t)
	token := strings.TrimPrefix(links[len(links)-1], "https://oscat.example/signin/confirm?token=")
	resp, _ = b.post("/signin/confirm", url.Values{"token": {token}, "csrf": {b.csrf("/signin/confirm?token=" + token)}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account" {
		t.Fatalf("confirming: %d %v", resp.StatusCode, resp.Header)
	}
	return b
}

// token is a signed-in browser's token for JSON writes.
func (b *browser) token() string {
	b.t.Helper()
	resp, body := b.get("/api/v1/me")
	var me struct {
		CSRF string `json:"csrfToken"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &me) != nil || me.CSRF == "" {
		b.t.Fatalf("GET /api/v1/me: %d %s", resp.StatusCode, body)
	}
	return me.CSRF
}

func TestSignIn_LinkConfirmedByPOSTOnlyOnceAndInTime(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	b := js.browser(t)
	// A hostile Host header does not make its way into the link.
	req, _ := http.NewRequest(http.MethodPost, js.ts.URL+"/signin", strings.NewReader(url.Values{"email": {"ada@a.example"}, "csrf": {b.csrf("/signin")}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Host = "evil.example"
	base, _ := url.Parse(js.ts.URL)
	for _, ck := range b.c.Jar.Cookies(base) {
		req.AddCookie(ck) // the client keeps cookies by Host, which is overridden here
	}
	if resp, body := b.do(req); resp.StatusCode != 200 {
		t.Fatalf("asking for a link: %d %s", resp.StatusCode, body)
	}
	links := js.mailedLinks(t)
	if len(links) != 1 {
		t.Fatalf("mailed links = %v", links)
	}
	token := strings.TrimPrefix(links[0], "https://oscat.example/signin/confirm?token=")
	// Opening the link (a GET, as mail scanners do) shows a button and spends nothing.
	for range 2 {
		resp, body := b.get("/signin/confirm?token=" + token)
		if resp.StatusCode != 200 || !strings.Contains(body, `method="post" action="/signin/confirm"`) {
			t.Fatalf("confirm page: %d %s", resp.StatusCode, body)
		}
	}
	// Without the form's token, the POST is refused.
	if resp, _ := b.post("/signin/confirm", url.Values{"token": {token}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST without CSRF token: %d", resp.StatusCode)
	}
	csrf := b.csrf("/signin/confirm?token=" + token)
	resp, _ := b.post("/signin/confirm", url.Values{"token": {token}, "csrf": {csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v", session)
	}
	if resp, body := b.get("/account"); resp.StatusCode != 200 || !strings.Contains(body, "ada@a.example") {
		t.Errorf("account page: %d", resp.StatusCode)
	}
	// Replayed, the link does nothing.
	other := js.browser(t)
	resp, _ = other.post("/signin/confirm", url.Values{"token": {token}, "csrf": {other.csrf("/signin/confirm?token=" + token)}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("replayed link: %d", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			t.Error("a replayed link started a session")
		}
	}
	// Expired, too.
	other.post("/signin", url.Values{"email": {"ada@a.example"}, "csrf": {other.csrf("/signin")}})
	links = js.mailedLinks(t)
	late := strings.TrimPrefix(links[len(links)-1], "https://oscat.example/signin/confirm?token=")
	js.store.SetClock(func() time.Time { return time.Now().Add(catalogue.SignInTTL + time.Minute) })
	resp, _ = other.post("/signin/confirm", url.Values{"token": {late}, "csrf": {other.csrf("/signin/confirm?token=" + late)}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("expired link: %d", resp.StatusCode)
	}
	if resp, _ := other.get("/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after an expired link, /api/v1/me: %d", resp.StatusCode)
	}
}

// me is the signed-in person as GET /api/v1/me tells.
func (b *browser) me() catalogue.Person {
	b.t.Helper()
	resp, body := b.get("/api/v1/me")
	var me struct {
		Person catalogue.Person `json:"person"`
	}
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &me) != nil {
		b.t.Fatalf("GET /api/v1/me: %d %s", resp.StatusCode, body)
	}
	return me.Person
}

func TestSignIn_KeepsTheSiteLanguageForMails(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	if got := js.signIn(t, "ada@a.example").me().Language; got != "en" {
		t.Errorf("signed in from the English site: language %q", got)
	}
	b := js.browser(t)
	b.get("/?lang=it") // the language switch
	if got := js.signInWith(t, b, "bea@a.example").me().Language; got != "it" {
		t.Errorf("signed in from the Italian site: language %q", got)
	}
	for _, m := range js.queuedMails(t) {
		if m.To == "bea@a.example" && (m.Lang != "it" || !strings.Contains(m.Text, "Buongiorno")) {
			t.Errorf("the sign-in mail from the Italian site: %+v", m)
		}
	}
	// The account page changes it, and the site follows.
	_, page := b.get("/account")
	if !strings.Contains(page, `<option value="it" lang="it" selected>Italiano</option>`) {
		t.Errorf("the account page does not show Italian as the mails' language:\n%s", page)
	}
	resp, _ := b.post("/account/language", url.Values{"lang": {"da"}, "csrf": {b.csrf("/account")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing Danish: %d", resp.StatusCode)
	}
	if got := b.me().Language; got != "da" {
		t.Errorf("after choosing Danish: language %q", got)
	}
	if _, page = b.get("/account"); !strings.Contains(page, `<html lang="da"`) || !strings.Contains(page, `<option value="da" lang="da" selected>`) {
		t.Errorf("the account page after choosing Danish:\n%s", page)
	}
	if resp, _ := b.post("/account/language", url.Values{"lang": {"tlh"}, "csrf": {b.csrf("/account")}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("choosing a language the site does not ship: %d", resp.StatusCode)
	}
	// A new sign-in takes the site's language again.
	c := js.browser(t)
	c.get("/signin?lang=fr")
	if got := js.signInWith(t, c, "bea@a.example").me().Language; got != "fr" {
		t.Errorf("signed in again from the French site: language %q", got)
	}
}

func TestSignIn_RateLimitedPerAddressAndPerClient(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, func(o *Options, _ *Sources) { o.SignInPerAddress, o.SignInPerClient = 2, 4 })
	b := js.browser(t)
	ask := func(email string) int {
		resp, _ := b.post("/signin", url.Values{"email": {email}, "csrf": {b.csrf("/signin")}})
		return resp.StatusCode
	}
	if first, second := ask("x@a.example"), ask("x@a.example"); first != 200 || second != 200 {
		t.Fatal("the first two links were refused")
	}
	if got := ask("x@a.example"); got != http.StatusTooManyRequests {
		t.Errorf("third link for one address: %d", got)
	}
	if got := ask("y@a.example"); got != 200 {
		t.Errorf("another address: %d", got)
	}
	if got := ask("z@a.example"); got != http.StatusTooManyRequests {
		t.Errorf("fifth link from one client: %d", got)
	}
	if n := len(js.mailedLinks(t)); n != 3 {
		t.Errorf("%d links mailed, want 3", n)
	}
}

// accessStep is one request of TestJoinAPI_AuthorisationRules: who sends it
// (with their CSRF token unless noToken), and the status it must get.
type accessStep struct {
	name, who, method, path string
	body                    any
	noToken                 bool
	want                    int
	contains                string // in the body or its content type, when set
}

// accessSteps are the requests after B declared record join: who may act for
// which administration, and what only instance administrators may do.
func accessSteps(join string) []accessStep {
	hosting := map[string]any{"url": "https://github.com/kommune-b", "group": true, "type": "github"}
	aRepo := map[string]string{"url": "https://git.example.org/a/parkeren"}
	bHosting := map[string]string{"publisher": "b", "url": "https://github.com/kommune-b"}
	return []accessStep{
		{name: "A withdrawing B's record", who: "alice", method: http.MethodDelete, path: "/api/v1/joins/" + join, want: http.StatusForbidden},
		{name: "A adding code hosting to B", who: "alice", method: http.MethodPost, path: "/api/v1/publishers/b/code-hosting", body: hosting, want: http.StatusForbidden},
		{name: "B adding its code hosting", who: "bob", method: http.MethodPost, path: "/api/v1/publishers/b/code-hosting", body: hosting, want: http.StatusCreated},
		{name: "A crawling B", who: "alice", method: http.MethodPost, path: "/api/v1/publishers/b/crawl", want: http.StatusForbidden},
		{name: "A crawling its repository", who: "alice", method: http.MethodPost, path: "/api/v1/repositories/crawl", body: aRepo, want: http.StatusAccepted},
		{name: "B crawling A's repository", who: "bob", method: http.MethodPost, path: "/api/v1/repositories/crawl", body: aRepo, want: http.StatusForbidden},
		{name: "B approving its own code hosting", who: "bob", method: http.MethodPost, path: "/api/v1/admin/code-hosting/verify", body: bHosting, want: http.StatusForbidden},
		{name: "B reading what waits for administrators", who: "bob", method: http.MethodGet, path: "/api/v1/admin/pending", noToken: true, want: http.StatusForbidden},
		{name: "B reading the audit log", who: "bob", method: http.MethodGet, path: "/api/v1/admin/audit?publisher=b", noToken: true, want: http.StatusForbidden},
		{name: "an administrator reading what waits", who: "root", method: http.MethodGet, path: "/api/v1/admin/pending", noToken: true, want: http.StatusOK, contains: "kommune-b"},
		{name: "an administrator approving", who: "root", method: http.MethodPost, path: "/api/v1/admin/code-hosting/verify", body: bHosting, want: http.StatusNoContent},
	}
}

func runAccessSteps(t *testing.T, as map[string]*browser, steps []accessStep) {
	t.Helper()
	tokens := map[string]string{}
	for _, st := range steps {
		b := as[st.who]
		if _, ok := tokens[st.who]; !ok && st.who != "anonymous" {
			tokens[st.who] = b.token()
		}
		token := tokens[st.who]
		if st.noToken {
			token = ""
		}
		resp, body := b.api(st.method, st.path, token, st.body)
		if resp.StatusCode != st.want || st.contains != "" && !strings.Contains(body+resp.Header.Get("Content-Type"), st.contains) {
			t.Errorf("%s: %d %s, want %d with %q", st.name, resp.StatusCode, body, st.want, st.contains)
		}
	}
}

func TestJoinAPI_AuthorisationRules(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	as := map[string]*browser{"anonymous": js.browser(t), "alice": js.signIn(t, "alice@a.example"), "bob": js.signIn(t, "bob@b.example"),
		"root": js.signIn(t, "root@operator.example")}
	decl := map[string]any{"publisher": "b", "kind": "uses", "since": "2025-02-01", "note": "in production",
		"contact": map[string]string{"name": "Bo", "role": "IT", "email": "bo@b.example"}}
	joins := "/api/v1/software/" + js.software + "/joins"
	runAccessSteps(t, as, []accessStep{
		{name: "anonymous declaration", who: "anonymous", method: http.MethodPost, path: joins, body: decl, want: http.StatusUnauthorized},
		{name: "A declaring for B", who: "alice", method: http.MethodPost, path: joins, body: decl, want: http.StatusForbidden, contains: "problem+json"},
		{name: "JSON write without CSRF token", who: "bob", method: http.MethodPost, path: joins, body: decl, noToken: true, want: http.StatusForbidden},
	})
	bob := as["bob"]
	resp, body := bob.api(http.MethodPost, joins, bob.token(), decl)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("B declaring: %d %s", resp.StatusCode, body)
	}
	var j joinItem
	_ = json.Unmarshal([]byte(body), &j)
	checkContactsShownToMembersOnly(t, js, as)

	runAccessSteps(t, as, accessSteps(j.ID))
	js.crawler.mu.Lock()
	calls := strings.Join(js.crawler.calls, "; ")
	js.crawler.mu.Unlock()
	if calls != "verify b https://github.com/kommune-b; publisher b; repo https://git.example.org/a/parkeren" {
		t.Errorf("crawler calls: %s", calls)
	}
	// The declarer withdraws; same-origin JSON writes pass without the header.
	req, _ := http.NewRequest(http.MethodDelete, js.ts.URL+"/api/v1/joins/"+j.ID, strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://oscat.example")
	if resp, _ := bob.do(req); resp.StatusCode != http.StatusNoContent {
		t.Errorf("B withdrawing with a same-origin request: %d", resp.StatusCode)
	}
	req.Header.Set("Origin", "https://evil.example")
	if resp, _ := bob.do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-origin JSON write: %d", resp.StatusCode)
	}
}

// checkContactsShownToMembersOnly checks a software's joins: contacts for
// signed-in members only.
func checkContactsShownToMembersOnly(t *testing.T, js *joinSite, as map[string]*browser) {
	t.Helper()
	type item struct {
		Users int        `json:"users"`
		Joins []joinItem `json:"joins"`
	}
	var seen item
	_, body := as["anonymous"].get("/api/v1/software/" + js.software)
	_ = json.Unmarshal([]byte(body), &seen)
	if len(seen.Joins) != 1 || seen.Joins[0].Contact != nil || strings.Contains(body, "bo@b.example") || seen.Users != 1 {
		t.Fatalf("anonymous sees %s", body)
	}
	if a := seen.Joins[0]; a.Administration.URI != "urn:b" || a.Kind != "uses" || a.Since != "2025-02-01" || !a.Verified || a.ConfirmedUntil == "" {
		t.Errorf("join = %+v", a)
	}
	_, body = as["alice"].get("/api/v1/software/" + js.software)
	_ = json.Unmarshal([]byte(body), &seen)
	if seen.Joins[0].Contact == nil || seen.Joins[0].Contact.Email != "bo@b.example" {
		t.Errorf("a member sees %s", body)
	}
	// A signed-in person of no administration sees no contacts either.
	stranger := js.signIn(t, "someone@elsewhere.example")
	if _, body := stranger.get("/api/v1/software/" + js.software); strings.Contains(body, "bo@b.example") {
		t.Error("a signed-in non-member sees contacts")
	}
}

func TestJoinPages_DeclareFromTheSoftwarePageWithoutJavaScript(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	bob := js.signIn(t, "bob@b.example")
	page := "/software/" + js.software
	resp, body := bob.get(page)
	if resp.StatusCode != 200 || !strings.Contains(body, `action="/software/`+js.software+`/joins"`) {
		t.Fatalf("software page: %d", resp.StatusCode)
	}
	form := url.Values{"csrf": {bob.csrf(page)}, "publisher": {"b"}, "kind": {"co-develops"}, "since": {"2024-05-01"},
		"contactName": {"Bo"}, "contactEmail": {"bo@b.example"}, "note": {"We run it in two offices"}}
	if resp, _ := bob.post(page+"/joins", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("declaring: %d", resp.StatusCode)
	}
	_, body = js.browser(t).get(page)
	if !strings.Contains(body, "Kommune B</a> co-develops it since 2024-05-01") || strings.Contains(body, "bo@b.example") {
		t.Errorf("anonymous page shows:\n%s", body)
	}
	form.Set("publisher", "a")
	if resp, _ := bob.post(page+"/joins", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("B declaring for A through the form: %d", resp.StatusCode)
	}
	form.Del("csrf")
	form.Set("publisher", "b")
	if resp, _ := bob.post(page+"/joins", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a form without its CSRF token: %d", resp.StatusCode)
	}
}

func TestPrivacy_ExportAndDeleteOverHTTP(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	bob := js.signIn(t, "bob@b.example")
	if resp, body := bob.api(http.MethodPost, "/api/v1/software/"+js.software+"/joins", bob.token(), map[string]any{"publisher": "b", "kind": "uses",
		"since": "2025-02-01", "contact": map[string]string{"name": "Bob", "email": "bob@b.example"}}); resp.StatusCode != 201 {
		t.Fatalf("declaring: %d %s", resp.StatusCode, body)
	}
	resp, body := bob.get("/account/export")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(body, `"email":"bob@b.example"`) ||
		!strings.Contains(body, `"declaredJoins":[{`) {
		t.Fatalf("export: %d %s", resp.StatusCode, body)
	}
	if resp, _ := bob.post("/account/delete", url.Values{"csrf": {bob.csrf("/account")}, "confirm": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ := bob.get("/api/v1/me"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("after deletion: %d", resp.StatusCode)
	}
	var it struct {
		Users int        `json:"users"`
		Joins []joinItem `json:"joins"`
	}
	_, body = js.signIn(t, "alice@a.example").get("/api/v1/software/" + js.software)
	_ = json.Unmarshal([]byte(body), &it)
	if len(it.Joins) != 1 || it.Joins[0].Administration.ID != "b" || it.Joins[0].Contact != nil {
		t.Errorf("after deletion the record is %s", body)
	}
}

func TestHome_CountsAdministrationsThatUseSomething(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	bob := js.signIn(t, "bob@b.example")
	if _, body := bob.get("/"); !strings.Contains(body, "funding something: 0.") {
		t.Errorf("home before: %s", body)
	}
	bob.api(http.MethodPost, "/api/v1/software/"+js.software+"/joins", bob.token(), map[string]any{"publisher": "b", "kind": "uses",
		"since": "2025-02-01", "contact": map[string]string{"name": "Bo", "email": "bo@b.example"}})
	if _, body := bob.get("/"); !strings.Contains(body, "funding something: 1.") {
		t.Errorf("home after: %s", body)
	}
}

func TestSignIn_ReturnsToThePageItStartedFromOnThisSiteOnly(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	for next, want := range map[string]string{"/software/" + js.software: "/software/" + js.software, "//evil.example/x": "/account", "https://evil.example/": "/account"} {
		b := js.browser(t)
		_, page := b.get("/signin?next=" + url.QueryEscape(next))
		resp, _ := b.post("/signin", url.Values{"email": {"ada@a.example"}, "next": {next}, "csrf": {csrfRE.FindStringSubmatch(page)[1]}})
		if resp.StatusCode != 200 {
			t.Fatalf("asking for a link: %d", resp.StatusCode)
		}
		jobs, _ := js.store.Jobs(t.Context(), "", "", 1000)
		var m catalogue.Mail
		_ = json.Unmarshal(jobs[len(jobs)-1].Payload, &m)
		link := regexp.MustCompile(`https://oscat\.example/signin/confirm\?\S+`).FindString(m.Text)
		u, _ := url.Parse(link)
		path := "/signin/confirm?" + u.RawQuery
		_, page = b.get(path)
		resp, _ = b.post("/signin/confirm", url.Values{"token": {u.Query().Get("token")}, "next": {u.Query().Get("next")}, "csrf": {csrfRE.FindStringSubmatch(page)[1]}})
		if got := resp.Header.Get("Location"); got != want {
			t.Errorf("next %q: signed in to %q, want %q", next, got, want)
		}
	}
}

func TestAdmin_RevokesADomainMembershipFromThePublisherPage(t *testing.T) {
	t.Parallel()
	js := newJoinSite(t, nil)
	bob := js.signIn(t, "bob@b.example")
	root := js.signIn(t, "root@operator.example")
	_, page := root.get("/publishers/b")
	if !strings.Contains(page, "bob@b.example") {
		t.Fatalf("the administrator does not see B's members")
	}
	me, _ := js.store.SignIn(t.Context(), "bob@b.example", "", "", "")
	resp, _ := root.post("/admin/memberships", url.Values{"csrf": {csrfRE.FindStringSubmatch(page)[1]}, "person": {me.ID}, "publisher": {"b"},
		"status": {"revoked"}, "next": {"/publishers/b#maintain"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/publishers/b?done=membership") {
		t.Fatalf("revoke: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := bob.api(http.MethodPost, "/api/v1/software/"+js.software+"/joins", bob.token(), map[string]any{"publisher": "b", "kind": "uses",
		"since": "2025-02-01", "contact": map[string]string{"name": "Bo", "email": "bo@b.example"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a revoked member declaring: %d", resp.StatusCode)
	}
	// Members may not revoke.
	if resp, _ := bob.post("/admin/memberships", url.Values{"csrf": {bob.csrf("/account")}, "person": {me.ID}, "publisher": {"b"}, "status": {"approved"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a non-administrator deciding: %d", resp.StatusCode)
	}
}
