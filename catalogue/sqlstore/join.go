package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

var _ catalogue.JoinStore = (*Store)(nil)

const joinColumns = `j.id, j.software_id, s.name, j.publisher_id, p.name, p.uri, j.kind, j.since, j.contact_name, j.contact_role, j.contact_email,
	j.note, j.declared_by, j.verified, j.confirmed_until, j.created_at, j.updated_at`

func scanJoin(r scanner) (catalogue.Join, error) {
	var j catalogue.Join
	var kind string
	if err := r.Scan(&j.ID, &j.Software, &j.SoftwareName, &j.Publisher, &j.PublisherName, &j.PublisherURI, &kind, &j.Since,
		&j.Contact.Name, &j.Contact.Role, &j.Contact.Email, &j.Note, &j.DeclaredBy, &j.Verified, &j.ConfirmedUntil, &j.CreatedAt, &j.UpdatedAt); err != nil {
		return j, err
	}
	j.Kind = catalogue.JoinKind(kind)
	j.ConfirmedUntil, j.CreatedAt, j.UpdatedAt = j.ConfirmedUntil.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	return j, nil
}

func (s *Store) loadJoins(ctx context.Context, where string, args ...any) ([]catalogue.Join, error) {
	rows, err := s.query(ctx, `SELECT `+joinColumns+` FROM joins j JOIN software s ON s.id = j.software_id JOIN publishers p ON p.id = j.publisher_id `+
		where+` ORDER BY j.created_at DESC, j.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("join records: %w", err)
	}
	defer rows.Close()
	out := []catalogue.Join{}
	for rows.Next() {
		j, err := scanJoin(rows)
		if err != nil {
			return nil, fmt.Errorf("join records: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

func (t *tx) join(ctx context.Context, id string) (catalogue.Join, error) {
	j, err := scanJoin(t.queryRow(ctx, `SELECT `+joinColumns+` FROM joins j JOIN software s ON s.id = j.software_id
		JOIN publishers p ON p.id = j.publisher_id WHERE j.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("join record %s: %w", id, catalogue.ErrNotFound)
	}
	return j, err
}

// joinChanged tells the change log about a record and the software it concerns
// (its count of users, in the search index, follows).
func (t *tx) joinChanged(ctx context.Context, op catalogue.ChangeOp, id, software string) error {
	if err := t.appendChange(ctx, catalogue.ChangeJoin, op, id); err != nil {
		return err
	}
	return t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, software)
}

// DeclareJoin implements catalogue.JoinStore. Declaring a kind the administration
// declared before updates that record and confirms it for another year.
func (s *Store) DeclareJoin(ctx context.Context, a catalogue.Actor, j catalogue.Join) (catalogue.Join, error) {
	if err := j.Validate(); err != nil {
		return j, err
	}
	err := s.write(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM software s WHERE s.id = ? AND `+listedSoftware, j.Software).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("software %s: %w", j.Software, catalogue.ErrNotFound)
		}
		if err := t.authorize(ctx, a, catalogue.ActDeclareJoin, j.Publisher); err != nil {
			return err
		}
		var id string
		err := t.queryRow(ctx, `SELECT id FROM joins WHERE software_id = ? AND publisher_id = ? AND kind = ?`, j.Software, j.Publisher, string(j.Kind)).Scan(&id)
		until := dbTime(t.now.Add(catalogue.ConfirmFor))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			id = catalogue.NewID()
			_, err = t.exec(ctx, `INSERT INTO joins (id, software_id, publisher_id, kind, since, contact_name, contact_role, contact_email, note,
				declared_by, verified, confirmed_until, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?, ?)`,
				id, j.Software, j.Publisher, string(j.Kind), j.Since, j.Contact.Name, j.Contact.Role, j.Contact.Email, j.Note, a.Person, until, t.now, t.now)
		case err == nil:
			_, err = t.exec(ctx, `UPDATE joins SET since = ?, contact_name = ?, contact_role = ?, contact_email = ?, note = ?, declared_by = ?,
				confirmed_until = ?, reminded_at = NULL, lapsed = FALSE, updated_at = ? WHERE id = ?`,
				j.Since, j.Contact.Name, j.Contact.Role, j.Contact.Email, j.Note, a.Person, until, t.now, id)
		}
		if err != nil {
			return err
		}
		if err := t.joinChanged(ctx, catalogue.OpUpsert, id, j.Software); err != nil {
			return err
		}
		if err := t.audit(ctx, a, catalogue.AuditDeclare, j.Publisher, id, string(j.Kind)+" "+j.Software); err != nil {
			return err
		}
		j, err = t.join(ctx, id)
		return err
	})
	if err != nil {
		return j, fmt.Errorf("declare %s of %s for %s: %w", j.Kind, j.Software, j.Publisher, err)
	}
	return j, nil
}

// ConfirmJoin implements catalogue.JoinStore.
func (s *Store) ConfirmJoin(ctx context.Context, a catalogue.Actor, id string) (catalogue.Join, error) {
	var j catalogue.Join
	err := s.write(ctx, func(t *tx) error {
		var err error
		if j, err = t.join(ctx, id); err != nil {
			return err
		}
		if err := t.authorize(ctx, a, catalogue.ActConfirmJoin, j.Publisher); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE joins SET confirmed_until = ?, reminded_at = NULL, lapsed = FALSE, updated_at = ? WHERE id = ?`,
			dbTime(t.now.Add(catalogue.ConfirmFor)), t.now, id); err != nil {
			return err
		}
		if err := t.joinChanged(ctx, catalogue.OpUpsert, id, j.Software); err != nil {
			return err
		}
		if err := t.audit(ctx, a, catalogue.AuditConfirm, j.Publisher, id, ""); err != nil {
			return err
		}
		j, err = t.join(ctx, id)
		return err
	})
	if err != nil {
		return j, fmt.Errorf("confirm join record %s: %w", id, err)
	}
	return j, nil
}

// WithdrawJoin implements catalogue.JoinStore.
func (s *Store) WithdrawJoin(ctx context.Context, a catalogue.Actor, id string) error {
	err := s.write(ctx, func(t *tx) error {
		j, err := t.join(ctx, id)
		if err != nil {
			return err
		}
		if err := t.authorize(ctx, a, catalogue.ActWithdrawJoin, j.Publisher); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM joins WHERE id = ?`, id); err != nil {
			return err
		}
		if err := t.joinChanged(ctx, catalogue.OpHide, id, j.Software); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditWithdraw, j.Publisher, id, string(j.Kind)+" "+j.Software)
	})
	if err != nil {
		return fmt.Errorf("withdraw join record %s: %w", id, err)
	}
	return nil
}

// Join implements catalogue.JoinStore.
func (s *Store) Join(ctx context.Context, id string) (catalogue.Join, error) {
	list, err := s.loadJoins(ctx, `WHERE j.id = ?`, id)
	if err != nil {
		return catalogue.Join{}, err
	}
	if len(list) == 0 {
		return catalogue.Join{}, fmt.Errorf("join record %s: %w", id, catalogue.ErrNotFound)
	}
	return list[0], nil
}

// Joins implements catalogue.JoinStore.
func (s *Store) Joins(ctx context.Context, software, publisher string) ([]catalogue.Join, error) {
	where, args := `WHERE 1 = 1`, []any{}
	if software != "" {
		where += ` AND j.software_id = ?`
		args = append(args, software)
	}
	if publisher != "" {
		where += ` AND j.publisher_id = ?`
		args = append(args, publisher)
	}
	return s.loadJoins(ctx, where, args...)
}

// countingJoins is the condition for a record to count as a user.
const countingJoins = `j.kind IN ('uses', 'co-develops', 'funds') AND j.verified = TRUE AND j.confirmed_until > ?`

// CountUsingAdministrations implements catalogue.JoinStore.
func (s *Store) CountUsingAdministrations(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(DISTINCT j.publisher_id) FROM joins j JOIN software s ON s.id = j.software_id
		WHERE `+countingJoins+` AND `+listedSoftware, s.now()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count administrations that use software: %w", err)
	}
	return n, nil
}

// fillJoinCounts sets each entry's records declared here, its users (the
// administrations with a confirmed, verified record that counts), its
// open-to-join flag and whether its publishers are unverified.
func (s *Store) fillJoinCounts(ctx context.Context, list []catalogue.Software, ids []string) error {
	index := map[string]int{}
	for i, sw := range list {
		index[sw.ID] = i
	}
	declared, err := s.loadJoins(ctx, `WHERE j.software_id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return err
	}
	now := s.now()
	users := map[string]map[string]bool{}
	for _, j := range declared {
		sw := &list[index[j.Software]]
		sw.Declared = append(sw.Declared, j)
		if j.Kind.Counts() && j.Verified && j.Confirmed(now) {
			if users[j.Software] == nil {
				users[j.Software] = map[string]bool{}
			}
			users[j.Software][j.Publisher] = true
		}
	}
	for id, pubs := range users {
		list[index[id]].Users = len(pubs)
	}
	orows, err := s.query(ctx, `SELECT software_id FROM join_info WHERE open = TRUE AND software_id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("open to join: %w", err)
	}
	for orows.Next() {
		var id string
		if err := orows.Scan(&id); err != nil {
			orows.Close()
			return err
		}
		list[index[id]].OpenToJoin = true
	}
	orows.Close()
	return s.fillUnverified(ctx, list)
}

// fillUnverified marks entries whose every publisher lists them only through
// unverified site hosting (and whose file does not name that publisher).
func (s *Store) fillUnverified(ctx context.Context, list []catalogue.Software) error {
	var pubIDs []string
	seen := map[string]bool{}
	for _, sw := range list {
		for _, p := range sw.Publishers {
			if !seen[p] {
				seen[p] = true
				pubIDs = append(pubIDs, p)
			}
		}
	}
	if len(pubIDs) == 0 {
		return nil
	}
	hosting, err := loadHosting(ctx, s.db, s.d, pubIDs)
	if err != nil {
		return err
	}
	anyUnverified := false
	for _, hs := range hosting {
		for _, h := range hs {
			anyUnverified = anyUnverified || !h.Trusted()
		}
	}
	if !anyUnverified {
		return nil
	}
	for i := range list {
		sw := &list[i]
		if len(sw.Publishers) == 0 {
			continue
		}
		trusted := false
		for _, p := range sw.Publishers {
			for _, r := range sw.Repositories {
				if !containsString(r.Publishers, p) {
					continue
				}
				c, _ := catalogue.CanonicalURL(r.URL)
				for _, h := range hosting[p] {
					if h.Trusted() && h.Covers(c) {
						trusted = true
					}
				}
			}
		}
		sw.PublisherUnverified = !trusted
	}
	return nil
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// JoinInfo implements catalogue.JoinStore.
func (s *Store) JoinInfo(ctx context.Context, software string) (catalogue.JoinInfo, error) {
	info := catalogue.JoinInfo{Software: software}
	err := s.queryRow(ctx, `SELECT open, coordination, meetings, contributing, updated_at FROM join_info WHERE software_id = ?`, software).
		Scan(&info.Open, &info.Coordination, &info.Meetings, &info.Contributing, &info.UpdatedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return info, fmt.Errorf("join info of %s: %w", software, err)
	}
	info.UpdatedAt = info.UpdatedAt.UTC()
	return info, nil
}

// SetJoinInfo implements catalogue.JoinStore: for members of an administration
// that publishes the software.
func (s *Store) SetJoinInfo(ctx context.Context, a catalogue.Actor, info catalogue.JoinInfo) error {
	sw, err := s.Software(ctx, info.Software)
	if err != nil {
		return err
	}
	if len(info.Coordination) > 500 || len(info.Meetings) > 2000 || len(info.Contributing) > 500 {
		return catalogue.Invalidf("the coordination group and contribution guide are at most 500 characters, the meetings 2000")
	}
	err = s.write(ctx, func(t *tx) error {
		member, err := catalogue.ActingFor(ctx, txMembers{t}, a, catalogue.ActSetJoinInfo, sw.Publishers...)
		if err != nil {
			return fmt.Errorf("%s: %w", sw.Name, err)
		}
		if _, err := t.exec(ctx, `INSERT INTO join_info (software_id, open, coordination, meetings, contributing, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (software_id) DO UPDATE SET open = excluded.open, coordination = excluded.coordination, meetings = excluded.meetings,
			contributing = excluded.contributing, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			info.Software, info.Open, info.Coordination, info.Meetings, info.Contributing, a.Person, t.now); err != nil {
			return err
		}
		if err := t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, info.Software); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditJoinInfo, member, info.Software, fmt.Sprintf("open=%t", info.Open))
	})
	if err != nil {
		return fmt.Errorf("set how to join %s: %w", info.Software, err)
	}
	return nil
}

// JoinsToRemind implements catalogue.JoinStore.
func (s *Store) JoinsToRemind(ctx context.Context, before time.Time) ([]catalogue.Join, error) {
	return s.loadJoins(ctx, `WHERE j.lapsed = FALSE AND j.confirmed_until > ? AND j.confirmed_until <= ? AND j.reminded_at IS NULL`,
		s.now(), dbTime(before))
}

// MarkReminded implements catalogue.JoinStore.
func (s *Store) MarkReminded(ctx context.Context, id string) error {
	return s.txn(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE joins SET reminded_at = ? WHERE id = ?`, t.now, id)
		return err
	})
}

// LapseJoins implements catalogue.JoinStore.
func (s *Store) LapseJoins(ctx context.Context) (int, error) {
	n := 0
	err := s.write(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT id, software_id FROM joins WHERE lapsed = FALSE AND confirmed_until <= ?`, t.now)
		if err != nil {
			return err
		}
		type lapse struct{ id, software string }
		var list []lapse
		for rows.Next() {
			var l lapse
			if err := rows.Scan(&l.id, &l.software); err != nil {
				rows.Close()
				return err
			}
			list = append(list, l)
		}
		rows.Close()
		for _, l := range list {
			if _, err := t.exec(ctx, `UPDATE joins SET lapsed = TRUE WHERE id = ?`, l.id); err != nil {
				return err
			}
			if err := t.joinChanged(ctx, catalogue.OpUpsert, l.id, l.software); err != nil {
				return err
			}
		}
		n = len(list)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("lapse join records: %w", err)
	}
	return n, nil
}

// CoUsers implements catalogue.JoinStore.
func (s *Store) CoUsers(ctx context.Context, a catalogue.Actor, software string) ([]catalogue.Contact, error) {
	list, err := s.loadJoins(ctx, `WHERE j.software_id = ? AND j.confirmed_until > ?`, software, s.now())
	if err != nil {
		return nil, err
	}
	mine := catalogue.KnownMembers{}
	var related []string
	for _, j := range list {
		if _, ok := mine[j.Publisher]; ok {
			continue
		}
		ok, err := s.IsMember(ctx, a.Person, j.Publisher)
		if err != nil {
			return nil, err
		}
		mine[j.Publisher] = ok
		related = append(related, j.Publisher)
	}
	if err := catalogue.Authorize(ctx, mine, a, catalogue.ActWriteCoUsers, related...); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []catalogue.Contact
	for _, j := range list {
		if mine[j.Publisher] || j.Contact.Email == "" || seen[j.Contact.Email] {
			continue
		}
		seen[j.Contact.Email] = true
		out = append(out, j.Contact)
	}
	return out, nil
}
