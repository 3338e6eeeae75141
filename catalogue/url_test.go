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
		{"url names an app of the repo (GitHub)", "https://github.com/a/mono.git", "https://github.com/A/mono/tree/main/apps/permits", RoleOrigin, "https://github.com/a/mono/tree/main/apps/permits"},
		{"url names an app of the repo (GitLab)", "https://gitlab.com/a/mono", "https://gitlab.com/a/mono/-/tree/main/apps/permits/", RoleOrigin, "https://gitlab.com/a/mono/-/tree/main/apps/permits"},
		{"url names an app of the repo (Gitea)", "https://git.example.org/a/mono", "https://git.example.org/a/mono/src/branch/main/apps/permits", RoleOrigin, "https://git.example.org/a/mono/src/branch/main/apps/permits"},
		{"an app of the repo, from the app's own address", "https://git.example.org/a/mono/tree/main/apps/x", "https://git.example.org/a/mono/tree/master/apps/x", RoleOrigin, "https://git.example.org/a/mono/tree/master/apps/x"},
		{"url names an app of a crawled repo", "https://git.example.org/b/copy", "https://git.example.org/a/upstream/tree/main/apps/x", RoleFork, "https://git.example.org/a/upstream/tree/main/apps/x"},
		{"url names an app of an uncrawled repo", "https://git.example.org/b/copy", "https://github.com/m/x/tree/main/apps/y", RoleMirror, "https://github.com/m/x/tree/main/apps/y"},
	}
	for _, tt := range tests {
		role, sw := RoleOf(tt.repo, tt.file, here)
		if role != tt.role || sw != tt.software {
			t.Errorf("%s: got %s %s, want %s %s", tt.name, role, sw, tt.role, tt.software)
		}
	}
}

func TestSplitAppURL_FindsTheRepositoryOfAFolderAddress(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, repo, folder string }{
		{"https://github.com/a/mono/tree/main/apps/permits", "https://github.com/a/mono", "apps/permits"},
		{"https://gitlab.com/group/sub/mono/-/tree/main/apps/a/", "https://gitlab.com/group/sub/mono", "apps/a"},
		{"https://codeberg.org/a/mono/src/branch/main/apps/a", "https://codeberg.org/a/mono", "apps/a"},
		{"https://bitbucket.org/a/mono/src/main/apps/a", "https://bitbucket.org/a/mono", "apps/a"},
		{"https://github.com/a/mono", "", ""},
		{"https://github.com/a/mono/tree/main", "", ""},
		{"https://example.org/tree/main/x", "", ""},
	}
	for _, tt := range tests {
		repo, folder, ok := SplitAppURL(tt.in)
		if ok != (tt.repo != "") || repo != tt.repo || folder != tt.folder {
			t.Errorf("SplitAppURL(%q) = %q %q %t, want %q %q", tt.in, repo, folder, ok, tt.repo, tt.folder)
		}
	}
	for _, tt := range []struct {
		t    HostingType
		want string
	}{
		{"", "https://github.com/a/mono/tree/main/apps/a"},
		{HostingGitLab, "https://github.com/a/mono/-/tree/main/apps/a"},
		{HostingForgejo, "https://github.com/a/mono/src/branch/main/apps/a"},
	} {
		got := AppURL("https://github.com/a/mono.git", tt.t, "main", "/apps/a/")
		if got != tt.want {
			t.Errorf("AppURL(%q) = %q, want %q", tt.t, got, tt.want)
		}
		if repo, folder, ok := SplitAppURL(got); !ok || repo != "https://github.com/a/mono" || folder != "apps/a" {
			t.Errorf("SplitAppURL(AppURL(%q)) = %q %q %t", tt.t, repo, folder, ok)
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
