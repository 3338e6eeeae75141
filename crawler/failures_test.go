package crawler

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// startServer serves a fresh forge.
func startServer(t *testing.T) (*localforge.Forge, *localforge.Server) {
	t.Helper()
	return localforge.StartTest(t)
}

// file is a valid publiccode.yml (of an older version, as many are).
func file(name, url string) []byte {
	return []byte(fmt.Sprintf(`publiccodeYmlVersion: "0.4"
name: %s
url: %s
platforms: [web]
categories: [online-booking]
developmentStatus: stable
softwareType: standalone/web
description:
  en:
    shortDescription: %s
    longDescription: Residents book appointments online, choose the service and the time, and receive a reminder; staff see the day at a glance and manage the desks of the town hall.
    features: [Online booking]
legal: {license: EUPL-1.2}
maintenance: {type: community, contacts: [{name: Ada}]}
localisation: {localisationReady: true, availableLanguages: [en]}
`, name, url, name))
}

// fileWithMedia is file naming a logo and a screenshot in the repository and a
// screenshot on the web.
func fileWithMedia(name, url string) []byte {
	f := strings.Replace(string(file(name, url)), "platforms:", "logo: docs/logo.png\nplatforms:", 1)
	f = strings.Replace(f, "    features: [Online booking]\n", "    features: [Online booking]\n    screenshots: [docs/shot.png, https://example.org/remote.png]\n", 1)
	return []byte(f)
}

// pngImage is a real PNG of w×h pixels.
func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRun_EveryForgeAndEveryFailureIsRecordedAndNoHostStallsTheOthers(t *testing.T) {
	t.Parallel()
	onBothDatabases(t, func(t *testing.T, open func() *sqlstore.Store) {
		everyFailure(t, open())
	})
}

// failureWorld fills the forge of everyFailure: two cities' apps (one with a
// logo, a screenshot and a release), repositories to delete and rename, one
// over the size cap, and groups nested and of another owner.
func failureWorld(t *testing.T, f *localforge.Forge) (logo, big []byte) {
	must(t, f.AddOwner("city", localforge.Org))
	must(t, f.AddOwner("region", localforge.Org))
	must(t, f.AddOwner("region/maps", localforge.Org))
	must(t, f.AddOwner("ws", localforge.Org))
	root := localforge.Commit{Files: map[string][]byte{"README": []byte("start")}, When: time.Now().AddDate(0, -2, 0), Author: "Ada", Message: "Start"}
	for _, name := range []string{"app", "copy"} {
		_, err := f.Push("city", name, root)
		must(t, err)
	}
	logo, shot := pngImage(t, 160, 160), pngImage(t, 320, 200)
	_, err := f.Push("city", "app", localforge.Commit{Files: map[string][]byte{"publiccode.yml": fileWithMedia("App", "https://example.org/city/app"),
		"docs/logo.png": logo, "docs/shot.png": shot}, Author: "Bob", Release: "v1.0"})
	must(t, err)
	_, err = f.Push("city", "copy", localforge.Commit{Files: map[string][]byte{"publiccode.yml": file("Copy", "https://example.org/city/copy")}, Author: "Cy"})
	must(t, err)
	for _, name := range []string{"doomed", "old-name"} {
		_, err := f.Push("city", name, localforge.Commit{Files: map[string][]byte{"publiccode.yml": file(name, "https://example.org/city/"+name)}})
		must(t, err)
	}
	big = make([]byte, 256<<10)
	for i := range big {
		big[i] = byte(i*7919 + i>>8)
	}
	// Huge even without its blobs: its trees alone are over the cap.
	hugeFiles := map[string][]byte{"publiccode.yml": file("Huge", "https://example.org/city/huge")}
	for i := range 4000 {
		hugeFiles[fmt.Sprintf("d%02d/f%d", i%40, i)] = []byte(fmt.Sprint(i))
	}
	_, err = f.Push("city", "huge", localforge.Commit{Files: hugeFiles})
	must(t, err)
	_, err = f.Push("region/maps", "viewer", localforge.Commit{Files: map[string][]byte{"publiccode.yml": file("Viewer", "https://example.org/region/viewer")}})
	must(t, err)
	_, err = f.Push("ws", "forms", localforge.Commit{Files: map[string][]byte{"publiccode.yml": file("Forms", "https://example.org/ws/forms")}})
	must(t, err)
	return logo, big
}

// checkFirstFailureRun checks everyFailure's first crawl: each repository's
// status, the one hosting failure, and what the app's crawl kept.
func checkFirstFailureRun(t *testing.T, store *sqlstore.Store, sum Summary, logo []byte) {
	t.Helper()
	repos := repoByName(t, store)
	want := map[string]catalogue.RepoStatus{
		"app": catalogue.StatusMirror, "copy": catalogue.StatusMirror, "doomed": catalogue.StatusMirror, "old-name": catalogue.StatusMirror,
		"huge": catalogue.StatusOverCap, "viewer": catalogue.StatusMirror, "forms": catalogue.StatusMirror,
		"slow": catalogue.StatusMirror, "cut": catalogue.StatusFailed,
	}
	for name, st := range want {
		if repos[name].Status != st {
			t.Errorf("%s: %s (%s %v), want %s", name, repos[name].Status, repos[name].Reason, repos[name].Findings, st)
		}
	}
	if len(sum.Run.HostingFailures) != 1 || sum.Run.HostingFailures[0].Publisher != "offline" {
		t.Errorf("hosting failures %+v", sum.Run.HostingFailures)
	}
	app := repos["app"]
	if app.Activity == nil || app.Activity.Commits != 2 || app.Activity.Authors != 2 || len(app.Activity.Releases) != 1 || app.Activity.Score <= 0 {
		t.Errorf("activity %+v", app.Activity)
	}
	if app.RootCommit == "" || app.RootCommit != repos["copy"].RootCommit {
		t.Errorf("app and copy share their root commit: %q %q", app.RootCommit, repos["copy"].RootCommit)
	}
	if len(app.Media) != 2 || app.Media[0].Role != "logo" {
		t.Fatalf("media %+v", app.Media)
	}
	m, err := store.Media(t.Context(), app.Media[0].Hash)
	if err != nil || !bytes.Equal(m.Data, logo) || m.ContentType != "image/png" {
		t.Errorf("logo %+v, %v", m, err)
	}
}

func everyFailure(t *testing.T, store *sqlstore.Store) {
	f, srv := startServer(t)
	logo, big := failureWorld(t, f)
	var err error

	_, down := startServer(t)
	down.SetDown(true)
	slowF, slow := startServer(t)
	_, err = slowF.Push("o", "slow", localforge.Commit{Files: map[string][]byte{"publiccode.yml": file("Slow", "https://example.org/o/slow")}})
	must(t, err)
	slow.Hold(0) // a host that does not answer until every other repository is crawled
	cutF, cut := startServer(t)
	_, err = cutF.Push("o", "cut", localforge.Commit{Files: map[string][]byte{"publiccode.yml": file("Cut", "https://example.org/o/cut"), "data.bin": big}})
	must(t, err)
	cut.SetTruncatePacks(100)

	must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{
		{ID: "city", Name: "City", CodeHosting: []catalogue.CodeHosting{
			{URL: srv.URL + "/city", Group: true, Type: catalogue.HostingGitHub},
			{URL: slow.RepoURL("o", "slow")}, {URL: cut.RepoURL("o", "cut")},
		}},
		{ID: "region", Name: "Region", CodeHosting: []catalogue.CodeHosting{
			{URL: srv.URL + "/region", Group: true, Type: catalogue.HostingGitLab},
			{URL: srv.URL + "/ws", Group: true, Type: catalogue.HostingBitbucket},
		}},
		{ID: "offline", Name: "Offline", CodeHosting: []catalogue.CodeHosting{{URL: down.URL + "/x", Group: true, Type: catalogue.HostingGitea}}},
	}))
	opts := testOptions()
	opts.Fetch.MaxBytes = 64 << 10
	opts.GoneAfter = 2
	// The held host is released once the 8 other repositories are recorded: if it
	// stalled them, it would time out instead (after a generous bound).
	var others atomic.Int32
	opts.OnRepository = func(repoURL string, _ catalogue.RepoStatus) {
		if !strings.HasPrefix(repoURL, slow.URL) && others.Add(1) == 8 {
			slow.Release()
		}
	}
	srv.FailAPI(http.StatusTooManyRequests, time.Second) // the first listing is told to come back in a second
	c := New(store, opts)

	sum := runCrawl(t, c)
	checkFirstFailureRun(t, store, sum, logo)

	// Between runs: one repository is deleted, one renamed; the down host stays down.
	must(t, f.Delete("city", "doomed"))
	must(t, f.Rename("city", "old-name", "new-name"))
	packs := srv.Packs()
	runCrawl(t, c)
	repos := repoByName(t, store)
	if repos["doomed"].Status != catalogue.StatusFailed || repos["old-name"].Status != catalogue.StatusFailed {
		t.Errorf("after one miss: doomed %s, old-name %s", repos["doomed"].Status, repos["old-name"].Status)
	}
	if repos["new-name"].Status != catalogue.StatusMirror || repos["huge"].Status != catalogue.StatusOverCap {
		t.Errorf("renamed %s (%s), huge %s", repos["new-name"].Status, repos["new-name"].Reason, repos["huge"].Status)
	}
	// The renamed repository is new to the crawler: its trees, its publiccode.yml
	// and its history. Nothing else moved, so nothing else is fetched.
	if got := srv.Packs() - packs; got != 3 {
		t.Errorf("the second crawl fetched %d times, want 3 (the renamed repository only)", got)
	}
	runCrawl(t, c)
	repos = repoByName(t, store)
	if repos["doomed"].Status != catalogue.StatusGone || repos["old-name"].Status != catalogue.StatusGone {
		t.Errorf("after two misses: doomed %s, old-name %s", repos["doomed"].Status, repos["old-name"].Status)
	}
	list, _, _ := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 100})
	for _, sw := range list {
		if sw.Name == "doomed" {
			t.Error("a gone repository's software is still listed")
		}
	}
}
