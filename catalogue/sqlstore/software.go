package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/oscat-eu/oscat/catalogue"
)

// softwareColumns read a software row and, from its source repository, the
// stored logo, whether it is archived and its activity.
const softwareColumns = `s.id, s.url, s.name, s.content, s.raw, s.valid, s.errors, s.warnings, s.created_at, s.updated_at,
	COALESCE(src.logo, ''), COALESCE(src.archived, FALSE), COALESCE(src.activity, ''), s.contributions`

// listedSoftware is the condition for an entry to be shown: some repository
// carries it, and no operator hid it.
const listedSoftware = `s.hidden = FALSE AND s.hidden_reason = ''`

func scanSoftware(r scanner) (catalogue.Software, error) {
	var sw catalogue.Software
	var content, activity, contributions string
	if err := r.Scan(&sw.ID, &sw.URL, &sw.Name, &content, &sw.Raw, &sw.Valid, &sw.Findings.Errors, &sw.Findings.Warnings, &sw.CreatedAt, &sw.UpdatedAt,
		&sw.Logo, &sw.Archived, &activity, &contributions); err != nil {
		return sw, err
	}
	c, err := decodeContributions(contributions)
	if err != nil {
		return sw, fmt.Errorf("software %s: contributions: %w", sw.ID, err)
	}
	sw.Contributions = c
	if activity != "" {
		sw.Activity = &catalogue.Activity{}
		if err := json.Unmarshal([]byte(activity), sw.Activity); err != nil {
			return sw, fmt.Errorf("software %s: activity: %w", sw.ID, err)
		}
	}
	f, err := decodeFile(content)
	if err != nil {
		return sw, fmt.Errorf("software %s: content: %w", sw.ID, err)
	}
	sw.File = f
	sw.CreatedAt, sw.UpdatedAt = sw.CreatedAt.UTC(), sw.UpdatedAt.UTC()
	return sw, nil
}

// Software implements catalogue.Store.
func (s *Store) Software(ctx context.Context, id string) (catalogue.Software, error) {
	list, err := s.SoftwareByIDs(ctx, []string{id})
	if err != nil {
		return catalogue.Software{}, err
	}
	if len(list) == 0 {
		return catalogue.Software{}, fmt.Errorf("software %s: %w", id, catalogue.ErrNotFound)
	}
	return list[0], nil
}

// SoftwareByIDs implements catalogue.Store.
func (s *Store) SoftwareByIDs(ctx context.Context, ids []string) ([]catalogue.Software, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := s.loadSoftware(ctx, `WHERE `+listedSoftware+` AND s.id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	inOrderOf(list, ids, softwareID)
	return list, nil
}

func softwareID(sw catalogue.Software) string { return sw.ID }

// ListSoftware implements catalogue.Store.
func (s *Store) ListSoftware(ctx context.Context, publisher string, page catalogue.Page) ([]catalogue.Software, string, error) {
	size := pageSize(page.Size)
	where := `WHERE ` + listedSoftware + ` AND s.id > ?`
	args := []any{page.After}
	if publisher != "" {
		where += ` AND s.id IN (SELECT r.software_id FROM repositories r JOIN repository_publishers rp ON rp.repository_id = r.id WHERE rp.publisher_id = ?)`
		args = append(args, publisher)
	}
	args = append(args, size+1)
	list, err := s.loadSoftware(ctx, where+` ORDER BY s.id LIMIT ?`, args...)
	if err != nil {
		return nil, "", err
	}
	list, next := pageOf(list, size, softwareID)
	return list, next, nil
}

// loadSoftware reads software rows and the repositories that carry them.
func (s *Store) loadSoftware(ctx context.Context, where string, args ...any) ([]catalogue.Software, error) {
	list, err := scanAll(ctx, s, "software", scanSoftware, `SELECT `+softwareColumns+` FROM software s LEFT JOIN repositories src ON src.id = s.source_repo_id `+where, args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	urls := make([]string, len(list))
	ids := make([]string, len(list))
	for i, sw := range list {
		urls[i], ids[i] = sw.URL, sw.ID
	}
	if err := s.fillRepositories(ctx, list, urls); err != nil {
		return nil, err
	}
	if err := s.fillLinks(ctx, list, urls); err != nil {
		return nil, err
	}
	if err := s.fillJoinCounts(ctx, list, ids); err != nil {
		return nil, err
	}
	if err := s.fillOrigins(ctx, list); err != nil {
		return nil, err
	}
	for i := range list {
		sort.Strings(list[i].Publishers)
		if list[i].Publishers == nil {
			list[i].Publishers = []string{}
		}
		if list[i].Repositories == nil {
			list[i].Repositories = []catalogue.SoftwareRepository{}
		}
	}
	return list, nil
}

// softwareLink is a repository carrying the software at list index sw.
type softwareLink struct {
	sw   int
	repo catalogue.SoftwareRepository
	id   int64
}

// fillRepositories adds the repositories that carry each entry (origins
// first), and the publishers of those that are neither forks nor gone.
func (s *Store) fillRepositories(ctx context.Context, list []catalogue.Software, urls []string) error {
	byURL := make(map[string]int, len(list))
	for i, sw := range list {
		byURL[sw.URL] = i
	}
	links, err := scanAll(ctx, s, "software repositories", func(r scanner) (softwareLink, error) {
		var l softwareLink
		var swURL, status, role string
		err := r.Scan(&l.id, &l.repo.URL, &swURL, &status, &role)
		l.repo.Status, l.repo.Role, l.sw = catalogue.RepoStatus(status), catalogue.RepoRole(role), byURL[swURL]
		return l, err
	}, `SELECT r.id, r.url, r.software_url, r.status, r.role FROM repositories r
		WHERE r.software_url IN (`+placeholders(len(urls))+`) ORDER BY CASE WHEN r.role = 'origin' THEN 0 ELSE 1 END, r.id`, anys(urls)...)
	if err != nil || len(links) == 0 {
		return err
	}
	repoIDs := make([]int64, len(links))
	for i, l := range links {
		repoIDs[i] = l.id
	}
	pubs, err := repositoryPublishers(ctx, s.db, s.d, repoIDs)
	if err != nil {
		return err
	}
	seen := make([]map[string]bool, len(list))
	for _, l := range links {
		sw := &list[l.sw]
		l.repo.Publishers = pubs[l.id]
		if len(l.repo.Publishers) > 0 {
			l.repo.Publisher = l.repo.Publishers[0]
		}
		sw.Repositories = append(sw.Repositories, l.repo)
		if l.repo.Role == catalogue.RoleFork || l.repo.Status == catalogue.StatusGone {
			continue // a fork is another software; a gone repository no longer says who publishes it
		}
		if seen[l.sw] == nil {
			seen[l.sw] = map[string]bool{}
		}
		for _, p := range l.repo.Publishers {
			if !seen[l.sw][p] {
				seen[l.sw][p] = true
				sw.Publishers = append(sw.Publishers, p)
			}
		}
	}
	return nil
}

// fillLinks adds each entry's upstreams (isBasedOn) and listed variants.
func (s *Store) fillLinks(ctx context.Context, list []catalogue.Software, urls []string) error {
	index := map[string]int{}
	ids := make([]string, len(list))
	for i, sw := range list {
		index[sw.ID], ids[i] = i, sw.ID
	}
	rows, err := s.query(ctx, `SELECT b.software_id, b.url, COALESCE(u.id, '') FROM software_based_on b
		LEFT JOIN software u ON u.url = b.url AND u.hidden = FALSE AND u.hidden_reason = ''
		WHERE b.software_id IN (`+placeholders(len(ids))+`) ORDER BY b.url`, anys(ids)...)
	if err != nil {
		return fmt.Errorf("load isBasedOn: %w", err)
	}
	for rows.Next() {
		var id string
		var l catalogue.SoftwareLink
		if err := rows.Scan(&id, &l.URL, &l.ID); err != nil {
			rows.Close()
			return fmt.Errorf("load isBasedOn: %w", err)
		}
		list[index[id]].BasedOn = append(list[index[id]].BasedOn, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load isBasedOn: %w", err)
	}
	byURL := map[string]int{}
	for i, sw := range list {
		byURL[sw.URL] = i
	}
	vrows, err := s.query(ctx, `SELECT b.url, s.id, s.url FROM software_based_on b JOIN software s ON s.id = b.software_id
		WHERE b.url IN (`+placeholders(len(urls))+`) AND `+listedSoftware+` ORDER BY s.url`, anys(urls)...)
	if err != nil {
		return fmt.Errorf("load variants: %w", err)
	}
	defer vrows.Close()
	for vrows.Next() {
		var upstream string
		var l catalogue.SoftwareLink
		if err := vrows.Scan(&upstream, &l.ID, &l.URL); err != nil {
			return fmt.Errorf("load variants: %w", err)
		}
		list[byURL[upstream]].Variants = append(list[byURL[upstream]].Variants, l)
	}
	return vrows.Err()
}
