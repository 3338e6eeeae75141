package ui

import (
	"context"
	"errors"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// Sources are the stores the site reads and writes, each a narrow interface
// of the methods its handler group calls. cmd/oscat fills every field with its
// one *sqlstore.Store; a nil optional field turns its group off.
type Sources struct {
	// Catalog is required.
	Catalog CatalogSource
	// Code, when set, serves code entries (pages, API, search hits).
	Code CodeSource
	// Federation, when set, serves the change feed, /di/v1, DCAT, the Atom
	// feeds and the webhook API.
	Federation FederationSource
	// Community, when set, turns on accounts, memberships and joining.
	Community *CommunitySources
	// HookSecrets, when set, shows code-hosting entries' push-webhook secrets
	// to their members.
	HookSecrets catalogue.HookSecrets
	// Collaboration, when set, serves the /collaboration page;
	// Contributions adds what an administration contributes to its page.
	Collaboration CollaborationSource
	Contributions ContributionSource
}

// CommunitySources are the stores of accounts and joining; every field is
// required when Sources.Community is set.
type CommunitySources struct {
	Accounts    AccountSource
	Members     MemberSource
	Joins       JoinSource
	Initiatives InitiativeSource
	Hosting     HostingSource
	Mail        MailQueue
}

// CollaborationSource is what the /collaboration page reads.
type CollaborationSource interface {
	CollaborationLinks(ctx context.Context) ([]catalogue.CollabAdmin, []catalogue.CollabSoftware, []catalogue.CollabLink, error)
}

// ContributionSource finds what an administration has commits to.
type ContributionSource interface {
	PublisherContributions(ctx context.Context, publisher string, limit int) ([]catalogue.PublisherContribution, error)
}

// CatalogSource is what every page reads: listed software, publishers, repositories
// and their crawls, media, and the change log's head.
type CatalogSource interface {
	// Software returns a listed entry; hidden or unknown IDs give catalogue.ErrNotFound.
	Software(ctx context.Context, id string) (catalogue.Software, error)
	// SoftwareByIDs returns the listed entries among ids, in the order of ids.
	SoftwareByIDs(ctx context.Context, ids []string) ([]catalogue.Software, error)
	// ListSoftware pages through every listed entry by ID; publisher narrows it to
	// the software that publisher's repositories carry.
	ListSoftware(ctx context.Context, publisher string, page catalogue.Page) ([]catalogue.Software, string, error)
	Publisher(ctx context.Context, id string) (catalogue.Publisher, error)
	Publishers(ctx context.Context, page catalogue.Page) ([]catalogue.Publisher, string, error)
	// PublishersByIDs returns the publishers among ids, whatever their status.
	PublishersByIDs(ctx context.Context, ids []string) ([]catalogue.Publisher, error)
	Repositories(ctx context.Context, f catalogue.RepositoryFilter, page catalogue.Page) ([]catalogue.Repository, string, error)
	// RepositoryHistory is the repository's last crawls, newest first (at most
	// HistoryLength).
	RepositoryHistory(ctx context.Context, url string) ([]catalogue.RepoCrawl, error)
	CrawlRuns(ctx context.Context, page catalogue.Page) ([]catalogue.CrawlRun, string, error)
	// Media returns a stored logo or screenshot by its hash.
	Media(ctx context.Context, hash string) (catalogue.Media, error)
	// ChangeHead is the sequence number of the latest change-log entry (0 if none).
	ChangeHead(ctx context.Context) (int64, error)
	Ping(ctx context.Context) error
}

// CodeSource reads the code entries (repositories without a publiccode file).
type CodeSource interface {
	// CodeEntry returns a listed code entry; one whose repository now carries
	// listed software gives a *catalogue.DescribedError, others catalogue.ErrNotFound.
	CodeEntry(ctx context.Context, id string) (catalogue.CodeEntry, error)
	// CodeEntriesByIDs returns the listed code entries among ids, in their order.
	CodeEntriesByIDs(ctx context.Context, ids []string) ([]catalogue.CodeEntry, error)
	// CodeEntryByURL returns the listed code entry of the repository at url.
	CodeEntryByURL(ctx context.Context, url string) (catalogue.CodeEntry, error)
}

// FederationSource is what the federation routes read and the webhook API keeps: the
// change feed, the Developers Italia-compatible pages, the feeds' recent
// entries, and webhooks with their delivery log.
type FederationSource interface {
	// ChangesSince is Changes, failing with catalogue.ErrGone when after is older than the
	// log's retention (the entries after it were pruned).
	ChangesSince(ctx context.Context, after int64, limit int) ([]catalogue.Change, error)
	// SoftwareByCreation pages listed software by creation time, for the
	// Developers Italia-compatible API; the cursors are opaque.
	SoftwareByCreation(ctx context.Context, p catalogue.CreationPage) (list []catalogue.Software, next, prev string, err error)
	// HiddenSoftware reports which of ids no repository carries any more (the
	// inactive entries SoftwareByCreation lists with All).
	HiddenSoftware(ctx context.Context, ids []string) (map[string]bool, error)
	// PublishersByCreation pages publishers the same way.
	PublishersByCreation(ctx context.Context, p catalogue.CreationPage) (list []catalogue.Publisher, next, prev string, err error)
	// RecentSoftware lists listed software, most recently updated first.
	RecentSoftware(ctx context.Context, limit int, keep func(catalogue.Software) bool) ([]catalogue.Software, error)
	AddWebhook(ctx context.Context, w catalogue.Webhook) (catalogue.Webhook, error)
	Webhooks(ctx context.Context) ([]catalogue.Webhook, error)
	WebhookByID(ctx context.Context, id int64) (catalogue.Webhook, error)
	RemoveWebhook(ctx context.Context, id int64) error
	Deliveries(ctx context.Context, webhook int64, limit int) ([]catalogue.Delivery, error)
}

// AccountSource keeps people, sign-in links, sessions, subscriptions and personal data.
type AccountSource interface {
	// AddSignInToken keeps a new sign-in link's hash.
	AddSignInToken(ctx context.Context, t catalogue.SignInToken) error
	// CountSignInTokens counts the links made for an address since a time (the
	// per-address rate limit, shared by every process on the store).
	CountSignInTokens(ctx context.Context, email string, since time.Time) (int, error)
	// UseSignInToken spends a link: it returns its address once, while it has not
	// expired; an unknown, expired or already used link gives catalogue.ErrNotFound.
	UseSignInToken(ctx context.Context, hash string) (string, error)
	// SignIn finds or creates the person with a verified address and records the
	// sign-in. subject, when set, is the OpenID Connect provider's subject; lang,
	// when set, is the site language of the sign-in, which becomes the person's
	// Language.
	SignIn(ctx context.Context, email, name, subject, lang string) (catalogue.Person, error)
	// SetPersonLanguage sets the language a person's mails are written in; a
	// language the site does not ship is catalogue.ErrInvalid.
	SetPersonLanguage(ctx context.Context, person, lang string) error
	// LanguageOf is the Language of the person with the address email (compared
	// without regard to case), or English when nobody signed in with it: the
	// language of a mail to a join record's contact.
	LanguageOf(ctx context.Context, email string) (string, error)
	CreateSession(ctx context.Context, hash, person string, expires time.Time) error
	// SessionPerson returns the person of a live session, or catalogue.ErrNotFound.
	SessionPerson(ctx context.Context, hash string) (catalogue.Person, error)
	DeleteSession(ctx context.Context, hash string) error
	// SiteKey is a random secret made once and kept in the store, the same for
	// every process on it: the key that signs the cookies the site hands out
	// before anyone signs in.
	SiteKey(ctx context.Context) ([]byte, error)
	Subscribe(ctx context.Context, a catalogue.Actor, publisher string, on bool) error
	Subscriptions(ctx context.Context, person string) ([]string, error)
	// ExportPerson is what the catalogue holds about a person.
	ExportPerson(ctx context.Context, person string) (catalogue.PersonalData, error)
	// DeletePerson forgets a person: their account, sessions, memberships and
	// subscriptions go; records they declared stay, attributed to their
	// administration; contacts naming their address are cleared.
	DeletePerson(ctx context.Context, person string) error
}

// MemberSource keeps memberships, administrations, their e-mail domains and the audit log.
type MemberSource interface {
	// Memberships lists a person's memberships (approved, pending and revoked).
	Memberships(ctx context.Context, person string) ([]catalogue.Membership, error)
	// IsMember reports whether the person is an approved member of the publisher.
	IsMember(ctx context.Context, person, publisher string) (bool, error)
	// Members lists the approved members of a publisher.
	Members(ctx context.Context, publisher string) ([]catalogue.Membership, error)
	RequestMembership(ctx context.Context, a catalogue.Actor, publisher, note string) error
	// DecideMembership approves or revokes a membership (instance administrators only).
	DecideMembership(ctx context.Context, a catalogue.Actor, person, publisher string, status catalogue.MembershipStatus) error
	PendingMemberships(ctx context.Context) ([]catalogue.Membership, error)
	// RegisterAdministration adds an administration that publishes nothing yet;
	// it is pending until an instance administrator approves it.
	RegisterAdministration(ctx context.Context, a catalogue.Actor, p catalogue.Publisher) (catalogue.Publisher, error)
	ApproveAdministration(ctx context.Context, a catalogue.Actor, id string) error
	PendingAdministrations(ctx context.Context) ([]catalogue.Publisher, error)
	// SetEmailDomains sets the domains an instance administrator gives a publisher,
	// beside those of the publishers list.
	SetEmailDomains(ctx context.Context, a catalogue.Actor, publisher string, domains []string) error
	// PublishersNamed matches administration names (as in a publiccode.yml's
	// usedBy) to publishers, by name without regard to case or spacing.
	PublishersNamed(ctx context.Context, names []string) (map[string]catalogue.Publisher, error)
	AuditLog(ctx context.Context, publisher string, limit int) ([]catalogue.AuditEntry, error)
	// SetMembersCounting records a member's choice to count the administration's
	// e-mail domains in contribution figures.
	SetMembersCounting(ctx context.Context, a catalogue.Actor, publisher string, on bool) error
}

// JoinSource keeps join records, how to join projects, and who else uses a software.
type JoinSource interface {
	DeclareJoin(ctx context.Context, a catalogue.Actor, j catalogue.Join) (catalogue.Join, error)
	ConfirmJoin(ctx context.Context, a catalogue.Actor, id string) (catalogue.Join, error)
	WithdrawJoin(ctx context.Context, a catalogue.Actor, id string) error
	Join(ctx context.Context, id string) (catalogue.Join, error)
	// Joins lists records of a software, or of a publisher, newest first.
	Joins(ctx context.Context, software, publisher string) ([]catalogue.Join, error)
	// JoinsByIDs returns the records among ids that still exist.
	JoinsByIDs(ctx context.Context, ids []string) ([]catalogue.Join, error)
	// CountUsingAdministrations counts administrations with a confirmed,
	// verified record that counts (uses, co-develops, funds).
	CountUsingAdministrations(ctx context.Context) (int, error)
	JoinInfo(ctx context.Context, software string) (catalogue.JoinInfo, error)
	// SetJoinInfo is for members of an administration that publishes the software.
	SetJoinInfo(ctx context.Context, a catalogue.Actor, info catalogue.JoinInfo) error
	// CoUsers are the contacts of the other administrations' confirmed records of
	// a software, for a member of one of them to write to.
	CoUsers(ctx context.Context, a catalogue.Actor, software string) ([]catalogue.Contact, error)
	// Repository returns what the catalogue keeps about the repository at url.
	Repository(ctx context.Context, url string) (catalogue.Repository, error)
}

// InitiativeSource keeps initiatives and their pledges.
type InitiativeSource interface {
	Initiatives(ctx context.Context) ([]catalogue.Initiative, error)
	Initiative(ctx context.Context, id string) (catalogue.Initiative, error)
	CreateInitiative(ctx context.Context, a catalogue.Actor, in catalogue.Initiative) (catalogue.Initiative, error)
	Pledge(ctx context.Context, a catalogue.Actor, initiative string, p catalogue.Pledge) error
	// LinkInitiative links a listed software to an initiative and returns the
	// pledgers' members to tell.
	LinkInitiative(ctx context.Context, a catalogue.Actor, initiative, software string) ([]catalogue.Person, error)
}

// HostingSource keeps the code hosting added on the site.
type HostingSource interface {
	// AddCodeHosting adds a site entry to a publisher (its members only); the
	// entry is unverified until a rule verifies it.
	AddCodeHosting(ctx context.Context, a catalogue.Actor, publisher string, h catalogue.CodeHosting) error
	RemoveCodeHosting(ctx context.Context, a catalogue.Actor, publisher, url string) error
	// VerifyCodeHosting marks a site entry verified: by an instance administrator
	// (how VerifiedByAdmin) or by the catalogue itself (System).
	VerifyCodeHosting(ctx context.Context, a catalogue.Actor, publisher, url, how string) error
	UnverifiedHosting(ctx context.Context) ([]catalogue.PublisherHosting, error)
}

// MailQueue queues the site's mails (sign-in links, join notices) as jobs.
type MailQueue interface {
	// Enqueue adds jobs, skipping each whose (Kind, Key) already has a live job,
	// and returns how many were added.
	Enqueue(ctx context.Context, jobs ...catalogue.NewJob) (int, error)
}

// check says which required source is missing.
func (src Sources) check() error {
	if src.Catalog == nil {
		return errors.New("ui: Sources.Catalog is required")
	}
	c := src.Community
	if c == nil {
		return nil
	}
	if c.Accounts == nil || c.Members == nil || c.Joins == nil || c.Initiatives == nil || c.Hosting == nil || c.Mail == nil {
		return errors.New("ui: Sources.Community needs every field set")
	}
	return nil
}
