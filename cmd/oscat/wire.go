package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/oscat-eu/oscat/catalogue/sqlstore"
	"github.com/oscat-eu/oscat/crawler"
	"github.com/oscat-eu/oscat/ui"
)

// siteSources are the site's stores, each the one store; community turns on
// accounts and joining.
func siteSources(store *sqlstore.Store, community bool) ui.Sources {
	src := ui.Sources{Catalog: store, Code: store, Federation: store, HookSecrets: store, Collaboration: store, Contributions: store}
	if community {
		src.Community = &ui.CommunitySources{Accounts: store, Members: store, Joins: store, Initiatives: store, Hosting: store, Mail: store}
	}
	return src
}

func openStore(ctx context.Context, c common) (*sqlstore.Store, error) {
	s, err := sqlstore.Open(ctx, sqlstore.Config{DataDir: c.data, PostgresDSN: c.postgres})
	if errors.Is(err, sqlstore.ErrSchemaTooNew) {
		return nil, fmt.Errorf("open the catalogue with oscat %s: %w", version, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open the catalogue: %w", err)
	}
	return s, nil
}

func searchDir(c common) string { return filepath.Join(c.data, "search") }

// syncPublishers reads a publishers list and makes the store follow it. A missing
// or malformed file is a usage error: the operator fixes the file or the flag.
func syncPublishers(ctx context.Context, store *sqlstore.Store, path string, log *slog.Logger) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return usageError("--publishers %s: no such file", path)
	}
	if err != nil {
		return usageError("--publishers %s: %v", path, err)
	}
	pubs, err := crawler.ParsePublishers(path, data)
	if err != nil {
		return usageError("%v", err)
	}
	if err := store.SyncPublishers(ctx, pubs); err != nil {
		return fmt.Errorf("publishers list %s: %w", path, err)
	}
	log.Info("publishers list read", "file", path, "publishers", len(pubs))
	return nil
}
