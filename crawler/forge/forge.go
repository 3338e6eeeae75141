// Package forge lists the repositories of an organisation, group or user through
// a forge's API.
package forge

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Repo is a repository as a forge's listing describes it.
type Repo struct {
	CloneURL      string
	WebURL        string
	DefaultBranch string
	Private       bool
	Empty         bool
	Archived      bool
	Fork          bool
}

// ErrNotFound is returned when the owner does not exist on the forge.
var ErrNotFound = errors.New("no such organisation or user on the forge")

// StatusError is an unexpected HTTP answer from a forge.
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// splitOwner parses a group URL such as https://gitea.example.org/sub/owner into the
// forge's base URL (https://gitea.example.org/sub) and the owner.
func splitOwner(groupURL string) (base, owner string, err error) {
	u, err := url.Parse(strings.TrimSpace(groupURL))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", "", fmt.Errorf("%q is not an absolute URL", groupURL)
	}
	p := strings.Trim(u.Path, "/")
	if p == "" {
		return "", "", fmt.Errorf("%q names no organisation or user: add it to the path", groupURL)
	}
	i := strings.LastIndexByte(p, '/')
	owner = p[i+1:]
	prefix := ""
	if i > 0 {
		prefix = "/" + p[:i]
	}
	return u.Scheme + "://" + u.Host + prefix, owner, nil
}
