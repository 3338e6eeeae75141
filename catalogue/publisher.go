package catalogue

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Publisher is an administration (a municipality, a region, an agency) that publishes
// or uses software. Its ID comes from the publishers list and never changes; the
// list file and the site may update the rest.
type Publisher struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Country       string   `json:"country,omitempty"`
	URI           string   `json:"uri,omitempty"`
	AlternativeID string   `json:"alternativeId,omitempty"`
	EmailDomains  []string `json:"emailDomains,omitempty"`
	// SiteDomains are e-mail domains an instance administrator added on the site.
	SiteDomains []string `json:"siteDomains,omitempty"`
	// CountingOff (set by the operator in the publishers list) and
	// MembersCountingOff (set by its members on the site) turn off the counting
	// of its e-mail domains in the contribution figures: its authors then count
	// as other organisations.
	CountingOff        bool          `json:"countingOff,omitempty"`
	MembersCountingOff bool          `json:"membersCountingOff,omitempty"`
	CodeHosting        []CodeHosting `json:"codeHosting"`
	// Status is "approved", or "pending" for an administration registered on the
	// site that an instance administrator has not approved yet.
	Status    string    `json:"status,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// HostingType names the forge API used to discover a group's repositories.
type HostingType string

// The hosting types the crawler knows.
const (
	HostingGit       HostingType = "git"
	HostingGitHub    HostingType = "github"
	HostingGitLab    HostingType = "gitlab"
	HostingGitea     HostingType = "gitea"
	HostingForgejo   HostingType = "forgejo"
	HostingBitbucket HostingType = "bitbucket"
)

// Valid reports whether t is a known type (or empty, meaning "infer it").
func (t HostingType) Valid() bool {
	switch t {
	case "", HostingGit, HostingGitHub, HostingGitLab, HostingGitea, HostingForgejo, HostingBitbucket:
		return true
	}
	return false
}

// CodeHosting is one place where a publisher keeps code: a single repository
// (Group false) or an organisation, group or user whose repositories are all
// discovered (Group true).
type CodeHosting struct {
	URL   string      `json:"url"`
	Group bool        `json:"group"`
	Type  HostingType `json:"type,omitempty"`
	// Origin says where the entry came from: "file" (the publishers list) or "site".
	Origin string `json:"origin,omitempty"`
	// Verified says how a site entry was shown to belong to its administration
	// (VerifiedByPubliccode, VerifiedByForgeDomain, VerifiedByAdmin); empty for
	// an unverified site entry, whose software is marked "publisher unverified".
	Verified string `json:"verified,omitempty"`
}

// Trusted reports whether the entry's repositories are the publisher's: entries
// of the publishers list are, site entries once verified.
func (h CodeHosting) Trusted() bool { return h.Origin != "site" || h.Verified != "" }

// Covers reports whether the entry lists the repository at the canonical URL
// repo: it is the entry's repository, or lies under its organisation or group.
func (h CodeHosting) Covers(repo string) bool {
	c, err := CanonicalURL(h.URL)
	if err != nil {
		return false
	}
	if !h.Group {
		return c == repo
	}
	return strings.HasPrefix(repo, strings.TrimSuffix(c, "/")+"/")
}

// CountsCommits reports whether commits from its e-mail domains count for it.
func (p Publisher) CountsCommits() bool { return !p.CountingOff && !p.MembersCountingOff }

// AllDomains are the publisher's e-mail domains, from the list and the site.
func (p Publisher) AllDomains() []string {
	out := append([]string(nil), p.EmailDomains...)
	for _, d := range p.SiteDomains {
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

var publisherIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

// IsPublisherID reports whether id has the form of a publisher's ID.
func IsPublisherID(id string) bool { return publisherIDRE.MatchString(id) }

// Validate checks what the catalogue needs to keep a publisher.
func (p Publisher) Validate() error {
	if !publisherIDRE.MatchString(p.ID) {
		return Invalidf("publisher id %q: use 1 to 100 lower-case letters, digits, '.', '_' or '-'", p.ID)
	}
	if strings.TrimSpace(p.Name) == "" {
		return Invalidf("publisher %s: name is required", p.ID)
	}
	for _, h := range p.CodeHosting {
		if !h.Type.Valid() {
			return Invalidf("publisher %s: code hosting %s: unknown type %q", p.ID, h.URL, h.Type)
		}
	}
	return nil
}
