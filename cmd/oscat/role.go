package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/oscat-eu/oscat/catalogue"
)

// nodeRole checks --role against the store: a cluster's roles need PostgreSQL,
// the store every node shares; on SQLite the catalogue is one process.
func (f serveFlags) nodeRole(dialect string) (catalogue.Role, error) {
	switch r := catalogue.Role(f.role); r {
	case catalogue.RoleAll, "":
		return catalogue.RoleAll, nil
	case catalogue.RoleWeb, catalogue.RoleWorker:
		if dialect != "postgres" {
			return "", usageError("--role %s needs PostgreSQL (--postgres DSN), the store that the nodes of a cluster share; "+
				"on SQLite the catalogue runs as one process: use --role all", r)
		}
		return r, nil
	default:
		return "", usageError("--role %q: use web (site, API, feeds and a search index), worker (background jobs) or all (both, one process)", f.role)
	}
}

// errStopping is readiness while a node shuts down: the reverse proxy sends
// requests elsewhere while the ones in flight drain.
var errStopping = errors.New("shutting down")

// readiness is /readyz of a node for its role.
type readiness struct {
	// stopping ends when the node starts shutting down.
	stopping context.Context
	ping     func(ctx context.Context) error
	// caughtUp, when set (a node with a search index), says whether the index
	// has caught up with the change log's head seen at start.
	caughtUp func() error
}

func (r readiness) ready(ctx context.Context) error {
	if r.stopping.Err() != nil {
		return errStopping
	}
	if err := r.ping(ctx); err != nil {
		return fmt.Errorf("store unreachable: %w", err)
	}
	if r.caughtUp != nil {
		return r.caughtUp()
	}
	return nil
}

// indexCaughtUp is readiness of a search index: its position has reached the
// change log's head seen when the node started.
func indexCaughtUp(position func() int64, head int64) func() error {
	return func() error {
		if at := position(); at < head {
			return fmt.Errorf("search index catching up: at %d of %d", at, head)
		}
		return nil
	}
}

// switchable serves with the handler set last: a node's probes while it starts,
// its site once its index is open.
type switchable struct{ h atomic.Pointer[http.Handler] }

func (s *switchable) set(h http.Handler) { s.h.Store(&h) }

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }
