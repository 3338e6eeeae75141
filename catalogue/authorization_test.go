package catalogue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// memberships is a MemberCheck over person → administrations, counting questions.
type memberships struct {
	of    map[string][]string
	asked int
	fail  bool
}

func (m *memberships) IsMember(_ context.Context, person, publisher string) (bool, error) {
	m.asked++
	if m.fail {
		return false, errors.New("database gone")
	}
	return slices.Contains(m.of[person], publisher), nil
}

func TestAuthorize_WhoMayActForAnAdministration(t *testing.T) {
	actors := map[string]Actor{
		"anonymous": {},
		"system":    System,
		"alice":     {Person: "alice"},               // member of a
		"bob":       {Person: "bob"},                 // member of b
		"root":      {Person: "root", Admin: true},   // an instance administrator, member of none
		"rooted":    {Person: "rooted", Admin: true}, // an instance administrator and member of a
	}
	members := map[string][]string{"alice": {"a"}, "bob": {"b"}, "rooted": {"a"}}
	forMembersOfA := []string{"alice", "rooted"}
	tests := []struct {
		acts       []Act
		publishers []string
		allowed    []string
		says       string
	}{
		{[]Act{ActDeclareJoin, ActConfirmJoin, ActWithdrawJoin, ActAddHosting, ActRemoveHosting, ActCreateInitiative, ActLinkInitiative,
			ActPledge, ActSubscribe, ActSeeHookSecrets, ActRotateHookSecret, ActSetMembersCounting, ActCrawlPublisher},
			[]string{"a"}, forMembersOfA, "only members of a may do this"},
		{[]Act{ActSetJoinInfo}, []string{"b", "a"}, []string{"alice", "bob", "rooted"}, "publishes this software may say how to join it"},
		{[]Act{ActWriteCoUsers}, []string{"a"}, forMembersOfA, "declared a relation to this software may write to its co-users"},
		{[]Act{ActCrawlRepository}, []string{"b"}, []string{"bob"}, "lists this repository may crawl it now"},
		{[]Act{ActCrawlRepository}, nil, nil, "lists this repository may crawl it now"},
		{[]Act{ActDecideMembership, ActApproveAdministration, ActSetEmailDomains, ActVerifyHosting, ActReviewPending, ActReadAudit},
			nil, []string{"root", "rooted"}, "only instance administrators may do this"},
		{[]Act{ActVerifyHostingItself}, nil, []string{"system"}, "only the catalogue verifies"},
		{[]Act{ActRegisterAdministration}, nil, []string{"system", "alice", "bob", "root", "rooted"}, "sign in to register an administration"},
	}
	covered := map[Act]bool{}
	for _, tt := range tests {
		for _, act := range tt.acts {
			covered[act] = true
			for name, a := range actors {
				t.Run(fmt.Sprintf("%s/%s/%s", act, strings.Join(tt.publishers, "+"), name), func(t *testing.T) {
					err := Authorize(t.Context(), &memberships{of: members}, a, act, tt.publishers...)
					switch {
					case slices.Contains(tt.allowed, name) && err != nil:
						t.Errorf("refused: %v", err)
					case !slices.Contains(tt.allowed, name) && !errors.Is(err, ErrForbidden):
						t.Errorf("allowed, want forbidden (err %v)", err)
					case err != nil && !strings.Contains(err.Error(), tt.says):
						t.Errorf("says %q, want it to say %q", err, tt.says)
					}
				})
			}
		}
	}
	for _, act := range Acts() {
		if !covered[act] {
			t.Errorf("no rule tested for %s", act)
		}
	}
}

func TestActingFor_TheFirstAdministrationTheActorIsAMemberOf(t *testing.T) {
	m := &memberships{of: map[string][]string{"alice": {"c", "a"}}}
	got, err := ActingFor(t.Context(), m, Actor{Person: "alice"}, ActSetJoinInfo, "b", "a", "c")
	if err != nil || got != "a" {
		t.Errorf("ActingFor = %q %v, want a", got, err)
	}
	if m.asked != 2 {
		t.Errorf("asked %d times, want 2 (it stops at the first membership)", m.asked)
	}
	if got, err := ActingFor(t.Context(), m, Actor{Person: "root", Admin: true}, ActReadAudit); err != nil || got != "" {
		t.Errorf("an administrator acts for %q %v, want none", got, err)
	}
}

func TestAuthorize_RefusesWhatItCannotDecide(t *testing.T) {
	alice := Actor{Person: "alice"}
	m := &memberships{of: map[string][]string{"alice": {"a"}}}
	tests := []struct {
		name    string
		members MemberCheck
		act     Act
		pubs    []string
		want    string
	}{
		{"an unknown act", m, Act("rule-the-world"), []string{"a"}, "not an act this catalogue knows"},
		{"an act for one administration given two", m, ActDeclareJoin, []string{"a", "b"}, "names one administration, not 2"},
		{"an act for one administration given none", m, ActDeclareJoin, nil, "names one administration, not 0"},
		{"no one to ask about members", nil, ActDeclareJoin, []string{"a"}, "only members of a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorize(t.Context(), tt.members, alice, tt.act, tt.pubs...)
			if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want forbidden saying %q", err, tt.want)
			}
		})
	}
	broken := &memberships{fail: true}
	err := Authorize(t.Context(), broken, alice, ActPledge, "a")
	if err == nil || errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "database gone") {
		t.Errorf("a failing membership check: %v, want its error, not forbidden", err)
	}
	if err := Authorize(t.Context(), broken, System, ActPledge, "a"); !errors.Is(err, ErrForbidden) || broken.asked != 1 {
		t.Errorf("the catalogue itself is no member and is not asked about (asked %d times in all): %v", broken.asked, err)
	}
	known := KnownMembers{"a": true, "b": false}
	if err := Authorize(t.Context(), known, alice, ActWriteCoUsers, "b", "a"); err != nil {
		t.Errorf("known memberships: %v", err)
	}
}
