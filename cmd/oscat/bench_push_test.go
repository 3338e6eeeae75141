package main

import (
	"bytes"
	"os/exec"
	"regexp"
	"testing"

	"github.com/oscat-eu/oscat/crawler/localforge"
)

// The whole way of a push, as the bench takes it: a commit on a forge on
// loopback, Gitea's signed webhook to /hooks/gitea, the crawl it queues, the
// index following the store, and the fixed entry found through the search API.
func TestBenchPush_APushShowsInSearch(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip(localforge.ErrNoGit)
	}
	var out, errs bytes.Buffer
	if code := run(t.Context(), []string{"bench", "push", "--pushes", "3", "--index-follow", "100ms", "--dir", t.TempDir()}, nil, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errs.String())
	}
	if !regexp.MustCompile(`push to updated entry in search, 3 pushes .*: p50 [0-9.]+ ms, p95 [0-9.]+ ms`).Match(out.Bytes()) {
		t.Errorf("the bench prints:\n%s", out.String())
	}
	if code := run(t.Context(), []string{"bench", "push", "--pushes", "0"}, nil, &out, &errs); code != 2 {
		t.Errorf("--pushes 0: exit %d, want 2", code)
	}
}
