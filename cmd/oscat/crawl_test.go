package main

import (
	"strings"
	"testing"
	"time"
)

func TestCrawl_ShowsProgressAndNeverLogsTokens(t *testing.T) {
	t.Parallel()
	list, srv := localWorld(t)
	host := strings.TrimPrefix(srv.URL, "http://")
	code, out, stderr := oscat(t, "crawl", "--data", t.TempDir(), "--publishers", list, "--allow-private-networks", "--log-level", "debug",
		"--progress", "always", "--forge-token", host+"=sup3r-s3cret", "--forge-token", "github.com=an0ther")
	if code != 0 || !strings.Contains(out, "1 listed") {
		t.Fatalf("exit %d, out %q, stderr %q", code, out, stderr)
	}
	if !strings.Contains(stderr, "2/2 100%") || !strings.Contains(stderr, "[##############################]") {
		t.Errorf("no progress bar in %q", stderr)
	}
	if strings.Contains(stderr+out, "s3cret") || strings.Contains(stderr+out, "an0ther") {
		t.Error("a token was written out")
	}
	code, _, stderr = oscat(t, "crawl", "--data", t.TempDir(), "--publishers", list, "--forge-token", "github.com:sup3r-s3cret")
	if code != 2 || !strings.Contains(stderr, "HOST=VALUE") || strings.Contains(stderr, "s3cret") {
		t.Errorf("a malformed token: exit %d, %q", code, stderr)
	}
}

func TestProgressBar_ShowsDoneTotalRateAndTimeLeft(t *testing.T) {
	t.Parallel()
	p := newProgressBar(nil)
	p.first, p.width = 0, 10
	got := p.line(50, 200, 10*time.Second)
	if got != "[##........] 50/200  25% 5.0/s 30s left" {
		t.Errorf("line = %q", got)
	}
}

func TestServe_RefusesABadSchedule(t *testing.T) {
	t.Parallel()
	code, _, stderr := oscat(t, "serve", "--data", t.TempDir(), "--crawl-schedule", "every tuesday", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(stderr, "--crawl-schedule") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}
