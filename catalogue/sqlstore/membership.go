package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
)

// domainPublishers are the approved publishers one of whose domains (from the
// list, the registration or an administrator) is domain, compared whole: a
// domain is equal or it is not, whatever characters it holds.
func domainPublishers(ctx context.Context, q querier, d dialect, domain string) ([]string, error) {
	if domain == "" {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT id FROM publishers WHERE status = ?
		AND (id IN (SELECT publisher_id FROM publisher_email_domains WHERE domain = ?) OR id IN (SELECT publisher_id FROM publisher_domains WHERE domain = ?))
		ORDER BY id`), catalogue.PublisherApproved, domain, domain)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

// isMember applies the membership rules of catalogue.Membership.
func isMember(ctx context.Context, q querier, d dialect, person, publisher string) (bool, error) {
	if person == "" || person == catalogue.System.Person {
		return false, nil
	}
	var status string
	err := q.QueryRowContext(ctx, d.rebind(`SELECT status FROM publishers WHERE id = ?`), publisher).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil || status != catalogue.PublisherApproved {
		return false, err
	}
	var m string
	err = q.QueryRowContext(ctx, d.rebind(`SELECT status FROM memberships WHERE person_id = ? AND publisher_id = ?`), person, publisher).Scan(&m)
	if err == nil {
		return m == string(catalogue.MemberApproved), nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	var domain string
	if err := q.QueryRowContext(ctx, d.rebind(`SELECT email_domain FROM people WHERE id = ?`), person).Scan(&domain); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, err
	}
	pubs, err := domainPublishers(ctx, q, d, domain)
	return slices.Contains(pubs, publisher), err
}

func (t *tx) isMember(ctx context.Context, person, publisher string) (bool, error) {
	return isMember(ctx, t.Tx, t.d, person, publisher)
}

// txMembers answers catalogue.Authorize's questions inside the transaction.
type txMembers struct{ t *tx }

func (m txMembers) IsMember(ctx context.Context, person, publisher string) (bool, error) {
	return m.t.isMember(ctx, person, publisher)
}

// authorize applies the authorisation rule of act (catalogue.Authorize) inside
// the transaction.
func (t *tx) authorize(ctx context.Context, a catalogue.Actor, act catalogue.Act, publishers ...string) error {
	return catalogue.Authorize(ctx, txMembers{t}, a, act, publishers...)
}

// IsMember implements catalogue.Accounts.
func (s *Store) IsMember(ctx context.Context, person, publisher string) (bool, error) {
	ok, err := isMember(ctx, s.db, s.d, person, publisher)
	if err != nil {
		return false, fmt.Errorf("is %s a member of %s: %w", person, publisher, err)
	}
	return ok, nil
}

// Memberships implements catalogue.Accounts.
func (s *Store) Memberships(ctx context.Context, person string) ([]catalogue.Membership, error) {
	p, err := s.Person(ctx, person)
	if err != nil {
		return nil, err
	}
	out, err := s.membershipRows(ctx, `WHERE m.person_id = ?`, person)
	if err != nil {
		return nil, err
	}
	listed := map[string]bool{}
	for _, m := range out {
		listed[m.Publisher] = true
	}
	var domain string
	if err := s.queryRow(ctx, `SELECT email_domain FROM people WHERE id = ?`, person).Scan(&domain); err != nil {
		return nil, fmt.Errorf("memberships of %s: %w", person, err)
	}
	pubs, err := domainPublishers(ctx, s.db, s.d, domain)
	if err != nil {
		return nil, fmt.Errorf("memberships of %s: %w", person, err)
	}
	for _, id := range pubs {
		if listed[id] {
			continue
		}
		pub, err := s.Publisher(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, catalogue.Membership{Person: p.ID, Email: p.Email, Publisher: id, PublisherName: pub.Name,
			Status: catalogue.MemberApproved, Via: "domain", CreatedAt: p.CreatedAt})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PublisherName < out[j].PublisherName })
	return out, nil
}

func (s *Store) membershipRows(ctx context.Context, where string, args ...any) ([]catalogue.Membership, error) {
	rows, err := s.query(ctx, `SELECT m.person_id, p.email, m.publisher_id, b.name, m.status, m.note, m.created_at, b.status
		FROM memberships m JOIN people p ON p.id = m.person_id JOIN publishers b ON b.id = m.publisher_id `+where+` ORDER BY m.created_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	defer rows.Close()
	out := []catalogue.Membership{}
	for rows.Next() {
		var m catalogue.Membership
		var status, pubStatus string
		if err := rows.Scan(&m.Person, &m.Email, &m.Publisher, &m.PublisherName, &status, &m.Note, &m.CreatedAt, &pubStatus); err != nil {
			return nil, fmt.Errorf("memberships: %w", err)
		}
		m.Status, m.Via, m.CreatedAt = catalogue.MembershipStatus(status), "approval", m.CreatedAt.UTC()
		if m.Status == catalogue.MemberApproved && pubStatus != catalogue.PublisherApproved {
			m.Status = catalogue.MemberPending // the administration itself waits for approval
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members implements catalogue.Accounts: approved members, by a request or by
// their e-mail domain.
func (s *Store) Members(ctx context.Context, publisher string) ([]catalogue.Membership, error) {
	pub, err := s.Publisher(ctx, publisher)
	if err != nil {
		return nil, err
	}
	if pub.Status != catalogue.PublisherApproved {
		return []catalogue.Membership{}, nil
	}
	rows, err := s.membershipRows(ctx, `WHERE m.publisher_id = ?`, publisher)
	if err != nil {
		return nil, err
	}
	var out []catalogue.Membership
	decided := map[string]bool{}
	for _, m := range rows {
		decided[m.Person] = true
		if m.Status == catalogue.MemberApproved {
			out = append(out, m)
		}
	}
	for _, d := range pub.AllDomains() {
		prows, err := s.query(ctx, `SELECT id, email, created_at FROM people WHERE email_domain = ?`, d)
		if err != nil {
			return nil, fmt.Errorf("members of %s: %w", publisher, err)
		}
		for prows.Next() {
			var m catalogue.Membership
			if err := prows.Scan(&m.Person, &m.Email, &m.CreatedAt); err != nil {
				prows.Close()
				return nil, err
			}
			if decided[m.Person] {
				continue
			}
			m.Publisher, m.PublisherName, m.Status, m.Via = publisher, pub.Name, catalogue.MemberApproved, "domain"
			out = append(out, m)
		}
		prows.Close()
	}
	return out, nil
}

// RequestMembership implements catalogue.Accounts.
func (s *Store) RequestMembership(ctx context.Context, a catalogue.Actor, publisher, note string) error {
	err := s.txn(ctx, func(t *tx) error {
		if _, err := t.publisher(ctx, publisher); err != nil {
			return err
		}
		if ok, err := t.isMember(ctx, a.Person, publisher); err != nil || ok {
			return err
		}
		res, err := t.exec(ctx, `INSERT INTO memberships (person_id, publisher_id, status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (person_id, publisher_id) DO NOTHING`, a.Person, publisher, string(catalogue.MemberPending), strings.TrimSpace(note), t.now, t.now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // asked before, or revoked: an administrator decides
		}
		return t.audit(ctx, a, catalogue.AuditMembershipRequest, publisher, a.Person, note)
	})
	if err != nil {
		return fmt.Errorf("request membership of %s: %w", publisher, err)
	}
	return nil
}

// DecideMembership implements catalogue.Accounts.
func (s *Store) DecideMembership(ctx context.Context, a catalogue.Actor, person, publisher string, status catalogue.MembershipStatus) error {
	if err := catalogue.Authorize(ctx, nil, a, catalogue.ActDecideMembership); err != nil {
		return err
	}
	if status != catalogue.MemberApproved && status != catalogue.MemberRevoked {
		return catalogue.Invalidf("a membership is approved or revoked, not %q", status)
	}
	err := s.txn(ctx, func(t *tx) error {
		if _, err := t.publisher(ctx, publisher); err != nil {
			return err
		}
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, person).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("person %s: %w", person, catalogue.ErrNotFound)
		}
		if _, err := t.exec(ctx, `INSERT INTO memberships (person_id, publisher_id, status, decided_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (person_id, publisher_id) DO UPDATE SET status = excluded.status, decided_by = excluded.decided_by, updated_at = excluded.updated_at`,
			person, publisher, string(status), a.Person, t.now, t.now); err != nil {
			return err
		}
		action := catalogue.AuditMembershipApprove
		if status == catalogue.MemberRevoked {
			action = catalogue.AuditMembershipRevoke
		}
		return t.audit(ctx, a, action, publisher, person, "")
	})
	if err != nil {
		return fmt.Errorf("decide membership of %s in %s: %w", person, publisher, err)
	}
	return nil
}

// PendingMemberships implements catalogue.Accounts.
func (s *Store) PendingMemberships(ctx context.Context) ([]catalogue.Membership, error) {
	return s.membershipRows(ctx, `WHERE m.status = ?`, string(catalogue.MemberPending))
}

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

// RegisterAdministration implements catalogue.Accounts. The registrant becomes a
// member when the administration is approved.
func (s *Store) RegisterAdministration(ctx context.Context, a catalogue.Actor, p catalogue.Publisher) (catalogue.Publisher, error) {
	if err := catalogue.Authorize(ctx, nil, a, catalogue.ActRegisterAdministration); err != nil {
		return p, err
	}
	p.Name, p.Country, p.URI = strings.TrimSpace(p.Name), strings.ToUpper(strings.TrimSpace(p.Country)), strings.TrimSpace(p.URI)
	if len(p.Country) != 2 {
		return p, catalogue.Invalidf("country: give its two-letter code (ISO 3166-1), such as NL or DK")
	}
	domains, err := cleanDomains(p.EmailDomains)
	if err != nil {
		return p, err
	}
	p.EmailDomains, p.CodeHosting, p.Status = domains, nil, catalogue.PublisherPending
	if p.ID == "" {
		p.ID = strings.Trim(slugRE.ReplaceAllString(strings.ToLower(p.Country+"-"+p.Name), "-"), "-")
		if len(p.ID) > 90 {
			p.ID = p.ID[:90]
		}
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	err = s.write(ctx, func(t *tx) error {
		base := p.ID
		for i := 2; ; i++ {
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM publishers WHERE id = ?`, p.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				break
			}
			p.ID = fmt.Sprintf("%s-%d", base, i)
		}
		if p.URI != "" {
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM publishers WHERE uri = ?`, p.URI).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return catalogue.Invalidf("an administration with the identifier %s is in the catalogue already: ask to join it instead", p.URI)
			}
		}
		b, _ := json.Marshal(nonNil(p.EmailDomains))
		if _, err := t.exec(ctx, `INSERT INTO publishers (id, name, country, uri, alternative_id, email_domains, status, registered_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?)`, p.ID, p.Name, p.Country, p.URI, string(b), p.Status, a.Person, t.now, t.now); err != nil {
			return err
		}
		if err := t.setListDomains(ctx, p.ID, p.EmailDomains); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO memberships (person_id, publisher_id, status, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			a.Person, p.ID, string(catalogue.MemberPending), "registered the administration", t.now, t.now); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditAdministrationAdd, p.ID, p.Name, strings.Join(p.EmailDomains, " "))
	})
	if err != nil {
		return p, fmt.Errorf("register %s: %w", p.Name, err)
	}
	return s.Publisher(ctx, p.ID)
}

// cleanDomains checks e-mail domains and returns their normal forms, once each
// (a leading '@' is forgiven).
func cleanDomains(in []string) ([]string, error) {
	var out []string
	for _, d := range in {
		d = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d == "" {
			continue
		}
		d, err := catalogue.NormaliseDomain(d)
		if err != nil {
			return nil, fmt.Errorf("e-mail domain: %w", err)
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// ApproveAdministration implements catalogue.Accounts: the administration and its
// registrant's membership are approved.
func (s *Store) ApproveAdministration(ctx context.Context, a catalogue.Actor, id string) error {
	if err := catalogue.Authorize(ctx, nil, a, catalogue.ActApproveAdministration); err != nil {
		return err
	}
	err := s.write(ctx, func(t *tx) error {
		var registrant string
		if err := t.queryRow(ctx, `SELECT registered_by FROM publishers WHERE id = ?`, id).Scan(&registrant); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return catalogue.ErrNotFound
			}
			return err
		}
		if _, err := t.exec(ctx, `UPDATE publishers SET status = ?, updated_at = ? WHERE id = ?`, catalogue.PublisherApproved, t.now, id); err != nil {
			return err
		}
		if registrant != "" {
			if _, err := t.exec(ctx, `UPDATE memberships SET status = ?, decided_by = ?, updated_at = ? WHERE person_id = ? AND publisher_id = ? AND status = ?`,
				string(catalogue.MemberApproved), a.Person, t.now, registrant, id, string(catalogue.MemberPending)); err != nil {
				return err
			}
		}
		if err := t.appendChange(ctx, catalogue.ChangePublisher, catalogue.OpUpsert, id); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditAdministrationOK, id, id, "")
	})
	if err != nil {
		return fmt.Errorf("approve administration %s: %w", id, err)
	}
	return nil
}

// PendingAdministrations implements catalogue.Accounts.
func (s *Store) PendingAdministrations(ctx context.Context) ([]catalogue.Publisher, error) {
	rows, err := s.query(ctx, `SELECT id FROM publishers WHERE status = ? ORDER BY created_at`, catalogue.PublisherPending)
	if err != nil {
		return nil, fmt.Errorf("pending administrations: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := []catalogue.Publisher{}
	for _, id := range ids {
		p, err := s.Publisher(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// SetEmailDomains implements catalogue.Accounts.
func (s *Store) SetEmailDomains(ctx context.Context, a catalogue.Actor, publisher string, domains []string) error {
	if err := catalogue.Authorize(ctx, nil, a, catalogue.ActSetEmailDomains); err != nil {
		return err
	}
	clean, err := cleanDomains(domains)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(t *tx) error {
		if _, err := t.publisher(ctx, publisher); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM publisher_domains WHERE publisher_id = ?`, publisher); err != nil {
			return err
		}
		for _, d := range clean {
			if _, err := t.exec(ctx, `INSERT INTO publisher_domains (publisher_id, domain) VALUES (?, ?)`, publisher, d); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, catalogue.AuditDomains, publisher, "", strings.Join(clean, " "))
	})
	if err != nil {
		return fmt.Errorf("set e-mail domains of %s: %w", publisher, err)
	}
	return nil
}

// nameKey is how administration names are compared: lower case, single spaces.
func nameKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// PublishersNamed implements catalogue.Accounts.
func (s *Store) PublishersNamed(ctx context.Context, names []string) (map[string]catalogue.Publisher, error) {
	out := map[string]catalogue.Publisher{}
	if len(names) == 0 {
		return out, nil
	}
	want := map[string][]string{}
	for _, n := range names {
		want[nameKey(n)] = append(want[nameKey(n)], n)
	}
	rows, err := s.query(ctx, `SELECT `+publisherColumns+` FROM publishers WHERE status = ?`, catalogue.PublisherApproved)
	if err != nil {
		return nil, fmt.Errorf("publishers by name: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPublisher(rows)
		if err != nil {
			return nil, fmt.Errorf("publishers by name: %w", err)
		}
		for _, n := range want[nameKey(p.Name)] {
			out[n] = p
		}
	}
	return out, rows.Err()
}

// Subscribe implements catalogue.Accounts: members only.
func (s *Store) Subscribe(ctx context.Context, a catalogue.Actor, publisher string, on bool) error {
	err := s.txn(ctx, func(t *tx) error {
		if !on {
			_, err := t.exec(ctx, `DELETE FROM subscriptions WHERE person_id = ? AND publisher_id = ?`, a.Person, publisher)
			return err
		}
		if err := t.authorize(ctx, a, catalogue.ActSubscribe, publisher); err != nil {
			return err
		}
		// A new subscriber hears of what happens from now on, not of the past.
		if _, err := t.exec(ctx, `UPDATE people SET digest_seq = (SELECT COALESCE(MAX(seq), 0) FROM repository_events)
			WHERE id = ? AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE person_id = ?)`, a.Person, a.Person); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO subscriptions (person_id, publisher_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, a.Person, publisher, t.now)
		return err
	})
	if err != nil {
		return fmt.Errorf("subscribe to %s: %w", publisher, err)
	}
	return nil
}

// Subscriptions implements catalogue.Accounts.
func (s *Store) Subscriptions(ctx context.Context, person string) ([]string, error) {
	rows, err := s.query(ctx, `SELECT publisher_id FROM subscriptions WHERE person_id = ? ORDER BY publisher_id`, person)
	if err != nil {
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ExportPerson implements catalogue.Accounts.
func (s *Store) ExportPerson(ctx context.Context, person string) (catalogue.PersonalData, error) {
	var d catalogue.PersonalData
	p, err := s.Person(ctx, person)
	if err != nil {
		return d, err
	}
	d.Person = p
	if d.Memberships, err = s.Memberships(ctx, person); err != nil {
		return d, err
	}
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE person_id = ? AND expires_at > ?`, person, s.now()).Scan(&d.Sessions); err != nil {
		return d, err
	}
	if d.Subscriptions, err = s.Subscriptions(ctx, person); err != nil {
		return d, err
	}
	if d.Declared, err = s.loadJoins(ctx, `WHERE j.declared_by = ?`, person); err != nil {
		return d, err
	}
	if d.Contact, err = s.loadJoins(ctx, `WHERE LOWER(j.contact_email) = ?`, p.Email); err != nil {
		return d, err
	}
	if d.Audit, err = s.auditRows(ctx, `SELECT seq, at, actor, action, publisher_id, subject, detail FROM audit_log
		WHERE actor = ? OR subject = ? ORDER BY seq`, person, person); err != nil {
		return d, err
	}
	all, err := s.Initiatives(ctx)
	if err != nil {
		return d, err
	}
	d.Initiatives = []catalogue.Initiative{}
	var mine []string
	rows, err := s.query(ctx, `SELECT id FROM initiatives WHERE created_by = ?`, person)
	if err != nil {
		return d, err
	}
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		mine = append(mine, id)
	}
	rows.Close()
	for _, in := range all {
		if slices.Contains(mine, in.ID) {
			d.Initiatives = append(d.Initiatives, in)
		}
	}
	return d, nil
}

// DeletePerson implements catalogue.Accounts.
func (s *Store) DeletePerson(ctx context.Context, person string) error {
	err := s.write(ctx, func(t *tx) error {
		var email string
		if err := t.queryRow(ctx, `SELECT email FROM people WHERE id = ?`, person).Scan(&email); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return catalogue.ErrNotFound
			}
			return err
		}
		stmts := []struct {
			q    string
			args []any
		}{
			{`UPDATE joins SET declared_by = '' WHERE declared_by = ?`, []any{person}},
			{`UPDATE joins SET contact_name = '', contact_role = '', contact_email = '' WHERE LOWER(contact_email) = ?`, []any{email}},
			{`UPDATE initiatives SET created_by = '' WHERE created_by = ?`, []any{person}},
			{`UPDATE pledges SET pledged_by = '' WHERE pledged_by = ?`, []any{person}},
			{`UPDATE code_hosting SET added_by = '' WHERE added_by = ?`, []any{person}},
			{`UPDATE publishers SET registered_by = '' WHERE registered_by = ?`, []any{person}},
			{`UPDATE audit_log SET actor = 'deleted' WHERE actor = ?`, []any{person}},
			{`UPDATE audit_log SET subject = 'deleted' WHERE subject = ?`, []any{person}},
			{`DELETE FROM signin_tokens WHERE email = ?`, []any{email}},
			{`DELETE FROM people WHERE id = ?`, []any{person}}, // sessions, memberships, subscriptions cascade
		}
		for _, st := range stmts {
			if _, err := t.exec(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return t.audit(ctx, catalogue.Actor{Person: "deleted"}, catalogue.AuditPersonDeleted, "", "deleted", "")
	})
	if err != nil {
		return fmt.Errorf("delete person %s: %w", person, err)
	}
	return nil
}
