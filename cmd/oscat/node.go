package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

const (
	// nodeIDFile keeps a node's ID in its data directory, so that a restart is
	// the same node.
	nodeIDFile = "node-id"
	// heartbeatEvery is how often a node reports itself in the store.
	heartbeatEvery = 5 * time.Second
	// scheduleLease names the lease of the node that enqueues scheduled runs;
	// scheduleLeaseTTL is how long it holds unless renewed (every
	// scheduleTick): another node takes over within it once the holder dies.
	scheduleLease    = "schedule"
	scheduleLeaseTTL = 30 * time.Second
	scheduleTick     = 2 * time.Second
)

// nodeID reads the node's ID from its data directory, making and keeping one at
// the first start: the host's name and a random suffix.
func nodeID(dataDir string) (string, error) {
	path := filepath.Join(dataDir, nodeIDFile)
	b, err := os.ReadFile(path)
	if err == nil {
		if id := strings.TrimSpace(string(b)); id != "" {
			return id, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read the node ID: %w", err)
	}
	host, _ := os.Hostname()
	if host == "" {
		host = "node"
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	id := host + "-" + hex.EncodeToString(suffix[:])
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return "", fmt.Errorf("keep the node ID in %s: %w", dataDir, err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o640); err != nil {
		return "", fmt.Errorf("keep the node ID: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("keep the node ID: %w", err)
	}
	return id, nil
}

// heartbeatStore is where a node reports itself.
type heartbeatStore interface {
	Heartbeat(ctx context.Context, n catalogue.Node) error
}

// node is this process as the cluster sees it: it reports itself, with its
// search index's position when it keeps one, every heartbeatEvery.
type node struct {
	self  catalogue.Node
	store heartbeatStore
	// position, when set, is the search index's position in the change log.
	position func() int64
	log      *slog.Logger
}

func (n *node) beat(ctx context.Context) {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		self := n.self
		if n.position != nil {
			self.IndexPosition = n.position()
		}
		if err := n.store.Heartbeat(ctx, self); err != nil && ctx.Err() == nil {
			n.log.Warn("reporting this node in the store failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// duty is periodic work that the schedule's holder alone does.
type duty struct {
	name  string
	every time.Duration
	run   func(ctx context.Context) error
	last  time.Time
}

// leaseStore is what the schedule's holder needs of the store.
type leaseStore interface {
	AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

// coordinator does the duties of the schedule (enqueuing scheduled runs,
// dispatching webhook events, pruning the change log) while this node holds
// the schedule lease, whatever the number of nodes. Each scheduled run carries
// its kind and time as its key and is enqueued once ever (catalogue.NewJob's
// Once), so a take-over never enqueues a run twice.
type coordinator struct {
	store  leaseStore
	holder string
	duties []*duty
	log    *slog.Logger
	// holding, when set, follows whether this node holds the lease.
	holding *atomic.Bool
}

func (c *coordinator) run(ctx context.Context) {
	t := time.NewTicker(scheduleTick)
	defer t.Stop()
	held := false
	for {
		ok, err := c.store.AcquireLease(ctx, scheduleLease, c.holder, scheduleLeaseTTL)
		if err != nil && ctx.Err() == nil {
			c.log.Warn("taking the schedule lease failed", "err", err)
		}
		switch {
		case ok && !held:
			c.log.Info("this node now enqueues the scheduled runs")
			for _, d := range c.duties {
				d.last = time.Time{}
			}
		case !ok && held:
			c.log.Warn("the schedule lease went to another node")
		}
		held = ok && err == nil
		if c.holding != nil {
			c.holding.Store(held)
		}
		if held {
			c.due(ctx)
		}
		select {
		case <-ctx.Done():
			if held {
				bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				if err := c.store.ReleaseLease(bg, scheduleLease, c.holder); err != nil {
					c.log.Warn("giving the schedule lease back failed", "err", err)
				}
				cancel()
			}
			if c.holding != nil {
				c.holding.Store(false)
			}
			return
		case <-t.C:
		}
	}
}

// due runs the duties whose time has come.
func (c *coordinator) due(ctx context.Context) {
	for _, d := range c.duties {
		if time.Since(d.last) < d.every {
			continue
		}
		d.last = time.Now()
		if err := d.run(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("a scheduled duty failed", "duty", d.name, "err", err)
		}
	}
}

// pruneStore is what pruning the change log needs of the store.
type pruneStore interface {
	SlowestFollower(ctx context.Context, since time.Time) (int64, bool, error)
	PruneChanges(ctx context.Context, before time.Time, upTo int64) (int, error)
	PruneScheduledRuns(ctx context.Context, before time.Time) error
}

// pruneDuty prunes the change log of entries older than retention, never past
// the slowest index node seen within it, nor past this node's own index
// (local, when it keeps one).
func pruneDuty(store pruneStore, retention time.Duration, local func() int64, log *slog.Logger) *duty {
	every := min(time.Hour, max(retention/2, time.Second))
	return &duty{name: "prune the change log", every: every, run: func(ctx context.Context) error {
		now := time.Now()
		upTo := int64(math.MaxInt64)
		if local != nil {
			upTo = local()
		}
		slowest, ok, err := store.SlowestFollower(ctx, now.Add(-retention))
		if err != nil {
			return err
		}
		if ok {
			upTo = min(upTo, slowest)
		}
		n, err := store.PruneChanges(ctx, now.Add(-retention), upTo)
		if err != nil {
			return err
		}
		if n > 0 {
			log.Info("change log pruned", "entries", n, "up to at most", upTo)
		}
		return store.PruneScheduledRuns(ctx, now.Add(-max(retention, 7*24*time.Hour)))
	}}
}
