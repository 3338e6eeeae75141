// Package forge lists the repositories of an organisation, group, user or
// workspace through a forge's API (GitHub, GitLab, Gitea and Forgejo, Bitbucket
// Cloud), page by page, with conditional requests and the forges' rate limits
// honoured.
package forge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Repo is a repository as a forge's listing describes it.
type Repo struct {
	CloneURL      string `json:"clone"`
	WebURL        string `json:"web,omitempty"`
	DefaultBranch string `json:"branch,omitempty"`
	Private       bool   `json:"private,omitempty"`
	Empty         bool   `json:"empty,omitempty"`
	Archived      bool   `json:"archived,omitempty"`
	Fork          bool   `json:"fork,omitempty"`
	// Parent is the clone URL of the repository this one was forked from, when
	// the forge says.
	Parent string `json:"parent,omitempty"`
	// Description and Topics are the forge's words about it, for its code entry.
	Description string   `json:"description,omitempty"`
	Topics      []string `json:"topics,omitempty"`
}

// PageFunc receives each page of a listing as it arrives, so that crawling can
// start before a long listing ends.
type PageFunc func(ctx context.Context, repos []Repo) error

// Lister lists a group's repositories.
type Lister interface {
	List(ctx context.Context, groupURL string, page PageFunc) error
}

// ErrNotFound is returned when the owner does not exist on the forge.
var ErrNotFound = errors.New("no such organisation, group or user on the forge")

// StatusError is an unexpected HTTP answer from a forge.
type StatusError struct {
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
}

// RateLimitError says a forge refuses requests until Until, further away than
// the client is willing to wait inside one listing.
type RateLimitError struct {
	Host  string
	Until time.Time
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("%s: rate limit exhausted until %s", e.Host, e.Until.UTC().Format(time.RFC3339))
}

// splitGroup parses a group URL such as https://gitea.example.org/sub/owner into
// the site's base URL, its host and the group's path ("owner", or "group/sub" on
// GitLab, where groups nest).
func splitGroup(groupURL string) (base, host, path string, err error) {
	u, err := url.Parse(strings.TrimSpace(groupURL))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", "", "", fmt.Errorf("%q is not an absolute URL", groupURL)
	}
	p := strings.Trim(strings.TrimSuffix(u.Path, ".git"), "/")
	if p == "" {
		return "", "", "", fmt.Errorf("%q names no organisation or user: add it to the path", groupURL)
	}
	return u.Scheme + "://" + u.Host, strings.ToLower(u.Host), p, nil
}

// splitOwner parses a group URL into the forge's base URL (with any path prefix
// the forge is served under) and the owner, its last path segment.
func splitOwner(groupURL string) (base, owner string, err error) {
	b, _, p, err := splitGroup(groupURL)
	if err != nil {
		return "", "", err
	}
	i := strings.LastIndexByte(p, '/')
	owner = p[i+1:]
	if i > 0 {
		b += "/" + p[:i]
	}
	return b, owner, nil
}

// HostOf is the host a URL names, lower-cased (for tokens and concurrency).
func HostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}
