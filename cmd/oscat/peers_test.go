package main

import (
	"bytes"
	"context"
	"flag"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
	"github.com/oscat-eu/oscat/catalogue/sqlstore"
)

// lockedBuffer is a buffer a running server may log into while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A peer harvested from cron (oscat harvest) and absent from serve's
// configuration keeps its entries, marked stale, with a warning at start;
// oscat peers remove removes it and its entries on purpose.
func TestPeers_ALeftOutPeerIsKeptStaleUntilRemovedOnPurpose(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	const peer = "https://oscat.example.dk"
	store, err := sqlstore.Open(t.Context(), sqlstore.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.EnsurePeer(t.Context(), catalogue.Peer{URL: peer, Kind: catalogue.PeerOscat}); err != nil {
		t.Fatal(err)
	}
	raw := "name: Borgerservice\nurl: https://git.example.dk/kommune/borgerservice\n"
	if _, err := store.ApplyHarvest(t.Context(), catalogue.HarvestBatch{Peer: peer, Instance: "dk", Upserts: []catalogue.HarvestedEntry{{
		RemoteID: "dk1", URL: "https://git.example.dk/kommune/borgerservice", Instance: "dk", Name: "Borgerservice", Raw: raw,
		File: publiccode.Read([]byte(raw), publiccode.Limits{}).File, Valid: true, Digest: raw}}}); err != nil {
		t.Fatal(err)
	}
	store.Close()

	// serve, without the peer in its configuration.
	ctx, cancel := context.WithCancel(t.Context())
	var f serveFlags
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.register(fs)
	if err := parseFlags(fs, []string{"--data", data, "--addr", "127.0.0.1:0", "--log-level", "warn", "--crawl-schedule", "off"}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	done := make(chan error, 1)
	addrc := make(chan string, 1)
	go func() { done <- serve(ctx, f, &logs, func(a string) { addrc <- a }) }()
	select {
	case <-addrc:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(2 * time.Minute): // a generous bound
		t.Fatal("serve did not start")
	}
	for deadline := time.Now().Add(time.Minute); !strings.Contains(logs.String(), "oscat peers remove") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if l := logs.String(); !strings.Contains(l, "oscat peers remove") || !strings.Contains(l, peer) {
		t.Errorf("no warning at start about the left-out peer: %s", l)
	}

	code, out, stderr := oscat(t, "peers", "list", "--data", data)
	if code != 0 || !strings.Contains(out, peer) || !strings.Contains(out, "1 entries") || !strings.Contains(out, "stale") {
		t.Fatalf("peers list: %d %q %q", code, out, stderr)
	}
	code, out, stderr = oscat(t, "peers", "remove", "--data", data, peer)
	if code != 0 || !strings.Contains(out, "removed with its 1 entries") {
		t.Fatalf("peers remove: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := oscat(t, "peers", "remove", "--data", data, peer); code != 2 || !strings.Contains(stderr, "oscat peers list") {
		t.Errorf("removing an unknown peer: %d %q", code, stderr)
	}
	if code, out, _ := oscat(t, "peers", "list", "--data", data); code != 0 || out != "" {
		t.Errorf("peers after removal: %q", out)
	}
	store, err = sqlstore.Open(t.Context(), sqlstore.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if list, _, _ := store.ListSoftware(t.Context(), "", catalogue.Page{Size: 10}); len(list) != 0 {
		t.Errorf("the removed peer's entries are still listed: %+v", list)
	}
}
