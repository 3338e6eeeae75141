package crawler

import (
	"slices"
	"strings"
	"testing"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// noURL is file without its url.
func noURL(name string) []byte {
	return []byte(strings.Replace(string(file(name, "x")), "url: x\n", "", 1))
}

// monorepoWorld serves stad/mono with files and crawls it once.
func monorepoWorld(t *testing.T, open func() *sqlstore.Store, files map[string][]byte) (*localforge.Forge, *localforge.Server, *sqlstore.Store, *Crawler) {
	t.Helper()
	f, srv := startServer(t)
	must(t, f.AddOwner("stad", localforge.Org))
	push(t, f, "stad", "mono", files)
	store := open()
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "stad", Name: "Stad",
		CodeHosting: []catalogue.CodeHosting{{URL: srv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}}}}))
	opts := testOptions()
	opts.Fetch.CacheDir = t.TempDir()
	c := New(store, opts)
	runCrawl(t, c)
	return f, srv, store, c
}

func listedURLs(t *testing.T, store *sqlstore.Store) []string {
	t.Helper()
	list, _, err := store.ListSoftware(t.Context(), "stad", catalogue.Page{Size: 100})
	must(t, err)
	var out []string
	for _, sw := range list {
		out = append(out, sw.URL)
	}
	slices.Sort(out)
	return out
}

func TestMonorepo_ThreeAppsAreThreeSoftwareAndTheFixtureIsIgnored(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		logo := pngImage(t, 160, 160)
		aFile := strings.Replace(string(noURL("Permits")), "platforms:", "logo: logo.png\nplatforms:", 1)
		var repo string
		files := func(withC bool) map[string][]byte {
			m := map[string][]byte{
				"README.md":                     []byte("three apps"),
				"apps/permits/publiccode.yml":   []byte(aFile),
				"apps/permits/logo.png":         logo,
				"apps/parking/publiccode.yaml":  file("Parking", "REPO/src/branch/main/apps/parking"),
				"tests/fixtures/publiccode.yml": file("Fixture", "https://example.org/fixture"),
				".github/publiccode.yml":        file("Hidden", "https://example.org/hidden"),
			}
			if withC {
				m["apps/waste/publiccode.yml"] = []byte(strings.Replace(string(file("Waste", "https://example.org/waste")), "platforms:", "logo: ../../secret.png\nplatforms:", 1))
				m["secret.png"] = logo
			}
			return m
		}
		// The parking app's url names its folder in this repository, in Gitea's form.
		f, srv := startServer(t)
		must(t, f.AddOwner("stad", localforge.Org))
		repo = srv.URL + "/stad/mono"
		m := files(true)
		m["apps/parking/publiccode.yaml"] = []byte(strings.ReplaceAll(string(m["apps/parking/publiccode.yaml"]), "REPO", repo))
		push(t, f, "stad", "mono", m)
		store := open()
		must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "stad", Name: "Stad",
			CodeHosting: []catalogue.CodeHosting{{URL: srv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}}}}))
		opts := testOptions()
		opts.Fetch.CacheDir = t.TempDir()
		c := New(store, opts)
		runCrawl(t, c)

		permits := repo + "/tree/main/apps/permits"
		parking := repo + "/src/branch/main/apps/parking"
		want := []string{"https://example.org/waste", parking, permits}
		slices.Sort(want)
		if got := listedURLs(t, store); !slices.Equal(got, want) {
			t.Fatalf("listed %q, want the three apps %q", got, want)
		}
		parent, err := store.Repository(t.Context(), repo+".git")
		must(t, err)
		if parent.Status != catalogue.StatusNoPubliccode || !strings.Contains(parent.Reason, "3 in subfolders") {
			t.Errorf("the repository: %s %q", parent.Status, parent.Reason)
		}
		recorded, err := store.RepositoryFiles(t.Context(), []string{repo})
		must(t, err)
		var paths []string
		for _, rf := range recorded[repo] {
			paths = append(paths, rf.Path+" "+string(rf.Outcome))
		}
		if !slices.Equal(paths, []string{"apps/parking/publiccode.yaml new", "apps/permits/publiccode.yml invalid", "apps/waste/publiccode.yml invalid"}) {
			t.Errorf("the repository's files: %q", paths)
		}
		// Relative paths resolve from the file's folder, never outside it.
		app, err := store.Repository(t.Context(), permits)
		must(t, err)
		// Its file has no url (an error of the standard's), and is listed under its folder's address.
		var errs []string
		for _, f := range app.Findings {
			if f.Severity == publiccode.SeverityError {
				errs = append(errs, f.Key)
			}
		}
		if !slices.Equal(errs, []string{"url"}) {
			t.Errorf("the permits app's findings: %+v", app.Findings)
		}
		if app.Role != catalogue.RoleOrigin || len(app.Media) != 1 || app.Media[0].Path != "apps/permits/logo.png" || app.Activity == nil {
			t.Errorf("the permits app: role %q, media %+v, activity %v", app.Role, app.Media, app.Activity)
		}
		waste, err := store.Repository(t.Context(), parking[:len(repo)]+"/tree/main/apps/waste")
		must(t, err)
		if len(waste.Media) != 0 || !slices.ContainsFunc(waste.Findings, func(f publiccode.Finding) bool { return f.Key == "logo" && f.Code == "file-missing" }) {
			t.Errorf("a logo outside the file's folder: media %+v, findings %+v", waste.Media, waste.Findings)
		}
		if waste.Role != catalogue.RoleMirror {
			t.Errorf("an app whose url names another place: role %q", waste.Role)
		}

		// Crawl now on an app crawls its repository; a file removed takes its app out.
		push(t, f, "stad", "mono", func() map[string][]byte {
			m := files(false)
			m["apps/parking/publiccode.yaml"] = []byte(strings.ReplaceAll(string(m["apps/parking/publiccode.yaml"]), "REPO", repo))
			return m
		}())
		must(t, c.CrawlNow(t.Context(), permits))
		jobs, err := store.ClaimJobs(t.Context(), catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{KindRepo}, Limit: 10})
		must(t, err)
		if len(jobs) != 1 || jobs[0].Key != repo {
			t.Fatalf("crawl now on an app queued %+v, want its repository", jobs)
		}
		must(t, c.handleRepo(t.Context(), jobs[0]))
		want = []string{parking, permits}
		slices.Sort(want)
		if got := listedURLs(t, store); !slices.Equal(got, want) {
			t.Errorf("after the waste app's file went: listed %q", got)
		}
	})
}

func TestMonorepo_TwoFilesWithOneURLAreOneSoftware(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		_, srv, store, _ := monorepoWorld(t, open, map[string][]byte{
			"publiccode.yml":                 file("Suite", "https://example.org/suite"),
			"apps/booking/publiccode.yml":    file("Booking", "https://example.org/booking"),
			"apps/booking/v2/publiccode.yml": file("Booking 2", "https://example.org/booking"),
			"apps/other/publiccode.yml":      file("Suite again", "https://example.org/suite"),
		})
		if got := listedURLs(t, store); !slices.Equal(got, []string{"https://example.org/booking", "https://example.org/suite"}) {
			t.Fatalf("listed %q", got)
		}
		repo := srv.URL + "/stad/mono"
		recorded, err := store.RepositoryFiles(t.Context(), []string{repo})
		must(t, err)
		outcomes := map[string]catalogue.RepoFile{}
		for _, rf := range recorded[repo] {
			outcomes[rf.Path] = rf
		}
		for p, first := range map[string]string{"apps/booking/v2/publiccode.yml": "apps/booking/publiccode.yml", "apps/other/publiccode.yml": "publiccode.yml"} {
			if rf := outcomes[p]; rf.Outcome != catalogue.StatusDuplicate || !strings.Contains(rf.Reason, "another file of this repository describes the same software: "+first) {
				t.Errorf("%s: %+v", p, rf)
			}
		}
		list, _, err := store.ListSoftware(t.Context(), "stad", catalogue.Page{Size: 10})
		must(t, err)
		for _, sw := range list {
			if sw.URL == "https://example.org/booking" && sw.Name != "Booking" {
				t.Errorf("the booking software is named %q: the shallowest file wins", sw.Name)
			}
		}
	})
}
