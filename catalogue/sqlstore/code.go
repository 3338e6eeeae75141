package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
)

var _ catalogue.CodeReader = (*Store)(nil)

// listedCode is the condition of a listed code entry, over repositories r joined
// to code_entries c: its repository carries no software and is neither gone nor
// hidden by the operator.
const listedCode = `r.software_id IS NULL AND r.status <> 'gone' AND r.hidden_reason = ''`

const codeColumns = `r.id, r.url, r.forge_description, r.forge_topics, r.archived, r.activity, c.facts, c.created_at, c.updated_at`

// storedFacts is how catalogue.CodeFacts is kept as JSON.
type storedFacts struct {
	Readme               string             `json:"readme,omitempty"`
	License              string             `json:"license,omitempty"`
	LicenseFile          string             `json:"licenseFile,omitempty"`
	ProgrammingLanguages []string           `json:"programmingLanguages,omitempty"`
	LastCommitAt         *time.Time         `json:"lastCommitAt,omitempty"`
	Release              *catalogue.Release `json:"release,omitempty"`
	Logo                 string             `json:"logo,omitempty"`
	Platforms            []string           `json:"platforms,omitempty"`
}

func encodeFacts(f *catalogue.CodeFacts) (string, error) {
	sf := storedFacts{Readme: f.Readme, License: f.License, LicenseFile: f.LicenseFile, ProgrammingLanguages: f.ProgrammingLanguages,
		Release: f.Release, Logo: f.Logo, Platforms: f.Platforms}
	if !f.LastCommitAt.IsZero() {
		t := f.LastCommitAt.UTC()
		sf.LastCommitAt = &t
	}
	b, err := json.Marshal(sf)
	return string(b), err
}

// keepForgeListing keeps what a forge's listing said for the code entry, and
// tells the index when a listed entry's description or topics changed.
func (t *tx) keepForgeListing(ctx context.Context, id int64, d catalogue.Discovered) error {
	topics := d.Topics
	if topics == nil {
		topics = []string{}
	}
	b, _ := json.Marshal(topics)
	res, err := t.exec(ctx, `UPDATE repositories SET forge_description = ?, forge_topics = ? WHERE id = ? AND (forge_description <> ? OR forge_topics <> ?)`,
		d.Description, string(b), id, d.Description, string(b))
	if err != nil {
		return fmt.Errorf("keep forge listing: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return t.touchCode(ctx, id)
}

// touchCode appends a code change for the repository when it has a listed code entry.
func (t *tx) touchCode(ctx context.Context, id int64) error {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM code_entries c JOIN repositories r ON r.id = c.repository_id WHERE c.repository_id = ? AND `+listedCode, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	if _, err := t.exec(ctx, `UPDATE code_entries SET updated_at = ? WHERE repository_id = ?`, t.now, id); err != nil {
		return err
	}
	return t.appendChange(ctx, catalogue.ChangeCode, catalogue.OpUpsert, strconv.FormatInt(id, 10))
}

// applyCode keeps the repository's code entry in step with a crawl's result: a
// crawl that found no publiccode file stores what the tree showed; one that read
// a file ends the entry; a repository gone takes its entry out of the listing
// until it comes back.
func (t *tx) applyCode(ctx context.Context, id int64, prev, status catalogue.RepoStatus, r catalogue.CrawlResult) error {
	key := strconv.FormatInt(id, 10)
	var had int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM code_entries WHERE repository_id = ?`, id).Scan(&had); err != nil {
		return err
	}
	switch {
	case status == catalogue.StatusNoPubliccode && r.Code != nil:
		facts, err := encodeFacts(r.Code)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO code_entries (repository_id, version, facts, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (repository_id) DO UPDATE SET version = excluded.version, facts = excluded.facts, updated_at = excluded.updated_at`,
			id, catalogue.CodeFactsVersion, facts, t.now, t.now); err != nil {
			return fmt.Errorf("keep code entry: %w", err)
		}
		return t.appendChange(ctx, catalogue.ChangeCode, catalogue.OpUpsert, key)
	case had == 0:
		return nil
	case r.Outcome == "":
		// A publiccode file was read: the entry ends (its page sends people to the
		// software when the file was listed).
		if _, err := t.exec(ctx, `DELETE FROM code_entries WHERE repository_id = ?`, id); err != nil {
			return fmt.Errorf("end code entry: %w", err)
		}
		return t.appendChange(ctx, catalogue.ChangeCode, catalogue.OpHide, key)
	case status == catalogue.StatusGone && prev != catalogue.StatusGone:
		return t.appendChange(ctx, catalogue.ChangeCode, catalogue.OpHide, key)
	case prev == catalogue.StatusGone && status != catalogue.StatusGone:
		return t.appendChange(ctx, catalogue.ChangeCode, catalogue.OpUpsert, key) // back, unmoved
	}
	return nil
}

// hideCode tells the index that the repository's code entry, if any, is no
// longer listed (its repository was hidden by the operator).
func (t *tx) hideCode(ctx context.Context, id int64) error {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM code_entries WHERE repository_id = ?`, id).Scan(&n); err != nil || n == 0 {
		return err
	}
	return t.appendChange(ctx, catalogue.ChangeCode, catalogue.OpHide, strconv.FormatInt(id, 10))
}

// CodeEntry implements catalogue.CodeReader.
func (s *Store) CodeEntry(ctx context.Context, id string) (catalogue.CodeEntry, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return catalogue.CodeEntry{}, fmt.Errorf("code entry %q: %w", id, catalogue.ErrNotFound)
	}
	list, err := s.loadCode(ctx, `AND r.id = ?`, n)
	if err != nil {
		return catalogue.CodeEntry{}, err
	}
	if len(list) == 1 {
		return list[0], nil
	}
	var sw string
	err = s.queryRow(ctx, `SELECT s.id FROM repositories r JOIN software s ON s.id = r.software_id WHERE r.id = ? AND `+listedSoftware, n).Scan(&sw)
	switch {
	case err == nil:
		return catalogue.CodeEntry{}, &catalogue.DescribedError{CodeID: id, SoftwareID: sw}
	case errors.Is(err, sql.ErrNoRows):
		return catalogue.CodeEntry{}, fmt.Errorf("code entry %s: %w", id, catalogue.ErrNotFound)
	}
	return catalogue.CodeEntry{}, fmt.Errorf("code entry %s: %w", id, err)
}

// CodeEntryByURL implements catalogue.CodeReader.
func (s *Store) CodeEntryByURL(ctx context.Context, rawURL string) (catalogue.CodeEntry, error) {
	canonical, err := catalogue.CanonicalURL(rawURL)
	if err != nil {
		return catalogue.CodeEntry{}, fmt.Errorf("code entry of %s: %w", rawURL, catalogue.ErrNotFound)
	}
	list, err := s.loadCode(ctx, `AND r.canonical_url = ?`, canonical)
	if err != nil {
		return catalogue.CodeEntry{}, err
	}
	if len(list) == 0 {
		return catalogue.CodeEntry{}, fmt.Errorf("code entry of %s: %w", rawURL, catalogue.ErrNotFound)
	}
	return list[0], nil
}

// CodeEntriesByIDs implements catalogue.CodeReader.
func (s *Store) CodeEntriesByIDs(ctx context.Context, ids []string) ([]catalogue.CodeEntry, error) {
	var nums []int64
	for _, id := range ids {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return nil, nil
	}
	list, err := s.loadCode(ctx, `AND r.id IN (`+placeholders(len(nums))+`)`, anys(nums)...)
	if err != nil {
		return nil, err
	}
	inOrderOf(list, ids, codeID)
	return list, nil
}

func codeID(e catalogue.CodeEntry) string { return e.ID }

// ListCodeEntries implements catalogue.CodeReader.
func (s *Store) ListCodeEntries(ctx context.Context, publisher string, page catalogue.Page) ([]catalogue.CodeEntry, string, error) {
	size := pageSize(page.Size)
	var after int64
	if page.After != "" {
		n, err := strconv.ParseInt(page.After, 10, 64)
		if err != nil {
			return nil, "", fmt.Errorf("list code entries after %q: %w", page.After, catalogue.ErrInvalid)
		}
		after = n
	}
	where, args := `AND r.id > ?`, []any{after}
	if publisher != "" {
		where += ` AND r.id IN (SELECT repository_id FROM repository_publishers WHERE publisher_id = ?)`
		args = append(args, publisher)
	}
	args = append(args, size+1)
	list, err := s.loadCode(ctx, where+` ORDER BY r.id LIMIT ?`, args...)
	if err != nil {
		return nil, "", err
	}
	list, next := pageOf(list, size, codeID)
	return list, next, nil
}

// loadCode reads listed code entries matching the extra condition, with their publishers.
func (s *Store) loadCode(ctx context.Context, cond string, args ...any) ([]catalogue.CodeEntry, error) {
	type row struct {
		e  catalogue.CodeEntry
		id int64
	}
	rows, err := scanAll(ctx, s, "code entries", func(r scanner) (row, error) {
		e, id, err := scanCode(r)
		return row{e, id}, err
	}, `SELECT `+codeColumns+` FROM code_entries c JOIN repositories r ON r.id = c.repository_id WHERE `+listedCode+` `+cond, args...)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	list := make([]catalogue.CodeEntry, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		list[i], ids[i] = r.e, r.id
	}
	pubs, err := repositoryPublishers(ctx, s.db, s.d, ids)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Publishers = nonNil(pubs[ids[i]])
	}
	return list, nil
}

func scanCode(r scanner) (catalogue.CodeEntry, int64, error) {
	var e catalogue.CodeEntry
	var id int64
	var topics, activity, facts string
	if err := r.Scan(&id, &e.URL, &e.Description, &topics, &e.Archived, &activity, &facts, &e.CreatedAt, &e.UpdatedAt); err != nil {
		return e, 0, err
	}
	e.ID, e.Name = strconv.FormatInt(id, 10), repositoryName(e.URL)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(topics), &e.Topics); err != nil {
		return e, 0, fmt.Errorf("code entry %d: topics: %w", id, err)
	}
	if activity != "" {
		e.Activity = &catalogue.Activity{}
		if err := json.Unmarshal([]byte(activity), e.Activity); err != nil {
			return e, 0, fmt.Errorf("code entry %d: activity: %w", id, err)
		}
	}
	var sf storedFacts
	if err := json.Unmarshal([]byte(facts), &sf); err != nil {
		return e, 0, fmt.Errorf("code entry %d: facts: %w", id, err)
	}
	e.Readme, e.License, e.LicenseFile, e.ProgrammingLanguages = sf.Readme, sf.License, sf.LicenseFile, nonNil(sf.ProgrammingLanguages)
	e.LastCommitAt, e.Release, e.Logo, e.Platforms = sf.LastCommitAt, sf.Release, sf.Logo, sf.Platforms
	if e.Topics == nil {
		e.Topics = []string{}
	}
	return e, id, nil
}

// repositoryName is the last segment of a repository's URL, without ".git".
func repositoryName(rawURL string) string {
	p := strings.TrimSuffix(strings.TrimRight(rawURL, "/"), ".git")
	if i := strings.LastIndexAny(p, "/:"); i >= 0 {
		p = p[i+1:]
	}
	return path.Clean(p)
}
