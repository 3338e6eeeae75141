package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
)

// The shape every listed kind (software, code entries) is read in: rows of one
// query scanned into entries, put in the order of the IDs asked for, or cut
// into a page with the cursor of the next.

// scanAll scans every row of q into an entry; what names the list in errors.
func scanAll[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	defer rows.Close()
	return scanRows(rows, what, scan)
}

func scanRows[T any](rows *sql.Rows, what string, scan func(scanner) (T, error)) ([]T, error) {
	var list []T
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", what, err)
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", what, err)
	}
	return list, nil
}

// inOrderOf sorts list into the order of ids, by each entry's ID.
func inOrderOf[T any](list []T, ids []string, id func(T) string) {
	order := make(map[string]int, len(ids))
	for i, v := range ids {
		order[v] = i
	}
	sort.Slice(list, func(i, j int) bool { return order[id(list[i])] < order[id(list[j])] })
}

// pageOf cuts a list read with LIMIT size+1 to a page of size, and returns the
// cursor of the next page (empty on the last).
func pageOf[T any](list []T, size int, id func(T) string) ([]T, string) {
	if len(list) <= size {
		return list, ""
	}
	list = list[:size]
	return list, id(list[size-1])
}
