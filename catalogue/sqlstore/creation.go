package sqlstore

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// creationCursor is a position in creation order: a time and an ID.
func creationCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func parseCreationCursor(c string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		at, id, ok := strings.Cut(string(b), "|")
		if t, perr := time.Parse(time.RFC3339Nano, at); ok && perr == nil {
			return t, id, nil
		}
	}
	return time.Time{}, "", catalogue.Invalidf("page cursor %q is not one this API gave", c)
}

// creationWhere adds the cursor, time and URL conditions of p to a list ordered by
// (created_at, id) in alias a, and says whether the page is read backwards.
func creationWhere(p catalogue.CreationPage, a string, where []string, args []any) ([]string, []any, bool, error) {
	if !p.From.IsZero() {
		where, args = append(where, a+`.created_at > ?`), append(args, dbTime(p.From))
	}
	if !p.To.IsZero() {
		where, args = append(where, a+`.created_at < ?`), append(args, dbTime(p.To))
	}
	backwards := false
	cursor, op := p.After, ">"
	if p.Before != "" && p.After == "" {
		cursor, op, backwards = p.Before, "<", true
	}
	if cursor != "" {
		at, id, err := parseCreationCursor(cursor)
		if err != nil {
			return nil, nil, false, err
		}
		where = append(where, `(`+a+`.created_at `+op+` ? OR (`+a+`.created_at = ? AND `+a+`.id `+op+` ?))`)
		args = append(args, dbTime(at), dbTime(at), id)
	}
	return where, args, backwards, nil
}

// finishPage trims a page read with one extra row, puts a backwards page in
// order, and gives its cursors: next when more follows (or the page was read
// backwards), prev when entries precede it.
func finishPage[T any](list []T, size int, backwards, after bool, key func(T) (time.Time, string)) ([]T, string, string) {
	more := len(list) > size
	if more {
		list = list[:size]
	}
	if backwards {
		slices.Reverse(list)
	}
	next, prev := "", ""
	if len(list) > 0 {
		if more || backwards {
			next = creationCursor(key(list[len(list)-1]))
		}
		if (backwards && more) || (!backwards && after) {
			prev = creationCursor(key(list[0]))
		}
	}
	return list, next, prev
}

func orderBy(a string, backwards bool) string {
	if backwards {
		return ` ORDER BY ` + a + `.created_at DESC, ` + a + `.id DESC`
	}
	return ` ORDER BY ` + a + `.created_at, ` + a + `.id`
}

// SoftwareByCreation pages listed software by creation time, for the
// Developers Italia-compatible API; the cursors are opaque.
func (s *Store) SoftwareByCreation(ctx context.Context, p catalogue.CreationPage) ([]catalogue.Software, string, string, error) {
	size := pageSize(p.Size)
	where := []string{`s.hidden_reason = ''`}
	if !p.All {
		where = append(where, listedSoftware)
	}
	var args []any
	if p.URL != "" {
		u, err := catalogue.CanonicalURL(p.URL)
		if err != nil {
			return nil, "", "", err
		}
		where = append(where, `(s.url = ? OR s.url IN (SELECT r.software_url FROM repositories r WHERE r.canonical_url = ?))`)
		args = append(args, u, u)
	}
	where, args, backwards, err := creationWhere(p, "s", where, args)
	if err != nil {
		return nil, "", "", err
	}
	list, err := s.loadSoftware(ctx, `WHERE `+strings.Join(where, " AND ")+orderBy("s", backwards)+` LIMIT ?`, append(args, size+1)...)
	if err != nil {
		return nil, "", "", err
	}
	list, next, prev := finishPage(list, size, backwards, p.After != "", func(sw catalogue.Software) (time.Time, string) { return sw.CreatedAt, sw.ID })
	return list, next, prev, nil
}

// HiddenSoftware reports which of ids no repository carries any more.
func (s *Store) HiddenSoftware(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.query(ctx, `SELECT id FROM software WHERE hidden = TRUE AND id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("hidden software: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// PublishersByCreation pages publishers the same way.
func (s *Store) PublishersByCreation(ctx context.Context, p catalogue.CreationPage) ([]catalogue.Publisher, string, string, error) {
	size := pageSize(p.Size)
	where, args, backwards, err := creationWhere(p, "p", []string{"1 = 1"}, nil)
	if err != nil {
		return nil, "", "", err
	}
	rows, err := s.query(ctx, `SELECT `+publisherColumns+` FROM publishers p WHERE `+strings.Join(where, " AND ")+orderBy("p", backwards)+` LIMIT ?`,
		append(args, size+1)...)
	if err != nil {
		return nil, "", "", fmt.Errorf("publishers by creation: %w", err)
	}
	var list []catalogue.Publisher
	for rows.Next() {
		pub, err := scanPublisher(rows)
		if err != nil {
			rows.Close()
			return nil, "", "", err
		}
		list = append(list, pub)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", "", err
	}
	list, next, prev := finishPage(list, size, backwards, p.After != "", func(p catalogue.Publisher) (time.Time, string) { return p.CreatedAt, p.ID })
	ids := make([]string, len(list))
	for i, pub := range list {
		ids[i] = pub.ID
	}
	hosting, err := loadHosting(ctx, s.db, s.d, ids)
	if err != nil {
		return nil, "", "", err
	}
	for i := range list {
		list[i].CodeHosting = nonNilHosting(hosting[list[i].ID])
	}
	return list, next, prev, nil
}

// recentScanLimit bounds how many entries one RecentSoftware call reads.
const recentScanLimit = 5000

// RecentSoftware lists listed software, most recently updated first.
//
// it reads listed entries
// newest first, in batches, until limit of them pass keep.
func (s *Store) RecentSoftware(ctx context.Context, limit int, keep func(catalogue.Software) bool) ([]catalogue.Software, error) {
	var out []catalogue.Software
	const batch = 200
	for offset := 0; offset < recentScanLimit && len(out) < limit; offset += batch {
		list, err := s.loadSoftware(ctx, `WHERE `+listedSoftware+` ORDER BY s.updated_at DESC, s.id LIMIT ? OFFSET ?`, batch, offset)
		if err != nil {
			return nil, err
		}
		for _, sw := range list {
			if keep == nil || keep(sw) {
				out = append(out, sw)
				if len(out) == limit {
					break
				}
			}
		}
		if len(list) < batch {
			break
		}
	}
	return out, nil
}
