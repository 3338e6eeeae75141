package catalogue

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// ChangeJoin is the change type of an administration's join record (declared
// "uses", "co-develops", "funds"…). The join records themselves come with a later
// issue; the change log, the feed and the harvest already carry the type.
const ChangeJoin ChangeType = "join"

// ErrGone is returned when a change-log cursor is older than the log's retention:
// the follower must resync from the software list.
var ErrGone = errors.New("the change log no longer holds entries that old: resync from the software list")

// Origin says where a harvested software entry came from. A local entry has none.
//
// The rules:
//   - Instance is the instance where the software was crawled: the peer's own
//     instance for its local entries, or the instance its origin names for those
//     it harvested itself. An entry whose Instance is ours came back from a peer
//     and is never imported;
//   - the same software (by canonical URL) listed here and by a peer is shown as
//     ours: the local crawl wins, and the peer's join records are merged;
//   - listed by several peers, the copy from the instance where it was crawled
//     wins over one relayed by another peer, then the peer added first.
type Origin struct {
	// Peer is the catalogue we harvested it from (its URL as configured).
	Peer string `json:"peer"`
	// Instance is the ID of the instance where the software was crawled.
	Instance string `json:"instance"`
	// ID and Page are the peer's identifier of the entry and its page for people.
	ID   string `json:"id"`
	Page string `json:"page,omitempty"`
	// HarvestedAt is when the entry last changed in a harvest; CheckedAt when the
	// peer last answered a harvest (what makes an entry stale).
	HarvestedAt time.Time `json:"harvestedAt"`
	CheckedAt   time.Time `json:"checkedAt"`
	// Publishers are the peer's publishers of the software, as the peer named them.
	Publishers []OriginPublisher `json:"publishers"`
}

// OriginPublisher is a publisher as a peer described it. ID is the peer's.
type OriginPublisher struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
	URI     string `json:"uri,omitempty"`
}

// JoinRecord is an administration's declared relation to a software, as it
// travels between instances. The concrete join entity (accounts, declarations,
// verification) belongs to a later issue; federation only needs to carry records,
// attribute them to the instance where they were declared, and match their
// administration to ours by URI.
type JoinRecord struct {
	// Instance is where the record was declared; ID is its identifier there.
	Instance string `json:"instance"`
	ID       string `json:"id"`
	// Relation is "uses", "co-develops", "funds" or "interested".
	Relation string `json:"relation"`
	// Publisher is the administration as the declaring instance names it, and
	// PublisherURI the identifier every instance understands.
	PublisherName string `json:"publisherName,omitempty"`
	PublisherURI  string `json:"publisherUri,omitempty"`
	// Publisher, when set, is our publisher whose URI matches PublisherURI.
	Publisher string `json:"publisher,omitempty"`
	Since     string `json:"since,omitempty"`
	// Data keeps whatever else the declaring instance said, untouched.
	Data json.RawMessage `json:"data,omitempty"`
}

// PeerKind is the API a peer speaks.
type PeerKind string

// Peer kinds: another Oscat (its change feed), or an API compatible with
// Developers Italia's (no change feed: harvested whole and compared).
const (
	PeerOscat PeerKind = "oscat"
	PeerDI    PeerKind = "di"
)

// Peer is another catalogue this instance harvests. Peers come from serve's
// configuration and from oscat harvest; one that leaves serve's configuration is
// kept with its entries and marked stale. Removing one on purpose (oscat peers
// remove) removes its entries (hidden, with change-log entries so that the index
// and our own followers follow).
type Peer struct {
	ID   int64    `json:"-"`
	URL  string   `json:"url"`
	Kind PeerKind `json:"kind"`
	// Instance is the peer's instance ID (its feed says it), or its URL for a
	// Developers Italia-compatible API.
	Instance string `json:"instance,omitempty"`
	// Cursor is the last change-log sequence harvested from an Oscat peer.
	Cursor        int64      `json:"cursor"`
	LastAttemptAt *time.Time `json:"lastAttemptAt,omitempty"`
	LastSuccessAt *time.Time `json:"lastSuccessAt,omitempty"`
	LastError     string     `json:"lastError,omitempty"`
	Entries       int        `json:"entries"`
	// Stale is set while the peer is absent from serve's configuration: serve
	// does not harvest it (oscat harvest still may).
	Stale     bool      `json:"stale,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// HarvestedEntry is one software entry as a peer lists it.
type HarvestedEntry struct {
	// RemoteID is the peer's identifier; URL the canonical URL (it dedupes).
	RemoteID string
	URL      string
	// Instance is where the software was crawled (see Origin).
	Instance string
	Page     string
	Name     string
	// Raw is its publiccode.yml and File what it reads as; Valid and the counts
	// are what the peer's validator said.
	Raw      string
	File     *publiccode.File
	Valid    bool
	Errors   int
	Warnings int
	// Publishers are the peer's publishers of it; Joins the join records it carries.
	Publishers []OriginPublisher
	Joins      []JoinRecord
	// Contributions are the peer's contribution figures, shown with its origin.
	Contributions *Contributions
	// Digest identifies the content: an unchanged digest is not applied again.
	Digest string
}

// HarvestBatch is what one step of a harvest applies, in one transaction with the
// peer's new cursor, so that a harvest killed at any moment resumes where the last
// batch ended.
type HarvestBatch struct {
	Peer string
	// Instance, when set, records the peer's instance ID.
	Instance string
	Upserts  []HarvestedEntry
	// Hides are remote IDs the peer no longer lists.
	Hides []string
	// Cursor, when not nil, is the peer's new change-log position.
	Cursor *int64
	// Complete marks a whole listing (a resync, or a Developers Italia peer):
	// every entry of the peer not in Seen is hidden.
	Complete bool
	Seen     []string
}

// HarvestCount is what a batch changed in the catalogue.
type HarvestCount struct {
	Added, Updated, Unchanged, Removed, Skipped int
}

// Webhook is an administrator's subscription: events are POSTed to URL, signed
// with Secret the Standard Webhooks way (webhook-id, webhook-timestamp,
// webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>").
type Webhook struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
	// Secret is "whsec_" and base64 of the key; it is never shown after creation.
	Secret    string    `json:"-"`
	Events    []string  `json:"events"`
	CreatedAt time.Time `json:"createdAt"`
}

// Webhook events.
const (
	EventSoftwareCreated = "software.created"
	EventSoftwareUpdated = "software.updated"
	EventSoftwareHidden  = "software.hidden"
	EventJoinDeclared    = "join.declared"
)

// WebhookEvents are the events a webhook may subscribe to.
var WebhookEvents = []string{EventSoftwareCreated, EventSoftwareUpdated, EventSoftwareHidden, EventJoinDeclared}

// Delivery is one attempt to deliver an event to a webhook. The log keeps the
// last DeliveryLogLength attempts per webhook.
type Delivery struct {
	ID        int64     `json:"id"`
	Webhook   int64     `json:"webhook"`
	MessageID string    `json:"messageId"`
	Event     string    `json:"event"`
	Attempt   int       `json:"attempt"`
	Status    int       `json:"status"`
	Error     string    `json:"error,omitempty"`
	Duration  int64     `json:"durationMs"`
	At        time.Time `json:"at"`
}

// DeliveryLogLength bounds each webhook's delivery log.
const DeliveryLogLength = 100

// CreationPage asks for a page of entries in creation order, as Developers
// Italia's API pages them: From and To bound the creation time (exclusive, zero
// for none); All includes entries no repository carries any more (inactive).
type CreationPage struct {
	After, Before string
	Size          int
	From, To      time.Time
	URL           string
	All           bool
}

// NewWebhookSecret returns a fresh signing secret in the Standard Webhooks form:
// "whsec_" and the base64 of 24 random bytes.
func NewWebhookSecret() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return "whsec_" + base64.StdEncoding.EncodeToString(b[:])
}

// Validate checks a webhook before it is kept: an absolute http(s) URL, known
// events (none means all), and a secret of the whsec_ form.
func (w Webhook) Validate() error {
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Invalidf("webhook URL %q: write an absolute http or https URL", w.URL)
	}
	for _, e := range w.Events {
		if !slices.Contains(WebhookEvents, e) {
			return Invalidf("unknown event %q: use %s", e, strings.Join(WebhookEvents, ", "))
		}
	}
	key, ok := strings.CutPrefix(w.Secret, "whsec_")
	if b, err := base64.StdEncoding.DecodeString(key); !ok || err != nil || len(b) < 16 {
		return Invalidf("the secret must be whsec_ and the base64 of at least 16 bytes")
	}
	return nil
}

// Wants reports whether the webhook subscribes to event (no events: all).
func (w Webhook) Wants(event string) bool {
	return len(w.Events) == 0 || slices.Contains(w.Events, event)
}
