package crawler

import (
	"context"
	"net/url"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/forge"
)

// reasonSchemeRefused is the result of a git://, ssh:// or file:// repository
// that only the site lists. Such URLs are fetched by go-git's own transports,
// which dial by name outside the SSRF-safe dialer (file:// reads this
// machine's disk), so only the operator's publishers file may name them.
const reasonSchemeRefused = "git://, ssh:// and file:// repositories are crawled only when the operator's publishers file lists them: add the repository by its https address"

// webScheme reports whether raw is an http or https URL.
func webScheme(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	s := strings.ToLower(u.Scheme)
	return s == "http" || s == "https"
}

// operatorListed reports whether an entry of the publishers file (not one
// added on the site) of one of the repository's publishers lists it: the entry
// itself, or a group on the same host.
func (c *Crawler) operatorListed(ctx context.Context, repoURL string, publishers []string) (bool, error) {
	canonical, err := catalogue.CanonicalURL(repoURL)
	if err != nil {
		return false, nil
	}
	host := forge.HostOf(repoURL)
	for _, id := range publishers {
		p, err := c.repos.Publisher(ctx, id)
		if catalogueNotFound(err) {
			continue
		}
		if err != nil {
			return false, err
		}
		for _, h := range p.CodeHosting {
			if h.Origin == "site" {
				continue
			}
			if h.Covers(canonical) || (h.Group && host != "" && forge.HostOf(h.URL) == host) {
				return true, nil
			}
		}
	}
	return false, nil
}
