package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

// Heartbeat records that a node is alive: its row is made at its first beat
// and updated at every later one (role, version, start, index position).
func (s *Store) Heartbeat(ctx context.Context, n catalogue.Node) error {
	if n.ID == "" {
		return catalogue.Invalidf("a node needs an ID")
	}
	err := s.txn(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `INSERT INTO nodes (id, role, version, started_at, last_seen_at, index_position) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET role = excluded.role, version = excluded.version, started_at = excluded.started_at,
			last_seen_at = excluded.last_seen_at, index_position = excluded.index_position`,
			n.ID, string(n.Role), n.Version, dbTime(n.StartedAt), t.now, n.IndexPosition)
		return err
	})
	if err != nil {
		return fmt.Errorf("heartbeat of node %s: %w", n.ID, err)
	}
	return nil
}

// Nodes lists the nodes that ever reported, most recently seen first.
func (s *Store) Nodes(ctx context.Context) ([]catalogue.Node, error) {
	rows, err := s.query(ctx, `SELECT id, role, version, started_at, last_seen_at, index_position FROM nodes ORDER BY last_seen_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	defer rows.Close()
	var out []catalogue.Node
	for rows.Next() {
		var n catalogue.Node
		var role string
		if err := rows.Scan(&n.ID, &role, &n.Version, &n.StartedAt, &n.LastSeenAt, &n.IndexPosition); err != nil {
			return nil, fmt.Errorf("nodes: %w", err)
		}
		n.Role = catalogue.Role(role)
		n.StartedAt, n.LastSeenAt = n.StartedAt.UTC(), n.LastSeenAt.UTC()
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("nodes: %w", err)
	}
	return out, nil
}

// SlowestFollower is the lowest change-log position of the nodes that keep a
// search index (web and all) and were seen since a time; ok is false when
// there is none.
func (s *Store) SlowestFollower(ctx context.Context, since time.Time) (seq int64, ok bool, err error) {
	var min sql.NullInt64
	err = s.queryRow(ctx, `SELECT MIN(index_position) FROM nodes WHERE role IN (?, ?) AND last_seen_at >= ?`,
		string(catalogue.RoleWeb), string(catalogue.RoleAll), dbTime(since)).Scan(&min)
	if err != nil {
		return 0, false, fmt.Errorf("slowest follower since %s: %w", since.Format(time.RFC3339), err)
	}
	return min.Int64, min.Valid, nil
}

// ChangesPrunedTo is the last change-log entry pruning removed (0: none): a
// follower whose position is below it missed entries, and rebuilds.
func (s *Store) ChangesPrunedTo(ctx context.Context) (int64, error) {
	v, err := s.setting(ctx, settingPruned)
	if err != nil || v == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("the change log's pruned mark %q: %w", v, err)
	}
	return n, nil
}
