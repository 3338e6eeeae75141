package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/oscat-eu/oscat/catalogue"
)

const peerColumns = `p.id, p.url, p.kind, p.instance_id, p.cursor_seq, p.last_attempt_at, p.last_success_at, p.last_error, p.created_at,
	(SELECT COUNT(*) FROM peer_entries e WHERE e.peer_id = p.id), p.stale`

func scanPeer(r scanner) (catalogue.Peer, error) {
	var p catalogue.Peer
	var kind string
	var attempt, success sql.NullTime
	if err := r.Scan(&p.ID, &p.URL, &kind, &p.Instance, &p.Cursor, &attempt, &success, &p.LastError, &p.CreatedAt, &p.Entries, &p.Stale); err != nil {
		return p, err
	}
	p.Kind = catalogue.PeerKind(kind)
	if attempt.Valid {
		a := attempt.Time.UTC()
		p.LastAttemptAt = &a
	}
	if success.Valid {
		s := success.Time.UTC()
		p.LastSuccessAt = &s
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return p, nil
}

// Peers is for federation (harvests, webhooks, the federation routes).
func (s *Store) Peers(ctx context.Context) ([]catalogue.Peer, error) {
	rows, err := s.query(ctx, `SELECT `+peerColumns+` FROM peers p ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	defer rows.Close()
	var out []catalogue.Peer
	for rows.Next() {
		p, err := scanPeer(rows)
		if err != nil {
			return nil, fmt.Errorf("peers: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Peer is for federation (harvests, webhooks, the federation routes).
func (s *Store) Peer(ctx context.Context, url string) (catalogue.Peer, error) {
	p, err := scanPeer(s.queryRow(ctx, `SELECT `+peerColumns+` FROM peers p WHERE p.url = ?`, url))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("peer %s: %w", url, catalogue.ErrNotFound)
	}
	return p, err
}

// EnsurePeer adds a peer unless it is known (a kind given updates it).
func (s *Store) EnsurePeer(ctx context.Context, p catalogue.Peer) (catalogue.Peer, error) {
	if err := s.write(ctx, func(t *tx) error { return t.ensurePeer(ctx, p) }); err != nil {
		return p, fmt.Errorf("peer %s: %w", p.URL, err)
	}
	return s.Peer(ctx, p.URL)
}

func (t *tx) ensurePeer(ctx context.Context, p catalogue.Peer) error {
	if _, err := t.exec(ctx, `INSERT INTO peers (url, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (url) DO NOTHING`,
		p.URL, string(p.Kind), t.now); err != nil {
		return err
	}
	if p.Kind != "" {
		_, err := t.exec(ctx, `UPDATE peers SET kind = ? WHERE url = ?`, string(p.Kind), p.URL)
		return err
	}
	return nil
}

// SyncPeers makes the configured peers the harvested ones: new ones are
// added; known ones missing from peers are kept, with their entries, and
// marked stale (configured again, they are not). It returns every peer.
func (s *Store) SyncPeers(ctx context.Context, peers []catalogue.Peer) ([]catalogue.Peer, error) {
	err := s.write(ctx, func(t *tx) error {
		// Every peer is stale but those configured: removing one (and its
		// entries) is left to the operator, who may harvest it from cron.
		if _, err := t.exec(ctx, `UPDATE peers SET stale = TRUE`); err != nil {
			return err
		}
		for _, p := range peers {
			if err := t.ensurePeer(ctx, p); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE peers SET stale = FALSE WHERE url = ?`, p.URL); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sync peers: %w", err)
	}
	return s.Peers(ctx)
}

// RemovePeer removes a peer and its entries; ErrNotFound when unknown.
func (s *Store) RemovePeer(ctx context.Context, url string) error {
	err := s.write(ctx, func(t *tx) error {
		var id int64
		if err := t.queryRow(ctx, `SELECT id FROM peers WHERE url = ?`, url).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return catalogue.ErrNotFound
			}
			return err
		}
		return t.removePeer(ctx, id)
	})
	if err != nil {
		return fmt.Errorf("remove peer %s: %w", url, err)
	}
	return nil
}

// removePeer deletes a peer and its entries; what they listed is shown from
// another peer's copy or hidden.
func (t *tx) removePeer(ctx context.Context, id int64) error {
	urls, err := t.strings(ctx, `SELECT DISTINCT url FROM peer_entries WHERE peer_id = ?`, id)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM peers WHERE id = ?`, id); err != nil {
		return err
	}
	for _, u := range urls {
		if err := t.resolve(ctx, u, entryKey{}, false); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// RecordHarvest notes a harvest attempt's outcome (empty err: success).
func (s *Store) RecordHarvest(ctx context.Context, url string, kind catalogue.PeerKind, errMsg string) error {
	return s.txn(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `UPDATE peers SET last_attempt_at = ?, last_error = ?, kind = CASE WHEN ? = '' THEN kind ELSE ? END WHERE url = ?`,
			t.now, errMsg, string(kind), string(kind), url); err != nil || errMsg != "" {
			return err
		}
		_, err := t.exec(ctx, `UPDATE peers SET last_success_at = ? WHERE url = ?`, t.now, url)
		return err
	})
}

// PeerDigests returns the digest of every entry harvested from a peer, by remote ID.
func (s *Store) PeerDigests(ctx context.Context, url string) (map[string]string, error) {
	rows, err := s.query(ctx, `SELECT e.remote_id, e.digest FROM peer_entries e JOIN peers p ON p.id = e.peer_id WHERE p.url = ?`, url)
	if err != nil {
		return nil, fmt.Errorf("digests of %s: %w", url, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, d string
		if err := rows.Scan(&id, &d); err != nil {
			return nil, err
		}
		out[id] = d
	}
	return out, rows.Err()
}

// entryKey names one peer entry.
type entryKey struct {
	peer   int64
	remote string
}

type storedEntry struct {
	url    string
	digest string
	joins  string
}

// ApplyHarvest applies a batch; see HarvestBatch.
func (s *Store) ApplyHarvest(ctx context.Context, b catalogue.HarvestBatch) (catalogue.HarvestCount, error) {
	var count catalogue.HarvestCount
	err := s.write(ctx, func(t *tx) error {
		count = catalogue.HarvestCount{}
		var peerID int64
		if err := t.queryRow(ctx, `SELECT id FROM peers WHERE url = ?`, b.Peer).Scan(&peerID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: add the peer first", catalogue.ErrNotFound)
			}
			return err
		}
		if b.Instance != "" {
			if _, err := t.exec(ctx, `UPDATE peers SET instance_id = ? WHERE id = ?`, b.Instance, peerID); err != nil {
				return err
			}
		}
		ours, _, err := t.setting(ctx, settingInstance)
		if err != nil {
			return err
		}
		// A whole listing compares against every entry kept; a page, only its own.
		var only []string
		if !b.Complete {
			only = append(only, b.Hides...)
			for _, e := range b.Upserts {
				only = append(only, e.RemoteID)
			}
		}
		stored, err := t.peerEntries(ctx, peerID, b.Complete, only)
		if err != nil {
			return err
		}
		for _, e := range b.Upserts {
			if err := t.upsertEntry(ctx, peerID, ours, e, stored, &count); err != nil {
				return fmt.Errorf("entry %s (%s): %w", e.RemoteID, e.URL, err)
			}
		}
		hides := b.Hides
		if b.Complete {
			seen := make(map[string]bool, len(b.Seen)+len(b.Upserts))
			for _, id := range b.Seen {
				seen[id] = true
			}
			for _, e := range b.Upserts {
				seen[e.RemoteID] = true
			}
			for id := range stored {
				if !seen[id] {
					hides = append(hides, id)
				}
			}
		}
		for _, id := range hides {
			old, ok := stored[id]
			if !ok {
				continue
			}
			delete(stored, id)
			if err := t.dropEntry(ctx, entryKey{peerID, id}, old.url); err != nil {
				return err
			}
			count.Removed++
		}
		if b.Cursor != nil {
			if _, err := t.exec(ctx, `UPDATE peers SET cursor_seq = ? WHERE id = ?`, *b.Cursor, peerID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return count, fmt.Errorf("harvest of %s: %w", b.Peer, err)
	}
	return count, nil
}

// peerEntries reads what is kept of a peer's entries: all of them, or those of ids.
func (t *tx) peerEntries(ctx context.Context, peerID int64, all bool, ids []string) (map[string]storedEntry, error) {
	out := map[string]storedEntry{}
	if !all && len(ids) == 0 {
		return out, nil
	}
	q, args := `SELECT remote_id, url, digest, joins FROM peer_entries WHERE peer_id = ?`, []any{peerID}
	if !all {
		q += ` AND remote_id IN (` + placeholders(len(ids)) + `)`
		args = append(args, anys(ids)...)
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var e storedEntry
		if err := rows.Scan(&id, &e.url, &e.digest, &e.joins); err != nil {
			return nil, err
		}
		out[id] = e
	}
	return out, rows.Err()
}

func (t *tx) dropEntry(ctx context.Context, k entryKey, url string) error {
	if _, err := t.exec(ctx, `DELETE FROM peer_entries WHERE peer_id = ? AND remote_id = ?`, k.peer, k.remote); err != nil {
		return err
	}
	return t.resolve(ctx, url, entryKey{}, true)
}

// upsertEntry keeps one entry a peer lists, unless it is ours come back.
func (t *tx) upsertEntry(ctx context.Context, peerID int64, ours string, e catalogue.HarvestedEntry, stored map[string]storedEntry,
	count *catalogue.HarvestCount) error {
	k := entryKey{peerID, e.RemoteID}
	old, known := stored[e.RemoteID]
	url, err := catalogue.CanonicalURL(e.URL)
	if err != nil || e.RemoteID == "" || e.File == nil || !e.File.Listable() || (ours != "" && e.Instance == ours) {
		// Ours come back from a peer, or unusable: never imported.
		count.Skipped++
		if known {
			delete(stored, e.RemoteID)
			return t.dropEntry(ctx, k, old.url)
		}
		return nil
	}
	if known && old.digest == e.Digest && old.url == url {
		count.Unchanged++
		return nil
	}
	content, err := encodeFile(e.File)
	if err != nil {
		return err
	}
	pubs, _ := json.Marshal(nonNilPublishers(e.Publishers))
	joins, _ := json.Marshal(nonNilJoins(e.Joins))
	contributions, err := encodeContributions(e.Contributions)
	if err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO peer_entries (peer_id, remote_id, url, instance_id, page, name, raw, content, valid, errors, warnings,
			publishers, joins, digest, harvested_at, contributions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (peer_id, remote_id) DO UPDATE SET url = excluded.url, instance_id = excluded.instance_id, page = excluded.page,
			name = excluded.name, raw = excluded.raw, content = excluded.content, valid = excluded.valid, errors = excluded.errors,
			warnings = excluded.warnings, publishers = excluded.publishers, joins = excluded.joins, digest = excluded.digest,
			harvested_at = excluded.harvested_at, contributions = excluded.contributions`,
		peerID, e.RemoteID, url, e.Instance, e.Page, e.File.Name, e.Raw, content, e.Valid, e.Errors, e.Warnings,
		string(pubs), string(joins), e.Digest, t.now, contributions); err != nil {
		return err
	}
	stored[e.RemoteID] = storedEntry{url: url, digest: e.Digest, joins: string(joins)}
	if known {
		count.Updated++
		if old.url != url {
			if err := t.resolve(ctx, old.url, entryKey{}, true); err != nil {
				return err
			}
		}
	} else {
		count.Added++
	}
	return t.resolve(ctx, url, k, old.joins != string(joins))
}

func nonNilPublishers(p []catalogue.OriginPublisher) []catalogue.OriginPublisher {
	if p == nil {
		return []catalogue.OriginPublisher{}
	}
	return p
}

func nonNilJoins(j []catalogue.JoinRecord) []catalogue.JoinRecord {
	if j == nil {
		return []catalogue.JoinRecord{}
	}
	return j
}

var remoteIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// resolve applies the rule of catalogue.Origin to one canonical URL: a local
// entry stays; else the best peer copy is shown (changed says whether the entry
// that may be shown changed, or whether join records merged into the shown
// entry did); else a harvested row is hidden.
func (t *tx) resolve(ctx context.Context, url string, changed entryKey, joinsChanged bool) error {
	var (
		id, remote, raw, name string
		originPeer            sql.NullInt64
		hidden, valid         bool
	)
	err := t.queryRow(ctx, `SELECT id, origin_peer, origin_remote, raw, name, hidden, valid FROM software WHERE url = ?`, url).
		Scan(&id, &originPeer, &remote, &raw, &name, &hidden, &valid)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("software at %s: %w", url, err)
	}
	if exists && !originPeer.Valid && !hidden {
		// A local crawl lists it: it wins; merged join records may have changed.
		if joinsChanged {
			return t.touchSoftware(ctx, id)
		}
		return nil
	}
	best, err := t.bestPeerCopy(ctx, url)
	if errors.Is(err, sql.ErrNoRows) {
		if exists && originPeer.Valid && !hidden {
			if _, err := t.exec(ctx, `UPDATE software SET hidden = TRUE, updated_at = ? WHERE id = ?`, t.now, id); err != nil {
				return fmt.Errorf("hide harvested %s: %w", url, err)
			}
			return t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpHide, id)
		}
		return nil
	}
	if err != nil {
		return err
	}
	f, err := decodeFile(best.content)
	if err != nil {
		return fmt.Errorf("harvested %s: %w", url, err)
	}
	if !exists {
		if id, err = t.harvestedID(ctx, best.remote); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO software (id, url, name, content, raw, valid, errors, warnings, created_at, updated_at,
				origin_peer, origin_remote, contributions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, url, best.name, best.content, best.raw, best.valid, best.errors, best.warnings, t.now, t.now, best.peer, best.remote,
			best.contributions); err != nil {
			return fmt.Errorf("add harvested %s: %w", url, err)
		}
	} else {
		same := originPeer.Valid && originPeer.Int64 == best.peer && remote == best.remote && !hidden
		if same && changed != (entryKey{best.peer, best.remote}) && !joinsChanged {
			return nil
		}
		if _, err := t.exec(ctx, `UPDATE software SET name = ?, content = ?, raw = ?, valid = ?, errors = ?, warnings = ?, hidden = FALSE,
				source_repo_id = NULL, origin_peer = ?, origin_remote = ?, contributions = ?, updated_at = ? WHERE id = ?`,
			best.name, best.content, best.raw, best.valid, best.errors, best.warnings, best.peer, best.remote, best.contributions, t.now, id); err != nil {
			return fmt.Errorf("update harvested %s: %w", url, err)
		}
	}
	if err := t.setBasedOn(ctx, id, f); err != nil {
		return err
	}
	return t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, id)
}

// peerCopy is one peer's harvested entry for a URL.
type peerCopy struct {
	peer                       int64
	remote, name, raw, content string
	valid                      bool
	errors, warnings           int
	contributions              string
}

// bestPeerCopy is the copy of url shown when no local crawl lists it: the one
// from the peer that made it, else the first peer's; sql.ErrNoRows when none.
func (t *tx) bestPeerCopy(ctx context.Context, url string) (peerCopy, error) {
	var best peerCopy
	err := t.queryRow(ctx, `SELECT e.peer_id, e.remote_id, e.name, e.raw, e.content, e.valid, e.errors, e.warnings, e.contributions
		FROM peer_entries e JOIN peers p ON p.id = e.peer_id WHERE e.url = ?
		ORDER BY CASE WHEN e.instance_id = p.instance_id THEN 0 ELSE 1 END, p.id, e.remote_id LIMIT 1`, url).
		Scan(&best.peer, &best.remote, &best.name, &best.raw, &best.content, &best.valid, &best.errors, &best.warnings, &best.contributions)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return best, fmt.Errorf("peer copies of %s: %w", url, err)
	}
	return best, err
}

// harvestedID is the ID of a new harvested entry: the peer's own when it is a
// well-formed one not taken here, else a new one.
func (t *tx) harvestedID(ctx context.Context, remote string) (string, error) {
	if !remoteIDRE.MatchString(remote) {
		return catalogue.NewID(), nil
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM software WHERE id = ?`, remote).Scan(&n); err != nil {
		return "", fmt.Errorf("is software ID %s taken: %w", remote, err)
	}
	if n > 0 {
		return catalogue.NewID(), nil
	}
	return remote, nil
}

func (t *tx) touchSoftware(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `UPDATE software SET updated_at = ? WHERE id = ?`, t.now, id); err != nil {
		return err
	}
	return t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, id)
}

// takeOverHarvested makes a harvested row at url ready to be listed by a local
// crawl: the local crawl wins, and keeps the ID the catalogue already shows.
func (t *tx) takeOverHarvested(ctx context.Context, url string) error {
	// The peer's contribution figures go too: our crawl computes its own.
	_, err := t.exec(ctx, `UPDATE software SET origin_peer = NULL, origin_remote = '', source_repo_id = NULL, raw = '', valid = FALSE,
		contributions = '' WHERE url = ? AND origin_peer IS NOT NULL`, url)
	return err
}

// peerFallback shows a peer's copy of a software no repository here carries any
// more; it reports false when no peer lists it.
func (t *tx) peerFallback(ctx context.Context, id string) (bool, error) {
	var url string
	if err := t.queryRow(ctx, `SELECT url FROM software WHERE id = ?`, id).Scan(&url); err != nil {
		return false, err
	}
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM peer_entries WHERE url = ?`, url).Scan(&n); err != nil || n == 0 {
		return false, err
	}
	// Hidden, it no longer counts as local, so resolve installs the best copy.
	if _, err := t.exec(ctx, `UPDATE software SET hidden = TRUE WHERE id = ?`, id); err != nil {
		return false, err
	}
	return true, t.resolve(ctx, url, entryKey{}, true)
}
