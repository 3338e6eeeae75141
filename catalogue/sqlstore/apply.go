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

// apply asks the listing policy what crawl result r does to the repository the
// store knew as prev, and does it.
func (t *tx) apply(ctx context.Context, prev repoState, r catalogue.CrawlResult) (catalogue.RepoStatus, error) {
	findings, err := json.Marshal(nonNilFindings(r.Findings))
	if err != nil {
		return "", err
	}
	facts := catalogue.RepoFacts{Status: prev.status, Role: prev.role, Failures: prev.failures, Hidden: prev.hidden != "", Read: prev.rawHash != ""}
	if prev.role == catalogue.RoleFork {
		facts.ForkOfCrawled = t.crawledHere(ctx, prev.swURL, prev.id)
	}
	d := catalogue.DecideCrawl(facts, r)
	switch d.Step {
	case catalogue.StepFailed, catalogue.StepGone:
		return t.fail(ctx, prev, r, d)
	case catalogue.StepReapply:
		return t.reapplyStored(ctx, prev.id)
	case catalogue.StepUnchanged:
		// Nothing was fetched: everything stays, but the crawl succeeded.
		_, err := t.exec(ctx, `UPDATE repositories SET status = ?, failures = 0, last_crawled_at = ? WHERE id = ?`, string(d.Status), t.now, prev.id)
		return d.Status, err
	case catalogue.StepKeep:
		// The head is kept so that an unmoved head over the cap is not fetched again.
		_, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, failures = 0, last_crawled_at = ?,
			head = CASE WHEN ? = '' THEN head ELSE ? END WHERE id = ?`,
			string(d.Status), r.Reason, t.now, r.Head, r.Head, prev.id)
		return d.Status, err
	case catalogue.StepUnlist:
		if _, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, head = ?, software_id = NULL, software_url = '', role = '',
			path = '', findings = '[]', raw = '', raw_hash = '', content = '', failures = 0, last_crawled_at = ? WHERE id = ?`,
			string(d.Status), r.Reason, r.Head, t.now, prev.id); err != nil {
			return "", err
		}
		return d.Status, t.refreshSoftware(ctx, prev.softwareID)
	case catalogue.StepUnreadable, catalogue.StepHidden:
		reason := r.Reason
		if d.Step == catalogue.StepHidden {
			reason = "hidden by the operator: " + prev.hidden
		}
		_, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, head = ?, path = ?, findings = ?, raw = ?, raw_hash = ?, failures = 0, last_crawled_at = ? WHERE id = ?`,
			string(d.Status), reason, r.Head, r.Path, string(findings), string(r.Raw), hash(r.Raw), t.now, prev.id)
		return d.Status, err
	}
	return t.applyListable(ctx, prev, r, string(findings))
}

// fail counts a failed crawl (catalogue.StepFailed) or marks the repository gone
// (catalogue.StepGone): the software it carried is then hidden unless another
// repository carries it.
func (t *tx) fail(ctx context.Context, prev repoState, r catalogue.CrawlResult, d catalogue.CrawlDecision) (catalogue.RepoStatus, error) {
	if d.Step == catalogue.StepGone {
		reason := fmt.Sprintf("%s (gone after %d failed crawls in a row; listed again when it comes back)", r.Reason, d.Failures)
		if _, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, failures = ?, software_id = NULL, role = '', raw_hash = '',
			last_crawled_at = ? WHERE id = ?`, string(d.Status), reason, d.Failures, t.now, prev.id); err != nil {
			return "", err
		}
		return d.Status, t.refreshSoftware(ctx, prev.softwareID)
	}
	_, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = ?, failures = ?, last_crawled_at = ? WHERE id = ?`,
		string(d.Status), r.Reason, d.Failures, t.now, prev.id)
	return d.Status, err
}

// presence answers the listing policy's questions about what is crawled here,
// inside the transaction, for the repository self.
type presence struct {
	ctx  context.Context
	t    *tx
	self int64
}

func (p presence) CrawledHere(c string) bool { return p.t.crawledHere(p.ctx, c, p.self) }
func (p presence) GoneHere(c string) bool    { return p.t.goneHere(p.ctx, c) }

// applyListable lists or links the software a listable file names, as the
// listing policy decides.
func (t *tx) applyListable(ctx context.Context, prev repoState, r catalogue.CrawlResult, findings string) (catalogue.RepoStatus, error) {
	role, swURL := catalogue.ListingRole(r.RepoURL, r.File.URL, presence{ctx: ctx, t: t, self: prev.id})
	content, err := encodeFile(r.File)
	if err != nil {
		return "", err
	}
	rawHash := hash(r.Raw)
	facts := catalogue.ListingFacts{Role: role, Valid: publiccode.Valid(r.Findings), Read: prev.rawHash != "", Changed: prev.rawHash != rawHash}
	var sw *softwareRow
	if role != catalogue.RoleFork {
		if sw, err = t.entryFor(ctx, swURL); err != nil {
			return "", err
		}
		if sw != nil {
			facts.Entry = sw.facts(prev, r.Raw)
		}
	}
	d := catalogue.DecideListing(facts)
	swID, err := t.listSoftware(ctx, prev, swURL, sw, d, r, content, facts.Valid)
	if err != nil {
		return "", err
	}
	var swIDArg any
	if swID != "" {
		swIDArg = swID
	}
	if _, err := t.exec(ctx, `UPDATE repositories SET status = ?, reason = '', role = ?, software_id = ?, software_url = ?, head = ?, path = ?,
		findings = ?, raw = ?, raw_hash = ?, content = ?, failures = 0, last_crawled_at = ? WHERE id = ?`,
		string(d.Status), string(role), swIDArg, swURL, r.Head, r.Path, findings, string(r.Raw), rawHash, content, t.now, prev.id); err != nil {
		return "", err
	}
	if prev.softwareID != "" && prev.softwareID != swID {
		if err := t.refreshSoftware(ctx, prev.softwareID); err != nil {
			return "", err
		}
	}
	return d.Status, nil
}

// entryFor is the software entry at swURL, taken over from a peer when only a
// peer listed it; nil when there is none.
func (t *tx) entryFor(ctx context.Context, swURL string) (*softwareRow, error) {
	if err := t.takeOverHarvested(ctx, swURL); err != nil {
		return nil, err
	}
	sw, err := t.softwareByURL(ctx, swURL)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("software %s: %w", swURL, err)
	}
	return &sw, nil
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

// facts are the entry as the listing policy sees it, for the repository prev
// whose file is raw.
func (sw softwareRow) facts(prev repoState, raw []byte) *catalogue.EntryFacts {
	return &catalogue.EntryFacts{
		SourceIsSelf:   sw.source.Valid && sw.source.Int64 == prev.id,
		SameRaw:        sw.raw == string(raw),
		Valid:          sw.valid,
		Hidden:         sw.hidden,
		SourceCarries:  sw.sourceOK,
		SourceIsOrigin: sw.sourceOri,
		CarriedBefore:  prev.softwareID == sw.id,
	}
}

// listSoftware applies the listing decision d to the software entry sw (nil
// when it is to be created at swURL), and returns the ID of the entry the
// repository carries ("" for none).
func (t *tx) listSoftware(ctx context.Context, prev repoState, swURL string, sw *softwareRow, d catalogue.ListingDecision,
	r catalogue.CrawlResult, content string, valid bool) (string, error) {
	counts := publiccode.Count(r.Findings)
	switch {
	case !d.Link:
		return "", nil
	case d.Create:
		return t.createSoftware(ctx, prev, swURL, r, content, valid)
	case d.Replace:
		if _, err := t.exec(ctx, `UPDATE software SET name = ?, source_repo_id = ?, content = ?, raw = ?, valid = ?, errors = ?, warnings = ?, hidden = FALSE, updated_at = ? WHERE id = ?`,
			r.File.Name, prev.id, content, string(r.Raw), valid, counts.Errors, counts.Warnings, t.now, sw.id); err != nil {
			return "", fmt.Errorf("update software %s: %w", sw.id, err)
		}
		if err := t.setBasedOn(ctx, sw.id, r.File); err != nil {
			return "", err
		}
	case d.Unhide:
		if _, err := t.exec(ctx, `UPDATE software SET hidden = FALSE, source_repo_id = ?, updated_at = ? WHERE id = ?`, prev.id, t.now, sw.id); err != nil {
			return "", fmt.Errorf("show software %s: %w", sw.id, err)
		}
	case d.Touch:
		if _, err := t.exec(ctx, `UPDATE software SET updated_at = ? WHERE id = ?`, t.now, sw.id); err != nil {
			return "", fmt.Errorf("touch software %s: %w", sw.id, err)
		}
	}
	if d.Changed() {
		if err := t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, sw.id); err != nil {
			return "", err
		}
	}
	return sw.id, nil
}

// createSoftware lists a new software entry at swURL with the file r read
// from the repository prev, its source.
func (t *tx) createSoftware(ctx context.Context, prev repoState, swURL string, r catalogue.CrawlResult, content string, valid bool) (string, error) {
	counts := publiccode.Count(r.Findings)
	id := catalogue.NewID()
	if _, err := t.exec(ctx, `INSERT INTO software (id, url, name, source_repo_id, content, raw, valid, errors, warnings, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, swURL, r.File.Name, prev.id, content, string(r.Raw), valid, counts.Errors, counts.Warnings, t.now, t.now); err != nil {
		return "", fmt.Errorf("list software %s: %w", swURL, err)
	}
	if err := t.setBasedOn(ctx, id, r.File); err != nil {
		return "", err
	}
	return id, t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, id)
}

func (t *tx) softwareByURL(ctx context.Context, swURL string) (softwareRow, error) {
	var sw softwareRow
	err := t.queryRow(ctx, `SELECT s.id, s.source_repo_id, s.raw, s.valid, s.hidden,
			COALESCE(r.software_url = s.url AND r.software_id = s.id, FALSE), COALESCE(r.role = 'origin', FALSE)
		FROM software s LEFT JOIN repositories r ON r.id = s.source_repo_id WHERE s.url = ?`, swURL).
		Scan(&sw.id, &sw.source, &sw.raw, &sw.valid, &sw.hidden, &sw.sourceOK, &sw.sourceOri)
	return sw, err
}

// carriers are the repositories that carry the software entry id.
func (t *tx) carriers(ctx context.Context, id string) ([]catalogue.Carrier, error) {
	rows, err := t.query(ctx, `SELECT id, role FROM repositories WHERE software_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalogue.Carrier
	for rows.Next() {
		var c catalogue.Carrier
		var role string
		if err := rows.Scan(&c.Repository, &role); err != nil {
			return nil, err
		}
		c.Role = catalogue.RepoRole(role)
		out = append(out, c)
	}
	return out, rows.Err()
}

// refreshSoftware re-derives a software entry after a repository stopped carrying
// it: the listing policy's successor becomes its source, or, when none is
// left, it is lost (see lostSoftware).
func (t *tx) refreshSoftware(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	carriers, err := t.carriers(ctx, id)
	if err != nil {
		return fmt.Errorf("refresh software %s: %w", id, err)
	}
	next, ok := catalogue.Successor(carriers)
	if !ok {
		return t.lostSoftware(ctx, id)
	}
	var content, raw, findingsJSON string
	if err := t.queryRow(ctx, `SELECT content, raw, findings FROM repositories WHERE id = ?`, next.Repository).Scan(&content, &raw, &findingsJSON); err != nil {
		return fmt.Errorf("refresh software %s: %w", id, err)
	}
	f, err := decodeFile(content)
	if err != nil {
		return fmt.Errorf("refresh software %s: %w", id, err)
	}
	var fs []publiccode.Finding
	_ = json.Unmarshal([]byte(findingsJSON), &fs)
	c := publiccode.Count(fs)
	if _, err := t.exec(ctx, `UPDATE software SET name = ?, source_repo_id = ?, content = ?, raw = ?, valid = ?, errors = ?, warnings = ?, updated_at = ? WHERE id = ?`,
		f.Name, next.Repository, content, raw, c.Errors == 0, c.Errors, c.Warnings, t.now, id); err != nil {
		return fmt.Errorf("refresh software %s: %w", id, err)
	}
	if err := t.setBasedOn(ctx, id, f); err != nil {
		return err
	}
	return t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, id)
}

// lostSoftware handles a software entry no repository carries: a fork of the
// repository that stopped carrying it, when that one is no longer crawled (it
// moved without a redirect, and the fork's file still names the old URL),
// carries it now; else a peer's copy is shown; else it is hidden.
func (t *tx) lostSoftware(ctx context.Context, id string) error {
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
