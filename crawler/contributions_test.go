package crawler

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// collabFile is a file naming a software at url with Acme BV as its contractor.
func collabFile(name, url string) string {
	return strings.Replace(validFile(name, url), "maintenance: {type: internal, contacts: [{name: Jan}]}",
		"maintenance: {type: contract, contractors: [{name: Acme BV, website: 'https://www.acme.example', until: '2030-01-01'}]}", 1)
}

// collabWorld is a project built by several organisations, a mirror of it and
// a fork of it, on loopback.
func collabWorld(t *testing.T, now time.Time) (*localforge.Forge, *localforge.Server) {
	t.Helper()
	f, srv := localforge.StartTest(t)
	must(t, f.AddOwner("voorbeeld", localforge.Org))
	must(t, f.AddOwner("andere-stad", localforge.Org))
	file := map[string][]byte{"publiccode.yml": []byte(collabFile("Zaken", "https://code.gemeente-voorbeeld.nl/zaken"))}
	commits := []localforge.Commit{
		{Author: "Ada", Email: "ada@gemeente-voorbeeld.nl", When: now.AddDate(-3, 0, 0), Message: "Start"},
		{Author: "Ada", Email: "ada@gemeente-voorbeeld.nl", When: now.AddDate(0, -2, 0),
			Message: "Fix the form\n\nCo-authored-by: Bob <bob@dev.andere-stad.nl>\nCo-authored-by: renovate[bot] <bot@renovateapp.com>"},
		{Author: "Carol", Email: "carol@acme.example", When: now.AddDate(0, -1, 0)},
		{Author: "Dan", Email: "dan@gmail.com", When: now.AddDate(0, -1, 1)},
		{Author: "Eve", Email: "123+eve@users.noreply.github.com", When: now.AddDate(0, -1, 2)},
		{Author: "dependabot[bot]", Email: "49699333+dependabot[bot]@users.noreply.github.com", When: now.AddDate(0, -1, 3)},
		{Author: "Piet", Email: "piet@stil.nl", When: now.AddDate(0, -1, 4)},
		{Author: "Ruth", Email: "ruth@gemeente-voorbeeld.nl", When: now.AddDate(0, 0, -3)},
	}
	for _, c := range commits {
		c.Files = file
		_, err := f.Push("voorbeeld", "zaken", c)
		must(t, err)
	}
	// A mirror: the same history elsewhere.
	must(t, f.Copy("voorbeeld", "zaken", "spiegel", "zaken"))
	// A fork: the history, then commits of its own, as software of its own.
	must(t, f.Copy("voorbeeld", "zaken", "andere-stad", "zaken"))
	f.SetMeta("andere-stad", "zaken", localforge.RepoMeta{Fork: true, Parent: "voorbeeld/zaken"})
	forkFile := map[string][]byte{"publiccode.yml": []byte(collabFile("Zaken Andere Stad", srv.RepoURL("andere-stad", "zaken")))}
	for i := range 2 {
		_, err := f.Push("andere-stad", "zaken", localforge.Commit{Files: forkFile, Author: "Bob", Email: "bob@dev.andere-stad.nl",
			When: now.AddDate(0, 0, -2+i)})
		must(t, err)
	}
	return f, srv
}

func TestRun_CountsWhoContributes(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		countsWhoContributes(t, open())
	})
}

// collabPublishers is the publishers list of collabWorld: two administrations
// (one with a subdomain's address), and one that turned counting off.
func collabPublishers(srv *localforge.Server) string {
	return `
- id: voorbeeld
  name: Gemeente Voorbeeld
  emailDomains: [gemeente-voorbeeld.nl]
  codeHosting:
    - {url: "` + srv.URL + `/voorbeeld", group: true, type: gitea}
    - {url: "` + srv.RepoURL("spiegel", "zaken") + `"}
- id: andere
  name: Andere Stad
  emailDomains: [andere-stad.nl]
  codeHosting:
    - {url: "` + srv.URL + `/andere-stad", group: true, type: gitea}
- id: stil
  name: Stille Gemeente
  emailDomains: [stil.nl]
  countContributions: false
  codeHosting: []
`
}

func countsWhoContributes(t *testing.T, store *sqlstore.Store) {
	now := time.Now().UTC()
	_, srv := collabWorld(t, now)
	list := collabPublishers(srv)
	pubs, err := ParsePublishers("publishers.yml", []byte(list))
	must(t, err)
	must(t, store.SyncPublishers(t.Context(), pubs))
	opts := testOptions()
	opts.Fetch.CacheDir = t.TempDir()
	c := New(store, opts)
	runCrawl(t, c)

	byName := map[string]catalogue.Software{}
	all, _, err := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 100})
	must(t, err)
	for _, sw := range all {
		byName[sw.Name] = sw
	}
	zaken, fork := byName["Zaken"], byName["Zaken Andere Stad"]
	if len(zaken.Repositories) != 2 || zaken.Contributions == nil || fork.Contributions == nil {
		t.Fatalf("zaken %+v\nfork %+v", zaken, fork)
	}
	checkZakenFigures(t, zaken.Contributions, fork.Contributions)
	contributes, err := store.PublisherContributions(t.Context(), "andere", 10)
	must(t, err)
	if len(contributes) != 2 {
		t.Errorf("andere contributes to %+v", contributes)
	}

	// A second crawl that finds nothing new changes nothing.
	head, err := store.ChangeHead(t.Context())
	must(t, err)
	runCrawl(t, c)
	if h2, _ := store.ChangeHead(t.Context()); h2 != head {
		changes, _ := store.Changes(t.Context(), head, 10)
		t.Errorf("an unchanged crawl appended changes %+v", changes)
	}

	// The operator turns off counting Andere Stad's domains: at the next crawl
	// its commits count as other organisations, though nothing was fetched.
	pubs, err = ParsePublishers("publishers.yml", []byte(strings.Replace(list, "emailDomains: [andere-stad.nl]",
		"emailDomains: [andere-stad.nl]\n  countContributions: false", 1)))
	must(t, err)
	must(t, store.SyncPublishers(t.Context(), pubs))
	c = New(store, opts) // a new process: the directory is read afresh
	runCrawl(t, c)
	sw, err := store.Software(t.Context(), zaken.ID)
	must(t, err)
	names := map[string]int{}
	for _, x := range sw.Contributions.Contributors {
		names[x.Name] = x.Commits
	}
	if _, ok := names["Andere Stad"]; ok || names["Other organisations"] != 2 {
		t.Errorf("after turning counting off: %v", names)
	}
}

// checkZakenFigures checks the figures of collabWorld's project and its fork.
func checkZakenFigures(t *testing.T, zaken, fork *catalogue.Contributions) {
	t.Helper()
	got := map[string]catalogue.Contributor{}
	for _, x := range zaken.Contributors {
		got[x.Name] = x
	}
	// Seven commits that are not only a bot's, counted once across the mirror.
	if zaken.Commits != 7 || zaken.Commits12m != 6 || len(got) != 5 {
		t.Errorf("commits %d, contributors %+v", zaken.Commits, zaken.Contributors)
	}
	want := map[string]struct {
		kind                catalogue.ContributorKind
		publisher           string
		commits, commits12m int
	}{
		"Gemeente Voorbeeld":  {catalogue.KindAdministration, "voorbeeld", 3, 2},
		"Andere Stad":         {catalogue.KindAdministration, "andere", 1, 1}, // a co-author, through a subdomain
		"Acme BV":             {catalogue.KindCompany, "", 1, 1},
		"Individuals":         {catalogue.KindIndividuals, "", 2, 2}, // a public mail provider and a no-reply address
		"Other organisations": {catalogue.KindOther, "", 1, 1},       // Stille Gemeente turned counting off
	}
	for name, w := range want {
		x := got[name]
		// Every organisation here has one or two authors: shown as "1–2".
		if x.Kind != w.kind || x.Publisher != w.publisher || x.Commits != w.commits || x.Commits12m != w.commits12m ||
			x.Authors.String() != "1–2" || x.Authors12m.String() != "1–2" {
			t.Errorf("%s: %+v, want %+v", name, x, w)
		}
	}
	if n := zaken.ContributingAdministrations(); n != 2 {
		t.Errorf("contributing administrations %d, want 2", n)
	}
	if zaken.Shared || zaken.Holds != 0 {
		t.Errorf("a repository of one software: shared %v, holds %d", zaken.Shared, zaken.Holds)
	}
	// The fork's own commits only: what its upstream has counts there.
	if fork.Commits != 2 || len(fork.Contributors) != 1 || fork.Contributors[0].Publisher != "andere" || fork.Contributors[0].Commits != 2 {
		t.Errorf("fork figures %+v", fork)
	}
	// Only aggregates: no address or name of a person in what the catalogue keeps.
	b, _ := json.Marshal(zaken)
	for _, s := range []string{"@", "Ada", "ada", "Carol", "Ruth", "dependabot"} {
		if strings.Contains(string(b), s) {
			t.Errorf("the figures keep %q: %s", s, b)
		}
	}
	if !strings.Contains(string(b), `"authors":"1–2"`) {
		t.Errorf("one or two authors are not written as 1–2: %s", b)
	}
}

// Every software of a repository that holds several gets the whole
// repository's figures, and says how many software the repository holds.
func TestMonorepo_EveryAppGetsTheWholeRepositorysContributions(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		files := threeApps(t, true)
		files["publiccode.yml"] = file("Suite", "REPO")
		f, srv, store, c := monorepoWorld(t, open, files)
		// A second commit, by the administration's member.
		_, err := f.Push("stad", "mono", localforge.Commit{Files: withRepo(files, srv.URL+"/stad/mono"), Author: "Ada", Email: "ada@stad.example", Message: "Fix"})
		must(t, err)
		runCrawl(t, c)
		list, _, err := store.ListSoftware(t.Context(), "stad", catalogue.Page{Size: 100})
		must(t, err)
		if len(list) != 4 {
			t.Fatalf("listed %d software, want the repository's own and its three apps", len(list))
		}
		for _, sw := range list {
			fc := sw.Contributions
			if fc == nil {
				t.Errorf("%s (%s) has no contribution figures", sw.Name, sw.URL)
				continue
			}
			byName := map[string]int{}
			for _, x := range fc.Contributors {
				byName[x.Name] = x.Commits
			}
			if fc.Commits != 2 || byName["Stad"] != 1 || !fc.Shared || fc.Holds != 4 {
				t.Errorf("%s: commits %d, contributors %v, shared %v, holds %d; want the repository's 2 commits, 4 software",
					sw.Name, fc.Commits, byName, fc.Shared, fc.Holds)
			}
		}
	})
}
