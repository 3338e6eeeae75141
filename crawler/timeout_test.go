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
			// The held request never ends, so any timeout expires; it only has to
			// leave the fetches before it (a few kilobytes on loopback) time to be
			// answered. On a machine too busy for that, the crawl times out before
			// the held request: the outcome must be the same, and the test tries
			// again with twice the time, up to a generous bound.
			for timeout := 2 * time.Second; ; timeout *= 2 {
				srv.Hold(tc.after)
				before := srv.Packs()
				store := openStore(t)
				must(t, store.SyncPublishers(t.Context(), []catalogue.Publisher{{ID: "o", Name: "O",
					CodeHosting: []catalogue.CodeHosting{{URL: srv.RepoURL("o", "app")}}}}))
				opts := testOptions()
				opts.Fetch.Timeout = timeout
				runCrawl(t, New(store, opts))

				r := repoByName(t, store)["app"]
				if r.Status != catalogue.StatusFailed || !strings.Contains(r.Reason, "--repo-timeout") || len(r.Findings) != 0 {
					t.Fatalf("status %s, reason %q, findings %v: want failed for the timeout, no findings", r.Status, r.Reason, r.Findings)
				}
				list, _, err := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 10})
				must(t, err)
				if len(list) != 0 {
					t.Fatalf("a repository that timed out is listed: %+v", list)
				}
				got := srv.Packs() - before
				if got == tc.asked {
					return
				}
				if timeout >= time.Minute {
					t.Fatalf("%d fetches asked for, want %d: the crawl never reached the held request", got, tc.asked)
				}
			}
		})
	}
}
