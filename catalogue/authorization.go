package catalogue

import (
	"context"
	"fmt"
	"strings"
)

// The authorisation rules: who may act for an administration. There are four
// kinds of actor: an approved member of an administration (see Membership),
// an instance administrator (from the configuration), the catalogue itself
// (System), and anyone signed in. An instance administrator is not a member
// of every administration: they approve and correct, members act.
//
// The store checks the rule inside the transaction that makes the change, by
// calling Authorize with what it reads there; the site asks the same rule
// before it starts work the store does not do (crawl now) or shows what only
// some may see.

// Act is something an actor asks to do.
type Act string

// The acts. Those for members name one administration (the record's, the
// hosting's, the initiative's…), except where said: then a member of any of
// the administrations given may.
const (
	ActDeclareJoin        Act = "declare-join"
	ActConfirmJoin        Act = "confirm-join"
	ActWithdrawJoin       Act = "withdraw-join"
	ActAddHosting         Act = "add-code-hosting"
	ActRemoveHosting      Act = "remove-code-hosting"
	ActCreateInitiative   Act = "create-initiative"
	ActLinkInitiative     Act = "link-initiative"
	ActPledge             Act = "pledge"
	ActSubscribe          Act = "subscribe"
	ActSeeHookSecrets     Act = "see-hook-secrets"
	ActRotateHookSecret   Act = "rotate-hook-secret"
	ActSetMembersCounting Act = "set-members-counting"
	ActCrawlPublisher     Act = "crawl-publisher"
	// ActSetJoinInfo is for members of any administration that publishes the software.
	ActSetJoinInfo Act = "set-join-info"
	// ActWriteCoUsers is for members of any administration with a confirmed relation to the software.
	ActWriteCoUsers Act = "write-co-users"
	// ActCrawlRepository is for members of any administration that lists the repository.
	ActCrawlRepository Act = "crawl-repository"

	ActDecideMembership      Act = "decide-membership"
	ActApproveAdministration Act = "approve-administration"
	ActSetEmailDomains       Act = "set-email-domains"
	ActVerifyHosting         Act = "verify-code-hosting"
	ActReviewPending         Act = "review-pending"
	ActReadAudit             Act = "read-audit-log"

	// ActVerifyHostingItself is the catalogue verifying code hosting by what it
	// found (a publiccode.yml naming the administration, a domain).
	ActVerifyHostingItself Act = "verify-code-hosting-itself"

	ActRegisterAdministration Act = "register-administration"
)

// actor kinds a rule admits.
type admits int

const (
	admitsMemberOfOne admits = iota + 1
	admitsMemberOfAny
	admitsAdmin
	admitsSystem
	admitsSignedIn
)

// rule is who may do an act, and what a refused actor is told (after
// "forbidden: "); %s is the administration, for admitsMemberOfOne.
type rule struct {
	admits  admits
	refusal string
}

var rules = map[Act]rule{
	ActDeclareJoin:        {admitsMemberOfOne, "only members of %s may do this"},
	ActConfirmJoin:        {admitsMemberOfOne, "only members of %s may do this"},
	ActWithdrawJoin:       {admitsMemberOfOne, "only members of %s may do this"},
	ActAddHosting:         {admitsMemberOfOne, "only members of %s may do this"},
	ActRemoveHosting:      {admitsMemberOfOne, "only members of %s may do this"},
	ActCreateInitiative:   {admitsMemberOfOne, "only members of %s may do this"},
	ActLinkInitiative:     {admitsMemberOfOne, "only members of %s may do this"},
	ActPledge:             {admitsMemberOfOne, "only members of %s may do this"},
	ActSubscribe:          {admitsMemberOfOne, "only members of %s may do this"},
	ActSeeHookSecrets:     {admitsMemberOfOne, "only members of %s may do this"},
	ActRotateHookSecret:   {admitsMemberOfOne, "only members of %s may do this"},
	ActSetMembersCounting: {admitsMemberOfOne, "only members of %s may do this"},
	ActCrawlPublisher:     {admitsMemberOfOne, "only members of %s may do this"},

	ActSetJoinInfo:     {admitsMemberOfAny, "only members of an administration that publishes this software may say how to join it"},
	ActWriteCoUsers:    {admitsMemberOfAny, "only members of an administration that declared a relation to this software may write to its co-users"},
	ActCrawlRepository: {admitsMemberOfAny, "only members of an administration that lists this repository may crawl it now"},

	ActDecideMembership:      {admitsAdmin, "only instance administrators may do this"},
	ActApproveAdministration: {admitsAdmin, "only instance administrators may do this"},
	ActSetEmailDomains:       {admitsAdmin, "only instance administrators may do this"},
	ActVerifyHosting:         {admitsAdmin, "only instance administrators may do this"},
	ActReviewPending:         {admitsAdmin, "only instance administrators may do this"},
	ActReadAudit:             {admitsAdmin, "only instance administrators may do this"},

	ActVerifyHostingItself: {admitsSystem, "only the catalogue verifies code hosting by what it found"},

	ActRegisterAdministration: {admitsSignedIn, "sign in to register an administration"},
}

// Acts are all the acts Authorize knows.
func Acts() []Act {
	out := make([]Act, 0, len(rules))
	for a := range rules {
		out = append(out, a)
	}
	return out
}

// MemberCheck answers whether a person is an approved member of an
// administration (the rules of Membership); the store answers it inside its
// transaction.
type MemberCheck interface {
	IsMember(ctx context.Context, person, publisher string) (bool, error)
}

// Authorize returns nil when actor a may do act for the administrations
// given, and an error wrapping ErrForbidden that says who may otherwise. Only
// acts for members ask members; a nil MemberCheck refuses them. An act it
// does not know is refused.
func Authorize(ctx context.Context, members MemberCheck, a Actor, act Act, publishers ...string) error {
	_, err := ActingFor(ctx, members, a, act, publishers...)
	return err
}

// ActingFor is Authorize, returning, for an act for members, the first of
// publishers whose member a is: the administration a acts for.
func ActingFor(ctx context.Context, members MemberCheck, a Actor, act Act, publishers ...string) (string, error) {
	r, ok := rules[act]
	if !ok {
		return "", Forbiddenf("%q is not an act this catalogue knows", act)
	}
	var allowed bool
	var member string
	var err error
	switch r.admits {
	case admitsAdmin:
		allowed = a.Admin
	case admitsSystem:
		allowed = a == System
	case admitsSignedIn:
		allowed = a.Person != ""
	case admitsMemberOfOne:
		if len(publishers) != 1 {
			return "", Forbiddenf("%s names one administration, not %d", act, len(publishers))
		}
		member, err = memberOfAny(ctx, members, a, publishers)
	case admitsMemberOfAny:
		member, err = memberOfAny(ctx, members, a, publishers)
	}
	switch {
	case err != nil:
		return "", fmt.Errorf("may %s act %s for %s: %w", a.Person, act, strings.Join(publishers, ", "), err)
	case allowed || member != "":
		return member, nil
	case r.admits == admitsMemberOfOne:
		return "", Forbiddenf(r.refusal, publishers[0])
	}
	return "", Forbiddenf("%s", r.refusal)
}

// memberOfAny is the first of publishers whose approved member a is, "" for
// none. The catalogue itself and anonymous actors are members of none.
func memberOfAny(ctx context.Context, members MemberCheck, a Actor, publishers []string) (string, error) {
	if members == nil || a.Person == "" || a.Person == System.Person {
		return "", nil
	}
	for _, p := range publishers {
		ok, err := members.IsMember(ctx, a.Person, p)
		if err != nil {
			return "", err
		}
		if ok {
			return p, nil
		}
	}
	return "", nil
}

// KnownMembers is a MemberCheck over memberships already read: the
// administrations, by ID, whose member the one person asked about is.
type KnownMembers map[string]bool

// IsMember implements MemberCheck.
func (k KnownMembers) IsMember(_ context.Context, _, publisher string) (bool, error) {
	return k[publisher], nil
}
