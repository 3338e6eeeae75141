package sqlstore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// joinWorld is two administrations, A (with a listed software) and B, and a
// member of each by e-mail domain.
type joinWorld struct {
	s        *Store
	software string
	alice    catalogue.Actor // member of A by domain
	bob      catalogue.Actor // member of B by domain
	admin    catalogue.Actor
	clock    *time.Time
}

func newJoinWorld(t *testing.T, s *Store) joinWorld {
	t.Helper()
	ctx := t.Context()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	w := joinWorld{s: s, clock: &now}
	s.SetClock(func() time.Time { return *w.clock })
	if err := s.SyncPublishers(ctx, []catalogue.Publisher{
		{ID: "a", Name: "Gemeente A", Country: "NL", URI: "urn:a", EmailDomains: []string{"a.example"}},
		{ID: "b", Name: "Kommune B", Country: "DK", URI: "urn:b", EmailDomains: []string{"b.example"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterRepository(ctx, "a", "https://example.org/italia/medusa.git"); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, crawled("https://example.org/italia/medusa.git", medusa), catalogue.StatusNew)
	w.software = onlySoftware(t, s).ID
	alice, err := s.SignIn(ctx, "alice@a.example", "Alice", "", "")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := s.SignIn(ctx, "bob@B.example", "Bob", "", "")
	if err != nil {
		t.Fatal(err)
	}
	root, err := s.SignIn(ctx, "root@operator.example", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	w.alice = catalogue.Actor{Person: alice.ID, Email: alice.Email}
	w.bob = catalogue.Actor{Person: bob.ID, Email: bob.Email}
	w.admin = catalogue.Actor{Person: root.ID, Email: root.Email, Admin: true}
	return w
}

func (w joinWorld) declaration(pub string, kind catalogue.JoinKind) catalogue.Join {
	return catalogue.Join{Software: w.software, Publisher: pub, Kind: kind, Since: "2025-01-15",
		Contact: catalogue.Contact{Name: "Ada", Role: "IT lead", Email: "ada@" + pub + ".example"}, Note: "in production"}
}

func TestSignInToken_SingleUseAndShortLived(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		tok, hash := catalogue.NewSecret()
		if tok == hash || len(tok) < 43 {
			t.Fatalf("token %q, hash %q", tok, hash)
		}
		if err := s.AddSignInToken(ctx, catalogue.SignInToken{Hash: hash, Email: "ada@a.example", ExpiresAt: now.Add(catalogue.SignInTTL)}); err != nil {
			t.Fatal(err)
		}
		email, err := s.UseSignInToken(ctx, catalogue.HashSecret(tok))
		if err != nil || email != "ada@a.example" {
			t.Fatalf("first use: %q, %v", email, err)
		}
		if _, err := s.UseSignInToken(ctx, hash); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("replayed link: %v, want ErrNotFound", err)
		}

		_, late := catalogue.NewSecret()
		if err := s.AddSignInToken(ctx, catalogue.SignInToken{Hash: late, Email: "ada@a.example", ExpiresAt: now.Add(catalogue.SignInTTL)}); err != nil {
			t.Fatal(err)
		}
		now = now.Add(catalogue.SignInTTL + time.Second)
		if _, err := s.UseSignInToken(ctx, late); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("expired link: %v, want ErrNotFound", err)
		}
		if n, err := s.CountSignInTokens(ctx, "ada@a.example", now.Add(-time.Hour)); err != nil || n != 2 {
			t.Errorf("links in the last hour = %d, %v; want 2", n, err)
		}
	})
}

func TestSessions_Expire(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		p, err := s.SignIn(ctx, "Ada@A.Example", "Ada", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if p.Email != "ada@a.example" {
			t.Errorf("email = %q, want the address lower-cased: one identity whatever its case", p.Email)
		}
		_, hash := catalogue.NewSecret()
		if err := s.CreateSession(ctx, hash, p.ID, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SessionPerson(ctx, hash); err != nil || got.ID != p.ID {
			t.Fatalf("session person: %+v, %v", got, err)
		}
		now = now.Add(2 * time.Hour)
		if _, err := s.SessionPerson(ctx, hash); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("expired session: %v", err)
		}
	})
}

func TestPersonLanguage_FromSignInAndTheAccountPage(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		// Someone who signed in before languages were kept has English.
		if _, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO people (id, email, created_at) VALUES (?, ?, ?)`), "old", "old@a.example", s.now()); err != nil {
			t.Fatal(err)
		}
		if p, err := s.Person(ctx, "old"); err != nil || p.Language != "en" {
			t.Errorf("a person from before: %+v, %v", p, err)
		}
		p, err := s.SignIn(ctx, "ada@a.example", "Ada", "", "")
		if err != nil || p.Language != "en" {
			t.Fatalf("first sign-in with no language: %+v, %v", p, err)
		}
		if p, err = s.SignIn(ctx, "ada@a.example", "", "", "nl"); err != nil || p.Language != "nl" {
			t.Fatalf("signing in from the Dutch site: %+v, %v", p, err)
		}
		if p, err = s.SignIn(ctx, "ada@a.example", "", "", ""); err != nil || p.Language != "nl" {
			t.Errorf("a sign-in that names no language changed it: %+v, %v", p, err)
		}
		if _, err := s.SignIn(ctx, "ada@a.example", "", "", "xx"); !errors.Is(err, catalogue.ErrInvalid) {
			t.Errorf("signing in with language xx: %v", err)
		}
		_, hash := catalogue.NewSecret()
		if err := s.CreateSession(ctx, hash, p.ID, s.now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.SessionPerson(ctx, hash); err != nil || got.Language != "nl" {
			t.Errorf("session person: %+v, %v", got, err)
		}
		if err := s.SetPersonLanguage(ctx, p.ID, "DE"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Person(ctx, p.ID); got.Language != "de" {
			t.Errorf("language after choosing German = %q", got.Language)
		}
		if err := s.SetPersonLanguage(ctx, p.ID, "pt"); !errors.Is(err, catalogue.ErrInvalid) {
			t.Errorf("choosing a language the site does not ship: %v", err)
		}
		if err := s.SetPersonLanguage(ctx, "nobody", "it"); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("choosing for nobody: %v", err)
		}
		for email, want := range map[string]string{"ada@a.example": "de", "ADA@A.example": "de", "stranger@b.example": "en"} {
			if got, err := s.LanguageOf(ctx, email); err != nil || got != want {
				t.Errorf("LanguageOf(%s) = %q, %v; want %q", email, got, err, want)
			}
		}
	})
}

func TestMemberships_ByDomainApprovalAndRevocation(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		if ok, _ := s.IsMember(ctx, w.alice.Person, "a"); !ok {
			t.Error("alice@a.example is not a member of A")
		}
		if ok, _ := s.IsMember(ctx, w.alice.Person, "b"); ok {
			t.Error("alice@a.example is a member of B")
		}
		if ok, _ := s.IsMember(ctx, w.bob.Person, "b"); !ok {
			t.Error("bob@B.example is not a member of B (domains compare without case)")
		}
		// Asking to join B: pending until an administrator approves.
		if err := s.RequestMembership(ctx, w.alice, "b", "I work for both"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsMember(ctx, w.alice.Person, "b"); ok {
			t.Error("a pending request made alice a member")
		}
		if err := s.DecideMembership(ctx, w.bob, w.alice.Person, "b", catalogue.MemberApproved); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("a member approving: %v, want ErrForbidden", err)
		}
		pending, _ := s.PendingMemberships(ctx)
		if len(pending) != 1 || pending[0].Person != w.alice.Person {
			t.Fatalf("pending = %+v", pending)
		}
		if err := s.DecideMembership(ctx, w.admin, w.alice.Person, "b", catalogue.MemberApproved); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsMember(ctx, w.alice.Person, "b"); !ok {
			t.Error("approved request did not make alice a member")
		}
		// Revoking a domain membership.
		if err := s.DecideMembership(ctx, w.admin, w.bob.Person, "b", catalogue.MemberRevoked); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsMember(ctx, w.bob.Person, "b"); ok {
			t.Error("revoked domain membership still counts")
		}
		ms, _ := s.Memberships(ctx, w.alice.Person)
		if len(ms) != 2 {
			t.Errorf("alice's memberships = %+v", ms)
		}
		// Domains an administrator sets count too.
		carol, _ := s.SignIn(ctx, "carol@b-extra.example", "", "", "")
		if err := s.SetEmailDomains(ctx, w.admin, "b", []string{"b-extra.example"}); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsMember(ctx, carol.ID, "b"); !ok {
			t.Error("a site-set domain does not give membership")
		}
		log, _ := s.AuditLog(ctx, "b", 10)
		if len(log) < 4 {
			t.Errorf("audit log of B = %+v", log)
		}
	})
}

func TestRegisterAdministration_PendingUntilApproved(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		dora, _ := s.SignIn(ctx, "dora@smallville.example", "Dora", "", "")
		a := catalogue.Actor{Person: dora.ID}
		p, err := s.RegisterAdministration(ctx, a, catalogue.Publisher{Name: "Gemeente Smallville", Country: "nl", EmailDomains: []string{"smallville.example"}})
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != catalogue.PublisherPending || p.ID != "nl-gemeente-smallville" {
			t.Fatalf("registered %+v", p)
		}
		if ok, _ := s.IsMember(ctx, dora.ID, p.ID); ok {
			t.Error("a pending administration has members")
		}
		if _, err := s.DeclareJoin(ctx, a, catalogue.Join{Software: w.software, Publisher: p.ID, Kind: catalogue.JoinUses, Since: "2025-01-01",
			Contact: catalogue.Contact{Name: "Dora", Email: "dora@smallville.example"}}); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("declaring for a pending administration: %v", err)
		}
		list, _, _ := s.Publishers(ctx, catalogue.Page{Size: 100})
		for _, x := range list {
			if x.ID == p.ID {
				t.Error("a pending administration is listed")
			}
		}
		if err := s.ApproveAdministration(ctx, a, p.ID); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("self-approval: %v", err)
		}
		if err := s.ApproveAdministration(ctx, w.admin, p.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.IsMember(ctx, dora.ID, p.ID); !ok {
			t.Error("the registrant is not a member once approved")
		}
		if _, err := s.DeclareJoin(ctx, a, catalogue.Join{Software: w.software, Publisher: p.ID, Kind: catalogue.JoinUses, Since: "2025-01-01",
			Contact: catalogue.Contact{Name: "Dora", Email: "dora@smallville.example"}}); err != nil {
			t.Errorf("declaring once approved: %v", err)
		}
	})
}

func TestDeclareJoin_OnlyMembersAndTheChangeLog(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		if _, err := s.DeclareJoin(ctx, w.alice, w.declaration("b", catalogue.JoinUses)); !errors.Is(err, catalogue.ErrForbidden) {
			t.Fatalf("a member of A declaring for B: %v, want ErrForbidden", err)
		}
		if _, err := s.DeclareJoin(ctx, w.admin, w.declaration("b", catalogue.JoinUses)); !errors.Is(err, catalogue.ErrForbidden) {
			t.Fatalf("an instance administrator declaring for B: %v, want ErrForbidden", err)
		}
		bad := w.declaration("b", "likes")
		if _, err := s.DeclareJoin(ctx, w.bob, bad); !errors.Is(err, catalogue.ErrInvalid) {
			t.Errorf("unknown kind: %v", err)
		}
		before := allChanges(t, s)
		j, err := s.DeclareJoin(ctx, w.bob, w.declaration("b", catalogue.JoinUses))
		if err != nil {
			t.Fatal(err)
		}
		if !j.Verified || j.PublisherURI != "urn:b" || !j.ConfirmedUntil.Equal(w.clock.Add(catalogue.ConfirmFor)) {
			t.Errorf("record = %+v", j)
		}
		after := allChanges(t, s)[len(before):]
		if len(after) != 2 || after[0].Type != catalogue.ChangeJoin || after[0].ID != j.ID || after[1].Type != catalogue.ChangeSoftware {
			t.Errorf("changes = %+v", after)
		}
		if _, err := s.DeclareJoin(ctx, w.bob, w.declaration("b", catalogue.JoinInterested)); err != nil {
			t.Fatal(err)
		}
		sw, _ := s.Software(ctx, w.software)
		if sw.Users != 1 {
			t.Errorf("users = %d, want 1 (interested does not count)", sw.Users)
		}
		if n, _ := s.CountUsingAdministrations(ctx); n != 1 {
			t.Errorf("administrations using something = %d", n)
		}
		if err := s.WithdrawJoin(ctx, w.alice, j.ID); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("a member of A withdrawing B's record: %v", err)
		}
		if err := s.WithdrawJoin(ctx, w.bob, j.ID); err != nil {
			t.Fatal(err)
		}
		sw, _ = s.Software(ctx, w.software)
		if sw.Users != 0 {
			t.Errorf("users after withdrawal = %d", sw.Users)
		}
		log, _ := s.AuditLog(ctx, "b", 10)
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, " "); got != "join.withdraw join.declare join.declare" {
			t.Errorf("audit of B = %s", got)
		}
	})
}

func TestJoins_ReminderAMonthBeforeAndLapse(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		j, err := s.DeclareJoin(ctx, w.bob, w.declaration("b", catalogue.JoinUses))
		if err != nil {
			t.Fatal(err)
		}
		remind := func() []catalogue.Join {
			list, err := s.JoinsToRemind(ctx, w.clock.Add(catalogue.RemindBefore))
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		*w.clock = w.clock.Add(catalogue.ConfirmFor - catalogue.RemindBefore - 24*time.Hour)
		if got := remind(); len(got) != 0 {
			t.Errorf("reminded 31 days before: %+v", got)
		}
		*w.clock = w.clock.Add(48 * time.Hour)
		got := remind()
		if len(got) != 1 || got[0].ID != j.ID {
			t.Fatalf("29 days before: %+v", got)
		}
		if err := s.MarkReminded(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		if got := remind(); len(got) != 0 {
			t.Errorf("reminded twice: %+v", got)
		}
		*w.clock = j.ConfirmedUntil.Add(time.Hour)
		sw, _ := s.Software(ctx, w.software)
		if sw.Users != 0 {
			t.Errorf("an unconfirmed record still counts: users = %d", sw.Users)
		}
		head, _ := s.ChangeHead(ctx)
		if n, err := s.LapseJoins(ctx); err != nil || n != 1 {
			t.Fatalf("lapsed %d, %v", n, err)
		}
		if cs, _ := s.Changes(ctx, head, 10); len(cs) != 2 || cs[1].ID != w.software {
			t.Errorf("lapse changes = %+v", cs)
		}
		if n, _ := s.LapseJoins(ctx); n != 0 {
			t.Errorf("lapsed again: %d", n)
		}
		if _, err := s.ConfirmJoin(ctx, w.bob, j.ID); err != nil {
			t.Fatal(err)
		}
		sw, _ = s.Software(ctx, w.software)
		if sw.Users != 1 {
			t.Errorf("confirmed again: users = %d", sw.Users)
		}
	})
}

func TestCodeHosting_MembersAddAndVerification(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		h := catalogue.CodeHosting{URL: "https://example.org/kommune-b", Group: true, Type: catalogue.HostingGitea}
		if err := s.AddCodeHosting(ctx, w.alice, "b", h); !errors.Is(err, catalogue.ErrForbidden) {
			t.Fatalf("a member of A adding code hosting to B: %v", err)
		}
		if err := s.AddCodeHosting(ctx, w.bob, "b", h); err != nil {
			t.Fatal(err)
		}
		p, _ := s.Publisher(ctx, "b")
		if len(p.CodeHosting) != 1 || p.CodeHosting[0].Origin != "site" || p.CodeHosting[0].Trusted() {
			t.Fatalf("hosting = %+v", p.CodeHosting)
		}
		// Its repository is crawled, and its software marked "publisher unverified".
		repo := "https://example.org/kommune-b/kalender.git"
		if err := s.RegisterRepository(ctx, "b", repo); err != nil {
			t.Fatal(err)
		}
		file := "publiccodeYmlVersion: \"0\"\nname: Kalender\nurl: " + repo + "\n"
		mustApply(t, s, crawled(repo, file), catalogue.StatusNew)
		list, _, _ := s.ListSoftware(ctx, "b", catalogue.Page{Size: 10})
		if len(list) != 1 || !list[0].PublisherUnverified {
			t.Fatalf("software of B = %+v", list)
		}
		// A file naming the administration verifies the entry.
		mustApply(t, s, crawled(repo, file+"organisation:\n  uri: urn:b\n"), catalogue.StatusUpdated)
		p, _ = s.Publisher(ctx, "b")
		if p.CodeHosting[0].Verified != catalogue.VerifiedByPubliccode {
			t.Errorf("after organisation.uri: %+v", p.CodeHosting)
		}
		list, _, _ = s.ListSoftware(ctx, "b", catalogue.Page{Size: 10})
		if list[0].PublisherUnverified {
			t.Error("verified entry's software is still unverified")
		}
		// A second entry: only an administrator approves it.
		single := catalogue.CodeHosting{URL: "https://git.example.net/b/x.git"}
		if err := s.AddCodeHosting(ctx, w.bob, "b", single); err != nil {
			t.Fatal(err)
		}
		if err := s.VerifyCodeHosting(ctx, w.bob, "b", single.URL, catalogue.VerifiedByAdmin); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("a member approving their own entry: %v", err)
		}
		if got, _ := s.UnverifiedHosting(ctx); len(got) != 1 {
			t.Errorf("unverified = %+v", got)
		}
		if err := s.VerifyCodeHosting(ctx, w.admin, "b", single.URL, catalogue.VerifiedByAdmin); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UnverifiedHosting(ctx); len(got) != 0 {
			t.Errorf("unverified after approval = %+v", got)
		}
		if err := s.RemoveCodeHosting(ctx, w.alice, "b", single.URL); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("a member of A removing B's entry: %v", err)
		}
		if err := s.RemoveCodeHosting(ctx, w.bob, "b", single.URL); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveCodeHosting(ctx, w.alice, "a", "https://nowhere.example/x"); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("removing what is not there: %v", err)
		}
	})
}

func TestEnqueue_FirstGoesAheadOfTheSchedule(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		for _, k := range []string{"r1", "r2", "r3"} {
			if _, err := s.Enqueue(ctx, catalogue.NewJob{Kind: "crawl.repo", Key: k}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Enqueue(ctx, catalogue.NewJob{Kind: "crawl.repo", Key: "now", First: true}); err != nil {
			t.Fatal(err)
		}
		// A waiting job moved ahead, not added twice.
		if n, err := s.Enqueue(ctx, catalogue.NewJob{Kind: "crawl.repo", Key: "r3", First: true}); err != nil || n != 1 {
			t.Fatalf("moving r3 ahead: %d, %v", n, err)
		}
		jobs, err := s.ClaimJobs(ctx, catalogue.Claim{Worker: "w", Kinds: []catalogue.JobKind{"crawl.repo"}, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 2 || jobs[0].Key != "r3" || jobs[1].Key != "now" {
			t.Errorf("claimed %+v, want r3 then now", jobs)
		}
		all, _ := s.Jobs(ctx, "", "", 10)
		if len(all) != 4 {
			t.Errorf("%d jobs, want 4", len(all))
		}
	})
}

func TestDigests_AtMostDaily(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		if err := s.Subscribe(ctx, w.bob, "a", true); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("subscribing to another administration: %v", err)
		}
		if err := s.Subscribe(ctx, w.alice, "a", true); err != nil {
			t.Fatal(err)
		}
		repo := "https://example.org/italia/medusa.git"
		broken := medusa + "platforms: web\n"
		mustApply(t, s, crawled(repo, broken), catalogue.StatusInvalid)
		due, err := s.DueDigests(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || len(due[0].Events) != 1 || due[0].Events[0].Kind != catalogue.EventInvalid || !strings.Contains(due[0].Events[0].Detail, "line ") {
			t.Fatalf("due = %+v", due)
		}
		// The findings keep their text, to be said in the subscriber's language.
		if fs := due[0].Events[0].Findings; len(fs) != 1 || fs[0].Line != 7 || fs[0].Text.ID == "" ||
			publiccode.Localise(fs[0], "it") == fs[0].Message || publiccode.Localise(fs[0], "en") != fs[0].Message {
			t.Errorf("findings = %+v", fs)
		}
		if err := s.MarkDigested(ctx, w.alice.Person, due[0].Through); err != nil {
			t.Fatal(err)
		}
		*w.clock = w.clock.Add(time.Hour)
		mustApply(t, s, crawled(repo, medusa), catalogue.StatusUpdated)
		if due, _ := s.DueDigests(ctx); len(due) != 0 {
			t.Errorf("a second mail within a day: %+v", due)
		}
		*w.clock = w.clock.Add(24 * time.Hour)
		due, _ = s.DueDigests(ctx)
		if len(due) != 1 || due[0].Events[0].Kind != catalogue.EventFixed {
			t.Errorf("the next day: %+v", due)
		}
	})
}

func TestPrivacy_ExportAndDelete(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		d := w.declaration("b", catalogue.JoinUses)
		d.Contact.Email = "bob@b.example"
		j, err := s.DeclareJoin(ctx, w.bob, d)
		if err != nil {
			t.Fatal(err)
		}
		_, hash := catalogue.NewSecret()
		if err := s.CreateSession(ctx, hash, w.bob.Person, w.clock.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		data, err := s.ExportPerson(ctx, w.bob.Person)
		if err != nil {
			t.Fatal(err)
		}
		if data.Person.Email != "bob@b.example" || len(data.Declared) != 1 || len(data.Contact) != 1 || data.Sessions != 1 || len(data.Audit) == 0 {
			t.Fatalf("export = %+v", data)
		}
		if err := s.DeletePerson(ctx, w.bob.Person); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Person(ctx, w.bob.Person); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("person after deletion: %v", err)
		}
		if _, err := s.SessionPerson(ctx, hash); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("session after deletion: %v", err)
		}
		kept, err := s.Join(ctx, j.ID)
		if err != nil {
			t.Fatalf("the administration's record went with the person: %v", err)
		}
		if kept.Publisher != "b" || kept.DeclaredBy != "" || kept.Contact.Email != "" {
			t.Errorf("kept record = %+v", kept)
		}
		log, _ := s.AuditLog(ctx, "", 100)
		for _, e := range log {
			if e.Actor == w.bob.Person || e.Subject == w.bob.Person {
				t.Errorf("audit still names the person: %+v", e)
			}
		}
	})
}

func TestInitiatives_PledgeAndLink(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		in := catalogue.Initiative{Publisher: "a", Title: "Parking permits", Problem: "We need one", Budget: "50–100k EUR"}
		if _, err := s.CreateInitiative(ctx, w.bob, in); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("a member of B starting A's initiative: %v", err)
		}
		got, err := s.CreateInitiative(ctx, w.alice, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Pledge(ctx, w.alice, got.ID, catalogue.Pledge{Publisher: "b", Kind: catalogue.PledgeCoFund}); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("a member of A pledging for B: %v", err)
		}
		if err := s.Pledge(ctx, w.bob, got.ID, catalogue.Pledge{Publisher: "b", Kind: catalogue.PledgeCoFund, Note: "20k"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LinkInitiative(ctx, w.bob, got.ID, w.software); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("a pledger linking: %v", err)
		}
		tell, err := s.LinkInitiative(ctx, w.alice, got.ID, w.software)
		if err != nil {
			t.Fatal(err)
		}
		if len(tell) != 1 || tell[0].ID != w.bob.Person {
			t.Errorf("pledgers to tell = %+v", tell)
		}
		got, _ = s.Initiative(ctx, got.ID)
		if got.Software != w.software || len(got.Pledges) != 1 || got.Pledges[0].Kind != catalogue.PledgeCoFund {
			t.Errorf("initiative = %+v", got)
		}
	})
}

func TestCoUsers_OnlyForCoUsersAndNeverTheirOwn(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		w := newJoinWorld(t, s)
		if _, err := s.DeclareJoin(ctx, w.alice, w.declaration("a", catalogue.JoinCoDevelops)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CoUsers(ctx, w.bob, w.software); !errors.Is(err, catalogue.ErrForbidden) {
			t.Errorf("a non-user writing to co-users: %v", err)
		}
		if _, err := s.DeclareJoin(ctx, w.bob, w.declaration("b", catalogue.JoinUses)); err != nil {
			t.Fatal(err)
		}
		got, err := s.CoUsers(ctx, w.bob, w.software)
		if err != nil || len(got) != 1 || got[0].Email != "ada@a.example" {
			t.Errorf("co-users of bob = %+v, %v", got, err)
		}
		matched, _ := s.PublishersNamed(ctx, []string{"gemeente  a", "Nobody"})
		if matched["gemeente  a"].ID != "a" || len(matched) != 1 {
			t.Errorf("usedBy matching = %+v", matched)
		}
	})
}
