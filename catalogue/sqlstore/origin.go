package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
)

// fillOrigins adds, to each entry, its origin when it was harvested, and the join
// records peers carry for its canonical URL, attributed to the instance that
// declared them and matched to our publishers by URI.
func (s *Store) fillOrigins(ctx context.Context, list []catalogue.Software) error {
	ids := make([]string, len(list))
	urls := make([]string, len(list))
	byID, byURL := map[string]int{}, map[string]int{}
	for i, sw := range list {
		ids[i], urls[i] = sw.ID, sw.URL
		byID[sw.ID], byURL[sw.URL] = i, i
	}
	rows, err := s.query(ctx, `SELECT s.id, p.url, e.instance_id, p.instance_id, e.remote_id, e.page, e.harvested_at, p.last_success_at, e.publishers
		FROM software s JOIN peer_entries e ON e.peer_id = s.origin_peer AND e.remote_id = s.origin_remote JOIN peers p ON p.id = e.peer_id
		WHERE s.id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("load origins: %w", err)
	}
	for rows.Next() {
		var id, instance, peerInstance, pubs string
		var o catalogue.Origin
		var checked sql.NullTime
		if err := rows.Scan(&id, &o.Peer, &instance, &peerInstance, &o.ID, &o.Page, &o.HarvestedAt, &checked, &pubs); err != nil {
			rows.Close()
			return fmt.Errorf("load origins: %w", err)
		}
		o.Instance = instance
		if o.Instance == "" {
			o.Instance = peerInstance
		}
		o.HarvestedAt = o.HarvestedAt.UTC()
		if checked.Valid {
			o.CheckedAt = checked.Time.UTC()
		}
		_ = json.Unmarshal([]byte(pubs), &o.Publishers)
		list[byID[id]].Origin = &o
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load origins: %w", err)
	}
	return s.fillJoins(ctx, list, urls, byURL)
}

func (s *Store) fillJoins(ctx context.Context, list []catalogue.Software, urls []string, byURL map[string]int) error {
	ours, err := s.setting(ctx, settingInstance)
	if err != nil {
		return err
	}
	rows, err := s.query(ctx, `SELECT e.url, e.instance_id, p.instance_id, e.joins FROM peer_entries e JOIN peers p ON p.id = e.peer_id
		WHERE e.url IN (`+placeholders(len(urls))+`) AND e.joins <> '[]' ORDER BY p.id, e.remote_id`, anys(urls)...)
	if err != nil {
		return fmt.Errorf("load join records: %w", err)
	}
	seen := map[string]bool{}
	var uris []string
	for rows.Next() {
		var url, instance, peerInstance, joins string
		if err := rows.Scan(&url, &instance, &peerInstance, &joins); err != nil {
			rows.Close()
			return fmt.Errorf("load join records: %w", err)
		}
		if instance == "" {
			instance = peerInstance
		}
		var records []catalogue.JoinRecord
		if json.Unmarshal([]byte(joins), &records) != nil {
			continue
		}
		for _, j := range records {
			if j.Instance == "" {
				j.Instance = instance
			}
			key := url + "\x00" + j.Instance + "\x00" + j.ID
			if j.Instance == ours || seen[key] {
				continue // ours are kept here; a record relayed twice is one record
			}
			seen[key] = true
			j.Publisher = ""
			if j.PublisherURI != "" {
				uris = append(uris, j.PublisherURI)
			}
			sw := &list[byURL[url]]
			sw.Joins = append(sw.Joins, j)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(uris) == 0 {
		return err
	}
	prow, err := s.query(ctx, `SELECT uri, id FROM publishers WHERE uri IN (`+placeholders(len(uris))+`) ORDER BY id`, anys(uris)...)
	if err != nil {
		return fmt.Errorf("match join records: %w", err)
	}
	defer prow.Close()
	match := map[string]string{}
	for prow.Next() {
		var uri, id string
		if err := prow.Scan(&uri, &id); err != nil {
			return err
		}
		if match[uri] == "" {
			match[uri] = id
		}
	}
	for i := range list {
		for j := range list[i].Joins {
			list[i].Joins[j].Publisher = match[list[i].Joins[j].PublisherURI]
		}
	}
	return prow.Err()
}
