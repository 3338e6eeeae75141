package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
)

// CollaborationLinks returns what the collaboration picture is built from: the
// approved administrations, the listed software with its categories, and the
// links between them (confirmed, verified uses and co-develops records, and
// commits).
func (s *Store) CollaborationLinks(ctx context.Context) ([]catalogue.CollabAdmin, []catalogue.CollabSoftware, []catalogue.CollabLink, error) {
	var admins []catalogue.CollabAdmin
	rows, err := s.query(ctx, `SELECT id, name, country FROM publishers WHERE status = ?`, catalogue.PublisherApproved)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("collaboration: %w", err)
	}
	for rows.Next() {
		var a catalogue.CollabAdmin
		if err := rows.Scan(&a.ID, &a.Name, &a.Country); err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("collaboration: %w", err)
		}
		admins = append(admins, a)
	}
	rows.Close()
	var links []catalogue.CollabLink
	rows, err = s.query(ctx, `SELECT publisher_id, software_id, kind FROM joins WHERE kind IN (?, ?) AND verified = TRUE AND lapsed = FALSE AND confirmed_until > ?
		UNION ALL SELECT publisher_id, software_id, ? FROM software_contributors`,
		string(catalogue.JoinUses), string(catalogue.JoinCoDevelops), s.now(), string(catalogue.RelationContributes))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("collaboration links: %w", err)
	}
	used := map[string]bool{}
	for rows.Next() {
		var l catalogue.CollabLink
		var rel string
		if err := rows.Scan(&l.Publisher, &l.Software, &rel); err != nil {
			rows.Close()
			return nil, nil, nil, fmt.Errorf("collaboration links: %w", err)
		}
		l.Relation = catalogue.CollabRelation(rel)
		links = append(links, l)
		used[l.Software] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("collaboration links: %w", err)
	}
	// Only the software with a link is read, and of its content only the categories.
	var software []catalogue.CollabSoftware
	rows, err = s.query(ctx, `SELECT s.id, s.name, s.content FROM software s WHERE `+listedSoftware+
		` AND s.id IN (SELECT software_id FROM joins UNION SELECT software_id FROM software_contributors)`)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("collaboration software: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sw catalogue.CollabSoftware
		var content string
		if err := rows.Scan(&sw.ID, &sw.Name, &content); err != nil {
			return nil, nil, nil, fmt.Errorf("collaboration software: %w", err)
		}
		if !used[sw.ID] {
			continue
		}
		var f struct {
			File struct{ Categories []string }
		}
		_ = json.Unmarshal([]byte(content), &f)
		sw.Categories = f.File.Categories
		software = append(software, sw)
	}
	return admins, software, links, rows.Err()
}
