package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler/localforge"
)

func TestCrawl_ResumesAfterKill9(t *testing.T) {
	t.Parallel()
	const n = 30
	srv, list := resumeWorld(t, n)
	// The forge stops answering after a dozen fetches (a few repositories' worth),
	// so that the crawl is killed in its middle however fast the machine is.
	srv.Hold(12)
	data := t.TempDir()
	args := []string{"crawl", "--data", data, "--publishers", list, "--allow-private-networks", "--workers", "3", "--job-lease", "2s", "--log-level", "error"}
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperOscatNode$")
	cmd.Env = append(os.Environ(), "OSCAT_TEST_NODE_ARGS="+string(raw))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	// Kill it once some repositories are recorded and it waits for the forge.
	first := waitToKill(t, store, srv, cmd)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	srv.Release()
	killedAt, _ := store.CrawlRun(t.Context(), first.ID)
	if killedAt.FinishedAt != nil || killedAt.Seen() >= n {
		t.Fatalf("the crawl ended before it was killed: %+v", killedAt)
	}

	code, out, stderr := oscat(t, args...)
	if code != 0 {
		t.Fatalf("resumed crawl: exit %d, %s %s", code, out, stderr)
	}
	done, err := store.CrawlRun(t.Context(), first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.FinishedAt == nil || done.Seen() != n || done.Listed != n || !strings.Contains(out, fmt.Sprintf("crawl %d: %d repositories seen, %d listed", first.ID, n, n)) {
		t.Fatalf("the killed run was not resumed to its end: %+v, out %q", done, out)
	}
	repos, _, err := store.Repositories(t.Context(), catalogue.RepositoryFilter{}, catalogue.Page{Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != n {
		t.Errorf("%d repositories recorded, want %d", len(repos), n)
	}
	for _, r := range repos {
		hist, err := store.RepositoryHistory(t.Context(), r.URL)
		if err != nil || len(hist) != 1 || hist[0].RunID != first.ID {
			t.Errorf("%s: history %+v, %v (want one crawl, in the resumed run)", r.URL, hist, err)
		}
	}
	if left, _ := store.Jobs(t.Context(), "", "", 100); len(left) != 0 {
		t.Errorf("jobs left behind: %+v", left)
	}
}

// resumeWorld is a forge with n listable repositories of the organisation
// stad (each named "App appNN parkeren"), and a publishers list naming it.
func resumeWorld(t *testing.T, n int) (*localforge.Server, string) {
	t.Helper()
	f, srv := localforge.StartTest(t)
	if err := f.AddOwner("stad", localforge.Org); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		name := fmt.Sprintf("app%02d", i)
		if _, err := f.Push("stad", name, localforge.Commit{Files: map[string][]byte{
			"publiccode.yml": []byte("publiccodeYmlVersion: \"0\"\nname: App " + name + " parkeren\nurl: https://example.org/stad/" + name + "\n")}}); err != nil {
			t.Fatal(err)
		}
	}
	list := filepath.Join(t.TempDir(), "publishers.yml")
	if err := os.WriteFile(list, []byte(fmt.Sprintf("- id: stad\n  name: Stad\n  codeHosting:\n    - {url: %q, group: true, type: gitea}\n", srv.URL+"/stad")), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, list
}

// waitToKill waits until the crawl cmd runs has recorded a repository and the
// forge holds a fetch back, and returns the run; it kills cmd if that takes
// more than a generous bound.
func waitToKill(t *testing.T, store *sqlstore.Store, srv *localforge.Server, cmd *exec.Cmd) catalogue.CrawlRun {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // a generous bound
	for {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("the crawl made no progress to kill")
		}
		run, err := store.ActiveCrawlRun(t.Context())
		if err == nil && run.Seen() >= 1 && srv.Held() > 0 {
			return run
		}
		time.Sleep(20 * time.Millisecond)
	}
}
