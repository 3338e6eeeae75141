package localforge

import (
	"errors"
	"net/http"
	"os"
	"testing"
)

// A forge rooted at a relative path serves its repositories: git http-backend runs
// in another working directory.
func TestStart_ServesFromARelativeRoot(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := New("forge")
	if _, err := f.Push("org", "repo", Commit{Files: map[string][]byte{"a.txt": []byte("a")}}); err != nil {
		t.Fatal(err)
	}
	srv, err := Start(f, "127.0.0.1:0")
	if errors.Is(err, ErrNoGit) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := http.Get(srv.RepoURL("org", "repo") + "/info/refs?service=git-upload-pack")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("info/refs: %d", resp.StatusCode)
	}
	if _, err := os.Stat(f.Path("org", "repo")); err != nil {
		t.Error(err)
	}
}
