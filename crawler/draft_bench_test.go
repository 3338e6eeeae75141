package crawler

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/codefacts"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// BenchmarkDraft measures what POST /api/v1/drafts does for a repository the
// catalogue crawled (read its code entry, draft, validate) and for one it does
// not (fetch it from a forge on loopback under the crawler's caps, walk its
// tree, classify its licence, read its history, draft, validate). The
// classifier's one-time set-up is done before timing.
//
//	go test ./crawler -run '^$' -bench BenchmarkDraft -benchtime 20x
func BenchmarkDraft(b *testing.B) {
	f, srv := localforge.StartTest(b)
	if err := f.AddOwner("stad", localforge.Org); err != nil {
		b.Fatal(err)
	}
	mit, err := os.ReadFile("codefacts/testdata/licenses/MIT.txt")
	if err != nil {
		b.Fatal(err)
	}
	files := map[string][]byte{"README.md": []byte("# Meldingen\n\nBewoners melden kapotte lantaarnpalen en volgen wat de gemeente ermee doet.\n"), "LICENSE": mit}
	for i := range 300 {
		files[fmt.Sprintf("app/p%02d/f%d.go", i%30, i)] = []byte("package p\n")
	}
	if _, err := f.Push("stad", "meldingen", localforge.Commit{Files: files, Release: "v1.0.0", When: time.Now().Add(-48 * time.Hour)}); err != nil {
		b.Fatal(err)
	}
	store, err := sqlstore.Open(b.Context(), sqlstore.Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	url := srv.RepoURL("stad", "meldingen")
	if err := store.SyncPublishers(b.Context(), []catalogue.Publisher{{ID: "stad", Name: "Stad", CodeHosting: []catalogue.CodeHosting{{URL: url}}}}); err != nil {
		b.Fatal(err)
	}
	o := testOptions()
	o.Fetch.Timeout = time.Minute
	c := New(store, o)
	if _, err := c.Run(b.Context(), "bench", nil); err != nil {
		b.Fatal(err)
	}
	codefacts.Prepare()

	b.Run("crawled", func(b *testing.B) {
		for b.Loop() {
			e, err := store.CodeEntryByURL(b.Context(), url)
			if err != nil {
				b.Fatal(err)
			}
			if d := catalogue.MakeDraft(catalogue.DraftInputOf(e)); d.PubliccodeYml == "" {
				b.Fatal("empty draft")
			}
		}
	})
	b.Run("uncrawled", func(b *testing.B) {
		for b.Loop() {
			if _, err := c.Draft(b.Context(), url); err != nil {
				b.Fatal(err)
			}
		}
	})
}
