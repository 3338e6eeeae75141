package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// emailKey is the key of an address in the store: its normal form, and its
// domain. An address that is not valid any more (accounts made before
// addresses were checked) keeps its lower-cased self and no domain, so that it
// gives no membership by domain.
func emailKey(addr string) (email, domain string) {
	if n, err := catalogue.NormaliseEmail(addr); err == nil {
		return n, catalogue.EmailDomain(n)
	}
	return strings.ToLower(strings.TrimSpace(addr)), ""
}

// setListDomains replaces the rows of publisher_email_domains of a publisher.
func (t *tx) setListDomains(ctx context.Context, publisher string, domains []string) error {
	if _, err := t.exec(ctx, `DELETE FROM publisher_email_domains WHERE publisher_id = ?`, publisher); err != nil {
		return err
	}
	for _, d := range domains {
		if _, err := t.exec(ctx, `INSERT INTO publisher_email_domains (publisher_id, domain) VALUES (?, ?) ON CONFLICT DO NOTHING`, publisher, d); err != nil {
			return err
		}
	}
	return nil
}

// normaliseIdentities is migration 7's data step: publishers' domains move to
// publisher_email_domains in their normal form (those that are no domain are
// dropped), people's addresses are normalised, and the accounts that were one
// address in different cases are merged into the oldest.
func normaliseIdentities(ctx context.Context, t *tx) error {
	if err := normalisePublisherDomains(ctx, t); err != nil {
		return fmt.Errorf("publishers' e-mail domains: %w", err)
	}
	if err := mergePeople(ctx, t); err != nil {
		return fmt.Errorf("people: %w", err)
	}
	rows, err := t.query(ctx, `SELECT DISTINCT email FROM signin_tokens`)
	if err != nil {
		return err
	}
	emails, err := scanStrings(rows)
	if err != nil {
		return err
	}
	for _, e := range emails {
		if n, _ := emailKey(e); n != e {
			if _, err := t.exec(ctx, `UPDATE signin_tokens SET email = ? WHERE email = ?`, n, e); err != nil {
				return err
			}
		}
	}
	return nil
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// validDomains keeps the normal form of each domain that is one.
func validDomains(in []string) []string {
	var out []string
	for _, d := range in {
		if n, err := catalogue.NormaliseDomain(strings.TrimPrefix(strings.TrimSpace(d), "@")); err == nil && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func normalisePublisherDomains(ctx context.Context, t *tx) error {
	rows, err := t.query(ctx, `SELECT id, email_domains FROM publishers`)
	if err != nil {
		return err
	}
	type pub struct{ id, domains string }
	var pubs []pub
	for rows.Next() {
		var p pub
		if err := rows.Scan(&p.id, &p.domains); err != nil {
			rows.Close()
			return err
		}
		pubs = append(pubs, p)
	}
	rows.Close()
	for _, p := range pubs {
		var list []string
		_ = json.Unmarshal([]byte(p.domains), &list) // a column that is no list holds no domain
		clean := validDomains(list)
		b, _ := json.Marshal(nonNil(clean))
		if string(b) != p.domains {
			if _, err := t.exec(ctx, `UPDATE publishers SET email_domains = ? WHERE id = ?`, string(b), p.id); err != nil {
				return err
			}
		}
		if err := t.setListDomains(ctx, p.id, clean); err != nil {
			return err
		}
	}
	rows, err = t.query(ctx, `SELECT publisher_id, domain FROM publisher_domains`)
	if err != nil {
		return err
	}
	var site [][2]string
	for rows.Next() {
		var pd [2]string
		if err := rows.Scan(&pd[0], &pd[1]); err != nil {
			rows.Close()
			return err
		}
		site = append(site, pd)
	}
	rows.Close()
	for _, pd := range site {
		n := validDomains([]string{pd[1]})
		if len(n) == 1 && n[0] == pd[1] {
			continue
		}
		if _, err := t.exec(ctx, `DELETE FROM publisher_domains WHERE publisher_id = ? AND domain = ?`, pd[0], pd[1]); err != nil {
			return err
		}
		if len(n) == 1 {
			if _, err := t.exec(ctx, `INSERT INTO publisher_domains (publisher_id, domain) VALUES (?, ?) ON CONFLICT DO NOTHING`, pd[0], n[0]); err != nil {
				return err
			}
		}
	}
	return nil
}

// account is what merging needs of a person.
type account struct {
	id, email, name, subject, lang string
	created                        time.Time
	signedIn                       sql.NullTime
	digestSeq                      int64
}

func mergePeople(ctx context.Context, t *tx) error {
	rows, err := t.query(ctx, `SELECT id, email, name, oidc_subject, language, created_at, signed_in_at, digest_seq FROM people ORDER BY created_at, id`)
	if err != nil {
		return err
	}
	var all []account
	for rows.Next() {
		var a account
		if err := rows.Scan(&a.id, &a.email, &a.name, &a.subject, &a.lang, &a.created, &a.signedIn, &a.digestSeq); err != nil {
			rows.Close()
			return err
		}
		all = append(all, a)
	}
	rows.Close()
	var order []string
	groups := map[string][]account{}
	for _, a := range all {
		k, _ := emailKey(a.email)
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], a)
	}
	for _, k := range order {
		g := groups[k]
		keep := g[0] // the oldest account
		for _, dup := range g[1:] {
			if err := mergePerson(ctx, t, &keep, dup); err != nil {
				return fmt.Errorf("merge %s into %s: %w", dup.id, keep.id, err)
			}
		}
		email, domain := emailKey(k)
		if _, err := t.exec(ctx, `UPDATE people SET email = ?, email_domain = ?, name = ?, oidc_subject = ?, language = ?, signed_in_at = ?, digest_seq = ? WHERE id = ?`,
			email, domain, keep.name, keep.subject, keep.lang, keep.signedIn, keep.digestSeq, keep.id); err != nil {
			return err
		}
	}
	return nil
}

// membershipRank orders the statuses of one person's two rows for one
// administration when their accounts merge: an administrator's revocation
// stands, then an approval.
var membershipRank = map[string]int{string(catalogue.MemberRevoked): 3, string(catalogue.MemberApproved): 2, string(catalogue.MemberPending): 1}

// mergePerson moves everything of dup to keep and deletes dup. keep takes the
// name and OpenID subject it lacks, and the language of the later sign-in.
func mergePerson(ctx context.Context, t *tx, keep *account, dup account) error {
	if keep.name == "" {
		keep.name = dup.name
	}
	if keep.subject == "" {
		keep.subject = dup.subject
	}
	if dup.signedIn.Valid && (!keep.signedIn.Valid || dup.signedIn.Time.After(keep.signedIn.Time)) {
		keep.signedIn, keep.lang = dup.signedIn, dup.lang
	}
	keep.digestSeq = max(keep.digestSeq, dup.digestSeq)

	rows, err := t.query(ctx, `SELECT d.publisher_id, d.status, COALESCE(k.status, '') FROM memberships d
		LEFT JOIN memberships k ON k.publisher_id = d.publisher_id AND k.person_id = ? WHERE d.person_id = ?`, keep.id, dup.id)
	if err != nil {
		return err
	}
	type pair struct{ pub, dup, keep string }
	var pairs []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.pub, &p.dup, &p.keep); err != nil {
			rows.Close()
			return err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	for _, p := range pairs {
		switch {
		case p.keep == "":
			if _, err := t.exec(ctx, `UPDATE memberships SET person_id = ? WHERE person_id = ? AND publisher_id = ?`, keep.id, dup.id, p.pub); err != nil {
				return err
			}
		case membershipRank[p.dup] > membershipRank[p.keep]:
			if _, err := t.exec(ctx, `UPDATE memberships SET status = ?, updated_at = ? WHERE person_id = ? AND publisher_id = ?`, p.dup, t.now, keep.id, p.pub); err != nil {
				return err
			}
		}
	}
	stmts := []string{
		`UPDATE sessions SET person_id = ? WHERE person_id = ?`,
		`INSERT INTO subscriptions (person_id, publisher_id, created_at) SELECT ?, publisher_id, created_at FROM subscriptions WHERE person_id = ? ON CONFLICT DO NOTHING`,
		`UPDATE memberships SET decided_by = ? WHERE decided_by = ?`,
		`UPDATE joins SET declared_by = ? WHERE declared_by = ?`,
		`UPDATE join_info SET updated_by = ? WHERE updated_by = ?`,
		`UPDATE initiatives SET created_by = ? WHERE created_by = ?`,
		`UPDATE pledges SET pledged_by = ? WHERE pledged_by = ?`,
		`UPDATE code_hosting SET added_by = ? WHERE added_by = ?`,
		`UPDATE publishers SET registered_by = ? WHERE registered_by = ?`,
		`UPDATE audit_log SET actor = ? WHERE actor = ?`,
		`UPDATE audit_log SET subject = ? WHERE subject = ?`,
	}
	for _, q := range stmts {
		if _, err := t.exec(ctx, q, keep.id, dup.id); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if _, err := t.exec(ctx, `DELETE FROM people WHERE id = ?`, dup.id); err != nil { // its memberships and subscriptions cascade
		return err
	}
	return t.audit(ctx, catalogue.System, catalogue.AuditPersonMerged, "", keep.id, "merged account "+dup.id+": one address in another case")
}
