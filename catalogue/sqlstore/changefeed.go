package sqlstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/oscat-eu/oscat/catalogue"
)

// The reads a page of the change feed makes: one query per kind of entity for
// the whole page (catalogue.ReadFeed), not one per change.

// JoinsByIDs implements catalogue.JoinStore.
func (s *Store) JoinsByIDs(ctx context.Context, ids []string) ([]catalogue.Join, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := s.loadJoins(ctx, `WHERE j.id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	inOrder(list, ids, func(j catalogue.Join) string { return j.ID })
	return list, nil
}

// PublishersByIDs implements catalogue.Store.
func (s *Store) PublishersByIDs(ctx context.Context, ids []string) ([]catalogue.Publisher, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT `+publisherColumns+` FROM publishers WHERE id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("publishers by ID: %w", err)
	}
	var out []catalogue.Publisher
	for rows.Next() {
		p, err := scanPublisher(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("publishers by ID: %w", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("publishers by ID: %w", err)
	}
	hosting, err := loadHosting(ctx, s.db, s.d, ids)
	if err != nil {
		return nil, err
	}
	domains, err := s.siteDomainsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].CodeHosting = nonNilHosting(hosting[out[i].ID])
		out[i].SiteDomains = domains[out[i].ID]
	}
	inOrder(out, ids, func(p catalogue.Publisher) string { return p.ID })
	return out, nil
}

// siteDomainsOf is siteDomains for several publishers at once.
func (s *Store) siteDomainsOf(ctx context.Context, ids []string) (map[string][]string, error) {
	rows, err := s.query(ctx, `SELECT publisher_id, domain FROM publisher_domains WHERE publisher_id IN (`+placeholders(len(ids))+`)
		ORDER BY publisher_id, domain`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("publishers' e-mail domains: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var id, dom string
		if err := rows.Scan(&id, &dom); err != nil {
			return nil, fmt.Errorf("publishers' e-mail domains: %w", err)
		}
		out[id] = append(out[id], dom)
	}
	return out, rows.Err()
}

// inOrder sorts list in the order of ids.
func inOrder[T any](list []T, ids []string, id func(T) string) {
	order := make(map[string]int, len(ids))
	for i, v := range ids {
		order[v] = i
	}
	sort.SliceStable(list, func(i, j int) bool { return order[id(list[i])] < order[id(list[j])] })
}
