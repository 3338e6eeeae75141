package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
)

// NewSchema makes a PostgreSQL schema of its own on the server dsn names, for
// a test or a benchmark, and returns a DSN whose search path is it (so a store
// opened on it migrates and uses only that schema) and the function that drops
// it. The schema's name is prefix followed by random hex.
func NewSchema(ctx context.Context, dsn, prefix string) (string, func(), error) {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, fmt.Errorf("open postgres: %w", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	drop := func() {
		_, _ = admin.ExecContext(context.WithoutCancel(ctx), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	sep := "?"
	switch {
	case !strings.Contains(dsn, "://"):
		sep = " " // a key=value DSN
	case strings.Contains(dsn, "?"):
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema, drop, nil
}
