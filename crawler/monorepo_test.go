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

// monorepoWorld serves stad/mono with files and crawls it once. REPO in a
// file stands for the repository's URL.
func monorepoWorld(t *testing.T, open func() *sqlstore.Store, files map[string][]byte) (*localforge.Forge, *localforge.Server, *sqlstore.Store, *Crawler) {
	t.Helper()
	return monorepoCommit(t, open, localforge.Commit{Files: files})
}

// monorepoCommit is monorepoWorld for a commit of files and links.
func monorepoCommit(t *testing.T, open func() *sqlstore.Store, commit localforge.Commit) (*localforge.Forge, *localforge.Server, *sqlstore.Store, *Crawler) {
	t.Helper()
	f, srv := startServer(t)
	must(t, f.AddOwner("stad", localforge.Org))
	commit.Files = withRepo(commit.Files, srv.URL+"/stad/mono")
	if _, err := f.Push("stad", "mono", commit); err != nil {
		t.Fatal(err)
	}
	store := open()
	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "stad", Name: "Stad", EmailDomains: []string{"stad.example"},
		CodeHosting: []catalogue.CodeHosting{{URL: srv.URL + "/stad", Group: true, Type: catalogue.HostingGitea}}}}))
	opts := testOptions()
	opts.Fetch.CacheDir = t.TempDir()
	c := New(store, opts)
	runCrawl(t, c)
	return f, srv, store, c
}

// withRepo is files with REPO replaced by the repository's URL.
func withRepo(files map[string][]byte, repo string) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for p, data := range files {
		out[p] = []byte(strings.ReplaceAll(string(data), "REPO", repo))
	}
	return out
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

// withLogo is a publiccode file with a logo line.
func withLogo(data []byte, logo string) []byte {
	return []byte(strings.Replace(string(data), "platforms:", "logo: "+logo+"\nplatforms:", 1))
}

// threeApps is a repository of three apps (permits without a url, parking with
// its folder's address in Gitea's form, waste with a url elsewhere and a logo
// outside the repository), a test fixture and a dot-folder's file; withWaste
// false leaves the waste app out.
func threeApps(t *testing.T, withWaste bool) map[string][]byte {
	logo := pngImage(t, 160, 160)
	m := map[string][]byte{
		"README.md":                     []byte("three apps"),
		"apps/permits/publiccode.yml":   withLogo(noURL("Permits"), "logo.png"),
		"apps/permits/logo.png":         logo,
		"apps/parking/publiccode.yaml":  file("Parking", "REPO/src/branch/main/apps/parking"),
		"tests/fixtures/publiccode.yml": file("Fixture", "https://example.org/fixture"),
		".github/publiccode.yml":        file("Hidden", "https://example.org/hidden"),
	}
	if withWaste {
		m["apps/waste/publiccode.yml"] = withLogo(file("Waste", "https://example.org/waste"), "../../../secret.png")
		m["secret.png"] = logo
	}
	return m
}

func TestMonorepo_ThreeAppsAreThreeSoftwareAndTheFixtureIsIgnored(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		f, srv, store, c := monorepoWorld(t, open, threeApps(t, true))
		repo := srv.URL + "/stad/mono"
		permits := repo + "/tree/main/apps/permits"
		parking := repo + "/src/branch/main/apps/parking"
		want := []string{"https://example.org/waste", parking, permits}
		slices.Sort(want)
		if got := listedURLs(t, store); !slices.Equal(got, want) {
			t.Fatalf("listed %q, want the three apps %q", got, want)
		}
		checkThreeApps(t, store, repo)

		// Crawl now on an app crawls its repository; a file removed takes its app out.
		push(t, f, "stad", "mono", withRepo(threeApps(t, false), repo))
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

// checkThreeApps checks the repository of threeApps after its crawl: its
// status and files, and what each app got.
func checkThreeApps(t *testing.T, store *sqlstore.Store, repo string) {
	t.Helper()
	parent, err := store.Repository(t.Context(), repo+".git")
	must(t, err)
	if parent.Status != catalogue.StatusNoPubliccode || !strings.Contains(parent.Reason, "3 in subfolders") {
		t.Errorf("the repository: %s %q", parent.Status, parent.Reason)
	}
	if parent.Branch != "main" {
		t.Errorf("the repository's crawled branch is %q, want main (a Bitbucket push is compared with it)", parent.Branch)
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
	app, err := store.Repository(t.Context(), repo+"/tree/main/apps/permits")
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
	// Relative paths resolve from the file's folder.
	if app.Role != catalogue.RoleOrigin || len(app.Media) != 1 || app.Media[0].Path != "apps/permits/logo.png" || app.Activity == nil {
		t.Errorf("the permits app: role %q, media %+v, activity %v", app.Role, app.Media, app.Activity)
	}
	waste, err := store.Repository(t.Context(), repo+"/tree/main/apps/waste")
	must(t, err)
	if len(waste.Media) != 0 || !hasFinding(waste.Findings, "logo", "file-missing") {
		t.Errorf("a logo outside the repository: media %+v, findings %+v", waste.Media, waste.Findings)
	}
	if waste.Role != catalogue.RoleMirror {
		t.Errorf("an app whose url names another place: role %q", waste.Role)
	}
}

func hasFinding(findings []publiccode.Finding, key, code string) bool {
	return slices.ContainsFunc(findings, func(f publiccode.Finding) bool { return f.Key == key && f.Code == code })
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

func TestMonorepo_RelativePathsResolveFromTheFilesFolderAndStayInTheRepository(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		logo := pngImage(t, 160, 160)
		app := func(name, logo string) []byte { return withLogo(file(name, "https://example.org/"+name), logo) }
		_, srv, store, _ := monorepoCommit(t, open, localforge.Commit{
			Files: map[string][]byte{
				"publiccode.yml":              app("root", "assets/a.png"),
				"assets/a.png":                logo,
				"apps/up/publiccode.yml":      app("up", "../../assets/a.png"),
				"apps/out/publiccode.yml":     app("out", "../../../x.png"),
				"apps/abs/publiccode.yml":     app("abs", "/assets/a.png"),
				"apps/in/publiccode.yml":      app("in", "./img/../../../assets/a.png"),
				"apps/linked/publiccode.yml":  app("linked", "logo.png"),
				"apps/escapes/publiccode.yml": app("escapes", "logo.png"),
			},
			Links: map[string]string{
				"apps/linked/logo.png":  "../../assets/a.png",
				"apps/escapes/logo.png": "../../../outside.png",
			},
		})
		repo := srv.URL + "/stad/mono"
		for _, tc := range []struct {
			app, media, finding string // media: the path of the logo kept; finding: the code of the logo's finding
		}{
			{"", "assets/a.png", ""},
			{"up", "assets/a.png", ""},
			{"in", "assets/a.png", ""},
			{"linked", "apps/linked/logo.png", ""}, // the link is followed inside the repository
			{"out", "", "file-missing: logo points outside the repository"},
			{"abs", "", "absolute-path"},
			{"escapes", "", "file-missing"},
		} {
			url := repo + ".git"
			if tc.app != "" {
				url = repo + "/tree/main/apps/" + tc.app
			}
			r, err := store.Repository(t.Context(), url)
			must(t, err)
			var media []string
			for _, m := range r.Media {
				media = append(media, m.Path)
			}
			if tc.media != "" && !slices.Equal(media, []string{tc.media}) || tc.media == "" && len(media) != 0 {
				t.Errorf("%q: media %q, want %q", tc.app, media, tc.media)
			}
			var logoFindings []string
			for _, f := range r.Findings {
				if f.Key == "logo" {
					logoFindings = append(logoFindings, f.Code+": "+f.Message)
				}
			}
			if tc.finding == "" && len(logoFindings) != 0 || tc.finding != "" && (len(logoFindings) != 1 || !strings.HasPrefix(logoFindings[0], tc.finding)) {
				t.Errorf("%q: the logo's findings %q, want %q", tc.app, logoFindings, tc.finding)
			}
		}
	})
}
