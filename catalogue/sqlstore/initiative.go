package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
)

// Initiatives implements catalogue.JoinStore: newest first.
func (s *Store) Initiatives(ctx context.Context) ([]catalogue.Initiative, error) {
	return s.loadInitiatives(ctx, ``)
}

// Initiative implements catalogue.JoinStore.
func (s *Store) Initiative(ctx context.Context, id string) (catalogue.Initiative, error) {
	list, err := s.loadInitiatives(ctx, `WHERE i.id = ?`, id)
	if err != nil {
		return catalogue.Initiative{}, err
	}
	if len(list) == 0 {
		return catalogue.Initiative{}, fmt.Errorf("initiative %s: %w", id, catalogue.ErrNotFound)
	}
	return list[0], nil
}

func (s *Store) loadInitiatives(ctx context.Context, where string, args ...any) ([]catalogue.Initiative, error) {
	rows, err := s.query(ctx, `SELECT i.id, i.publisher_id, p.name, i.title, i.problem, i.requirements, i.budget, i.software_id, i.created_at, i.updated_at
		FROM initiatives i JOIN publishers p ON p.id = i.publisher_id `+where+` ORDER BY i.created_at DESC, i.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("initiatives: %w", err)
	}
	out := []catalogue.Initiative{}
	index := map[string]int{}
	for rows.Next() {
		var in catalogue.Initiative
		if err := rows.Scan(&in.ID, &in.Publisher, &in.PublisherName, &in.Title, &in.Problem, &in.Requirements, &in.Budget, &in.Software,
			&in.CreatedAt, &in.UpdatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("initiatives: %w", err)
		}
		in.CreatedAt, in.UpdatedAt, in.Pledges = in.CreatedAt.UTC(), in.UpdatedAt.UTC(), []catalogue.Pledge{}
		index[in.ID] = len(out)
		out = append(out, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, in := range out {
		ids[i] = in.ID
	}
	prows, err := s.query(ctx, `SELECT g.initiative_id, g.publisher_id, p.name, g.kind, g.note, g.created_at FROM pledges g
		JOIN publishers p ON p.id = g.publisher_id WHERE g.initiative_id IN (`+placeholders(len(ids))+`) ORDER BY g.created_at`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("pledges: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var id, kind string
		var p catalogue.Pledge
		if err := prows.Scan(&id, &p.Publisher, &p.PublisherName, &kind, &p.Note, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("pledges: %w", err)
		}
		p.Kind, p.CreatedAt = catalogue.PledgeKind(kind), p.CreatedAt.UTC()
		out[index[id]].Pledges = append(out[index[id]].Pledges, p)
	}
	return out, prows.Err()
}

// CreateInitiative implements catalogue.JoinStore: for members of the initiating
// administration.
func (s *Store) CreateInitiative(ctx context.Context, a catalogue.Actor, in catalogue.Initiative) (catalogue.Initiative, error) {
	if err := in.Validate(); err != nil {
		return in, err
	}
	in.ID = catalogue.NewID()
	err := s.txn(ctx, func(t *tx) error {
		if err := t.authorize(ctx, a, catalogue.ActCreateInitiative, in.Publisher); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO initiatives (id, publisher_id, title, problem, requirements, budget, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.ID, in.Publisher, in.Title, in.Problem, in.Requirements, in.Budget, a.Person, t.now, t.now); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditInitiative, in.Publisher, in.ID, in.Title)
	})
	if err != nil {
		return in, fmt.Errorf("create initiative: %w", err)
	}
	return s.Initiative(ctx, in.ID)
}

// Pledge implements catalogue.JoinStore: a member pledges for their
// administration; pledging again changes the pledge.
func (s *Store) Pledge(ctx context.Context, a catalogue.Actor, initiative string, p catalogue.Pledge) error {
	if !p.Kind.Valid() {
		return catalogue.Invalidf("pledge %q: use interested, co-fund or co-develop", p.Kind)
	}
	p.Note = strings.TrimSpace(p.Note)
	if len(p.Note) > 2000 {
		return catalogue.Invalidf("a pledge's note is at most 2000 characters")
	}
	err := s.txn(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM initiatives WHERE id = ?`, initiative).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return catalogue.ErrNotFound
		}
		if err := t.authorize(ctx, a, catalogue.ActPledge, p.Publisher); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO pledges (initiative_id, publisher_id, kind, note, pledged_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (initiative_id, publisher_id) DO UPDATE SET kind = excluded.kind, note = excluded.note, pledged_by = excluded.pledged_by`,
			initiative, p.Publisher, string(p.Kind), p.Note, a.Person, t.now); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditPledge, p.Publisher, initiative, string(p.Kind))
	})
	if err != nil {
		return fmt.Errorf("pledge to initiative %s: %w", initiative, err)
	}
	return nil
}

// LinkInitiative implements catalogue.JoinStore: for members of the initiating
// administration.
func (s *Store) LinkInitiative(ctx context.Context, a catalogue.Actor, initiative, software string) ([]catalogue.Person, error) {
	in, err := s.Initiative(ctx, initiative)
	if err != nil {
		return nil, err
	}
	if _, err := s.Software(ctx, software); err != nil {
		return nil, err
	}
	err = s.txn(ctx, func(t *tx) error {
		if err := t.authorize(ctx, a, catalogue.ActLinkInitiative, in.Publisher); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE initiatives SET software_id = ?, updated_at = ? WHERE id = ?`, software, t.now, initiative); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditInitiativeLink, in.Publisher, initiative, software)
	})
	if err != nil {
		return nil, fmt.Errorf("link initiative %s to %s: %w", initiative, software, err)
	}
	var out []catalogue.Person
	seen := map[string]bool{a.Person: true}
	for _, p := range in.Pledges {
		rows, err := s.query(ctx, `SELECT pledged_by FROM pledges WHERE initiative_id = ? AND publisher_id = ?`, initiative, p.Publisher)
		if err != nil {
			return nil, err
		}
		var ids []string
		for rows.Next() {
			var id string
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		members, err := s.Members(ctx, p.Publisher)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			ids = append(ids, m.Person)
		}
		for _, id := range ids {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			person, err := s.Person(ctx, id)
			if errors.Is(err, catalogue.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, person)
		}
	}
	return out, nil
}
