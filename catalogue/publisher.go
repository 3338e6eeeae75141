package catalogue

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Publisher is an administration (a municipality, a region, an agency) that publishes
// or uses software. Its ID comes from the publishers list and never changes; the
// list file and the site may update the rest.
type Publisher struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Country       string        `json:"country,omitempty"`
	URI           string        `json:"uri,omitempty"`
	AlternativeID string        `json:"alternativeId,omitempty"`
	EmailDomains  []string      `json:"emailDomains,omitempty"`
	CodeHosting   []CodeHosting `json:"codeHosting"`
	CreatedAt     time.Time     `json:"createdAt"`
	UpdatedAt     time.Time     `json:"updatedAt"`
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
}

var publisherIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

// Validate checks what the catalogue needs to keep a publisher.
func (p Publisher) Validate() error {
	if !publisherIDRE.MatchString(p.ID) {
		return fmt.Errorf("%w: publisher id %q: use 1 to 100 lower-case letters, digits, '.', '_' or '-'", ErrInvalid, p.ID)
	}
	if strings.TrimSpace(p.Name) == "" {
		return fmt.Errorf("%w: publisher %s: name is required", ErrInvalid, p.ID)
	}
	for _, h := range p.CodeHosting {
		if !h.Type.Valid() {
			return fmt.Errorf("%w: publisher %s: code hosting %s: unknown type %q", ErrInvalid, p.ID, h.URL, h.Type)
		}
	}
	return nil
}
