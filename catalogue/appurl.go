package catalogue

import (
	"path"
	"strings"
)

// appForms are the ways forges write the address of a repository's folder:
// GitHub's (and Bitbucket's /src/ without "branch"), GitLab's, Gitea's and
// Forgejo's. The branch is one path segment.
var appForms = []string{"/-/tree/", "/src/branch/", "/tree/", "/src/"}

// SplitAppURL splits the canonical form of a URL naming a folder of a repository
// (…/repo/tree/main/apps/a, …/repo/-/tree/main/apps/a,
// …/repo/src/branch/main/apps/a) into the repository's URL and the folder. It
// reports false for any other URL.
func SplitAppURL(raw string) (repo, folder string, ok bool) {
	c, err := CanonicalURL(raw)
	if err != nil {
		return "", "", false
	}
	scheme := strings.Index(c, "://") + 3
	for _, form := range appForms {
		i := strings.Index(c[scheme:], form)
		if i < 0 {
			continue
		}
		i += scheme
		repo, rest := c[:i], c[i+len(form):]
		_, folder, found := strings.Cut(rest, "/")
		if !found || folder == "" || strings.Count(repo[scheme:], "/") < 2 {
			continue
		}
		return repo, path.Clean(folder), true
	}
	return "", "", false
}

// AppURL is the address of a repository's folder in its forge's form (t may be
// empty: GitHub's form is used), on branch.
func AppURL(repoURL string, t HostingType, branch, folder string) string {
	repo, err := CanonicalURL(repoURL)
	if err != nil {
		repo = strings.TrimSuffix(repoURL, "/")
	}
	if branch == "" {
		branch = "HEAD"
	}
	form := "/tree/"
	switch t {
	case HostingGitLab:
		form = "/-/tree/"
	case HostingGitea, HostingForgejo:
		form = "/src/branch/"
	case HostingBitbucket:
		form = "/src/"
	}
	return repo + form + branch + "/" + strings.Trim(folder, "/")
}

// repositoryPart is the repository a canonical URL names: the URL itself, or the
// repository of a folder's address.
func repositoryPart(canonical string) string {
	if repo, _, ok := SplitAppURL(canonical); ok {
		return repo
	}
	return canonical
}
