package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/mail"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

// heldWorld is resumeWorld's forge, which stops answering after a few
// fetches, so that a crawl of it is caught midway until srv.Release; it
// returns the publishers list.
func heldWorld(t *testing.T, n int) (string, *localforge.Server) {
	t.Helper()
	srv, list := resumeWorld(t, n)
	srv.Hold(5)
	t.Cleanup(srv.Release)
	return list, srv
}

func TestBackup_TakenDuringACrawlRestoresAndServesTheSameEntries(t *testing.T) {
	t.Parallel()
	const n = 40
	list, srv := heldWorld(t, n)
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	crawled := make(chan int, 1)
	var crawlOut, crawlErr bytes.Buffer
	go func() {
		crawled <- run(ctx, []string{"crawl", "--data", data, "--publishers", list, "--allow-private-networks", "--workers", "2", "--log-level", "error"},
			strings.NewReader(""), &crawlOut, &crawlErr)
	}()
	live, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	instanceID, err := live.InstanceID(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := (mail.Outbox{Dir: filepath.Join(data, "outbox"), From: "oscat@example.org"}).Send(ctx, catalogue.Mail{To: "it@stad.example", Subject: "Welkom", Text: "Hallo"}); err != nil {
		t.Fatal(err)
	}
	waitMidCrawl(t, ctx, live, srv, crawled, &crawlErr)
	backups := t.TempDir()
	mid := filepath.Join(backups, "mid.tar.gz")
	if code, out, stderr := oscat(t, "backup", "--data", data, mid); code != 0 || !strings.Contains(out, "instance ID "+instanceID) || !strings.Contains(out, "1 mails") {
		t.Fatalf("backup during the crawl: exit %d, %q %q", code, out, stderr)
	}
	srv.Release()
	if code := <-crawled; code != 0 {
		t.Fatalf("the crawl failed: exit %d, %s", code, crawlErr.String())
	}

	checkMidCrawlRestore(t, ctx, mid, live, instanceID, n)
	checkFinishedRestore(t, data, backups, mid, n)
}

// waitMidCrawl waits until the crawl has recorded a repository and the forge
// holds a fetch back: the moment to take a backup midway.
func waitMidCrawl(t *testing.T, ctx context.Context, live *sqlstore.Store, srv *localforge.Server, crawled <-chan int, crawlErr *bytes.Buffer) {
	t.Helper()
	for {
		run, err := live.ActiveCrawlRun(ctx)
		if err == nil && run.Seen() >= 1 && srv.Held() > 0 {
			return
		}
		select {
		case code := <-crawled:
			t.Fatalf("the crawl ended (exit %d) before a backup could be taken midway: %s", code, crawlErr.String())
		case <-ctx.Done():
			t.Fatal("the crawl made no progress")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// checkMidCrawlRestore restores the backup mid, taken during a crawl of n
// repositories, and checks it against the live catalogue.
func checkMidCrawlRestore(t *testing.T, ctx context.Context, mid string, live *sqlstore.Store, instanceID string, n int) {
	t.Helper()
	// The mid-crawl backup is the catalogue of one moment: entries crawled so far,
	// each as it was, the run unfinished, the instance ID kept.
	early := t.TempDir()
	code, out, stderr := oscat(t, "restore", mid, "--data", early)
	if code != 0 || !strings.Contains(out, "instance ID "+instanceID) {
		t.Fatalf("restore: exit %d, %q %q", code, out, stderr)
	}
	restored := openData(t, early)
	got := softwareByID(t, restored)
	want := softwareByID(t, live)
	if len(got) == 0 || len(got) >= n || len(want) != n {
		t.Fatalf("restored %d entries of a crawl of %d caught midway (the live catalogue has %d)", len(got), n, len(want))
	}
	for id, name := range got {
		if want[id] != name {
			t.Errorf("restored %s %q, the live catalogue has %q", id, name, want[id])
		}
	}
	if run, err := restored.ActiveCrawlRun(ctx); err != nil || run.FinishedAt != nil {
		t.Errorf("the restored catalogue's crawl: %+v, %v; want the unfinished run", run, err)
	}
	if id, err := restored.InstanceID(ctx, ""); err != nil || id != instanceID {
		t.Errorf("restored instance ID %q (%v), want %q", id, err, instanceID)
	}
	restored.Close()
	earlyServed := startInstance(t, early, "127.0.0.1:0")
	if ids := searchIDs(t, earlyServed, ""); len(ids) != len(got) {
		t.Errorf("the restored catalogue serves %d entries, its store holds %d", len(ids), len(got))
	}
	earlyServed.stop()
}

// checkFinishedRestore backs up the finished crawl in data, restores it and
// compares what both serve; then restores mid into the served copy, which is refused.
func checkFinishedRestore(t *testing.T, data, backups, mid string, n int) {
	t.Helper()
	// A backup of the finished crawl, restored, serves what the original serves.
	end := filepath.Join(backups, "end.tar.gz")
	if code, out, stderr := oscat(t, "backup", end, "--data", data); code != 0 {
		t.Fatalf("backup: exit %d, %q %q", code, out, stderr)
	}
	copyDir := t.TempDir()
	if code, out, stderr := oscat(t, "restore", "--data", copyDir, end); code != 0 {
		t.Fatalf("restore: exit %d, %q %q", code, out, stderr)
	}
	mails, _ := filepath.Glob(filepath.Join(copyDir, "outbox", "*.eml"))
	if len(mails) != 1 {
		t.Errorf("%d mails restored into the outbox, want 1", len(mails))
	}
	original := startInstance(t, data, "127.0.0.1:0")
	copied := startInstance(t, copyDir, "127.0.0.1:0")
	for _, q := range []string{"", "parkeren", "app07", "App app1*"} {
		a, b := searchIDs(t, original, q), searchIDs(t, copied, q)
		if len(a) == 0 && q != "App app1*" || !reflect.DeepEqual(a, b) {
			t.Errorf("search %q: the original serves %v, the restored copy %v", q, a, b)
		}
	}
	if !reflect.DeepEqual(original.software(t), copied.software(t)) {
		t.Error("the restored copy's API lists other entries than the original's")
	}

	// A data directory a running process uses is refused, and left as it was.
	code, _, stderr := oscat(t, "restore", "--data", copyDir, mid)
	if code != 1 || !strings.Contains(stderr, "in use by a running oscat process") {
		t.Errorf("restore into a served data directory: exit %d, %q", code, stderr)
	}
	if ids := searchIDs(t, copied, ""); len(ids) != n {
		t.Errorf("after the refused restore the copy serves %d entries, want %d", len(ids), n)
	}
}

func TestRestore_RefusesWhatIsNotABackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bogus := filepath.Join(dir, "notes.tar.gz")
	if err := os.WriteFile(bogus, []byte("not a backup"), 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	code, _, stderr := oscat(t, "restore", "--data", data, bogus)
	if code != 1 || !strings.Contains(stderr, "not an oscat backup") {
		t.Errorf("exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(data, "oscat.db")); err == nil {
		t.Error("a refused restore left a catalogue behind")
	}
	for _, args := range [][]string{
		{"backup", "--data", t.TempDir(), filepath.Join(dir, "x.tar.gz")},
		{"backup", "--data", data},
		{"backup", "--postgres", "postgres://127.0.0.1/x", filepath.Join(dir, "x.tar.gz")},
		{"restore", "--postgres", "postgres://127.0.0.1/x", bogus},
	} {
		if code, _, stderr := oscat(t, args...); code != 2 {
			t.Errorf("oscat %v: exit %d, %q; want a usage error", args, code, stderr)
		}
	}
}

func openData(t *testing.T, data string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// softwareByID maps every software entry in a store to its name.
func softwareByID(t *testing.T, s *sqlstore.Store) map[string]string {
	t.Helper()
	list, _, err := s.ListSoftware(t.Context(), "", catalogue.Page{Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, sw := range list {
		out[sw.ID] = sw.Name
	}
	return out
}

// searchIDs returns the ids an instance's API answers for a search, in order.
func searchIDs(t *testing.T, in *instance, q string) []string {
	t.Helper()
	resp, err := http.Get(in.url + "/api/v1/software?page[size]=100&q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range page.Data {
		ids = append(ids, d.ID)
	}
	return ids
}
