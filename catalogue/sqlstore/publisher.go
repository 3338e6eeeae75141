package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
)

const originFile = "file"

// SyncPublishers implements catalogue.Store.
func (s *Store) SyncPublishers(ctx context.Context, pubs []catalogue.Publisher) error {
	pubs = slices.Clone(pubs)
	for i, p := range pubs {
		if err := p.Validate(); err != nil {
			return err
		}
		domains, err := cleanDomains(p.EmailDomains)
		if err != nil {
			return fmt.Errorf("publisher %s: %w", p.ID, err)
		}
		pubs[i].EmailDomains = domains
	}
	return s.write(ctx, func(t *tx) error {
		inFile := map[string]bool{}
		for _, p := range pubs {
			inFile[p.ID] = true
			changed, err := t.upsertPublisher(ctx, p)
			if err != nil {
				return fmt.Errorf("sync publisher %s: %w", p.ID, err)
			}
			if changed {
				if err := t.appendChange(ctx, catalogue.ChangePublisher, catalogue.OpUpsert, p.ID); err != nil {
					return err
				}
			}
		}
		// Publishers no longer in the file keep their site entries only.
		rows, err := t.query(ctx, `SELECT DISTINCT publisher_id FROM code_hosting WHERE origin = ?`, originFile)
		if err != nil {
			return fmt.Errorf("sync publishers: %w", err)
		}
		var gone []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			if !inFile[id] {
				gone = append(gone, id)
			}
		}
		rows.Close()
		for _, id := range gone {
			if _, err := t.exec(ctx, `DELETE FROM code_hosting WHERE publisher_id = ? AND origin = ?`, id, originFile); err != nil {
				return fmt.Errorf("sync publisher %s: %w", id, err)
			}
			if err := t.appendChange(ctx, catalogue.ChangePublisher, catalogue.OpUpsert, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// upsertPublisher writes p and its file hosting, reporting whether anything changed.
func (t *tx) upsertPublisher(ctx context.Context, p catalogue.Publisher) (bool, error) {
	old, err := t.publisher(ctx, p.ID)
	exists := err == nil
	if err != nil && !errors.Is(err, catalogue.ErrNotFound) {
		return false, err
	}
	domains, _ := json.Marshal(nonNil(p.EmailDomains))
	if !exists {
		if _, err := t.exec(ctx, `INSERT INTO publishers (id, name, country, uri, alternative_id, email_domains, counting_off, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Name, p.Country, p.URI, p.AlternativeID, string(domains), p.CountingOff, t.now, t.now); err != nil {
			return false, err
		}
	}
	var fileHosting []catalogue.CodeHosting
	for _, h := range old.CodeHosting {
		if h.Origin == originFile {
			fileHosting = append(fileHosting, h)
		}
	}
	want := make([]catalogue.CodeHosting, 0, len(p.CodeHosting))
	for _, h := range p.CodeHosting {
		h.Origin = originFile
		want = append(want, h)
	}
	slices.SortFunc(want, func(a, b catalogue.CodeHosting) int { return strings.Compare(a.URL, b.URL) })
	sameHosting := slices.Equal(fileHosting, want)
	sameFields := exists && old.Name == p.Name && old.Country == p.Country && old.URI == p.URI &&
		old.AlternativeID == p.AlternativeID && slices.Equal(old.EmailDomains, p.EmailDomains) && old.CountingOff == p.CountingOff
	if exists && sameFields && sameHosting {
		return false, nil
	}
	if exists && !sameFields {
		if _, err := t.exec(ctx, `UPDATE publishers SET name = ?, country = ?, uri = ?, alternative_id = ?, email_domains = ?, counting_off = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Country, p.URI, p.AlternativeID, string(domains), p.CountingOff, t.now, p.ID); err != nil {
			return false, err
		}
	}
	if !exists || !slices.Equal(old.EmailDomains, p.EmailDomains) {
		if err := t.setListDomains(ctx, p.ID, p.EmailDomains); err != nil {
			return false, err
		}
	}
	if !sameHosting {
		if _, err := t.exec(ctx, `DELETE FROM code_hosting WHERE publisher_id = ? AND origin = ?`, p.ID, originFile); err != nil {
			return false, err
		}
		for _, h := range want {
			if _, err := t.exec(ctx, `INSERT INTO code_hosting (publisher_id, url, grp, type, origin) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (publisher_id, url) DO UPDATE SET grp = excluded.grp, type = excluded.type, origin = excluded.origin`,
				p.ID, h.URL, h.Group, string(h.Type), h.Origin); err != nil {
				return false, err
			}
		}
		if exists && sameFields {
			if _, err := t.exec(ctx, `UPDATE publishers SET updated_at = ? WHERE id = ?`, t.now, p.ID); err != nil {
				return false, err
			}
		}
	}
	return true, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const publisherColumns = `id, name, country, uri, alternative_id, email_domains, created_at, updated_at, status, counting_off, members_counting_off`

type scanner interface{ Scan(...any) error }

func scanPublisher(r scanner) (catalogue.Publisher, error) {
	var p catalogue.Publisher
	var domains string
	if err := r.Scan(&p.ID, &p.Name, &p.Country, &p.URI, &p.AlternativeID, &domains, &p.CreatedAt, &p.UpdatedAt, &p.Status,
		&p.CountingOff, &p.MembersCountingOff); err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(domains), &p.EmailDomains); err != nil {
		return p, fmt.Errorf("publisher %s: email domains: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (t *tx) publisher(ctx context.Context, id string) (catalogue.Publisher, error) {
	return loadPublisher(ctx, t.Tx, t.d, id)
}

func loadPublisher(ctx context.Context, q querier, d dialect, id string) (catalogue.Publisher, error) {
	p, err := scanPublisher(q.QueryRowContext(ctx, d.rebind(`SELECT `+publisherColumns+` FROM publishers WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("publisher %s: %w", id, catalogue.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("publisher %s: %w", id, err)
	}
	hosting, err := loadHosting(ctx, q, d, []string{id})
	if err != nil {
		return p, err
	}
	p.CodeHosting = nonNilHosting(hosting[id])
	if p.SiteDomains, err = siteDomains(ctx, q, d, id); err != nil {
		return p, err
	}
	return p, nil
}

func nonNilHosting(h []catalogue.CodeHosting) []catalogue.CodeHosting {
	if h == nil {
		return []catalogue.CodeHosting{}
	}
	return h
}

func loadHosting(ctx context.Context, q querier, d dialect, ids []string) (map[string][]catalogue.CodeHosting, error) {
	out := map[string][]catalogue.CodeHosting{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT publisher_id, url, grp, type, origin, verified FROM code_hosting WHERE publisher_id IN (`+placeholders(len(ids))+`) ORDER BY publisher_id, origin, url`), anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("code hosting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, typ string
		var h catalogue.CodeHosting
		if err := rows.Scan(&id, &h.URL, &h.Group, &typ, &h.Origin, &h.Verified); err != nil {
			return nil, fmt.Errorf("code hosting: %w", err)
		}
		h.Type = catalogue.HostingType(typ)
		out[id] = append(out[id], h)
	}
	return out, rows.Err()
}

// Publisher implements catalogue.Store.
func (s *Store) Publisher(ctx context.Context, id string) (catalogue.Publisher, error) {
	return loadPublisher(ctx, s.db, s.d, id)
}

// Publishers implements catalogue.Store: publishers by ID, the cursor being the last ID.
func (s *Store) Publishers(ctx context.Context, page catalogue.Page) ([]catalogue.Publisher, string, error) {
	size := pageSize(page.Size)
	rows, err := s.query(ctx, `SELECT `+publisherColumns+` FROM publishers WHERE status = ? AND id > ? ORDER BY id LIMIT ?`, catalogue.PublisherApproved, page.After, size+1)
	if err != nil {
		return nil, "", fmt.Errorf("list publishers: %w", err)
	}
	var out []catalogue.Publisher
	for rows.Next() {
		p, err := scanPublisher(rows)
		if err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("list publishers: %w", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list publishers: %w", err)
	}
	next := ""
	if len(out) > size {
		out = out[:size]
		next = out[size-1].ID
	}
	ids := make([]string, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	hosting, err := loadHosting(ctx, s.db, s.d, ids)
	if err != nil {
		return nil, "", err
	}
	for i := range out {
		out[i].CodeHosting = nonNilHosting(hosting[out[i].ID])
	}
	return out, next, nil
}

func siteDomains(ctx context.Context, q querier, d dialect, id string) ([]string, error) {
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT domain FROM publisher_domains WHERE publisher_id = ? ORDER BY domain`), id)
	if err != nil {
		return nil, fmt.Errorf("publisher %s: e-mail domains: %w", id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var dom string
		if err := rows.Scan(&dom); err != nil {
			return nil, err
		}
		out = append(out, dom)
	}
	return out, rows.Err()
}

func pageSize(n int) int {
	if n <= 0 {
		return 25
	}
	return min(n, 1000)
}

func placeholders(n int) string {
	b := make([]byte, 0, 2*n)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
