package crawler

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/gitfetch"
	"github.com/oscat-eu/oscat/crawler/localforge"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

var parkingFile = validFile("Parkeervergunning", "https://github.com/gemeente-voorbeeld/parkeren")

// validFile is a complete, valid publiccode.yml naming the software and its URL.
func validFile(name, url string) string {
	return `publiccodeYmlVersion: "0"
name: ` + name + `
url: ` + url + `
platforms: [web]
categories: [online-booking]
developmentStatus: stable
softwareType: standalone/web
description:
  nl:
    shortDescription: Vergunningen aanvragen en beheren
    longDescription: Inwoners vragen vergunningen online aan, wijzigen ze en zeggen ze op zonder naar het stadskantoor te komen; medewerkers behandelen de aanvragen in één overzicht.
    features: [Online aanvragen]
legal: {license: EUPL-1.2}
maintenance: {type: internal, contacts: [{name: Jan}]}
localisation: {localisationReady: true, availableLanguages: [nl]}
`
}

// world is a forge on loopback with the kinds of repository a crawl meets.
func world(t *testing.T) (*localforge.Forge, *localforge.Server) {
	t.Helper()
	f, srv := localforge.StartTest(t)
	must(t, f.AddOwner("gemeente-voorbeeld", localforge.Org))
	must(t, f.AddOwner("jan", localforge.User))
	push(t, f, "gemeente-voorbeeld", "parkeren", map[string][]byte{"publiccode.yml": []byte(parkingFile)})
	push(t, f, "gemeente-voorbeeld", "afval", map[string][]byte{"publiccode.yaml": []byte(validFile("Afvalkalender", "https://github.com/gemeente-voorbeeld/afval"))})
	push(t, f, "gemeente-voorbeeld", "website", map[string][]byte{"README.md": []byte("no file here")})
	push(t, f, "gemeente-voorbeeld", "broken", map[string][]byte{"publiccode.yml": []byte("name: Broken\ndescription:\n\tnl: x\n")})
	must(t, f.CreateEmpty("gemeente-voorbeeld", "empty"))
	push(t, f, "gemeente-voorbeeld", "secret", map[string][]byte{"publiccode.yml": []byte("name: Secret\n")})
	f.SetMeta("gemeente-voorbeeld", "secret", localforge.RepoMeta{Private: true})
	push(t, f, "jan", "tools", map[string][]byte{"publiccode.yml": []byte(validFile("Jan's tools", "https://github.com/jan/tools"))})
	return f, srv
}

func push(t *testing.T, f *localforge.Forge, owner, name string, files map[string][]byte) {
	t.Helper()
	if _, err := f.Push(owner, name, localforge.Commit{Files: files}); err != nil {
		t.Fatal(err)
	}
}

var quiet = slog.New(slog.DiscardHandler)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// testOptions are quick to retry and poll, and allow loopback; a repository may
// take as long as a busy machine needs.
func testOptions() Options {
	return Options{Policy: safehttp.Policy{AllowPrivate: true}, Workers: 3, Logger: quiet, Poll: 20 * time.Millisecond,
		Backoff: func(int) time.Duration { return 50 * time.Millisecond }, Fetch: gitfetch.Options{Timeout: 2 * time.Minute}}
}

func runCrawl(t *testing.T, c *Crawler) Summary {
	t.Helper()
	sum, err := c.Run(t.Context(), "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func repoByName(t *testing.T, store *sqlstore.Store) map[string]catalogue.Repository {
	t.Helper()
	repos, _, err := store.Repositories(t.Context(), catalogue.RepositoryFilter{}, catalogue.Page{Size: 1000})
	must(t, err)
	out := map[string]catalogue.Repository{}
	for _, r := range repos {
		out[strings.TrimSuffix(r.URL[strings.LastIndex(r.URL, "/")+1:], ".git")] = r
	}
	return out
}

func openStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestRun_CrawlsEveryKindOfRepositoryAndRecordsWhy(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		crawlsEveryKind(t, open())
	})
}

func crawlsEveryKind(t *testing.T, store *sqlstore.Store) {
	_, srv := world(t)
	list := `
- id: gemeente-voorbeeld
  name: Gemeente Voorbeeld
  country: NL
  codeHosting:
    - {url: "` + srv.URL + `/gemeente-voorbeeld", group: true, type: gitea}
    - {url: "` + srv.URL + `/jan", group: true, type: forgejo}
    - {url: "http://127.0.0.1:1/nobody/unreachable.git"}
`
	pubs, err := ParsePublishers("publishers.yml", []byte(list))
	must(t, err)
	must(t, store.SyncPublishers(t.Context(), pubs))

	srv.SetMaxPageSize(2) // several pages
	c := New(store, testOptions())
	sum := runCrawl(t, c)

	counts := sum.Run.Counts
	// parkeren, afval (publiccode.yaml), jan/tools: listed; website: no file; empty
	// and secret (private): skipped without a fetch; broken: invalid; unreachable: failed.
	if sum.Run.Seen() != 8 || sum.Run.Listed != 3 || counts[catalogue.StatusNoPubliccode] != 1 || counts[catalogue.StatusSkipped] != 2 ||
		counts[catalogue.StatusInvalid] != 1 || counts[catalogue.StatusFailed] != 1 {
		t.Errorf("counts = %v (seen %d, listed %d)", counts, sum.Run.Seen(), sum.Run.Listed)
	}
	if !strings.Contains(sum.String(), "8 repositories seen, 3 listed, 1 without a publiccode file, 1 failed") {
		t.Errorf("summary = %q", sum.String())
	}
	if !sum.Failed() {
		t.Error("a failed repository should make the summary report failure")
	}

	repos, _, err := store.Repositories(t.Context(), catalogue.RepositoryFilter{Publisher: "gemeente-voorbeeld"}, catalogue.Page{Size: 100})
	must(t, err)
	reasons := map[string]catalogue.Repository{}
	for _, r := range repos {
		reasons[r.URL[strings.LastIndex(r.URL, "/")+1:]] = r
	}
	if r := reasons["empty.git"]; r.Reason != "the repository is empty" || r.Status != catalogue.StatusSkipped {
		t.Errorf("empty: %+v", r)
	}
	if r := reasons["website.git"]; !strings.Contains(r.Reason, "no publiccode.yml") {
		t.Errorf("website: %+v", r)
	}
	if r := reasons["broken.git"]; len(r.Findings) == 0 || r.Findings[0].Code != "yaml-syntax" || r.Findings[0].Line != 3 {
		t.Errorf("broken: %+v", r.Findings)
	}
	if r := reasons["unreachable.git"]; r.Status != catalogue.StatusFailed || r.Reason == "" {
		t.Errorf("unreachable: %+v", r)
	}
	if r := reasons["afval.git"]; r.Path != "publiccode.yaml" || r.Status != catalogue.StatusMirror {
		t.Errorf("afval: %+v", r)
	}

	// Served from loopback, naming github.com: a mirror of that software, listed under its URL.
	list2, _, err := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 100})
	must(t, err)
	var names []string
	for _, sw := range list2 {
		names = append(names, sw.Name)
		if sw.Name == "Parkeervergunning" && sw.URL != "https://github.com/gemeente-voorbeeld/parkeren" {
			t.Errorf("canonical URL = %s", sw.URL)
		}
	}
	if len(list2) != 3 {
		t.Errorf("listed %v", names)
	}

	// A second crawl of the same world: nothing changes, and nothing is fetched.
	packs := srv.Packs()
	sum2 := runCrawl(t, c)
	if sum2.Run.Counts[catalogue.StatusNew] != 0 || sum2.Run.Seen() != 8 || sum2.Run.Counts[catalogue.StatusMirror] != 3 || sum2.Run.Listed != 3 {
		t.Errorf("second crawl counts = %v", sum2.Run.Counts)
	}
	if srv.Packs() != packs {
		t.Errorf("an unchanged crawl fetched %d times", srv.Packs()-packs)
	}
}

func TestRun_RefusesLoopbackUnlessAllowed(t *testing.T) {
	t.Parallel()
	_, srv := world(t)
	store := openStore(t)
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "p", Name: "P", CodeHosting: []catalogue.CodeHosting{
		{URL: srv.RepoURL("gemeente-voorbeeld", "parkeren")},
		{URL: srv.URL + "/gemeente-voorbeeld", Group: true, Type: catalogue.HostingGitea},
	}}}))
	opts := testOptions()
	opts.Policy = safehttp.Policy{}
	sum := runCrawl(t, New(store, opts))
	if sum.Run.Counts[catalogue.StatusFailed] != 1 || sum.HostingFailed != 1 || sum.Run.Listed != 0 {
		t.Errorf("summary %s", sum)
	}
	repos, _, _ := store.Repositories(t.Context(), catalogue.RepositoryFilter{}, catalogue.Page{})
	if len(repos) != 1 || !strings.Contains(repos[0].Reason, "--allow-private-networks") {
		t.Errorf("reason should tell the operator what to do: %+v", repos)
	}
}
