package sqlstore

import (
	"context"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
)

// Changes implements catalogue.Store.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]catalogue.Change, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.query(ctx, `SELECT seq, type, op, entity_id, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("changes after %d: %w", after, err)
	}
	defer rows.Close()
	var out []catalogue.Change
	for rows.Next() {
		var c catalogue.Change
		var typ, op string
		if err := rows.Scan(&c.Seq, &typ, &op, &c.ID, &c.At); err != nil {
			return nil, fmt.Errorf("changes after %d: %w", after, err)
		}
		c.Type, c.Op, c.At = catalogue.ChangeType(typ), catalogue.ChangeOp(op), c.At.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// ChangeHead implements catalogue.Store.
func (s *Store) ChangeHead(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("change head: %w", err)
	}
	return seq, nil
}
