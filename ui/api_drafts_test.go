package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/localforge"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// onlyTodoErrors fails the test when a draft has an error finding on a key
// that is not one of its to-dos.
func onlyTodoErrors(t *testing.T, d catalogue.Draft) {
	t.Helper()
	for _, f := range d.Findings {
		if f.Severity == publiccode.SeverityError && !slices.ContainsFunc(d.Todo, func(k string) bool { return f.Key == k || strings.HasPrefix(f.Key, k+".") }) {
			t.Errorf("error finding on %q, not a to-do %v: %s\n%s", f.Key, d.Todo, f.Message, d.PubliccodeYml)
		}
	}
	if len(d.Todo) == 0 {
		t.Error("a draft without to-dos: the maintainer has something to say (maintenance at least)")
	}
}

// draftForge serves three repositories without a crawl: meldingen (a README,
// an MIT licence, a release and a logo), groot (over the fetch's cap) and
// beschreven (it has a publiccode.yml).
func draftForge(t *testing.T) *localforge.Server {
	t.Helper()
	f, forge := localforge.StartTest(t)
	if err := f.AddOwner("stad", localforge.Org); err != nil {
		t.Fatal(err)
	}
	mit, err := os.ReadFile("../crawler/codefacts/testdata/licenses/MIT.txt")
	if err != nil {
		t.Fatal(err)
	}
	released := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	if _, err := f.Push("stad", "meldingen", localforge.Commit{Release: "v2.1.0", When: released, Files: map[string][]byte{
		"README.md": []byte("# Meldingen\n\nBewoners melden kapotte lantaarnpalen, losse stoeptegels en zwerfafval, en volgen wat de gemeente ermee doet.\n"),
		"LICENSE":   mit, "app/main.go": []byte("package main\n"), "assets/logo.svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
	}}); err != nil {
		t.Fatal(err)
	}
	// Trees are fetched whole even when blobs are not: many files make it too big.
	huge := map[string][]byte{"README.md": []byte("big")}
	for i := range 3000 {
		huge[fmt.Sprintf("d%02d/f%d", i%40, i)] = []byte(fmt.Sprint(i))
	}
	if _, err := f.Push("stad", "groot", localforge.Commit{Files: huge}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Push("stad", "beschreven", localforge.Commit{Files: map[string][]byte{"publiccode.yml": []byte("name: X\n")}}); err != nil {
		t.Fatal(err)
	}
	return forge
}

// decodeDraft reads a draft from an answer's body.
func decodeDraft(t *testing.T, body string) catalogue.Draft {
	t.Helper()
	var d catalogue.Draft
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAPIDrafts_CrawledForAnyoneOthersForSignedInPeopleWithinCaps(t *testing.T) {
	t.Parallel()
	forge := draftForge(t)
	js := newJoinSite(t, func(o *Options, _ *Sources) {
		c := crawler.New(nil, crawler.Options{Policy: safehttp.Policy{AllowPrivate: true}, Logger: quiet,
			Fetch: gitfetch.Options{Timeout: 30 * time.Second, MaxBytes: 64 << 10}})
		o.Drafter, o.DraftsPerHour = c, 3
	})
	crawlCode(t, js.store, "a", "https://git.example.org/a/scripts", catalogue.CodeFacts{Readme: "Scripts voor het beheer.", License: "EUPL-1.2"})

	anon := js.browser(t)
	// A repository the catalogue crawled: anyone may ask.
	resp, body := anon.api(http.MethodPost, "/api/v1/drafts", "", map[string]string{"repository": "https://git.example.org/a/scripts"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("crawled repository: %d %s", resp.StatusCode, body)
	}
	d := decodeDraft(t, body)
	onlyTodoErrors(t, d)
	if !strings.Contains(d.PubliccodeYml, `license: "EUPL-1.2"  # guessed`) {
		t.Errorf("crawled draft lacks the guessed licence:\n%s", d.PubliccodeYml)
	}
	// Any other URL: only signed in.
	if resp, body := anon.api(http.MethodPost, "/api/v1/drafts", "", map[string]string{"url": forge.RepoURL("stad", "meldingen")}); resp.StatusCode != http.StatusUnauthorized ||
		resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("anonymous url draft: %d %s", resp.StatusCode, body)
	}

	b := js.signIn(t, "jan@a.example")
	tok := b.token()
	resp, body = b.api(http.MethodPost, "/api/v1/drafts", tok, map[string]string{"url": forge.RepoURL("stad", "meldingen")})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("signed-in url draft: %d %s", resp.StatusCode, body)
	}
	d = decodeDraft(t, body)
	onlyTodoErrors(t, d)
	for _, want := range []string{`license: "MIT"  # guessed`, `softwareVersion: "v2.1.0"  # guessed`, `releaseDate: "2026-05-04"  # guessed`, `logo: "assets/logo.svg"  # guessed`,
		`shortDescription: "Bewoners melden kapotte lantaarnpalen, losse stoeptegels en zwerfafval, en volgen wat de gemeente ermee doet."`} {
		if !strings.Contains(d.PubliccodeYml, want) {
			t.Errorf("draft lacks %s:\n%s", want, d.PubliccodeYml)
		}
	}
	if resp, body := b.api(http.MethodPost, "/api/v1/drafts", tok, map[string]string{"url": forge.RepoURL("stad", "groot")}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("over the cap: %d %s", resp.StatusCode, body)
	}
	if resp, body := b.api(http.MethodPost, "/api/v1/drafts", tok, map[string]string{"url": forge.RepoURL("stad", "beschreven")}); resp.StatusCode != http.StatusConflict {
		t.Errorf("a repository with a file: %d %s", resp.StatusCode, body)
	}
	if resp, body := b.api(http.MethodPost, "/api/v1/drafts", tok, map[string]string{"url": forge.RepoURL("stad", "meldingen")}); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the fourth draft in a row: %d %s, want 429", resp.StatusCode, body)
	}
	if resp, _ := anon.api(http.MethodPost, "/api/v1/drafts", "", map[string]string{"url": "x", "repository": "y"}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("both fields: %d, want 400", resp.StatusCode)
	}
}
