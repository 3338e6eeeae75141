package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// storedFile is how a normalised publiccode file is kept as JSON: the description
// map loses the file's language order, so it is kept beside it.
type storedFile struct {
	File      *publiccode.File `json:"file"`
	Languages []string         `json:"languages"`
}

func encodeFile(f *publiccode.File) (string, error) {
	b, err := json.Marshal(storedFile{File: f, Languages: f.Languages})
	return string(b), err
}

func decodeFile(s string) (*publiccode.File, error) {
	var sf storedFile
	if err := json.Unmarshal([]byte(s), &sf); err != nil {
		return nil, err
	}
	if sf.File == nil {
		sf.File = &publiccode.File{}
	}
	sf.File.Languages = sf.Languages
	return sf.File, nil
}

// repoState is what the store knew about a repository before a crawl result.
type repoState struct {
	id         int64
	softwareID string
	rawHash    string
	status     catalogue.RepoStatus
	failures   int
	hidden     string
	role       catalogue.RepoRole
	swURL      string // the software URL its file names
}

// ApplyCrawl implements catalogue.Store.
func (s *Store) ApplyCrawl(ctx context.Context, r catalogue.CrawlResult) (catalogue.RepoStatus, error) {
	canonical, err := catalogue.CanonicalURL(r.RepoURL)
	if err != nil {
		return "", fmt.Errorf("apply crawl of %s: %w", r.RepoURL, err)
	}
	var status catalogue.RepoStatus
	err = s.write(ctx, func(t *tx) error {
		id, err := t.ensureRepository(ctx, r.RepoURL, canonical)
		if err != nil {
			return err
		}
		prev := repoState{id: id}
		var swID sql.NullString
		var st, role string
		if err := t.queryRow(ctx, `SELECT software_id, raw_hash, status, failures, hidden_reason, role, software_url FROM repositories WHERE id = ?`, id).
			Scan(&swID, &prev.rawHash, &st, &prev.failures, &prev.hidden, &role, &prev.swURL); err != nil {
			return err
		}
		prev.softwareID, prev.status, prev.role = swID.String, catalogue.RepoStatus(st), catalogue.RepoRole(role)
		status, err = t.apply(ctx, prev, r)
		if err != nil {
			return err
		}
		if r.File != nil && r.Outcome == "" {
			if err := t.verifyByFile(ctx, id, canonical, r.File.Organisation.URI); err != nil {
				return err
			}
		}
		if err := t.applyCode(ctx, id, prev.status, status, r); err != nil {
			return err
		}
		if err := t.recordEvent(ctx, id, canonical, prev.status, status, r); err != nil {
			return err
		}
		if err := t.keepCrawlData(ctx, id, r); err != nil {
			return err
		}
		if r.RunID != 0 {
			return t.recordResult(ctx, id, status, r)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("apply crawl of %s: %w", r.RepoURL, err)
	}
	return status, nil
}

// recordResult adds the crawl to the run and to the repository's history, which
// keeps the last catalogue.HistoryLength crawls.
func (t *tx) recordResult(ctx context.Context, id int64, status catalogue.RepoStatus, r catalogue.CrawlResult) error {
	var listed bool
	if err := t.queryRow(ctx, `SELECT COUNT(*) > 0 FROM repositories r JOIN software s ON s.id = r.software_id
		WHERE r.id = ? AND `+listedSoftware, id).Scan(&listed); err != nil {
		return err
	}
	c := publiccode.Count(r.Findings)
	var reason, head string
	if err := t.queryRow(ctx, `SELECT reason, head FROM repositories WHERE id = ?`, id).Scan(&reason, &head); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO crawl_results (run_id, repository_id, status, listed, at, reason, head, errors, warnings)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (run_id, repository_id) DO UPDATE SET status = excluded.status, listed = excluded.listed, at = excluded.at,
			reason = excluded.reason, head = excluded.head, errors = excluded.errors, warnings = excluded.warnings`,
		r.RunID, id, string(status), listed, t.now, reason, head, c.Errors, c.Warnings); err != nil {
		return err
	}
	// Runs older than the repository's last HistoryLength are finished, with their
	// counts frozen, so pruning them changes no run's figures.
	_, err := t.exec(ctx, `DELETE FROM crawl_results WHERE repository_id = ? AND run_id < (
		SELECT MIN(run_id) FROM (SELECT run_id FROM crawl_results WHERE repository_id = ? ORDER BY run_id DESC LIMIT ?) AS recent)`,
		id, id, catalogue.HistoryLength)
	return err
}

// keepCrawlData stores what the commit graph and the tree gave, when given.
func (t *tx) keepCrawlData(ctx context.Context, id int64, r catalogue.CrawlResult) error {
	if r.Activity != nil {
		b, err := json.Marshal(r.Activity)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE repositories SET activity = ? WHERE id = ?`, string(b), id); err != nil {
			return err
		}
	}
	if r.RootCommit != "" || r.TagsDigest != "" {
		if _, err := t.exec(ctx, `UPDATE repositories SET root_commit = CASE WHEN ? = '' THEN root_commit ELSE ? END,
			tags_digest = CASE WHEN ? = '' THEN tags_digest ELSE ? END WHERE id = ?`,
			r.RootCommit, r.RootCommit, r.TagsDigest, r.TagsDigest, id); err != nil {
			return err
		}
	}
	if r.Branch != "" {
		if _, err := t.exec(ctx, `UPDATE repositories SET branch = ? WHERE id = ?`, r.Branch, id); err != nil {
			return err
		}
	}
	if r.Bytes > 0 {
		if _, err := t.exec(ctx, `UPDATE repositories SET bytes = ? WHERE id = ?`, r.Bytes, id); err != nil {
			return err
		}
	}
	if r.Outcome == "" || r.Outcome == catalogue.StatusNoPubliccode {
		if _, err := t.exec(ctx, `UPDATE repositories SET read_at = ? WHERE id = ?`, t.now, id); err != nil {
			return err
		}
	}
	if r.Outcome != "" {
		return nil // no file was read: the media stay as they were
	}
	refs := []catalogue.MediaRef{}
	logo := ""
	for _, m := range r.Media {
		sum := sha256.Sum256(m.Data)
		m.Hash = hex.EncodeToString(sum[:])
		if _, err := t.exec(ctx, `INSERT INTO media (hash, content_type, data, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`,
			m.Hash, m.ContentType, m.Data, t.now); err != nil {
			return fmt.Errorf("keep %s: %w", m.Path, err)
		}
		refs = append(refs, m.MediaRef)
		if m.Role == "logo" && logo == "" {
			logo = m.Hash
		}
	}
	b, _ := json.Marshal(refs)
	_, err := t.exec(ctx, `UPDATE repositories SET media = ?, logo = ? WHERE id = ?`, string(b), logo, id)
	return err
}

func (t *tx) apply(ctx context.Context, prev repoState, r catalogue.CrawlResult) (catalogue.RepoStatus, error) {
	findings, err := json.Marshal(nonNilFindings(r.Findings))
	if err != nil {
		return "", err
	}
	switch {
	case r.Outcome == catalogue.StatusFailed:
		return t.fail(ctx, prev, r)
	case r.Outcome == catalogue.StatusUnchanged && prev.role == catalogue.RoleFork && prev.hidden == "" && !t.crawledHere(ctx, prev.swURL, prev.id):
		// A fork of a repository no longer crawled (moved away, gone): its file,
		// unchanged, now carries the software.
		return t.reapplyStored(ctx, prev.id)
	case r.Outcome == catalogue.StatusUnchanged:
		// Nothing was fetched: everything stays, but the crawl succeeded.
		st := prev.status
		switch st {
		case catalogue.StatusNew, catalogue.StatusUpdated, catalogue.StatusPending, catalogue.StatusFailed, catalogue.StatusGone, "":
			st = catalogue.StatusUnchanged
		}
		_, err := t.exec(ctx, `UPDATE repositories SET status = ?, failures = 0, last_crawled_at = ? WHERE id = ?`, string(st), t.now, prev.id)
		return st, err
	case r.Outcome == catalogue.StatusOverCap || r.Outcome == catalogue.StatusSkipped:
		// Nothing was read, and not for the repository's fault: what was listed stays
		// listed. The head is kept so that an unmoved head over the cap is not fetched again.
		_, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, failures = 0, last_crawled_at = ?,
			head = CASE WHEN ? = '' THEN head ELSE ? END WHERE id = ?`,
			string(r.Outcome), r.Reason, t.now, r.Head, r.Head, prev.id)
		return r.Outcome, err
	case r.Outcome == catalogue.StatusNoPubliccode:
		if _, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, head = ?, software_id = NULL, software_url = '', role = '',
			path = '', findings = '[]', raw = '', raw_hash = '', content = '', failures = 0, last_crawled_at = ? WHERE id = ?`,
			string(catalogue.StatusNoPubliccode), r.Reason, r.Head, t.now, prev.id); err != nil {
			return "", err
		}
		return catalogue.StatusNoPubliccode, t.refreshSoftware(ctx, prev.softwareID)
	case !r.File.Listable():
		// Unreadable or nameless: whatever this repository listed before stays listed.
		_, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, head = ?, path = ?, findings = ?, raw = ?, raw_hash = ?, failures = 0, last_crawled_at = ? WHERE id = ?`,
			string(catalogue.StatusInvalid), r.Reason, r.Head, r.Path, string(findings), string(r.Raw), hash(r.Raw), t.now, prev.id)
		return catalogue.StatusInvalid, err
	case prev.hidden != "":
		// Hidden by the operator: crawled, so its publisher sees its findings, never listed.
		_, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, head = ?, path = ?, findings = ?, raw = ?, raw_hash = ?, failures = 0, last_crawled_at = ? WHERE id = ?`,
			string(catalogue.StatusSkipped), "hidden by the operator: "+prev.hidden, r.Head, r.Path, string(findings), string(r.Raw), hash(r.Raw), t.now, prev.id)
		return catalogue.StatusSkipped, err
	}
	return t.applyListable(ctx, prev, r, string(findings))
}

// fail counts a failed crawl. What was listed stays listed (failures are usually
// passing) until the repository has failed GoneAfter times in a row: then it is
// gone, and the software it carried is hidden unless another repository carries it.
func (t *tx) fail(ctx context.Context, prev repoState, r catalogue.CrawlResult) (catalogue.RepoStatus, error) {
	failures := prev.failures + 1
	if r.GoneAfter > 0 && failures >= r.GoneAfter {
		reason := fmt.Sprintf("%s (gone after %d failed crawls in a row; listed again when it comes back)", r.Reason, failures)
		if _, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, failures = ?, software_id = NULL, role = '', raw_hash = '',
			last_crawled_at = ? WHERE id = ?`, string(catalogue.StatusGone), reason, failures, t.now, prev.id); err != nil {
			return "", err
		}
		return catalogue.StatusGone, t.refreshSoftware(ctx, prev.softwareID)
	}
	_, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, failures = ?, last_crawled_at = ? WHERE id = ?`,
		string(catalogue.StatusFailed), r.Reason, failures, t.now, prev.id)
	return catalogue.StatusFailed, err
}

// applyListable lists or links the software a listable file names.
func (t *tx) applyListable(ctx context.Context, prev repoState, r catalogue.CrawlResult, findings string) (catalogue.RepoStatus, error) {
	role, swURL := catalogue.RoleOf(r.RepoURL, r.File.URL, func(c string) bool { return t.crawledHere(ctx, c, prev.id) })
	if role == catalogue.RoleMirror && t.goneHere(ctx, swURL) {
		// The repository its file names was crawled here and is gone: this one is
		// where it moved (without a redirect), and it is the software's origin now.
		role = catalogue.RoleOrigin
	}
	content, err := encodeFile(r.File)
	if err != nil {
		return "", err
	}
	rawHash := hash(r.Raw)
	valid := publiccode.Valid(r.Findings)

	var status catalogue.RepoStatus
	swID := ""
	if role == catalogue.RoleFork {
		status = catalogue.StatusFork
	} else {
		swID, status, err = t.listSoftware(ctx, prev, role, swURL, r, content, valid)
		if err != nil {
			return "", err
		}
	}
	if !valid {
		status = catalogue.StatusInvalid
	}
	var swIDArg any
	if swID != "" {
		swIDArg = swID
	}
	if _, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = '', role = ?, software_id = ?, software_url = ?, head = ?, path = ?,
		findings = ?, raw = ?, raw_hash = ?, content = ?, failures = 0, last_crawled_at = ? WHERE id = ?`,
		string(status), string(role), swIDArg, swURL, r.Head, r.Path, findings, string(r.Raw), rawHash, content, t.now, prev.id); err != nil {
		return "", err
	}
	if prev.softwareID != "" && prev.softwareID != swID {
		if err := t.refreshSoftware(ctx, prev.softwareID); err != nil {
			return "", err
		}
	}
	return status, nil
}

// crawledHere reports whether a repository other than self, at canonical URL c,
// is crawled here and not gone.
func (t *tx) crawledHere(ctx context.Context, c string, self int64) bool {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM repositories WHERE canonical_url = ? AND id <> ? AND status <> ?`, c, self, string(catalogue.StatusGone)).Scan(&n)
	return err == nil && n > 0
}

// goneHere reports whether the repository at canonical URL c was crawled here and
// is gone.
func (t *tx) goneHere(ctx context.Context, c string) bool {
	var n int
	err := t.queryRow(ctx, `SELECT COUNT(*) FROM repositories WHERE canonical_url = ? AND status = ?`, c, string(catalogue.StatusGone)).Scan(&n)
	return err == nil && n > 0
}

// reapplyStored applies a repository's last read file again, as kept in the
// store, when what it means changed without a fetch: the repository it was a
// fork of is no longer crawled.
func (t *tx) reapplyStored(ctx context.Context, id int64) (catalogue.RepoStatus, error) {
	var (
		prev                               repoState
		swID                               sql.NullString
		st, role, repoURL, head, path, raw string
		content, findings                  string
	)
	if err := t.queryRow(ctx, `SELECT software_id, raw_hash, status, failures, hidden_reason, role, software_url, url, head, path, raw, content, findings
		FROM repositories WHERE id = ?`, id).Scan(&swID, &prev.rawHash, &st, &prev.failures, &prev.hidden, &role, &prev.swURL,
		&repoURL, &head, &path, &raw, &content, &findings); err != nil {
		return "", fmt.Errorf("repository %d: %w", id, err)
	}
	prev.id, prev.softwareID, prev.status, prev.role = id, swID.String, catalogue.RepoStatus(st), catalogue.RepoRole(role)
	f, err := decodeFile(content)
	if err != nil {
		return "", fmt.Errorf("repository %s: %w", repoURL, err)
	}
	var fs []publiccode.Finding
	if err := json.Unmarshal([]byte(findings), &fs); err != nil {
		return "", fmt.Errorf("repository %s: findings: %w", repoURL, err)
	}
	r := catalogue.CrawlResult{RepoURL: repoURL, Head: head, Path: path, Raw: []byte(raw), File: f, Findings: fs}
	return t.applyListable(ctx, prev, r, findings)
}

// softwareRow is what the store keeps of a software entry while applying a crawl.
type softwareRow struct {
	id        string
	source    sql.NullInt64
	raw       string
	valid     bool
	hidden    bool
	sourceOK  bool // the source repository still carries this software
	sourceOri bool // the source repository is the origin
}

// listSoftware lists, updates or links the software a listable file names, and
// returns its ID with the repository's status.
func (t *tx) listSoftware(ctx context.Context, prev repoState, role catalogue.RepoRole, swURL string, r catalogue.CrawlResult,
	content string, valid bool) (string, catalogue.RepoStatus, error) {
	if err := t.takeOverHarvested(ctx, swURL); err != nil {
		return "", "", err
	}
	sw, err := t.softwareByURL(ctx, swURL)
	counts := publiccode.Count(r.Findings)
	st := catalogue.StatusUnchanged
	switch {
	case role == catalogue.RoleMirror:
		st = catalogue.StatusMirror
	case prev.rawHash == "":
		st = catalogue.StatusNew
	case prev.rawHash != hash(r.Raw):
		st = catalogue.StatusUpdated
	}
	if errors.Is(err, sql.ErrNoRows) {
		id := catalogue.NewID()
		if _, err := t.exec(ctx, `INSERT INTO software (id, url, name, source_repo_id, content, raw, valid, errors, warnings, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, swURL, r.File.Name, prev.id, content, string(r.Raw), valid, counts.Errors, counts.Warnings, t.now, t.now); err != nil {
			return "", "", fmt.Errorf("list software %s: %w", swURL, err)
		}
		if err := t.setBasedOn(ctx, id, r.File); err != nil {
			return "", "", err
		}
		return id, st, t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, id)
	}
	if err != nil {
		return "", "", fmt.Errorf("software %s: %w", swURL, err)
	}

	isSource := sw.source.Valid && sw.source.Int64 == prev.id
	if !isSource && (sw.hidden || !sw.sourceOK || (role == catalogue.RoleOrigin && !sw.sourceOri)) {
		isSource = true
	}
	changed := false
	if isSource {
		sameContent := sw.raw == string(r.Raw) && sw.source.Valid && sw.source.Int64 == prev.id
		// A file that was valid and became invalid keeps its last valid content listed.
		replace := !sameContent && (valid || !sw.valid)
		switch {
		case replace:
			if _, err := t.exec(ctx, `UPDATE software SET name = ?, source_repo_id = ?, content = ?, raw = ?, valid = ?, errors = ?, warnings = ?, hidden = FALSE, updated_at = ? WHERE id = ?`,
				r.File.Name, prev.id, content, string(r.Raw), valid, counts.Errors, counts.Warnings, t.now, sw.id); err != nil {
				return "", "", fmt.Errorf("update software %s: %w", sw.id, err)
			}
			if err := t.setBasedOn(ctx, sw.id, r.File); err != nil {
				return "", "", err
			}
			changed = true
		case sw.hidden:
			if _, err := t.exec(ctx, `UPDATE software SET hidden = FALSE, source_repo_id = ?, updated_at = ? WHERE id = ?`, prev.id, t.now, sw.id); err != nil {
				return "", "", err
			}
			changed = true
		}
	}
	if !changed && prev.softwareID != sw.id {
		// A new repository carries it: its publishers and repositories changed.
		if _, err := t.exec(ctx, `UPDATE software SET updated_at = ? WHERE id = ?`, t.now, sw.id); err != nil {
			return "", "", err
		}
		changed = true
	}
	if changed {
		if err := t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, sw.id); err != nil {
			return "", "", err
		}
	}
	return sw.id, st, nil
}

func (t *tx) softwareByURL(ctx context.Context, swURL string) (softwareRow, error) {
	var sw softwareRow
	err := t.queryRow(ctx, `SELECT s.id, s.source_repo_id, s.raw, s.valid, s.hidden,
			COALESCE(r.software_url = s.url AND r.software_id = s.id, FALSE), COALESCE(r.role = 'origin', FALSE)
		FROM software s LEFT JOIN repositories r ON r.id = s.source_repo_id WHERE s.url = ?`, swURL).
		Scan(&sw.id, &sw.source, &sw.raw, &sw.valid, &sw.hidden, &sw.sourceOK, &sw.sourceOri)
	return sw, err
}

// refreshSoftware re-derives a software entry after a repository stopped carrying
// it: another repository becomes its source, or it is hidden when none is left.
func (t *tx) refreshSoftware(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	var (
		repoID  int64
		content string
		raw     string
		status  string
	)
	err := t.queryRow(ctx, `SELECT r.id, r.content, r.raw, r.status FROM repositories r JOIN software s ON s.id = r.software_id
		WHERE r.software_id = ? ORDER BY CASE WHEN r.role = 'origin' THEN 0 ELSE 1 END, r.id LIMIT 1`, id).Scan(&repoID, &content, &raw, &status)
	if errors.Is(err, sql.ErrNoRows) {
		// A fork of the repository that stopped carrying it, when that one is no
		// longer crawled (it moved without a redirect, and the fork's file still
		// names the old URL), carries it now.
		var fork int64
		err := t.queryRow(ctx, `SELECT r.id FROM repositories r JOIN software s ON s.url = r.software_url
			WHERE s.id = ? AND r.role = ? AND r.status <> ? AND r.hidden_reason = ''
				AND NOT EXISTS (SELECT 1 FROM repositories o WHERE o.canonical_url = r.software_url AND o.id <> r.id AND o.status <> ?)
			ORDER BY r.id LIMIT 1`,
			id, string(catalogue.RoleFork), string(catalogue.StatusGone), string(catalogue.StatusGone)).Scan(&fork)
		switch {
		case err == nil:
			_, err := t.reapplyStored(ctx, fork)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("refresh software %s: %w", id, err)
		}
		if shown, err := t.peerFallback(ctx, id); err != nil || shown {
			return err
		}
		res, err := t.exec(ctx, `UPDATE software SET hidden = TRUE, updated_at = ? WHERE id = ? AND hidden = FALSE`, t.now, id)
		if err != nil {
			return fmt.Errorf("hide software %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpHide, id)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("refresh software %s: %w", id, err)
	}
	f, err := decodeFile(content)
	if err != nil {
		return fmt.Errorf("refresh software %s: %w", id, err)
	}
	var findingsJSON string
	if err := t.queryRow(ctx, `SELECT findings FROM repositories WHERE id = ?`, repoID).Scan(&findingsJSON); err != nil {
		return err
	}
	var fs []publiccode.Finding
	_ = json.Unmarshal([]byte(findingsJSON), &fs)
	c := publiccode.Count(fs)
	if _, err := t.exec(ctx, `UPDATE software SET name = ?, source_repo_id = ?, content = ?, raw = ?, valid = ?, errors = ?, warnings = ?, updated_at = ? WHERE id = ?`,
		f.Name, repoID, content, raw, c.Errors == 0, c.Errors, c.Warnings, t.now, id); err != nil {
		return fmt.Errorf("refresh software %s: %w", id, err)
	}
	if err := t.setBasedOn(ctx, id, f); err != nil {
		return err
	}
	return t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, id)
}

// setBasedOn keeps the upstreams a software's file names in isBasedOn, by
// canonical URL, so that variants and their upstream link to each other.
func (t *tx) setBasedOn(ctx context.Context, id string, f *publiccode.File) error {
	if _, err := t.exec(ctx, `DELETE FROM software_based_on WHERE software_id = ?`, id); err != nil {
		return fmt.Errorf("isBasedOn of %s: %w", id, err)
	}
	for _, u := range f.IsBasedOn {
		c, err := catalogue.CanonicalURL(u)
		if err != nil {
			continue
		}
		if _, err := t.exec(ctx, `INSERT INTO software_based_on (software_id, url) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, c); err != nil {
			return fmt.Errorf("isBasedOn of %s: %w", id, err)
		}
	}
	return nil
}

func hash(b []byte) string {
	if b == nil {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func nonNilFindings(f []publiccode.Finding) []publiccode.Finding {
	if f == nil {
		return []publiccode.Finding{}
	}
	return f
}
