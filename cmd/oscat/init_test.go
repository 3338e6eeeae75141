package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// checkout makes a local git checkout without a publiccode.yml, with an origin
// remote and a release tag.
func checkout(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mit, err := os.ReadFile("../../crawler/codefacts/testdata/licenses/MIT.txt")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"README.md": "# Afspraken\n\nInwoners maken online een afspraak bij de balie van het stadskantoor.\n",
		"LICENSE":   string(mit), "main.go": "package main\n", "docs/logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>`,
	}
	for p, s := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	if err := wt.AddGlob("."); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	h, err := wt.Commit("first", &git.CommitOptions{Author: &object.Signature{Name: "Jan", Email: "jan@example.org", When: when}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateTag("v0.3.0", h, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"https://git.example.org/stad/afspraken.git"}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestInit_WritesADraftAndRefusesToOverwrite(t *testing.T) {
	t.Parallel()
	dir := checkout(t)
	var out, errOut bytes.Buffer
	if code := run(t.Context(), []string{"init", dir}, nil, &out, &errOut); code != 0 {
		t.Fatalf("oscat init: exit %d: %s", code, errOut.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, "publiccode.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`url: "https://git.example.org/stad/afspraken"`, `name: "afspraken"  # guessed`, `license: "MIT"  # guessed`,
		`softwareVersion: "v0.3.0"  # guessed`, `releaseDate: "2026-06-01"  # guessed`, `logo: "docs/logo.svg"  # guessed`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("draft lacks %s:\n%s", want, data)
		}
	}
	if !strings.Contains(out.String(), "maintenance.type") {
		t.Errorf("the to-do list is not printed: %s", out.String())
	}
	var todo []string
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "  ") {
			todo = append(todo, strings.TrimSpace(line))
		}
	}
	doc := publiccode.Check(data, publiccode.Options{Files: os.DirFS(dir)})
	for _, f := range doc.Findings {
		if f.Severity == publiccode.SeverityError && !slices.ContainsFunc(todo, func(k string) bool { return f.Key == k || strings.HasPrefix(f.Key, k+".") }) {
			t.Errorf("error on %q, not a printed to-do: %s", f.Key, f.Message)
		}
	}

	errOut.Reset()
	if code := run(t.Context(), []string{"init", dir}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "--force") {
		t.Errorf("second init: exit %d: %s, want a refusal naming --force", code, errOut.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "publiccode.yml"), []byte("name: mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run(t.Context(), []string{"init", dir, "--force"}, nil, &out, &errOut); code != 0 {
		t.Errorf("init DIR --force: exit %d: %s", code, errOut.String())
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "publiccode.yml")); !strings.HasPrefix(string(data), "# publiccode.yml drafted by Oscat") {
		t.Error("--force did not replace the file")
	}
}
