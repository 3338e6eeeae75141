package crawler

import (
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// A host that stops answering, from the start or while the files a valid
// publiccode.yml names are read, fails the repository with the reason: it never
// leaves findings on the file (such as "logo could not be read") that say
// nothing about it.
func TestRun_ATimeoutWhileReadingFailsTheRepositoryWithoutFindings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		after int64 // fetches answered before the host stops answering
		asked int64 // fetches asked for, the held one included
	}{
		{"from the start", 0, 0},                   // even the refs are held
		{"while reading the files it names", 2, 3}, // the trees and the publiccode.yml come; the logo does not
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, srv := localforge.StartTest(t)
			_, err := f.Push("o", "app", localforge.Commit{Files: map[string][]byte{
				"publiccode.yml": fileWithMedia("App", "https://example.org/o/app"),
				"docs/logo.png":  pngImage(t, 160, 160), "docs/shot.png": pngImage(t, 320, 200)}})
			must(t, err)
			srv.Hold(tc.after)
			store := openStore(t)
			must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "o", Name: "O",
				CodeHosting: []catalogue.CodeHosting{{URL: srv.RepoURL("o", "app")}}}}))
			opts := testOptions()
			// The held request never ends: any timeout expires. It must only leave
			// the unheld fetches (a few kilobytes on loopback) time to be answered.
			opts.Fetch.Timeout = 5 * time.Second
			runCrawl(t, New(store, opts))

			r := repoByName(t, store)["app"]
			if r.Status != catalogue.StatusFailed || !strings.Contains(r.Reason, "--repo-timeout") || len(r.Findings) != 0 {
				t.Errorf("status %s, reason %q, findings %v: want failed for the timeout, no findings", r.Status, r.Reason, r.Findings)
			}
			if got := srv.Packs(); got != tc.asked {
				t.Errorf("%d fetches asked for, want %d (the crawl did not reach the held request)", got, tc.asked)
			}
			list, _, err := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 10})
			must(t, err)
			if len(list) != 0 {
				t.Errorf("a repository that timed out is listed: %+v", list)
			}
		})
	}
}
