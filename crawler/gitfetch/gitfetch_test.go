package gitfetch

import (
	"errors"
	"io/fs"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/crawler/localforge"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

func startForge(t *testing.T) (*localforge.Forge, *localforge.Server) {
	t.Helper()
	f, srv := localforge.StartTest(t)
	return f, srv
}

var allowLoopback = Options{Policy: safehttp.Policy{AllowPrivate: true}}

func TestFetch_ReadsTheHeadOfTheDefaultBranch(t *testing.T) {
	t.Parallel()
	f, srv := startForge(t)
	if _, err := f.Push("org", "app", localforge.Commit{Files: map[string][]byte{"README.md": []byte("old")}, When: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	head, err := f.Push("org", "app", localforge.Commit{
		Files: map[string][]byte{"publiccode.yml": []byte("name: App\n"), "docs/logo.svg": []byte("<svg/>")},
		Links: map[string]string{"logo.svg": "docs/logo.svg", "escape.yml": "../../etc/passwd"},
	})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := New(allowLoopback).Fetch(t.Context(), srv.RepoURL("org", "app"))
	if err != nil {
		t.Fatal(err)
	}
	if snap.Head.String() != head || snap.Branch != "main" || snap.Bytes() == 0 {
		t.Errorf("head %s branch %q bytes %d, want %s main", snap.Head, snap.Branch, snap.Bytes(), head)
	}
	if b, err := snap.ReadFile("publiccode.yml", 1<<20); err != nil || string(b) != "name: App\n" {
		t.Errorf("publiccode.yml = %q, %v", b, err)
	}
	if b, err := snap.ReadFile("logo.svg", 1<<20); err != nil || string(b) != "<svg/>" {
		t.Errorf("a link inside the repository: %q, %v", b, err)
	}
	if _, err := snap.ReadFile("escape.yml", 1<<20); !errors.Is(err, ErrOutside) {
		t.Errorf("a link outside the repository: %v", err)
	}
	if _, err := snap.ReadFile("README.md", 1<<20); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file of an older commit: %v", err)
	}
	if _, err := fs.Stat(snap.FS(), "docs/logo.svg"); err != nil {
		t.Errorf("FS stat: %v", err)
	}
	if _, err := snap.ReadFile("publiccode.yml", 3); err == nil {
		t.Error("a file over the read cap was read")
	}
}

func TestFetch_ReportsEmptyOverCapDeadAndRefused(t *testing.T) {
	t.Parallel()
	f, srv := startForge(t)
	if err := f.CreateEmpty("org", "empty"); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 64<<10)
	x := uint32(2463534242)
	for i := range big { // incompressible bytes (xorshift), so the pack is as large
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		big[i] = byte(x)
	}
	if _, err := f.Push("org", "big", localforge.Commit{Files: map[string][]byte{"blob.bin": big}}); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := New(allowLoopback).Fetch(ctx, srv.RepoURL("org", "empty")); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	capped := allowLoopback
	capped.MaxBytes = 8 << 10
	// Under a partial fetch the trees fit; reading the big blob goes over.
	snap, err := New(capped).Fetch(ctx, srv.RepoURL("org", "big"))
	if err == nil {
		_, err = snap.ReadFile("blob.bin", 1<<20)
	}
	if !errors.Is(err, ErrOverCap) {
		t.Errorf("over cap: %v", err)
	}
	srv.SetFilter(false)
	if _, err := New(capped).Fetch(ctx, srv.RepoURL("org", "big")); !errors.Is(err, ErrOverCap) {
		t.Errorf("over cap without filter: %v", err)
	}
	if _, err := New(allowLoopback).Fetch(ctx, srv.RepoURL("org", "missing")); err == nil {
		t.Error("a missing repository was fetched")
	}
	if _, err := New(allowLoopback).Fetch(ctx, "http://127.0.0.1:1/org/x.git"); err == nil {
		t.Error("a dead host was fetched")
	}
	if _, err := New(Options{}).Fetch(ctx, srv.RepoURL("org", "big")); !errors.Is(err, safehttp.ErrForbiddenAddress) {
		t.Errorf("loopback without permission: %v", err)
	}
}
