package catalogue

import (
	"time"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// Software is one entry of the catalogue, identified by its canonical URL (the `url`
// of its publiccode.yml, or the URL of the repository that carries it) and by an
// opaque ID given at first listing that never changes and is never reused.
//
// Its content comes from one repository, the source: the repository at the
// canonical URL when it is crawled here, else the first mirror that listed it. A
// file that was valid and became invalid keeps its last valid content listed (Valid
// stays true); the new findings are on the source repository.
type Software struct {
	ID   string `json:"id"`
	URL  string `json:"url"`
	Name string `json:"name"`
	// File is the listed publiccode.yml content, normalised.
	File *publiccode.File `json:"-"`
	// Raw is the publiccode.yml text the content was read from.
	Raw          string               `json:"-"`
	Valid        bool                 `json:"valid"`
	Findings     publiccode.Counts    `json:"findings"`
	Repositories []SoftwareRepository `json:"repositories"`
	Publishers   []string             `json:"publishers"`
	// Logo is the stored logo's hash (see Media), from the source repository.
	Logo string `json:"logo,omitempty"`
	// Archived and Activity are the source repository's.
	Archived bool      `json:"archived,omitempty"`
	Activity *Activity `json:"activity,omitempty"`
	// Contributions are the collaboration figures from the commit graph (ours,
	// or the peer's for an entry shown from a peer; nil until computed).
	Contributions *Contributions `json:"contributions,omitempty"`
	// BasedOn are the upstreams its publiccode.yml names in isBasedOn; Variants
	// are the listed software whose isBasedOn names this one. A link's ID is empty
	// when the other software is not listed here.
	BasedOn   []SoftwareLink `json:"isBasedOn,omitempty"`
	Variants  []SoftwareLink `json:"variants,omitempty"`
	CreatedAt time.Time      `json:"createdAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
	// Users counts the administrations with a confirmed, verified join record
	// that counts (uses, co-develops or funds); OpenToJoin is set by its
	// maintainers (see JoinInfo).
	Users      int  `json:"users"`
	OpenToJoin bool `json:"openToJoin"`
	// PublisherUnverified is set when every publisher of the software lists it
	// only through code hosting added on the site and not verified yet.
	PublisherUnverified bool `json:"publisherUnverified,omitempty"`
	// Origin is set on an entry harvested from a peer (see Origin).
	Origin *Origin `json:"origin,omitempty"`
	// Joins are the join records other instances declared for this software
	// (harvested); Declared are the records declared here.
	Joins    []JoinRecord `json:"joins,omitempty"`
	Declared []Join       `json:"-"`
}

// SoftwareRepository is a repository that carries a software.
type SoftwareRepository struct {
	URL        string     `json:"url"`
	Publisher  string     `json:"publisher,omitempty"`
	Status     RepoStatus `json:"status"`
	Role       RepoRole   `json:"role"`
	Publishers []string   `json:"-"`
}

// SoftwareLink points at another software by canonical URL and, when it is
// listed here, by ID.
type SoftwareLink struct {
	URL string `json:"url"`
	ID  string `json:"id,omitempty"`
}
