package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
)

var _ catalogue.Accounts = (*Store)(nil)

// SetClock replaces the store's clock (tests that move time forward).
func (s *Store) SetClock(now func() time.Time) {
	s.now = func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// AddSignInToken implements catalogue.Accounts.
func (s *Store) AddSignInToken(ctx context.Context, tok catalogue.SignInToken) error {
	tok.Email, _ = emailKey(tok.Email)
	err := s.txn(ctx, func(t *tx) error {
		// Links long expired are of no use to anyone: forget them as new ones come.
		if _, err := t.exec(ctx, `DELETE FROM signin_tokens WHERE expires_at < ?`, dbTime(t.now.Add(-24*time.Hour))); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO signin_tokens (hash, email, client, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			tok.Hash, tok.Email, tok.Client, t.now, dbTime(tok.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("add sign-in link for %s: %w", tok.Email, err)
	}
	return nil
}

// CountSignInTokens implements catalogue.Accounts.
func (s *Store) CountSignInTokens(ctx context.Context, email string, since time.Time) (int, error) {
	email, _ = emailKey(email)
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM signin_tokens WHERE email = ? AND created_at >= ?`, email, dbTime(since)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count sign-in links of %s: %w", email, err)
	}
	return n, nil
}

// UseSignInToken implements catalogue.Accounts: one UPDATE both checks and spends
// the link, so two requests racing with one link cannot both sign in.
func (s *Store) UseSignInToken(ctx context.Context, hash string) (string, error) {
	var email string
	err := s.txn(ctx, func(t *tx) error {
		return t.queryRow(ctx, `UPDATE signin_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ? RETURNING email`,
			t.now, hash, t.now).Scan(&email)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sign-in link: %w", catalogue.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("use sign-in link: %w", err)
	}
	return email, nil
}

const personColumns = `id, email, name, language, created_at, signed_in_at`

func scanPerson(r scanner) (catalogue.Person, error) {
	var p catalogue.Person
	var at sql.NullTime
	if err := r.Scan(&p.ID, &p.Email, &p.Name, &p.Language, &p.CreatedAt, &at); err != nil {
		return p, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	if at.Valid {
		t := at.Time.UTC()
		p.SignedInAt = &t
	}
	return p, nil
}

// SignIn implements catalogue.Accounts.
func (s *Store) SignIn(ctx context.Context, email, name, subject, lang string) (catalogue.Person, error) {
	email, err := catalogue.NormaliseEmail(email)
	if err != nil {
		return catalogue.Person{}, err
	}
	if lang != "" {
		if lang, err = catalogue.NormaliseLanguage(lang); err != nil {
			return catalogue.Person{}, fmt.Errorf("sign in %s: %w", email, err)
		}
	}
	var p catalogue.Person
	err = s.txn(ctx, func(t *tx) error {
		p, err = scanPerson(t.queryRow(ctx, `SELECT `+personColumns+` FROM people WHERE email = ?`, email))
		if errors.Is(err, sql.ErrNoRows) {
			p = catalogue.Person{ID: catalogue.NewID(), Email: email, Name: name, Language: i18n.English, CreatedAt: t.now}
			_, err = t.exec(ctx, `INSERT INTO people (id, email, email_domain, name, oidc_subject, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				p.ID, email, catalogue.EmailDomain(email), name, subject, t.now)
		}
		if err != nil {
			return err
		}
		if name != "" && p.Name == "" {
			p.Name = name
		}
		if lang != "" {
			p.Language = lang
		}
		now := t.now
		p.SignedInAt = &now
		_, err = t.exec(ctx, `UPDATE people SET signed_in_at = ?, name = ?, language = ?, oidc_subject = CASE WHEN ? = '' THEN oidc_subject ELSE ? END WHERE id = ?`,
			t.now, p.Name, p.Language, subject, subject, p.ID)
		return err
	})
	if err != nil {
		return p, fmt.Errorf("sign in %s: %w", email, err)
	}
	return p, nil
}

// Person implements catalogue.Accounts.
func (s *Store) Person(ctx context.Context, id string) (catalogue.Person, error) {
	p, err := scanPerson(s.queryRow(ctx, `SELECT `+personColumns+` FROM people WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("person %s: %w", id, catalogue.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("person %s: %w", id, err)
	}
	return p, nil
}

// SetPersonLanguage implements catalogue.Accounts.
func (s *Store) SetPersonLanguage(ctx context.Context, person, lang string) error {
	lang, err := catalogue.NormaliseLanguage(lang)
	if err != nil {
		return fmt.Errorf("language of person %s: %w", person, err)
	}
	err = s.txn(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE people SET language = ? WHERE id = ?`, lang, person)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return catalogue.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("language of person %s: %w", person, err)
	}
	return nil
}

// LanguageOf implements catalogue.Accounts.
func (s *Store) LanguageOf(ctx context.Context, email string) (string, error) {
	var lang string
	key, _ := emailKey(email)
	err := s.queryRow(ctx, `SELECT language FROM people WHERE email = ?`, key).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return i18n.English, nil
	}
	if err != nil {
		return "", fmt.Errorf("language of %s: %w", email, err)
	}
	return lang, nil
}

// CreateSession implements catalogue.Accounts.
func (s *Store) CreateSession(ctx context.Context, hash, person string, expires time.Time) error {
	err := s.txn(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, t.now); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO sessions (hash, person_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, hash, person, t.now, dbTime(expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionPerson implements catalogue.Accounts.
func (s *Store) SessionPerson(ctx context.Context, hash string) (catalogue.Person, error) {
	p, err := scanPerson(s.queryRow(ctx, `SELECT p.id, p.email, p.name, p.language, p.created_at, p.signed_in_at FROM sessions x
		JOIN people p ON p.id = x.person_id WHERE x.hash = ? AND x.expires_at > ?`, hash, s.now()))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("session: %w", catalogue.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("session: %w", err)
	}
	return p, nil
}

// DeleteSession implements catalogue.Accounts.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.txn(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return err
	})
}

// audit appends to the audit log inside the transaction.
func (t *tx) audit(ctx context.Context, a catalogue.Actor, action, publisher, subject, detail string) error {
	if _, err := t.exec(ctx, `INSERT INTO audit_log (at, actor, action, publisher_id, subject, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		t.now, a.Person, action, publisher, subject, detail); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// AuditLog implements catalogue.Accounts: newest first, of one publisher or all.
func (s *Store) AuditLog(ctx context.Context, publisher string, limit int) ([]catalogue.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT seq, at, actor, action, publisher_id, subject, detail FROM audit_log`
	var args []any
	if publisher != "" {
		q += ` WHERE publisher_id = ?`
		args = append(args, publisher)
	}
	args = append(args, limit)
	return s.auditRows(ctx, q+` ORDER BY seq DESC LIMIT ?`, args...)
}

func (s *Store) auditRows(ctx context.Context, q string, args ...any) ([]catalogue.AuditEntry, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	out := []catalogue.AuditEntry{}
	for rows.Next() {
		var e catalogue.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Publisher, &e.Subject, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
