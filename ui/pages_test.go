package ui

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

func getWith(t *testing.T, u string, header http.Header, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp, b.String()
}

func htmlLang(t *testing.T, body string) string {
	t.Helper()
	for n := parse(t, body).FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n.Data == "html" {
			return attr(n, "lang")
		}
	}
	return ""
}

func TestLanguage_ComesFromTheSwitchTheCookieOrAcceptLanguage(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	_, body := getWith(t, ts.URL+"/", http.Header{"Accept-Language": {"nl-BE,nl;q=0.9,en;q=0.5"}})
	if got := htmlLang(t, body); got != "nl" {
		t.Errorf("Accept-Language nl-BE: <html lang=%q>", got)
	}
	if !strings.Contains(body, "Vind software die overheden delen") {
		t.Error("the Dutch home page is not in Dutch")
	}
	resp, body := getWith(t, ts.URL+"/search?lang=da", http.Header{"Accept-Language": {"nl"}})
	if got := htmlLang(t, body); got != "da" {
		t.Errorf("?lang=da: <html lang=%q>", got)
	}
	var chosen *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == langCookie {
			chosen = c
		}
	}
	if chosen == nil || chosen.Value != "da" || chosen.SameSite != http.SameSiteLaxMode || chosen.Path != "/" {
		t.Fatalf("the choice is not remembered in a Lax cookie: %+v", chosen)
	}
	_, body = getWith(t, ts.URL+"/", http.Header{"Accept-Language": {"nl"}}, chosen)
	if got := htmlLang(t, body); got != "da" {
		t.Errorf("with the cookie: <html lang=%q>, want the remembered da", got)
	}
	_, body = getWith(t, ts.URL+"/?lang=xx", http.Header{"Accept-Language": {"sv,de;q=0.8"}})
	if got := htmlLang(t, body); got != "de" {
		t.Errorf("unknown ?lang and Accept-Language sv,de: <html lang=%q>", got)
	}
	doc := parse(t, body)
	for _, l := range i18n.Languages() {
		if a := find(doc, "a", "hreflang", l); a == nil || attr(a, "lang") != l {
			t.Errorf("the language switch lacks a link to %s marked with its language", l)
		}
	}
}

func TestLanguage_SecureCookieOnAnHTTPSSite(t *testing.T) {
	t.Parallel()
	_, ts, _ := siteWith(t, Options{PublicURL: "https://oscat.example.org"})
	resp, _ := get(t, ts.URL+"/?lang=it")
	for _, c := range resp.Cookies() {
		if c.Name == langCookie && !c.Secure {
			t.Error("the language cookie of an https site is not Secure")
		}
	}
}

var keyRE = regexp.MustCompile(`"(ui\.[A-Za-z0-9.-]+)"`)

// Every language has every text, and every text a template names exists.
func TestTexts_EveryLanguageHasEveryKey(t *testing.T) {
	t.Parallel()
	b, err := newBundle()
	if err != nil {
		t.Fatal(err)
	}
	en := map[string]bool{}
	for _, k := range b.Keys("en") {
		if strings.HasPrefix(k, "ui.") {
			en[k] = true
		}
	}
	for _, l := range i18n.Languages() {
		have := map[string]bool{}
		for _, k := range b.Keys(l) {
			if strings.HasPrefix(k, "ui.") {
				have[k] = true
			}
		}
		for k := range en {
			if !have[k] {
				t.Errorf("%s lacks %s", l, k)
			}
		}
		for k := range have {
			if !en[k] {
				t.Errorf("%s has %s, which English lacks", l, k)
			}
		}
	}
	_ = fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := fs.ReadFile(templateFiles, p)
		for _, m := range keyRE.FindAllStringSubmatch(string(data), -1) {
			if !strings.HasSuffix(m[1], ".") && !en[m[1]] {
				t.Errorf("%s uses %s, which has no text", p, m[1])
			}
		}
		return nil
	})
}

func TestSoftwarePage_MarksContentInAnotherLanguageAndDescribesItself(t *testing.T) {
	t.Parallel()
	ts, store := site(t)
	id := idOf(t, store, "Parkeervergunning")
	_, body := getWith(t, ts.URL+"/software/"+id, http.Header{"Accept-Language": {"fr"}})
	doc := parse(t, body)
	desc := find(doc, "div", "class", "desc")
	if desc == nil || attr(desc, "lang") != "nl" {
		t.Fatalf("a French visitor does not get the file's first language (nl), marked: %v", desc)
	}
	if !strings.Contains(text(find(doc, "p", "class", "note lang-note")), "néerlandais") {
		t.Error("no visible note says the description is in Dutch")
	}
	_, body = getWith(t, ts.URL+"/software/"+id+"?desc=en", http.Header{"Accept-Language": {"fr"}})
	if d := find(parse(t, body), "div", "class", "desc"); d == nil || attr(d, "lang") != "en" {
		t.Error("the description switch does not show the English text")
	}
	ld := find(parse(t, body), "script", "type", "application/ld+json")
	var data map[string]any
	if ld == nil || json.Unmarshal([]byte(text(ld)), &data) != nil || !hasType(data, "SoftwareSourceCode") || data["codeRepository"] != "https://github.com/voorbeeld/parkeren" {
		t.Errorf("JSON-LD = %s", text(ld))
	}
}

func TestPublisherPage_ShowsWhyARepositoryIsNotListed(t *testing.T) {
	t.Parallel()
	ts, store := site(t)
	if err := store.RegisterRepository(t.Context(), "voorbeeld", "https://git.example.org/voorbeeld/leeg"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ApplyCrawl(t.Context(), catalogue.CrawlResult{RepoURL: "https://git.example.org/voorbeeld/leeg", Outcome: catalogue.StatusNoPubliccode, Reason: "no publiccode.yml in the tree"}); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, ts.URL+"/publishers/voorbeeld?lang=en")
	rows := text(find(parse(t, body), "table", "class", "stack repos"))
	if !strings.Contains(rows, "No publiccode.yml") || !strings.Contains(rows, "add one to be listed") {
		t.Errorf("the repository without a file does not say why: %s", rows)
	}
	if !strings.Contains(rows, "platforms") {
		t.Errorf("the invalid repository's findings are not shown: %s", rows)
	}
}

func postForm(t *testing.T, u string, fields map[string]string, file string) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if file != "" {
		fw, _ := w.CreateFormFile("file", "publiccode.yml")
		_, _ = fw.Write([]byte(file))
	}
	w.Close()
	resp, err := http.Post(u, w.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp, out.String()
}

func TestValidatePage_PasteUploadAndURL(t *testing.T) {
	t.Parallel()
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(parking)) }))
	t.Cleanup(files.Close)
	_, strict, _ := siteWith(t, Options{})
	_, open, _ := siteWith(t, Options{FetchPolicy: safehttp.Policy{AllowPrivate: true}})

	resp, body := postForm(t, strict.URL+"/validate?lang=en", map[string]string{"yaml": "name: X\nplatforms: web\n<b>bold</b>: 1\n"}, "")
	doc := parse(t, body)
	if resp.StatusCode != 200 || find(doc, "p", "class", "verdict bad") == nil {
		t.Fatalf("a pasted invalid file: %d", resp.StatusCode)
	}
	if find(doc, "tr", "id", "V1") == nil || strings.Contains(body, "<b>bold</b>") {
		t.Error("the pasted file is not listed line by line, escaped")
	}
	if _, body = postForm(t, strict.URL+"/validate?lang=it", nil, parking); find(parse(t, body), "p", "class", "verdict ok") == nil {
		t.Error("an uploaded valid file is not reported valid")
	}
	resp, body = postForm(t, strict.URL+"/validate?lang=en", map[string]string{"url": files.URL + "/publiccode.yml"}, "")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "not on the public internet") {
		t.Errorf("a loopback URL with the default policy: %d, want a refusal", resp.StatusCode)
	}
	if _, body = postForm(t, open.URL+"/validate?lang=en", map[string]string{"url": files.URL + "/publiccode.yml"}, ""); find(parse(t, body), "p", "class", "verdict ok") == nil {
		t.Error("a URL the policy allows is not fetched and validated")
	}
	resp, body = postForm(t, strict.URL+"/validate?lang=en", map[string]string{"yaml": strings.Repeat("a: b\n", 300000)}, "")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "KiB") {
		t.Errorf("an oversized paste: %d", resp.StatusCode)
	}
	if resp, _ = postForm(t, strict.URL+"/validate", map[string]string{"url": "file:///etc/passwd"}, ""); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a file: URL: %d", resp.StatusCode)
	}
}

func TestAccessibility_ABarrierReportIsKept(t *testing.T) {
	t.Parallel()
	outbox := t.TempDir()
	_, ts, _ := siteWith(t, Options{Outbox: outbox})
	resp, err := http.PostForm(ts.URL+"/accessibility", url.Values{"where": {"/search"}, "what": {"The filter panel cannot be reached with a switch device."}, "contact": {"ana@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	files, _ := filepath.Glob(filepath.Join(outbox, "barrier-*.txt"))
	if len(files) != 1 {
		t.Fatalf("outbox holds %d reports", len(files))
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "switch device") || !strings.Contains(string(b), "ana@example.org") {
		t.Errorf("report = %s", b)
	}
	resp, _ = http.PostForm(ts.URL+"/accessibility", url.Values{"what": {"  "}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("an empty report: %d", resp.StatusCode)
	}
}

func TestSitemap_ListsEverySoftwareAndPublisher(t *testing.T) {
	t.Parallel()
	_, ts, store := siteWith(t, Options{PublicURL: "https://oscat.example.org"})
	resp, body := get(t, ts.URL+"/sitemap.xml")
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if resp.StatusCode != 200 || xml.Unmarshal([]byte(body), &sm) != nil {
		t.Fatalf("sitemap: %d %s", resp.StatusCode, body)
	}
	locs := map[string]bool{}
	for _, u := range sm.URLs {
		locs[u.Loc] = true
	}
	for _, want := range []string{"https://oscat.example.org/", "https://oscat.example.org/publishers/voorbeeld",
		"https://oscat.example.org/software/" + idOf(t, store, "Afvalkalender")} {
		if !locs[want] {
			t.Errorf("sitemap lacks %s", want)
		}
	}
}

func TestErrorPage_IsInTheVisitorsLanguage(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	resp, body := getWith(t, ts.URL+"/software/nope", http.Header{"Accept-Language": {"it"}})
	if resp.StatusCode != 404 || !strings.Contains(body, "Pagina non trovata") || htmlLang(t, body) != "it" {
		t.Errorf("404 in Italian: %d", resp.StatusCode)
	}
}

func idOf(t *testing.T, store catalogue.Store, name string) string {
	t.Helper()
	list, _, err := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, sw := range list {
		if sw.Name == name {
			return sw.ID
		}
	}
	t.Fatalf("no software named %s", name)
	return ""
}

func TestCrawlsPage_ShowsARunningCrawlsProgressThenItsCounts(t *testing.T) {
	t.Parallel()
	ts, store := site(t)
	ctx := t.Context()
	run, err := store.StartCrawlRun(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ApplyCrawl(ctx, catalogue.CrawlResult{RunID: run.ID, RepoURL: "https://git.example.org/voorbeeld/afval", Outcome: catalogue.StatusFailed, Reason: "timeout"}); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, ts.URL+"/crawls?lang=en")
	doc := parse(t, body)
	box := find(doc, "div", "id", "crawl-runs")
	if box == nil || attr(box, "data-refresh") == "" || !strings.Contains(text(box), "Running") || !strings.Contains(text(box), "Failed") {
		t.Fatalf("a running crawl does not show its progress: %s", text(box))
	}
	if _, err := store.FinishCrawlRun(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, ts.URL+"/crawls?lang=en")
	box = find(parse(t, body), "div", "id", "crawl-runs")
	if attr(box, "data-refresh") != "" || strings.Contains(text(box), "Running") || !strings.Contains(text(box), "Failed 1") {
		t.Errorf("a finished crawl: %s", text(box))
	}
}

func TestSoftwarePage_SaysWhereAHarvestedEntryComesFrom(t *testing.T) {
	t.Parallel()
	ts, st := site(t)
	store := st.(*sqlstore.Store)
	ctx := t.Context()
	if _, err := store.EnsurePeer(ctx, catalogue.Peer{URL: "https://peer.example", Kind: catalogue.PeerOscat}); err != nil {
		t.Fatal(err)
	}
	raw := "name: Far Away\nurl: https://git.example.org/far/away\n"
	e := catalogue.HarvestedEntry{RemoteID: "farawayfaraway01", URL: "https://git.example.org/far/away", Instance: "oscat.dk", Page: "https://peer.example/software/farawayfaraway01",
		Raw: raw, File: publiccode.Read([]byte(raw), publiccode.Limits{}).File, Valid: true, Digest: "1",
		Publishers: []catalogue.OriginPublisher{{ID: "far", Name: "Far Municipality", Country: "DK"}}}
	if _, err := store.ApplyHarvest(ctx, catalogue.HarvestBatch{Peer: "https://peer.example", Instance: "oscat.dk", Upserts: []catalogue.HarvestedEntry{e}}); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, ts.URL+"/software/"+idOf(t, store, "Far Away")+"?lang=en")
	note := text(find(parse(t, body), "div", "class", "note origin"))
	if !strings.Contains(note, "https://peer.example") || !strings.Contains(note, "oscat.dk") {
		t.Errorf("the page does not say where the entry comes from: %q", note)
	}
	if a := find(parse(t, body), "a", "href", e.Page); a == nil || !strings.Contains(attr(a, "rel"), "nofollow") {
		t.Error("no link to the entry's page in its own catalogue")
	}
	if !strings.Contains(text(find(parse(t, body), "section", "id", "publishers")), "Far Municipality") {
		t.Error("the peer's publishers are not named")
	}
}
