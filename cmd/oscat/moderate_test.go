package main

import (
	"strings"
	"testing"
)

func TestModerate_BlocksAndHidesWithAReason(t *testing.T) {
	t.Parallel()
	list, srv := localWorld(t)
	data := t.TempDir()
	repo := srv.RepoURL("stad", "vergaderingen")
	if code, out, stderr := oscat(t, "crawl", "--data", data, "--publishers", list, "--allow-private-networks", "--log-level", "error"); code != 0 || !strings.Contains(out, "1 listed") {
		t.Fatalf("crawl: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := oscat(t, "moderate", "block", "--data", data, repo); code != 1 || !strings.Contains(stderr, "give a reason") {
		t.Errorf("block without a reason: %d %q", code, stderr)
	}
	if code, out, stderr := oscat(t, "moderate", "block", "--data", data, "--reason", "not ours", repo); code != 0 || !strings.Contains(out, "done") {
		t.Fatalf("block: %d %q %q", code, out, stderr)
	}
	code, out, _ := oscat(t, "crawl", "--data", data, "--allow-private-networks", "--log-level", "error")
	if code != 0 || !strings.Contains(out, "0 listed") {
		t.Errorf("a crawl after blocking: %d %q", code, out)
	}
	if code, out, _ := oscat(t, "moderate", "blocklist", "--data", data); code != 0 || !strings.Contains(out, "not ours") {
		t.Errorf("blocklist: %d %q", code, out)
	}
	if code, _, _ := oscat(t, "moderate", "unblock", "--data", data, repo); code != 0 {
		t.Errorf("unblock: %d", code)
	}
	if code, out, _ := oscat(t, "crawl", "--data", data, "--allow-private-networks", "--log-level", "error"); code != 0 || !strings.Contains(out, "1 listed") {
		t.Errorf("a crawl after unblocking: %d %q", code, out)
	}
	if code, _, stderr := oscat(t, "moderate", "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown action") {
		t.Errorf("unknown action: %d %q", code, stderr)
	}
}
