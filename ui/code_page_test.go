package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestResultsPage_SaysHowManyRepositoriesWithoutAFileAlsoMatch(t *testing.T) {
	t.Parallel()
	ts, _, _ := codeSite(t)
	resp, body := get(t, ts.URL+"/search?q=parkeervergunningen&lang=en")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("results page: %d", resp.StatusCode)
	}
	doc := parse(t, body)
	var link string
	p := findClass(doc, "p", "code-matches")
	if p == nil {
		t.Fatalf("no code-matches paragraph on the results page")
	}
	if !strings.Contains(text(p), "Repositories without a publiccode.yml that also match: 2") {
		t.Errorf("code-matches says %q", text(p))
	}
	for _, a := range p.FirstChild.Attr {
		if a.Key == "href" {
			link = a.Val
		}
	}
	if link != "/code?q=parkeervergunningen" {
		t.Errorf("link = %q, want the same query on /code", link)
	}
	resp, body = get(t, ts.URL+link+"&lang=en")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("code results: %d", resp.StatusCode)
	}
	if c := text(find(parse(t, body), "p", "id", "result-count")); !strings.Contains(c, "2") {
		t.Errorf("code results count = %q", c)
	}
	// A search that matches no code entry says nothing about them.
	_, body = get(t, ts.URL+"/search?q=zzzzzz")
	if findClass(parse(t, body), "p", "code-matches") != nil {
		t.Error("a search without code matches shows the code-matches line")
	}
}

func TestCodePage_DescribeLinkAndRedirectOnceDescribed(t *testing.T) {
	t.Parallel()
	ts, store, index := codeSite(t)
	e, err := store.CodeEntryByURL(t.Context(), "https://git.example.org/voorbeeld/parkeer-scripts")
	if err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, ts.URL+"/code/"+e.ID+"?lang=en")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("code page: %d", resp.StatusCode)
	}
	doc := parse(t, body)
	describe := find(doc, "section", "id", "describe")
	if describe == nil || !strings.Contains(text(describe), "Describe this software") {
		t.Fatalf("no “Describe this software” on the code page")
	}
	if !strings.Contains(body, "Scripts voor het beheer van parkeervergunningen.") || !strings.Contains(body, "MIT") {
		t.Error("the code page lacks the README paragraph or the licence")
	}

	listFile(t, store, "voorbeeld", "https://git.example.org/voorbeeld/parkeer-scripts", "name: Parkeerscripts\nurl: https://git.example.org/voorbeeld/parkeer-scripts\n")
	if err := index.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := client.Get(ts.URL + "/code/" + e.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(r.Header.Get("Location"), "/software/") {
		t.Errorf("described code page: %d → %q, want 301 to the software page", r.StatusCode, r.Header.Get("Location"))
	}
}

// findClass returns the first element with the tag whose class list has class.
func findClass(n *html.Node, tag, class string) *html.Node {
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && n.Data == tag {
		for _, a := range n.Attr {
			if a.Key == "class" && slices.Contains(strings.Fields(a.Val), class) {
				return n
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findClass(c, tag, class); f != nil {
			return f
		}
	}
	return nil
}

func TestCodeDraftPage_ShowsTheDraftAndSendsItToTheValidator(t *testing.T) {
	t.Parallel()
	ts, store, _ := codeSite(t)
	e, err := store.CodeEntryByURL(t.Context(), "https://git.example.org/voorbeeld/parkeer-scripts")
	if err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, ts.URL+"/code/"+e.ID+"/draft?lang=en")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("draft page: %d", resp.StatusCode)
	}
	doc := parse(t, body)
	ta := find(doc, "textarea", "name", "yaml")
	if ta == nil || !strings.Contains(text(ta), `license: "MIT"  # guessed`) {
		t.Fatalf("draft page lacks the draft in a form field: %q", text(ta))
	}
	if todo := text(find(doc, "section", "id", "todo")); !strings.Contains(todo, "maintenance.type") {
		t.Errorf("to-do list = %q", todo)
	}
	form := find(doc, "form", "action", "/validate")
	if form == nil {
		t.Error("the draft is not sent to the validator")
	}
	resp, body = get(t, ts.URL+"/code/"+e.ID+"/publiccode.yml")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(body, "# publiccode.yml drafted by Oscat") {
		t.Errorf("download: %d %q %.60q", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
}

// linksToEditor reports whether a page links to the editor prefilled with
// the draft of repo.
func linksToEditor(doc *html.Node, repo string) bool {
	for _, href := range attrs(doc, "a", "href") {
		u, err := url.Parse(href)
		if err == nil && u.Path == "/editor" && u.Query().Get("repository") == repo {
			return true
		}
	}
	return false
}

func TestPublisherPage_LinksRowsWithoutAFileToTheirDraft(t *testing.T) {
	t.Parallel()
	ts, store, _ := codeSite(t)
	e, err := store.CodeEntryByURL(t.Context(), "https://git.example.org/voorbeeld/parkeer-app")
	if err != nil {
		t.Fatal(err)
	}
	_, body := get(t, ts.URL+"/publishers/voorbeeld?lang=en")
	if !linksToEditor(parse(t, body), e.URL) {
		t.Error("the publisher page's no-publiccode row does not link to the editor, prefilled from the draft")
	}
}
