package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/crawler/localforge"
)

// oscat runs the command line as a user would, returning the exit status and output.
func oscat(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRun_UsageErrorsExitWithTwo(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"crawl", "--data", data, "--no-such-flag"}, "flag provided but not defined"},
		{[]string{"crawl", "--data", data, "--publishers", filepath.Join(data, "missing.yml")}, "missing.yml: no such file"},
		{[]string{"crawl", "--data", data}, "no publishers yet"},
		{[]string{"crawl", "--data", data, "--log-level", "loud"}, "--log-level"},
		{[]string{"serve", "--data", data, "--trusted-proxy", "nonsense"}, "--trusted-proxy"},
		{[]string{"index"}, "oscat index rebuild"},
	}
	for _, tt := range tests {
		code, _, stderr := oscat(t, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("oscat %v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

func TestRun_MalformedPublishersListNamesLineAndExitsTwo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "publishers.yml")
	os.WriteFile(path, []byte("- id: a\n  name: A\n- id: a\n  name: B\n"), 0o644)
	code, _, stderr := oscat(t, "crawl", "--data", dir, "--publishers", path)
	if code != 2 || !strings.Contains(stderr, "publishers.yml:3:3") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestParseFlags_FlagsOverrideEnvironmentOverrideConfig(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "oscat.yml")
	os.WriteFile(cfg, []byte("data: /from/config\naddr: 1.2.3.4:1\ntrusted-proxy: [10.0.0.0/8, 192.168.0.0/16]\n"), 0o644)
	env := map[string]string{"OSCAT_DATA": "/from/env", "OSCAT_LOG_LEVEL": "debug"}
	getenv := func(k string) string { return env[k] }

	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, []string{"--config", cfg, "--addr", "127.0.0.1:9"}, getenv); err != nil {
		t.Fatal(err)
	}
	if f.addr != "127.0.0.1:9" || f.data != "/from/env" || f.logLevel != "debug" || len(f.trustedProxies) != 2 {
		t.Errorf("addr %q data %q level %q proxies %v", f.addr, f.data, f.logLevel, f.trustedProxies)
	}

	var g serveFlags
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	g.register(fs)
	if err := parseFlags(fs, []string{"--config", cfg}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if g.data != "/from/config" || g.addr != "1.2.3.4:1" {
		t.Errorf("from config: data %q addr %q", g.data, g.addr)
	}

	os.WriteFile(cfg, []byte("colour: blue\n"), 0o644)
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	(&serveFlags{}).register(fs)
	if err := parseFlags(fs, []string{"--config", cfg}, getenv); !errors.Is(err, errUsage) || !strings.Contains(err.Error(), `"colour"`) {
		t.Errorf("unknown config key: %v", err)
	}
}

// localWorld serves a forge with a listed repository and writes a publishers list
// naming it and an unreachable one.
func localWorld(t *testing.T) (string, *localforge.Server) {
	t.Helper()
	f, srv := localforge.StartTest(t)
	f.AddOwner("stad", localforge.Org)
	f.Push("stad", "vergaderingen", localforge.Commit{Files: map[string][]byte{"publiccode.yml": []byte("publiccodeYmlVersion: \"0\"\nname: Vergaderingen\nurl: https://github.com/stad/vergaderingen\n")}})
	list := fmt.Sprintf("- id: stad\n  name: Stad\n  codeHosting:\n    - {url: %q, group: true, type: gitea}\n    - {url: \"http://127.0.0.1:1/dead/repo.git\"}\n", srv.URL+"/stad")
	path := filepath.Join(t.TempDir(), "publishers.yml")
	if err := os.WriteFile(path, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, srv
}

func TestCrawl_SummarisesAndExitsZeroDespiteFailures(t *testing.T) {
	t.Parallel()
	list, _ := localWorld(t)
	data := t.TempDir()
	code, out, stderr := oscat(t, "crawl", "--data", data, "--publishers", list, "--allow-private-networks", "--log-level", "warn")
	if code != 0 || !strings.Contains(out, "2 repositories seen, 1 listed, 0 without a publiccode file, 1 failed") {
		t.Fatalf("exit %d, out %q, stderr %q", code, out, stderr)
	}
	code, _, _ = oscat(t, "crawl", "--data", data, "--allow-private-networks", "--fail-on-error", "--log-level", "error")
	if code != 1 {
		t.Errorf("--fail-on-error with a failed repository: exit %d, want 1", code)
	}
	// Without --allow-private-networks nothing on loopback is fetched.
	code, out, _ = oscat(t, "crawl", "--data", t.TempDir(), "--publishers", list, "--log-level", "error")
	if code != 0 || !strings.Contains(out, "0 listed") {
		t.Errorf("loopback refused: exit %d, out %q", code, out)
	}
}

func TestServe_ServesTheCrawledCatalogueAndStopsGracefully(t *testing.T) {
	t.Parallel()
	list, _ := localWorld(t)
	data := t.TempDir()
	if code, _, stderr := oscat(t, "crawl", "--data", data, "--publishers", list, "--allow-private-networks", "--log-level", "error"); code != 0 {
		t.Fatalf("crawl: %s", stderr)
	}
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan string, 1)
	errc := make(chan error, 1)
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, []string{"--data", data, "--addr", "127.0.0.1:0", "--log-level", "error"}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	go func() { errc <- serve(ctx, f, &bytes.Buffer{}, func(a string) { addrc <- a }) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-errc:
		t.Fatal(err)
	case <-time.After(2 * time.Minute): // a generous bound
		t.Fatal("serve did not start")
	}
	resp, err := http.Get("http://" + addr + "/api/v1/software?q=vergaderingen")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if !strings.Contains(body.String(), `"name":"Vergaderingen"`) {
		t.Errorf("search result = %s", body.String())
	}

	// While it serves, a rebuild builds a new index and leaves the swap to it.
	code, out, stderr := oscat(t, "index", "rebuild", "--data", data, "--log-level", "error")
	if code != 0 || !strings.Contains(out, "running server switches") {
		t.Errorf("index rebuild while serving: %d %q %q", code, out, stderr)
	}

	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("serve ended with %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop")
	}
	code, out, _ = oscat(t, "index", "rebuild", "--data", data, "--log-level", "error")
	if code != 0 || strings.Contains(out, "switches") {
		t.Errorf("index rebuild without a server: %d %q", code, out)
	}
	entries, _ := os.ReadDir(filepath.Join(data, "search"))
	folders := 0
	for _, e := range entries {
		if e.IsDir() {
			folders++
		}
	}
	if folders != 1 {
		t.Errorf("%d index folders left, want 1", folders)
	}
}
