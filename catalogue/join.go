package catalogue

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// JoinKind is an administration's relation to a software.
type JoinKind string

// Join kinds. Interested is a wish, not a use: it is shown but not counted.
const (
	JoinUses       JoinKind = "uses"
	JoinCoDevelops JoinKind = "co-develops"
	JoinFunds      JoinKind = "funds"
	JoinInterested JoinKind = "interested"
)

// JoinKinds lists the kinds in the order pages offer them.
var JoinKinds = []JoinKind{JoinUses, JoinCoDevelops, JoinFunds, JoinInterested}

// Valid reports whether k is a known kind.
func (k JoinKind) Valid() bool {
	for _, x := range JoinKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Counts reports whether records of this kind count as users of the software.
func (k JoinKind) Counts() bool { return k != JoinInterested && k != "" }

// ConfirmFor is how long a declaration holds before it must be confirmed again.
const ConfirmFor = 365 * 24 * time.Hour

// RemindBefore is how long before a record lapses its declarer is reminded.
const RemindBefore = 30 * 24 * time.Hour

// Contact is the person to call about an administration's use of a software. It
// is shown to signed-in members of administrations only.
type Contact struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email"`
}

// Join is an administration's declared relation to a software: it uses,
// co-develops, funds it, or is interested.
//
// The rules:
//   - only an approved member of the administration may declare, confirm or
//     withdraw a record for it (an instance administrator may not act for it);
//   - one record per administration, software and kind;
//   - a record holds for a year (ConfirmedUntil): its declarer is reminded a month
//     before; a record not confirmed in time is shown as unconfirmed and no
//     longer counts;
//   - Verified is true when the record was declared here by a member whose
//     membership came from a verified e-mail domain or an instance
//     administrator's approval (every record declared on this site); records
//     harvested from peers say what their instance said;
//   - every declaration, confirmation and withdrawal is in the change log (type
//     join, and the software it concerns) and in the audit log.
type Join struct {
	ID             string    `json:"id"`
	Software       string    `json:"software"`
	SoftwareName   string    `json:"softwareName,omitempty"`
	Publisher      string    `json:"publisher"`
	PublisherName  string    `json:"publisherName,omitempty"`
	PublisherURI   string    `json:"publisherUri,omitempty"`
	Kind           JoinKind  `json:"kind"`
	Since          string    `json:"since"`
	Contact        Contact   `json:"contact"`
	Note           string    `json:"note,omitempty"`
	DeclaredBy     string    `json:"declaredBy,omitempty"`
	Verified       bool      `json:"verified"`
	ConfirmedUntil time.Time `json:"confirmedUntil"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// Confirmed reports whether the record still holds at now.
func (j Join) Confirmed(now time.Time) bool { return now.Before(j.ConfirmedUntil) }

// Validate checks what a declaration must say.
func (j *Join) Validate() error {
	if !j.Kind.Valid() {
		return Invalidf("kind %q: use uses, co-develops, funds or interested", j.Kind)
	}
	j.Since = strings.TrimSpace(j.Since)
	if _, err := time.Parse(time.DateOnly, j.Since); err != nil {
		return Invalidf("since %q: write a date such as 2024-03-01", j.Since)
	}
	j.Contact.Name = strings.TrimSpace(j.Contact.Name)
	j.Contact.Role = strings.TrimSpace(j.Contact.Role)
	if j.Contact.Name == "" {
		return Invalidf("a contact person's name is required")
	}
	email, err := NormaliseEmail(j.Contact.Email)
	if err != nil {
		return fmt.Errorf("contact: %w", err)
	}
	j.Contact.Email = email
	j.Note = strings.TrimSpace(j.Note)
	if len(j.Note) > 2000 || len(j.Contact.Name) > 200 || len(j.Contact.Role) > 200 {
		return Invalidf("the note is at most 2000 characters, the contact's name and role 200")
	}
	return nil
}

// JoinInfo is how to join a project, set by its maintainers (members of an
// administration that publishes it).
type JoinInfo struct {
	Software     string    `json:"software"`
	Open         bool      `json:"openToJoin"`
	Coordination string    `json:"coordination,omitempty"`
	Meetings     string    `json:"meetings,omitempty"`
	Contributing string    `json:"contributing,omitempty"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// PledgeKind is how an administration joins an initiative.
type PledgeKind string

// Pledge kinds.
const (
	PledgeInterested PledgeKind = "interested"
	PledgeCoFund     PledgeKind = "co-fund"
	PledgeCoDevelop  PledgeKind = "co-develop"
)

// Valid reports whether k is a known pledge kind.
func (k PledgeKind) Valid() bool {
	return k == PledgeInterested || k == PledgeCoFund || k == PledgeCoDevelop
}

// Initiative is an administration's need for software that does not exist yet
// (the incubator). Others join it with a pledge; when a repository carrying the
// software appears in the catalogue, a member of the initiating administration
// links it, and the pledgers are told.
type Initiative struct {
	ID            string    `json:"id"`
	Publisher     string    `json:"publisher"`
	PublisherName string    `json:"publisherName,omitempty"`
	Title         string    `json:"title"`
	Problem       string    `json:"problem"`
	Requirements  string    `json:"requirements,omitempty"`
	Budget        string    `json:"budget,omitempty"`
	Software      string    `json:"software,omitempty"`
	Pledges       []Pledge  `json:"pledges"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

// Validate checks what an initiative must say.
func (in *Initiative) Validate() error {
	in.Title, in.Problem = strings.TrimSpace(in.Title), strings.TrimSpace(in.Problem)
	in.Requirements, in.Budget = strings.TrimSpace(in.Requirements), strings.TrimSpace(in.Budget)
	if in.Title == "" || in.Problem == "" {
		return Invalidf("an initiative needs a title and the problem it solves")
	}
	if len(in.Title) > 200 || len(in.Problem) > 10000 || len(in.Requirements) > 10000 || len(in.Budget) > 200 {
		return Invalidf("the title is at most 200 characters, the problem and requirements 10000, the budget range 200")
	}
	return nil
}

// Pledge is an administration joining an initiative.
type Pledge struct {
	Publisher     string     `json:"publisher"`
	PublisherName string     `json:"publisherName,omitempty"`
	Kind          PledgeKind `json:"kind"`
	Note          string     `json:"note,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
}

// Code-hosting verification: how a site-added entry was shown to belong to its
// administration. Entries from the publishers list need none.
const (
	VerifiedByPubliccode  = "publiccode"   // a repository's organisation.uri names the administration
	VerifiedByForgeDomain = "forge-domain" // the forge reports a verified domain of the administration
	VerifiedByAdmin       = "admin"        // an instance administrator approved it
)

// RepositoryEvent is something a repository's subscribers hear about: it became
// listed, became invalid (with the findings), was fixed, or is gone.
//
// Detail is in English: why the repository is gone, or an invalid file's
// errors, one a line. Findings are those errors again, each with its message's
// text (Finding.Text) to be rendered in a reader's language; events recorded
// before findings were kept have Detail only.
type RepositoryEvent struct {
	Seq        int64                `json:"seq"`
	Repository string               `json:"repository"`
	Kind       string               `json:"kind"`
	Detail     string               `json:"detail,omitempty"`
	Findings   []publiccode.Finding `json:"findings,omitempty"`
	At         time.Time            `json:"at"`
}

// Repository event kinds.
const (
	EventListed  = "listed"
	EventInvalid = "invalid"
	EventFixed   = "fixed"
	EventGone    = "gone"
)

// Digest is the mail one subscriber is due: the events since their last one.
type Digest struct {
	Person Person
	Events []RepositoryEvent
	// Through is the last event's sequence number.
	Through int64
}

// JoinStore keeps join records, how to join projects, code hosting added on the
// site, initiatives, and what subscribers are told. Each method checks the
// rules of the records it changes against the actor, in the transaction that
// changes them, and writes the audit log there too.
//
// It has more than 15 methods because it writes down, once, the rules of
// joining that the store enforces; no consumer depends on all of it (the site
// uses ui.JoinSource, ui.InitiativeSource and ui.HostingSource, the mail jobs
// mail.Correspondence).
type JoinStore interface {
	DeclareJoin(ctx context.Context, a Actor, j Join) (Join, error)
	ConfirmJoin(ctx context.Context, a Actor, id string) (Join, error)
	WithdrawJoin(ctx context.Context, a Actor, id string) error
	Join(ctx context.Context, id string) (Join, error)
	// JoinsByIDs returns the records among ids that exist, in the order of ids.
	JoinsByIDs(ctx context.Context, ids []string) ([]Join, error)
	// Joins lists records of a software, or of a publisher, newest first.
	Joins(ctx context.Context, software, publisher string) ([]Join, error)
	// CountUsingAdministrations counts administrations with a confirmed,
	// verified record that counts (uses, co-develops, funds).
	CountUsingAdministrations(ctx context.Context) (int, error)

	JoinInfo(ctx context.Context, software string) (JoinInfo, error)
	// SetJoinInfo is for members of an administration that publishes the software.
	SetJoinInfo(ctx context.Context, a Actor, info JoinInfo) error

	// AddCodeHosting adds a site entry to a publisher (its members only); the
	// entry is unverified until a rule verifies it.
	AddCodeHosting(ctx context.Context, a Actor, publisher string, h CodeHosting) error
	RemoveCodeHosting(ctx context.Context, a Actor, publisher, url string) error
	// VerifyCodeHosting marks a site entry verified: by an instance administrator
	// (how VerifiedByAdmin) or by the catalogue itself (System).
	VerifyCodeHosting(ctx context.Context, a Actor, publisher, url, how string) error
	UnverifiedHosting(ctx context.Context) ([]PublisherHosting, error)

	Initiatives(ctx context.Context) ([]Initiative, error)
	Initiative(ctx context.Context, id string) (Initiative, error)
	CreateInitiative(ctx context.Context, a Actor, in Initiative) (Initiative, error)
	Pledge(ctx context.Context, a Actor, initiative string, p Pledge) error
	// LinkInitiative links a listed software to an initiative and returns the
	// pledgers' members to tell.
	LinkInitiative(ctx context.Context, a Actor, initiative, software string) ([]Person, error)

	// JoinsToRemind are confirmed records whose confirmation ends before a time
	// and whose declarer was not reminded yet for this period.
	JoinsToRemind(ctx context.Context, before time.Time) ([]Join, error)
	MarkReminded(ctx context.Context, id string) error
	// LapseJoins marks records whose confirmation ended and tells the change log,
	// so that counts follow; it returns how many lapsed.
	LapseJoins(ctx context.Context) (int, error)

	// DueDigests are the subscribers with events they were not told of, whose
	// last digest is older than a day.
	DueDigests(ctx context.Context) ([]Digest, error)
	MarkDigested(ctx context.Context, person string, through int64) error
	// CoUsers are the contacts of the other administrations' confirmed records of
	// a software, for a member of one of them to write to.
	CoUsers(ctx context.Context, a Actor, software string) ([]Contact, error)
}

// PublisherHosting is a code-hosting entry with its publisher, and whether it
// is verified.
type PublisherHosting struct {
	Publisher string      `json:"publisher"`
	Hosting   CodeHosting `json:"hosting"`
}

// Mail is one message to send.
type Mail struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	// ReplyTo, when set, lets the recipient answer someone other than the catalogue.
	ReplyTo string `json:"replyTo,omitempty"`
	// Lang is the language the mail is written in (the recipient's), sent as
	// its Content-Language.
	Lang string `json:"lang,omitempty"`
}

// Mailer sends mail: through an SMTP server, or into the data directory's
// outbox when none is configured.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// KindMailSend is the job that sends one mail; mails go through the job queue so
// that a mail server that is down delays them, never loses them.
const KindMailSend JobKind = "mail.send"

// UnmarshalJSON reads a join record in either of the shapes instances publish:
// the one JoinRecord is stored in, and the one of the API and the change feed
// ({"id", "instance", "administration": {"id", "name", "uri"}, "kind", "since",
// "verified", "confirmedUntil", …}), whose whole item is kept in Data.
func (r *JoinRecord) UnmarshalJSON(b []byte) error {
	type stored JoinRecord
	var probe struct {
		Administration *struct {
			Name string `json:"name"`
			URI  string `json:"uri"`
		} `json:"administration"`
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if probe.Administration == nil {
		return json.Unmarshal(b, (*stored)(r))
	}
	var item struct {
		ID       string `json:"id"`
		Instance string `json:"instance"`
		Since    string `json:"since"`
	}
	if err := json.Unmarshal(b, &item); err != nil {
		return err
	}
	*r = JoinRecord{Instance: item.Instance, ID: item.ID, Relation: probe.Kind, PublisherName: probe.Administration.Name,
		PublisherURI: probe.Administration.URI, Since: item.Since, Data: append(json.RawMessage(nil), b...)}
	return nil
}

// JoinRecordDetails are what a published record says beyond JoinRecord's own
// fields, read from its Data.
type JoinRecordDetails struct {
	Verified       bool   `json:"verified"`
	Confirmed      *bool  `json:"confirmed"`
	ConfirmedUntil string `json:"confirmedUntil"`
	Note           string `json:"note"`
}

// Details reads the record's Data; a record that says nothing is unverified.
func (r JoinRecord) Details() JoinRecordDetails {
	var d JoinRecordDetails
	if len(r.Data) > 0 {
		_ = json.Unmarshal(r.Data, &d)
	}
	return d
}
