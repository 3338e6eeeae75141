package ui

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/oscat-eu/oscat/catalogue"
)

var quiet = slog.New(slog.DiscardHandler)

const parking = `publiccodeYmlVersion: "0"
name: Parkeervergunning
url: https://github.com/voorbeeld/parkeren
developmentStatus: stable
softwareType: standalone/web
platforms: [web]
categories: [online-booking]
legal:
  license: EUPL-1.2
maintenance: {type: internal, contacts: [{name: Jan}]}
localisation: {localisationReady: true, availableLanguages: [nl, en]}
description:
  nl:
    shortDescription: Parkeervergunningen aanvragen
    longDescription: "<script>alert(1)</script> Vergunningen voor bewoners en bezoekers: aanvragen, wijzigen en opzeggen zonder naar het stadskantoor te komen, met betalen via iDEAL en direct resultaat."
    features: [Aanvragen]
  en:
    shortDescription: Apply for parking permits
    longDescription: "Permits for residents and visitors: apply, change and cancel without visiting the city office, pay online, and get the result at once, for every permit zone."
    features: [Apply online]
`

// site is a server over a small catalogue: one valid entry and one invalid.
func site(t *testing.T) (*httptest.Server, catalogue.Store) {
	t.Helper()
	_, ts, store := siteWith(t, Options{Logger: quiet})
	return ts, store
}

// siteWith is site with the server's options.
func siteWith(t *testing.T, opts Options) (*Server, *httptest.Server, catalogue.Store) {
	t.Helper()
	store := testStore(t, catalogue.Publisher{ID: "voorbeeld", Name: "Gemeente Voorbeeld", Country: "NL"})
	listFile(t, store, "voorbeeld", "https://git.example.org/voorbeeld/parkeren", parking)
	listFile(t, store, "voorbeeld", "https://git.example.org/voorbeeld/afval", "name: Afvalkalender\nplatforms: web\n")
	index := testIndex(t, store)
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	srv, err := New(storeSources(store), index, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(conforming(t, srv))
	t.Cleanup(ts.Close)
	return srv, ts, store
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func getJSON(t *testing.T, url string, wantStatus int, v any) http.Header {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != wantStatus {
		t.Fatalf("GET %s: %d, want %d: %s", url, resp.StatusCode, wantStatus, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, body)
	}
	return resp.Header
}

type listBody struct {
	Data  []map[string]any `json:"data"`
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	Meta struct {
		Total int `json:"total"`
	} `json:"meta"`
}

func TestAPI_SoftwareListAndItemHaveTheDesignedShape(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	var list listBody
	getJSON(t, ts.URL+"/api/v1/software?q=parkeervergunning", 200, &list)
	if list.Meta.Total != 1 || len(list.Data) != 1 || list.Links.Next != nil {
		t.Fatalf("list = %+v", list)
	}
	item := list.Data[0]
	for _, key := range []string{"id", "name", "url", "repositories", "publishers", "description", "developmentStatus", "softwareType", "license", "categories", "platforms", "valid", "findings", "updatedAt"} {
		if _, ok := item[key]; !ok {
			t.Errorf("item lacks %q", key)
		}
	}
	if item["url"] != "https://github.com/voorbeeld/parkeren" || item["license"] != "EUPL-1.2" || item["valid"] != true {
		t.Errorf("item = %v", item)
	}
	repo := item["repositories"].([]any)[0].(map[string]any)
	if repo["publisher"] != "voorbeeld" || repo["status"] != "mirror" {
		t.Errorf("repository = %v", repo)
	}
	desc := item["description"].(map[string]any)["nl"].(map[string]any)
	if desc["shortDescription"] != "Parkeervergunningen aanvragen" {
		t.Errorf("description = %v", desc)
	}

	var one map[string]any
	getJSON(t, ts.URL+"/api/v1/software/"+item["id"].(string), 200, &one)
	if one["name"] != "Parkeervergunning" {
		t.Errorf("item by id = %v", one)
	}
}

func TestAPI_PagesWithCursorsAndRelativeNextLinks(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	var page1, page2 listBody
	getJSON(t, ts.URL+"/api/v1/software?page[size]=1", 200, &page1)
	if len(page1.Data) != 1 || page1.Links.Next == nil || page1.Meta.Total != 2 {
		t.Fatalf("page 1 = %+v", page1)
	}
	next := *page1.Links.Next
	if !strings.HasPrefix(next, "/api/v1/software?") || !strings.Contains(next, "page[size]=1") || !strings.Contains(next, "page[after]=") {
		t.Errorf("next = %q", next)
	}
	getJSON(t, ts.URL+next, 200, &page2)
	if len(page2.Data) != 1 || page2.Links.Next != nil || page2.Data[0]["id"] == page1.Data[0]["id"] {
		t.Errorf("page 2 = %+v", page2)
	}
}

func TestAPI_ErrorsAreProblemDetails(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	for path, status := range map[string]int{
		"/api/v1/software?page[size]=0":      400,
		"/api/v1/software?page[size]=101":    400,
		"/api/v1/software?page[size]=ten":    400,
		"/api/v1/software?page[after]=bogus": 400,
		"/api/v1/software/nope":              404,
		"/api/v1/publishers/nope":            404,
		"/api/v1/nothing-here":               404,
		"/api/v1/publishers?page[size]=500":  400,
	} {
		var p problem
		h := getJSON(t, ts.URL+path, status, &p)
		if h.Get("Content-Type") != "application/problem+json" || p.Status != status || p.Title == "" {
			t.Errorf("%s: %s %+v", path, h.Get("Content-Type"), p)
		}
	}
}

func TestAPI_Publishers(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	var list listBody
	getJSON(t, ts.URL+"/api/v1/publishers", 200, &list)
	if len(list.Data) != 1 || list.Data[0]["id"] != "voorbeeld" || list.Data[0]["country"] != "NL" {
		t.Errorf("publishers = %+v", list)
	}
	var one map[string]any
	getJSON(t, ts.URL+"/api/v1/publishers/voorbeeld", 200, &one)
	if one["name"] != "Gemeente Voorbeeld" {
		t.Errorf("publisher = %v", one)
	}
}

func TestPages_ShowTheCatalogue(t *testing.T) {
	t.Parallel()
	ts, store := site(t)
	list, _, _ := store.ListSoftware(t.Context(), "", catalogue.Page{})
	ids := map[string]string{}
	for _, sw := range list {
		ids[sw.Name] = sw.ID
	}

	_, body := get(t, ts.URL+"/")
	doc := parse(t, body)
	if find(doc, "form", "role", "search") == nil || find(doc, "html", "lang", "en") == nil || find(doc, "a", "class", "skip") == nil {
		t.Error("home lacks a search form, a language or a skip link")
	}

	resp, body := get(t, ts.URL+"/search?q=afvalkalender")
	if resp.StatusCode != 200 || !strings.Contains(text(find(parse(t, body), "ul", "class", "results")), "Afvalkalender") {
		t.Errorf("search page: %d %s", resp.StatusCode, body)
	}

	_, body = get(t, ts.URL+"/software/"+ids["Parkeervergunning"])
	doc = parse(t, body)
	if find(doc, "div", "lang", "en") == nil || find(doc, "a", "hreflang", "nl") == nil {
		t.Error("the software page does not show the visitor's language with a switch to the other")
	}
	if strings.Contains(body, "<script>alert(1)</script>") {
		t.Error("text from a repository was written as HTML")
	}
	if !strings.Contains(text(doc), "EUPL-1.2") || !strings.Contains(text(doc), "Gemeente Voorbeeld") {
		t.Error("the software page lacks the licence or the publisher")
	}
	if find(doc, "span", "class", "badge invalid") != nil {
		t.Error("a valid entry carries the invalid badge")
	}

	_, body = get(t, ts.URL+"/software/"+ids["Afvalkalender"])
	doc = parse(t, body)
	if find(doc, "span", "class", "badge invalid") == nil {
		t.Error("an invalid entry lacks the invalid-metadata badge")
	}
	if !strings.Contains(text(find(doc, "section", "id", "validation")), "platforms") {
		t.Error("the findings of an invalid entry are not shown")
	}

	_, body = get(t, ts.URL+"/publishers/voorbeeld")
	doc = parse(t, body)
	if !strings.Contains(text(doc), "Parkeervergunning") || !strings.Contains(text(doc), "Afvalkalender") {
		t.Error("the publisher page does not list its software")
	}
	if resp, _ := get(t, ts.URL+"/software/nope"); resp.StatusCode != 404 {
		t.Errorf("unknown software: %d", resp.StatusCode)
	}
}

func TestServer_HealthAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		if resp, _ := get(t, ts.URL+p); resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	resp, _ := get(t, ts.URL+"/")
	h := resp.Header
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers = %v", h)
	}
}

func TestIPExtractor_TrustsTheConnectionUnlessProxiesAreNamed(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "10.0.0.5:1234"
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	if got := ipExtractor(nil)(req); got != "10.0.0.5" {
		t.Errorf("no proxies: client = %s, want the connection's peer", got)
	}
	_, proxy, _ := parseCIDR("10.0.0.0/8")
	if got := ipExtractor(proxy)(req); got != "203.0.113.9" {
		t.Errorf("named proxy: client = %s", got)
	}
}

func parse(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// find returns the first element with the tag whose attribute has the value.
func find(n *html.Node, tag, attr, val string) *html.Node {
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && n.Data == tag {
		for _, a := range n.Attr {
			if a.Key == attr && a.Val == val {
				return n
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, tag, attr, val); f != nil {
			return f
		}
	}
	return nil
}

func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(text(c))
	}
	return b.String()
}

func parseCIDR(s string) (any, []*net.IPNet, error) {
	_, n, err := net.ParseCIDR(s)
	return nil, []*net.IPNet{n}, err
}

func TestAPI_FiltersFacetsAndSorting(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	var body struct {
		Data []map[string]any `json:"data"`
		Meta struct {
			Total  int                         `json:"total"`
			Facets map[string][]map[string]any `json:"facets"`
		} `json:"meta"`
	}
	getJSON(t, ts.URL+"/api/v1/software?filter[developmentStatus]=stable&filter[platforms]=web", 200, &body)
	if body.Meta.Total != 1 || body.Data[0]["name"] != "Parkeervergunning" {
		t.Fatalf("filtered = %+v", body)
	}
	for _, facet := range []string{"categories", "softwareType", "developmentStatus", "license", "platforms", "maintenanceType", "country", "publisher", "languages", "scope", "archived", "valid"} {
		if _, ok := body.Meta.Facets[facet]; !ok {
			t.Errorf("meta.facets lacks %s", facet)
		}
	}
	if v := body.Meta.Facets["valid"]; len(v) == 0 {
		t.Errorf("valid facet = %v", v)
	}
	var sorted listBody
	getJSON(t, ts.URL+"/api/v1/software?sort=-name", 200, &sorted)
	if len(sorted.Data) != 2 || sorted.Data[0]["name"] != "Parkeervergunning" {
		t.Errorf("sorted = %+v", sorted.Data)
	}
	var snippet listBody
	getJSON(t, ts.URL+"/api/v1/software?q=parkeervergunningen", 200, &snippet)
	if len(snippet.Data) == 0 || !strings.Contains(snippet.Data[0]["snippet"].(string), "<mark>") {
		t.Errorf("snippet = %+v", snippet.Data)
	}
	for _, bad := range []string{"filter[colour]=red", "filter[license=MIT", "sort=colour", "updatedSince=yesterday"} {
		var p problem
		getJSON(t, ts.URL+"/api/v1/software?"+bad, 400, &p)
		if p.Detail == "" {
			t.Errorf("%s: no detail", bad)
		}
	}
	var since listBody
	getJSON(t, ts.URL+"/api/v1/software?updatedSince=2000-01-01T00:00:00Z", 200, &since)
	if since.Meta.Total != 2 {
		t.Errorf("updatedSince 2000 = %d", since.Meta.Total)
	}
}

func TestPages_SearchKeepsItsStateInTheURL(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	_, body := get(t, ts.URL+"/search?q=&filter[developmentStatus]=stable")
	doc := parse(t, body)
	sel := find(doc, "input", "checked", "")
	if sel == nil || attr(sel, "value") != "stable" || attr(sel, "name") != "filter[developmentStatus]" {
		t.Fatalf("the selected filter is not checked: %s", body)
	}
	for _, a := range attrs(doc, "a", "href") {
		if strings.HasPrefix(a, "/search?") && strings.Contains(a, "filter[platforms]=web") && !strings.Contains(a, "filter[developmentStatus]=stable") {
			t.Errorf("a facet link drops the current selection: %s", a)
		}
	}
	_, body = get(t, ts.URL+"/search?q=parkeervergunnig")
	if !strings.Contains(body, "Did you mean") && !strings.Contains(body, "Parkeervergunning") {
		t.Errorf("a misspelt search shows neither results nor a suggestion")
	}
}

func attrs(n *html.Node, tag, attr string) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			for _, a := range n.Attr {
				if a.Key == attr {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func TestAPI_ValidateAnswersTheReportOfABody(t *testing.T) {
	t.Parallel()
	ts, _ := site(t)
	post := func(ct, body string) (*http.Response, map[string]any) {
		resp, err := http.Post(ts.URL+"/api/v1/validate", ct, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}
	resp, rep := post("application/yaml", parking)
	if resp.StatusCode != 200 || rep["valid"] != true || rep["file"] != "-" || rep["version"] != "0" {
		t.Errorf("valid file: %d %v", resp.StatusCode, rep)
	}
	_, rep = post("text/plain", "name: X\nplatforms: web\n")
	findings, _ := rep["findings"].([]any)
	if rep["valid"] != false || len(findings) == 0 {
		t.Fatalf("invalid file: %v", rep)
	}
	f := findings[0].(map[string]any)
	for _, k := range []string{"severity", "code", "key", "line", "column", "message"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q: %v", k, f)
		}
	}
	if resp, _ := post("image/png", "x"); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a PNG body: %d", resp.StatusCode)
	}
	resp, _ = post("application/yaml", strings.Repeat("a", 2<<20))
	if resp.StatusCode != 200 {
		t.Errorf("an oversized body: %d", resp.StatusCode)
	}
	if r, body := get(t, ts.URL+"/schemas/publiccode.schema.json"); r.StatusCode != 200 || !strings.Contains(body, "$schema") {
		t.Errorf("schema: %d", r.StatusCode)
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
