package catalogue

import (
	"fmt"
	"net/url"
	"strings"
)

// caseInsensitiveHosts are forges whose owner and repository names ignore case, so
// that https://github.com/Italia/X and https://github.com/italia/x are one software.
var caseInsensitiveHosts = map[string]bool{
	"github.com":    true,
	"gitlab.com":    true,
	"bitbucket.org": true,
	"codeberg.org":  true,
}

// CanonicalURL normalises a software or repository URL so that equal things compare
// equal: lower-case scheme and host, no default port, no user, query or fragment, no
// ".git" suffix or trailing slash. SCP-like git addresses (git@host:path) become
// ssh:// URLs. Paths on forges that ignore case are lower-cased.
func CanonicalURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("%w: empty URL", ErrInvalid)
	}
	if i := strings.Index(s, ":"); i > 0 && !strings.Contains(s, "://") && strings.Contains(s[:i], "@") {
		s = "ssh://" + s[:i] + "/" + strings.TrimPrefix(s[i+1:], "/")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%w: URL %q: %w", ErrInvalid, raw, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("%w: URL %q: write an absolute URL such as https://example.org/org/repo", ErrInvalid, raw)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		u.Host = host + ":" + port
	} else {
		u.Host = host
	}
	u.User, u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = nil, "", "", "", false
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, ".git")
	p = strings.TrimRight(p, "/")
	if caseInsensitiveHosts[host] {
		p = strings.ToLower(p)
	}
	u.Path, u.RawPath = p, ""
	return u.String(), nil
}

// RoleOf applies the model's rule to a repository whose publiccode.yml names
// fileURL (empty when the file has none). crawledHere reports whether a canonical
// URL is a repository this catalogue crawls. It returns the role and the software's
// canonical URL. The rule compares repositories: a url naming a folder of this
// repository (…/repo/tree/main/apps/a) describes an app of it, its origin; one
// naming a folder of another repository is judged by that repository.
func RoleOf(repoURL, fileURL string, crawledHere func(canonical string) bool) (RepoRole, string) {
	repo, err := CanonicalURL(repoURL)
	if err != nil {
		return RoleNone, ""
	}
	sw, err := CanonicalURL(fileURL)
	if err != nil || sw == repo {
		return RoleOrigin, repo
	}
	if other := repositoryPart(sw); other == repositoryPart(repo) {
		return RoleOrigin, sw
	} else if crawledHere(sw) || crawledHere(other) {
		return RoleFork, sw
	}
	return RoleMirror, sw
}
