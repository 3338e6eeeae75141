package catalogue

import "testing"

func TestCanonicalURL_MakesEqualThingsEqual(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://github.com/Italia/Medusa.git", "https://github.com/italia/medusa"},
		{"https://github.com/italia/medusa/", "https://github.com/italia/medusa"},
		{"HTTPS://GitHub.com:443/italia/medusa", "https://github.com/italia/medusa"},
		{"git@github.com:italia/medusa.git", "ssh://github.com/italia/medusa"},
		{"https://user:pw@git.example.org/Torino/Anagrafe.git?x=1#y", "https://git.example.org/Torino/Anagrafe"},
		{"http://127.0.0.1:8081/comune/app.git", "http://127.0.0.1:8081/comune/app"},
		{"  https://example.org/a  ", "https://example.org/a"},
	}
	for _, tt := range tests {
		got, err := CanonicalURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "not a url", "/relative/path", "https://"} {
		if got, err := CanonicalURL(bad); err == nil {
			t.Errorf("CanonicalURL(%q) = %q, want an error", bad, got)
		}
	}
}

func TestRoleOf_AppliesTheModelsRule(t *testing.T) {
	t.Parallel()
	crawled := map[string]bool{"https://git.example.org/a/upstream": true}
	here := func(u string) bool { return crawled[u] }
	tests := []struct {
		name, repo, file string
		role             RepoRole
		software         string
	}{
		{"no url in file", "https://git.example.org/a/x.git", "", RoleOrigin, "https://git.example.org/a/x"},
		{"url is the repo", "https://git.example.org/a/x.git", "https://git.example.org/a/x", RoleOrigin, "https://git.example.org/a/x"},
		{"url names a crawled repo", "https://git.example.org/b/copy", "https://git.example.org/a/upstream.git", RoleFork, "https://git.example.org/a/upstream"},
		{"url names an uncrawled repo", "http://127.0.0.1:9/m/x.git", "https://github.com/m/X", RoleMirror, "https://github.com/m/x"},
	}
	for _, tt := range tests {
		role, sw := RoleOf(tt.repo, tt.file, here)
		if role != tt.role || sw != tt.software {
			t.Errorf("%s: got %s %s, want %s %s", tt.name, role, sw, tt.role, tt.software)
		}
	}
}

func TestNewID_IsOpaqueAndUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if len(id) != 16 || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}
