package catalogue

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue/i18n"
)

// ErrForbidden is returned when the actor may not do what it asked: a member of
// one administration acting for another, a person who is no instance
// administrator approving something.
var ErrForbidden = errors.New("forbidden")

// Person is someone who signed in, known by a verified e-mail address (a link
// mailed to it was used, or an OpenID Connect provider vouched for it). A person
// may delete what the catalogue holds about them; their administration's records
// stay, attributed to the administration.
//
// Language is the site language their mails are written in: the one the site
// spoke to them when they last signed in, or the one they chose on their account
// page since; English until either happened.
type Person struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name,omitempty"`
	Language   string     `json:"language"`
	CreatedAt  time.Time  `json:"createdAt"`
	SignedInAt *time.Time `json:"signedInAt,omitempty"`
}

// Domain is the domain of the person's e-mail address, lower-cased.
func (p Person) Domain() string { return EmailDomain(p.Email) }

// NormaliseLanguage checks that lang names one of the site's languages
// (i18n.Languages: "en", "nl", "da", "it", "de", "fr") and returns it
// lower-cased.
func NormaliseLanguage(lang string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(lang))
	if !slices.Contains(i18n.Languages(), l) {
		return "", Invalidf("language %q: use one of %s", lang, strings.Join(i18n.Languages(), ", "))
	}
	return l, nil
}

// Actor is who asks for a change: a signed-in person, and whether they are an
// instance administrator (from the configuration). Rules are checked by the
// store, inside the transaction that makes the change.
type Actor struct {
	Person string
	Email  string
	Admin  bool
}

// System is the actor of changes the catalogue makes by itself (verification
// by a crawl, lapsed records).
var System = Actor{Person: "system"}

// MembershipStatus is where a membership is.
type MembershipStatus string

// Membership statuses. A person whose verified e-mail domain is one of an
// administration's domains is an approved member without asking, unless an
// instance administrator revoked it.
const (
	MemberPending  MembershipStatus = "pending"
	MemberApproved MembershipStatus = "approved"
	MemberRevoked  MembershipStatus = "revoked"
)

// Membership says that a person belongs to an administration.
//
// The rules:
//   - a person belongs to an approved administration when their verified e-mail
//     domain is one of its domains (the publishers list's emailDomains, or those
//     an instance administrator set): Via is "domain";
//   - anyone signed in may ask to belong to an administration; an instance
//     administrator approves (Via "approval") or refuses;
//   - an instance administrator may revoke any membership, domain-given ones too;
//   - an administration that is pending (registered on the site, not approved
//     yet) has no members.
type Membership struct {
	Person        string           `json:"person"`
	Email         string           `json:"email,omitempty"`
	Publisher     string           `json:"publisher"`
	PublisherName string           `json:"publisherName"`
	Status        MembershipStatus `json:"status"`
	Via           string           `json:"via"`
	Note          string           `json:"note,omitempty"`
	CreatedAt     time.Time        `json:"createdAt"`
}

// Publisher statuses: an administration registered on the site waits for an
// instance administrator.
const (
	PublisherApproved = "approved"
	PublisherPending  = "pending"
)

// SignInTTL is how long a mailed sign-in link works.
const SignInTTL = 15 * time.Minute

// SessionTTL is how long a session lasts.
const SessionTTL = 30 * 24 * time.Hour

// NewSecret returns a random token (32 bytes, URL-safe base64) and the hash under
// which the store keeps it: the token itself is never stored.
func NewSecret() (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashSecret(token)
}

// HashSecret is the hash kept in place of a token (SHA-256, hex).
func HashSecret(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// SignInToken is a mailed sign-in link as the store keeps it: its hash, for
// which address, and until when it works. It is used at most once.
type SignInToken struct {
	Hash      string
	Email     string
	Client    string
	ExpiresAt time.Time
}

// AuditEntry is one line of the audit log: who did what, for which
// administration, to what.
type AuditEntry struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Publisher string    `json:"publisher,omitempty"`
	Subject   string    `json:"subject,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

// Audit actions.
const (
	AuditDeclare           = "join.declare"
	AuditWithdraw          = "join.withdraw"
	AuditConfirm           = "join.confirm"
	AuditMembershipRequest = "membership.request"
	AuditMembershipApprove = "membership.approve"
	AuditMembershipRevoke  = "membership.revoke"
	AuditHostingAdd        = "hosting.add"
	AuditHostingRemove     = "hosting.remove"
	AuditHostingVerify     = "hosting.verify"
	AuditAdministrationAdd = "administration.register"
	AuditAdministrationOK  = "administration.approve"
	AuditDomains           = "administration.domains"
	AuditJoinInfo          = "software.join-info"
	AuditInitiative        = "initiative.create"
	AuditPledge            = "initiative.pledge"
	AuditInitiativeLink    = "initiative.link"
	AuditPersonDeleted     = "person.delete"
	AuditPersonMerged      = "person.merge"
)

// PersonalData is everything the catalogue holds about a person, for them to
// download.
type PersonalData struct {
	Person        Person       `json:"person"`
	Memberships   []Membership `json:"memberships"`
	Sessions      int          `json:"activeSessions"`
	Subscriptions []string     `json:"subscriptions"`
	Declared      []Join       `json:"declaredJoins"`
	Contact       []Join       `json:"joinsNamingThemAsContact"`
	Audit         []AuditEntry `json:"audit"`
	Initiatives   []Initiative `json:"initiatives"`
}

// Accounts keeps people, sign-in links, sessions, memberships and the audit log.
//
// It has more than 15 methods because it writes down, once, the rules of
// accounts that the store enforces; no consumer depends on all of it (the site
// uses ui.AccountSource and ui.MemberSource, the mail jobs mail.Correspondence).
type Accounts interface {
	// AddSignInToken keeps a new sign-in link's hash.
	AddSignInToken(ctx context.Context, t SignInToken) error
	// CountSignInTokens counts the links made for an address since a time (the
	// per-address rate limit, shared by every process on the store).
	CountSignInTokens(ctx context.Context, email string, since time.Time) (int, error)
	// UseSignInToken spends a link: it returns its address once, while it has not
	// expired; an unknown, expired or already used link gives ErrNotFound.
	UseSignInToken(ctx context.Context, hash string) (string, error)
	// SignIn finds or creates the person with a verified address and records the
	// sign-in. subject, when set, is the OpenID Connect provider's subject; lang,
	// when set, is the site language of the sign-in, which becomes the person's
	// Language.
	SignIn(ctx context.Context, email, name, subject, lang string) (Person, error)
	Person(ctx context.Context, id string) (Person, error)
	// SetPersonLanguage sets the language a person's mails are written in; a
	// language the site does not ship is ErrInvalid.
	SetPersonLanguage(ctx context.Context, person, lang string) error
	// LanguageOf is the Language of the person with the address email (compared
	// without regard to case), or English when nobody signed in with it: the
	// language of a mail to a join record's contact.
	LanguageOf(ctx context.Context, email string) (string, error)

	CreateSession(ctx context.Context, hash, person string, expires time.Time) error
	// SessionPerson returns the person of a live session, or ErrNotFound.
	SessionPerson(ctx context.Context, hash string) (Person, error)
	DeleteSession(ctx context.Context, hash string) error

	// Memberships lists a person's memberships (approved, pending and revoked).
	Memberships(ctx context.Context, person string) ([]Membership, error)
	// IsMember reports whether the person is an approved member of the publisher.
	IsMember(ctx context.Context, person, publisher string) (bool, error)
	// Members lists the approved members of a publisher.
	Members(ctx context.Context, publisher string) ([]Membership, error)
	RequestMembership(ctx context.Context, a Actor, publisher, note string) error
	// DecideMembership approves or revokes a membership (instance administrators only).
	DecideMembership(ctx context.Context, a Actor, person, publisher string, status MembershipStatus) error
	PendingMemberships(ctx context.Context) ([]Membership, error)

	// RegisterAdministration adds an administration that publishes nothing yet;
	// it is pending until an instance administrator approves it.
	RegisterAdministration(ctx context.Context, a Actor, p Publisher) (Publisher, error)
	ApproveAdministration(ctx context.Context, a Actor, id string) error
	PendingAdministrations(ctx context.Context) ([]Publisher, error)
	// SetEmailDomains sets the domains an instance administrator gives a publisher,
	// beside those of the publishers list.
	SetEmailDomains(ctx context.Context, a Actor, publisher string, domains []string) error
	// PublishersNamed matches administration names (as in a publiccode.yml's
	// usedBy) to publishers, by name without regard to case or spacing.
	PublishersNamed(ctx context.Context, names []string) (map[string]Publisher, error)

	Subscribe(ctx context.Context, a Actor, publisher string, on bool) error
	Subscriptions(ctx context.Context, person string) ([]string, error)

	AuditLog(ctx context.Context, publisher string, limit int) ([]AuditEntry, error)
	// ExportPerson is what the catalogue holds about a person.
	ExportPerson(ctx context.Context, person string) (PersonalData, error)
	// SiteKey is a random secret made once and kept in the store, the same for
	// every process on it: the key that signs the cookies the site hands out
	// before anyone signs in.
	SiteKey(ctx context.Context) ([]byte, error)
	// DeletePerson forgets a person: their account, sessions, memberships and
	// subscriptions go; records they declared stay, attributed to their
	// administration; contacts naming their address are cleared.
	DeletePerson(ctx context.Context, person string) error
}
