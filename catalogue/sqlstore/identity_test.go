package sqlstore

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// TestMigration7_MergesOneAddressInTwoCasesAndMovesDomainsToATable builds what
// a catalogue held before migration 7 (addresses kept in the case they were
// typed, domains only in the JSON column, a pattern for a domain) and runs the
// migration over it.
func TestMigration7_MergesOneAddressInTwoCasesAndMovesDomainsToATable(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		if err := s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "a", Name: "Gemeente A"}, {ID: "b", Name: "Kommune B"}}); err != nil {
			t.Fatal(err)
		}
		schemaBeforeMigration7(t, s)

		if err := s.migrate(ctx); err != nil {
			t.Fatal(err)
		}

		p, err := s.SessionPerson(ctx, "h2")
		if err != nil || p.ID != "p1" || p.Email != "dora@b.example" || p.Name != "Dora" || p.Language != "da" {
			t.Fatalf("the newer account's session now signs in %+v (%v), want the oldest account p1 as dora@b.example, with the name and the language of the later sign-in", p, err)
		}
		if _, err := s.Person(ctx, "p2"); !errors.Is(err, catalogue.ErrNotFound) {
			t.Errorf("the merged account is still there: %v", err)
		}
		ms, err := s.Memberships(ctx, "p1")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]catalogue.MembershipStatus{}
		for _, m := range ms {
			got[m.Publisher] = m.Status
		}
		if got["a"] != catalogue.MemberApproved || got["b"] != catalogue.MemberRevoked {
			t.Errorf("memberships after the merge: %v, want a approved (an approval beats a request) and b revoked (a revocation stands)", got)
		}
		if subs, _ := s.Subscriptions(ctx, "p1"); !slices.Equal(subs, []string{"a"}) {
			t.Errorf("subscriptions after the merge: %v", subs)
		}
		if n, _ := s.CountSignInTokens(ctx, "Dora@B.EXAMPLE", time.Time{}); n != 1 {
			t.Errorf("sign-in links counted for the address in another case: %d, want 1", n)
		}
		pub, err := s.Publisher(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"a.example", "xn--bcher-kva.example"}; !slices.Equal(pub.EmailDomains, want) {
			t.Errorf("domains of a: %v, want %v (normalised, the pattern dropped)", pub.EmailDomains, want)
		}
		for _, who := range []string{"p1", "p3"} {
			if ok, err := s.IsMember(ctx, who, "b"); err != nil || ok {
				t.Errorf("%s a member of b: %v %v, want no (revoked; no domain)", who, ok, err)
			}
		}
		if ok, _ := s.IsMember(ctx, "p3", "a"); ok {
			t.Error("w@%.% is a member of a after the migration")
		}
		log, err := s.AuditLog(ctx, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(log, func(e catalogue.AuditEntry) bool { return e.Action == catalogue.AuditPersonMerged && e.Subject == "p1" }) {
			t.Errorf("the merge is not in the audit log: %+v", log)
		}
	})
}

// schemaBeforeMigration7 takes s back to the schema before migration 7 and
// fills it with what the migration merges: one address in two cases (p1 and
// p2), an address of a pattern domain (p3), their memberships, a session, a
// subscription and a sign-in token.
func schemaBeforeMigration7(t *testing.T, s *Store) {
	t.Helper()
	ctx := t.Context()
	old := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.db.ExecContext(ctx, s.d.rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// The schema before migration 7.
	exec(`DROP TABLE publisher_email_domains`)
	exec(`DROP INDEX people_email_domain`)
	exec(`ALTER TABLE people DROP COLUMN email_domain`)
	exec(`DELETE FROM schema_migrations WHERE version = 7`)
	exec(`UPDATE publishers SET email_domains = ? WHERE id = 'a'`, `["A.Example", "%.%", "bücher.example"]`)
	exec(`UPDATE publishers SET email_domains = ? WHERE id = 'b'`, `["b.example"]`)
	exec(`INSERT INTO people (id, email, name, oidc_subject, created_at, signed_in_at, language) VALUES ('p1', 'Dora@b.example', '', '', ?, ?, 'en')`, old, old)
	exec(`INSERT INTO people (id, email, name, oidc_subject, created_at, signed_in_at, language) VALUES ('p2', 'DORA@B.example', 'Dora', 'sub-2', ?, ?, 'da')`,
		old.Add(time.Hour), old.Add(48*time.Hour))
	exec(`INSERT INTO people (id, email, name, oidc_subject, created_at, language) VALUES ('p3', 'w@%.%', '', '', ?, 'en')`, old)
	exec(`INSERT INTO memberships (person_id, publisher_id, status, created_at, updated_at) VALUES ('p1', 'a', 'pending', ?, ?)`, old, old)
	exec(`INSERT INTO memberships (person_id, publisher_id, status, created_at, updated_at) VALUES ('p2', 'a', 'approved', ?, ?)`, old, old)
	exec(`INSERT INTO memberships (person_id, publisher_id, status, created_at, updated_at) VALUES ('p1', 'b', 'approved', ?, ?)`, old, old)
	exec(`INSERT INTO memberships (person_id, publisher_id, status, created_at, updated_at) VALUES ('p2', 'b', 'revoked', ?, ?)`, old, old)
	exec(`INSERT INTO sessions (hash, person_id, created_at, expires_at) VALUES ('h2', 'p2', ?, ?)`, s.now(), s.now().Add(time.Hour))
	exec(`INSERT INTO subscriptions (person_id, publisher_id, created_at) VALUES ('p2', 'a', ?)`, old)
	exec(`INSERT INTO signin_tokens (hash, email, created_at, expires_at) VALUES ('t1', 'DORA@b.example', ?, ?)`, s.now(), s.now().Add(time.Hour))
}

// TestSignIn_OneAccountPerAddressWhateverItsCase is the rule after migration 7.
func TestSignIn_OneAccountPerAddressWhateverItsCase(t *testing.T) {
	backends(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		if err := s.SyncPublishers(ctx, []catalogue.Publisher{{ID: "m", Name: "München", EmailDomains: []string{"München.example"}}}); err != nil {
			t.Fatal(err)
		}
		a, err := s.SignIn(ctx, "Dora@MÜNCHEN.example", "", "", "")
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.SignIn(ctx, "dora@xn--mnchen-3ya.example", "", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if a.ID != b.ID || a.Email != "dora@xn--mnchen-3ya.example" {
			t.Errorf("two sign-ins of one address: %s %s, %s", a.ID, b.ID, a.Email)
		}
		if ok, err := s.IsMember(ctx, a.ID, "m"); err != nil || !ok {
			t.Errorf("member of m by its internationalised domain: %v %v", ok, err)
		}
		if _, err := s.SignIn(ctx, "w@%.%", "", "", ""); !errors.Is(err, catalogue.ErrInvalid) {
			t.Errorf("signing in as w@%%.%%: %v, want it refused", err)
		}
	})
}
