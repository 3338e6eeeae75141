package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// SetContributions stores the contribution figures our crawl computed for a
// software, replacing a peer's, and appends a change when they differ from what
// was kept (the computation time alone is no change).
func (s *Store) SetContributions(ctx context.Context, softwareID string, c *catalogue.Contributions) error {
	err := s.write(ctx, func(t *tx) error {
		var kept string
		var peer sql.NullInt64
		if err := t.queryRow(ctx, `SELECT contributions, origin_peer FROM software WHERE id = ?`, softwareID).Scan(&kept, &peer); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("software %s: %w", softwareID, catalogue.ErrNotFound)
			}
			return err
		}
		if peer.Valid {
			return nil // shown from a peer's copy: no repository here carries it any more
		}
		b, err := encodeContributions(c)
		if err != nil {
			return err
		}
		if sameContributions(kept, b) {
			return nil
		}
		if _, err := t.exec(ctx, `UPDATE software SET contributions = ? WHERE id = ?`, b, softwareID); err != nil {
			return err
		}
		if err := t.keepContributors(ctx, softwareID, c); err != nil {
			return err
		}
		return t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, softwareID)
	})
	if err != nil {
		return fmt.Errorf("set contributions of %s: %w", softwareID, err)
	}
	return nil
}

// keepContributors rewrites the per-administration rows of a software.
func (t *tx) keepContributors(ctx context.Context, softwareID string, c *catalogue.Contributions) error {
	if _, err := t.exec(ctx, `DELETE FROM software_contributors WHERE software_id = ?`, softwareID); err != nil {
		return err
	}
	if c == nil {
		return nil
	}
	for _, x := range c.Contributors {
		if x.Kind != catalogue.KindAdministration || x.Publisher == "" || x.Commits == 0 {
			continue
		}
		var last any
		if !x.LastCommit.IsZero() {
			last = x.LastCommit.UTC()
		}
		if _, err := t.exec(ctx, `INSERT INTO software_contributors (software_id, publisher_id, commits12m, commits, last_commit)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (software_id, publisher_id) DO NOTHING`,
			softwareID, x.Publisher, x.Commits12m, x.Commits, last); err != nil {
			return err
		}
	}
	return nil
}

func encodeContributions(c *catalogue.Contributions) (string, error) {
	if c == nil {
		return "", nil
	}
	b, err := json.Marshal(c)
	return string(b), err
}

func decodeContributions(s string) (*catalogue.Contributions, error) {
	if s == "" {
		return nil, nil
	}
	c := &catalogue.Contributions{}
	if err := json.Unmarshal([]byte(s), c); err != nil {
		return nil, err
	}
	return c, nil
}

// sameContributions compares two stored figures but for when they were computed.
func sameContributions(a, b string) bool {
	if a == b {
		return true
	}
	ca, err1 := decodeContributions(a)
	cb, err2 := decodeContributions(b)
	if err1 != nil || err2 != nil || ca == nil || cb == nil {
		return false
	}
	ca.At, cb.At = time.Time{}, time.Time{}
	x, _ := json.Marshal(ca)
	y, _ := json.Marshal(cb)
	return string(x) == string(y)
}

// ContributionDirectory returns what classifying commit authors needs: the
// approved administrations with all their e-mail domains (those that turned
// counting off included, with their flags), and the maintenance contractors of
// every listed file.
func (s *Store) ContributionDirectory(ctx context.Context) ([]catalogue.Publisher, []catalogue.OrgContractor, error) {
	rows, err := s.query(ctx, `SELECT `+publisherColumns+` FROM publishers WHERE status = ? ORDER BY id`, catalogue.PublisherApproved)
	if err != nil {
		return nil, nil, fmt.Errorf("contribution directory: %w", err)
	}
	var pubs []catalogue.Publisher
	index := map[string]int{}
	for rows.Next() {
		p, err := scanPublisher(rows)
		if err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("contribution directory: %w", err)
		}
		index[p.ID] = len(pubs)
		pubs = append(pubs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("contribution directory: %w", err)
	}
	drows, err := s.query(ctx, `SELECT publisher_id, domain FROM publisher_domains ORDER BY publisher_id, domain`)
	if err != nil {
		return nil, nil, fmt.Errorf("contribution directory: %w", err)
	}
	for drows.Next() {
		var id, dom string
		if err := drows.Scan(&id, &dom); err != nil {
			drows.Close()
			return nil, nil, fmt.Errorf("contribution directory: %w", err)
		}
		if i, ok := index[id]; ok {
			pubs[i].SiteDomains = append(pubs[i].SiteDomains, dom)
		}
	}
	drows.Close()
	if err := drows.Err(); err != nil {
		return nil, nil, fmt.Errorf("contribution directory: %w", err)
	}
	contractors, err := s.contractors(ctx)
	return pubs, contractors, err
}

// contractors reads maintenance.contractors from every file of the catalogue,
// ours and our peers'.
func (s *Store) contractors(ctx context.Context) ([]catalogue.OrgContractor, error) {
	rows, err := s.query(ctx, `SELECT content FROM software WHERE content LIKE ? AND hidden = FALSE`, "%contractors%")
	if err != nil {
		return nil, fmt.Errorf("contractors: %w", err)
	}
	defer rows.Close()
	var out []catalogue.OrgContractor
	seen := map[catalogue.OrgContractor]bool{}
	for rows.Next() {
		var content string
		if err := rows.Scan(&content); err != nil {
			return nil, fmt.Errorf("contractors: %w", err)
		}
		var f struct {
			File struct {
				Maintenance struct {
					Contractors []struct{ Name, Website string }
				}
			}
		}
		if json.Unmarshal([]byte(content), &f) != nil {
			continue
		}
		for _, c := range f.File.Maintenance.Contractors {
			oc := catalogue.OrgContractor{Name: strings.TrimSpace(c.Name), Website: strings.TrimSpace(c.Website)}
			if oc.Website != "" && !seen[oc] {
				seen[oc] = true
				out = append(out, oc)
			}
		}
	}
	return out, rows.Err()
}

// SetMembersCounting records an administration's members' choice to count
// their e-mail domains in contribution figures (on) or not. Members only.
func (s *Store) SetMembersCounting(ctx context.Context, a catalogue.Actor, publisher string, on bool) error {
	err := s.write(ctx, func(t *tx) error {
		if err := t.authorize(ctx, a, catalogue.ActSetMembersCounting, publisher); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE publishers SET members_counting_off = ?, updated_at = ? WHERE id = ?`, !on, t.now, publisher); err != nil {
			return err
		}
		return t.appendChange(ctx, catalogue.ChangePublisher, catalogue.OpUpsert, publisher)
	})
	if err != nil {
		return fmt.Errorf("set commit counting of %s: %w", publisher, err)
	}
	return nil
}

// PublisherContributions are the software an administration has commits to,
// most commits in the last 12 months first.
func (s *Store) PublisherContributions(ctx context.Context, publisher string, limit int) ([]catalogue.PublisherContribution, error) {
	rows, err := s.query(ctx, `SELECT c.software_id, s.name, c.commits12m, c.commits, c.last_commit FROM software_contributors c
		JOIN software s ON s.id = c.software_id WHERE c.publisher_id = ? AND `+listedSoftware+`
		ORDER BY c.commits12m DESC, c.commits DESC, s.name LIMIT ?`, publisher, limit)
	if err != nil {
		return nil, fmt.Errorf("contributions of %s: %w", publisher, err)
	}
	defer rows.Close()
	var out []catalogue.PublisherContribution
	for rows.Next() {
		var pc catalogue.PublisherContribution
		var last sql.NullTime
		if err := rows.Scan(&pc.Software, &pc.SoftwareName, &pc.Commits12m, &pc.Commits, &last); err != nil {
			return nil, fmt.Errorf("contributions of %s: %w", publisher, err)
		}
		if last.Valid {
			pc.LastCommit = last.Time.UTC()
		}
		out = append(out, pc)
	}
	return out, rows.Err()
}
