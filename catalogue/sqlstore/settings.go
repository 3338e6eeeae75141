package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

const (
	settingSiteKey  = "site.key"
	settingInstance = "instance.id"
	settingPruned   = "changes.pruned"
	cursorPrefix    = "cursor."
)

func (t *tx) setting(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := t.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (t *tx) setSetting(ctx context.Context, name, value string) error {
	_, err := t.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return err
}

func (s *Store) setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// InstanceID is this instance's stable identifier: set is used when not empty
// (and kept), else the one kept, else a new one is made and kept.
func (s *Store) InstanceID(ctx context.Context, set string) (string, error) {
	var id string
	err := s.txn(ctx, func(t *tx) error {
		kept, ok, err := t.setting(ctx, settingInstance)
		switch {
		case err != nil:
			return err
		case set != "":
			id = set
			if kept == set {
				return nil
			}
		case ok:
			id = kept
			return nil
		default:
			id = catalogue.NewID()
		}
		return t.setSetting(ctx, settingInstance, id)
	})
	if err != nil {
		return "", fmt.Errorf("instance id: %w", err)
	}
	return id, nil
}

// Cursor and SetCursor keep a named follower's position in the change log.
func (s *Store) Cursor(ctx context.Context, name string) (int64, error) {
	v, err := s.setting(ctx, cursorPrefix+name)
	if err != nil || v == "" {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// SetCursor is for federation (harvests, webhooks, the federation routes).
func (s *Store) SetCursor(ctx context.Context, name string, seq int64) error {
	return s.txn(ctx, func(t *tx) error { return t.setSetting(ctx, cursorPrefix+name, strconv.FormatInt(seq, 10)) })
}

// ChangesSince is Changes, failing with ErrGone when after is older than the
// log's retention (the entries after it were pruned).
// The "pruned" mark is read
// after the entries, and pruning sets it in the transaction that deletes them, so
// a follower is never handed a log with a hole.
func (s *Store) ChangesSince(ctx context.Context, after int64, limit int) ([]catalogue.Change, error) {
	changes, err := s.Changes(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	v, err := s.setting(ctx, settingPruned)
	if err != nil {
		return nil, fmt.Errorf("changes after %d: %w", after, err)
	}
	if v != "" {
		if pruned, _ := strconv.ParseInt(v, 10, 64); after < pruned {
			return nil, fmt.Errorf("changes after %d (pruned up to %d): %w", after, pruned, catalogue.ErrGone)
		}
	}
	return changes, nil
}

// PruneChanges drops change-log entries older than before and not after upTo
// (the position of followers in this process, such as the search index, that
// must not miss an entry), always keeping the newest entry, and returns how
// many it dropped.
func (s *Store) PruneChanges(ctx context.Context, before time.Time, limit int64) (int, error) {
	n := 0
	err := s.write(ctx, func(t *tx) error {
		var upTo sql.NullInt64
		if err := t.queryRow(ctx, `SELECT MAX(seq) FROM changes WHERE at < ? AND seq <= ? AND seq < (SELECT MAX(seq) FROM changes)`,
			dbTime(before), limit).Scan(&upTo); err != nil {
			return err
		}
		if !upTo.Valid {
			return nil
		}
		res, err := t.exec(ctx, `DELETE FROM changes WHERE seq <= ?`, upTo.Int64)
		if err != nil {
			return err
		}
		rows, _ := res.RowsAffected()
		n = int(rows)
		return t.setSetting(ctx, settingPruned, strconv.FormatInt(upTo.Int64, 10))
	})
	if err != nil {
		return 0, fmt.Errorf("prune the change log: %w", err)
	}
	return n, nil
}

// SiteKey implements catalogue.Accounts: the first caller makes it, every
// later one (in any process) reads it.
func (s *Store) SiteKey(ctx context.Context) ([]byte, error) {
	var key string
	err := s.txn(ctx, func(t *tx) error {
		kept, ok, err := t.setting(ctx, settingSiteKey)
		if err != nil || ok {
			key = kept
			return err
		}
		var b [32]byte
		_, _ = rand.Read(b[:])
		key = hex.EncodeToString(b[:])
		_, err = t.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, settingSiteKey, key)
		if err != nil {
			return err
		}
		kept, _, err = t.setting(ctx, settingSiteKey)
		key = kept
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("site key: %w", err)
	}
	return hex.DecodeString(key)
}
