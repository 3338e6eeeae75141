package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
)

// joinCase is a branch of an account or joining page, with what its English
// page must show and must not show, so that a branch a template stops drawing
// fails as well as a field it names and its page type lacks.
type joinCase struct {
	templateCase
	want, absent []string
}

var (
	caseTime  = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	caseMe    = &catalogue.Person{ID: "p1", Email: "bo@eksempel.dk", Language: "da", CreatedAt: caseTime}
	caseAdmin = &catalogue.Person{ID: "p2", Email: "root@example.org", Language: i18n.English, CreatedAt: caseTime}
)

// joinView is the view the page helper gives a join page, for a visitor (me
// nil), a signed-in person or an instance administrator.
func joinView(name string, me *catalogue.Person, p joinPage) templateCase {
	v := view{Title: name, Robots: "noindex", Accounts: true, Me: me, Admin: me == caseAdmin, CSRF: "csrf-token", Page: p}
	return templateCase{name: name, page: p.template(), v: v}
}

func membership(pub string, st catalogue.MembershipStatus, via string) catalogue.Membership {
	return catalogue.Membership{Person: caseMe.ID, Email: caseMe.Email, Publisher: pub, PublisherName: "Name of " + pub,
		Status: st, Via: via, Note: "note of " + pub, CreatedAt: caseTime}
}

func accountCases() []joinCase {
	langs := []langLink{{Lang: i18n.English, Name: "English"}, {Lang: "da", Name: "Dansk", Current: true}}
	full := accountPage{Memberships: []catalogue.Membership{membership("kbh", catalogue.MemberApproved, "domain"),
		membership("aarhus", catalogue.MemberApproved, "approval"), membership("odense", catalogue.MemberPending, "approval")},
		Subscribed: map[string]bool{"kbh": true}, Languages: langs, Done: "language"}
	return []joinCase{
		{joinView("account without memberships", caseMe, accountPage{Subscribed: map[string]bool{}, Languages: langs}),
			[]string{`href="/administrations/new"`, "bo@eksempel.dk", `value="da" lang="da" selected`}, []string{"/subscription", `role="status"`}},
		{joinView("account with memberships", caseMe, full),
			[]string{`action="/publishers/kbh/subscription"`, `action="/publishers/aarhus/subscription"`, "Name of odense",
				`<input type="hidden" name="subscribe" value="false">`, `<input type="hidden" name="subscribe" value="true">`, `role="status"`},
			[]string{`action="/publishers/odense/subscription"`, `href="/administrations/new"`}},
		{joinView("privacy", nil, privacyPage{}), []string{`href="/account/export"`}, []string{`role="status"`}},
		{joinView("privacy after deleting an account", nil, privacyPage{Deleted: true}), []string{`role="status"`}, nil},
		{joinView("register", caseMe, registerPage{}), []string{`action="/administrations"`, `value="csrf-token"`}, nil},
	}
}

func adminCases() []joinCase {
	pending := membership("kbh", catalogue.MemberPending, "approval")
	full := adminPage{Memberships: []catalogue.Membership{pending},
		Administrations: []catalogue.Publisher{{ID: "new-kommune", Name: "New Kommune", Country: "DK", URI: "urn:x:1", EmailDomains: []string{"new.dk", "ny.dk"}}},
		Hosting:         []catalogue.PublisherHosting{{Publisher: "kbh", Hosting: catalogue.CodeHosting{URL: "https://git.kbh.dk/kbh", Group: true}}},
		Audit:           []catalogue.AuditEntry{{Seq: 1, At: caseTime, Actor: "root@example.org", Action: "membership.approve", Publisher: "kbh", Subject: "p1"}},
		Done:            "membership"}
	return []joinCase{
		{joinView("admin with nothing pending", caseAdmin, adminPage{}), []string{"<h1>"}, []string{"/admin/memberships", "/approve", "/admin/code-hosting/verify", `role="status"`}},
		{joinView("admin with everything pending", caseAdmin, full),
			[]string{`action="/admin/memberships"`, `action="/admin/administrations/new-kommune/approve"`, "new.dk ny.dk",
				`name="url" value="https://git.kbh.dk/kbh"`, "2026-03-04T05:06:07Z", "<code>membership.approve</code>", `role="status"`}, nil},
	}
}

func initiativeCases() []joinCase {
	in := catalogue.Initiative{ID: "i1", Publisher: "kbh", PublisherName: "Name of kbh", Title: "Booking of sports halls",
		Problem: "Clubs book halls by phone.", CreatedAt: caseTime, UpdatedAt: caseTime}
	rich := in
	rich.Requirements, rich.Budget, rich.Software = "Works on phones.", "EUR 20,000", "sw1"
	rich.Pledges = []catalogue.Pledge{{Publisher: "aarhus", PublisherName: "Name of aarhus", Kind: catalogue.PledgeCoFund, Note: "half", CreatedAt: caseTime},
		{Publisher: "odense", PublisherName: "Name of odense", Kind: catalogue.PledgeInterested, CreatedAt: caseTime}}
	sw := &catalogue.Software{ID: "sw1", Name: "Hallbooker"}
	kbh, aarhus := membership("kbh", catalogue.MemberApproved, "domain"), membership("aarhus", catalogue.MemberApproved, "approval")
	const pledge, link = `action="/initiatives/i1/pledges"`, `action="/initiatives/i1/software"`
	return []joinCase{
		{joinView("initiative for a visitor", nil, initiativePage{I: in}), []string{"Booking of sports halls", `href="/publishers/kbh"`},
			[]string{pledge, link, `href="/software/`, `role="status"`}},
		{joinView("initiative for a member of another administration", caseMe, initiativePage{I: rich, Software: sw, MemberOf: []catalogue.Membership{aarhus}, Done: "pledged"}),
			[]string{pledge, `href="/software/sw1"`, "Works on phones.", "EUR 20,000", "Name of aarhus", "(half)", `role="status"`}, []string{link}},
		{joinView("initiative for its initiator", caseMe, initiativePage{I: in, MemberOf: []catalogue.Membership{kbh, aarhus}, Initiator: true}),
			[]string{pledge, link, `<option value="aarhus">`}, nil},
		{joinView("new initiative for a person without an administration", caseMe, initiativeNewPage{}),
			[]string{`href="/account"`}, []string{`action="/initiatives"`}},
		{joinView("new initiative for a member", caseMe, initiativeNewPage{MemberOf: []catalogue.Membership{kbh}}),
			[]string{`action="/initiatives"`, `<option value="kbh">Name of kbh</option>`}, nil},
		{joinView("no initiatives, for a visitor", nil, initiativesPage{}), nil, []string{`href="/initiatives/new"`, `href="/initiatives/i1"`}},
		{joinView("initiatives, signed in", caseMe, initiativesPage{Initiatives: []catalogue.Initiative{in, rich}}),
			[]string{`href="/initiatives/new"`, `href="/initiatives/i1"`, "EUR 20,000"}, nil},
	}
}

func signinCases() []joinCase {
	return []joinCase{
		{joinView("sign-in", nil, signinPage{Next: "/initiatives/new"}), []string{`name="next" value="/initiatives/new"`},
			[]string{`role="alert"`, `href="/signin/oidc"`}},
		{joinView("sign-in with OpenID Connect", nil, signinPage{OIDC: true, Next: "/account"}), []string{`href="/signin/oidc"`}, nil},
		{joinView("sign-in with a wrong address", nil, signinPage{OIDC: true, Error: "ui.signin.error.email", Email: "not an address"}),
			[]string{`role="alert"`, `value="not an address"`}, []string{"ui.signin.error"}},
		{joinView("sign-in too often", nil, signinPage{Error: "ui.signin.error.tooMany"}), []string{`role="alert"`}, []string{"ui.signin.error"}},
		{joinView("sign-in with a used link", nil, signinPage{Error: "ui.signin.error.used"}), []string{`role="alert"`}, []string{"ui.signin.error"}},
		{joinView("sign-in link sent", nil, signinSentPage{Email: "bo@eksempel.dk"}), []string{"bo@eksempel.dk", `href="/signin"`}, nil},
		{joinView("sign-in confirmation", nil, signinConfirmPage{Token: "tok", Next: "/admin"}),
			[]string{`name="token" value="tok"`, `name="next" value="/admin"`, `action="/signin/confirm"`}, nil},
	}
}

func joinCases() []joinCase {
	var all []joinCase
	for _, group := range [][]joinCase{accountCases(), adminCases(), initiativeCases(), signinCases()} {
		all = append(all, group...)
	}
	return all
}

// joinTemplateCases are the branches of the account and joining pages.
func joinTemplateCases() []templateCase {
	var out []templateCase
	for _, jc := range joinCases() {
		out = append(out, jc.templateCase)
	}
	return out
}

func TestTemplates_JoinPagesDrawEveryBranchInEveryLanguage(t *testing.T) {
	renderTemplateCases(t, joinTemplateCases())
}

func TestTemplates_JoinPagesShowWhatTheirBranchHolds(t *testing.T) {
	pages, err := loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	texts, err := newBundle()
	if err != nil {
		t.Fatal(err)
	}
	for _, jc := range joinCases() {
		v := jc.v
		v.L = localiser{b: texts, Lang: i18n.English}
		var buf bytes.Buffer
		if err := pages[jc.page].Execute(&buf, v); err != nil {
			t.Errorf("%s: %v", jc.name, err)
			continue
		}
		out := buf.String()
		for _, w := range jc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: the page lacks %s", jc.name, w)
			}
		}
		for _, a := range jc.absent {
			if strings.Contains(out, a) {
				t.Errorf("%s: the page shows %s", jc.name, a)
			}
		}
	}
}

func TestTemplates_EveryJoinPageHasCases(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range joinTemplateCases() {
		covered[tc.page] = true
	}
	for _, name := range []string{"account", "admin", "initiative", "initiative_new", "initiatives", "register",
		"signin", "signin_confirm", "signin_sent", "privacy"} {
		if !covered[name] {
			t.Errorf("no template case draws %s", name)
		}
	}
}
