package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oscat-eu/oscat/catalogue"
)

const originSite = "site"

// AddCodeHosting implements catalogue.JoinStore. The entry is crawled from the
// next crawl on (or at once, when the caller queues it), unverified until a rule
// verifies it. What it covers is linked to the administration at once: its
// repository, or the repositories of its group the catalogue knows already, so
// that their software shows its publisher, marked unverified, or verified at
// once when its file names the administration.
func (s *Store) AddCodeHosting(ctx context.Context, a catalogue.Actor, publisher string, h catalogue.CodeHosting) error {
	if !h.Type.Valid() {
		return catalogue.Invalidf("code hosting type %q: use github, gitlab, gitea, forgejo, bitbucket or git", h.Type)
	}
	canonical, err := catalogue.CanonicalURL(h.URL)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(t *tx) error {
		if _, err := t.publisher(ctx, publisher); err != nil {
			return err
		}
		if err := t.authorize(ctx, a, catalogue.ActAddHosting, publisher); err != nil {
			return err
		}
		if blocked, err := t.blocked(ctx, canonical); err != nil || blocked {
			if err == nil {
				err = catalogue.Invalidf("%s is blocked by the operator", h.URL)
			}
			return err
		}
		res, err := t.exec(ctx, `INSERT INTO code_hosting (publisher_id, url, grp, type, origin, verified, added_by, added_at) VALUES (?, ?, ?, ?, ?, '', ?, ?)
			ON CONFLICT (publisher_id, url) DO NOTHING`, publisher, h.URL, h.Group, string(h.Type), originSite, a.Person, t.now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return catalogue.Invalidf("%s is listed for this administration already", h.URL)
		}
		if _, err := t.exec(ctx, `UPDATE publishers SET updated_at = ? WHERE id = ?`, t.now, publisher); err != nil {
			return err
		}
		if err := t.audit(ctx, a, catalogue.AuditHostingAdd, publisher, h.URL, fmt.Sprintf("group=%t", h.Group)); err != nil {
			return err
		}
		if err := t.linkHosting(ctx, publisher, h, canonical); err != nil {
			return err
		}
		return t.softwareOfPublisherChanged(ctx, publisher)
	})
	if err != nil {
		return fmt.Errorf("add code hosting %s to %s: %w", h.URL, publisher, err)
	}
	return nil
}

// linkHosting links to publisher the repositories a site entry covers: its own
// (made pending when the catalogue does not know it yet), or those of its
// group known already (the others come with the group's next listing), and
// applies the publiccode rule to those whose file was read.
func (t *tx) linkHosting(ctx context.Context, publisher string, h catalogue.CodeHosting, canonical string) error {
	type repo struct {
		id                 int64
		canonical, content string
	}
	var repos []repo
	if !h.Group {
		id, err := t.ensureRepository(ctx, h.URL, canonical)
		if err != nil {
			return err
		}
		r := repo{id: id, canonical: canonical}
		if err := t.queryRow(ctx, `SELECT content FROM repositories WHERE id = ?`, id).Scan(&r.content); err != nil {
			return err
		}
		repos = append(repos, r)
	} else {
		// Under the group: canonical URLs from "group/" up to, not including,
		// "group0" ('0' follows '/'), compared as strings, never as a pattern.
		prefix := strings.TrimSuffix(canonical, "/") + "/"
		rows, err := t.query(ctx, `SELECT id, canonical_url, content FROM repositories WHERE canonical_url >= ? AND canonical_url < ?`,
			prefix, strings.TrimSuffix(prefix, "/")+"0")
		if err != nil {
			return err
		}
		for rows.Next() {
			var r repo
			if err := rows.Scan(&r.id, &r.canonical, &r.content); err != nil {
				rows.Close()
				return err
			}
			if h.Covers(r.canonical) {
				repos = append(repos, r)
			}
		}
		rows.Close()
	}
	for _, r := range repos {
		if _, err := t.exec(ctx, `INSERT INTO repository_publishers (repository_id, publisher_id) VALUES (?, ?)
			ON CONFLICT (repository_id, publisher_id) DO NOTHING`, r.id, publisher); err != nil {
			return err
		}
		if r.content == "" {
			continue // not read yet: its crawl applies the rule
		}
		f, err := decodeFile(r.content)
		if err != nil {
			return fmt.Errorf("repository %s: %w", r.canonical, err)
		}
		if err := t.verifyByFile(ctx, r.id, r.canonical, f.Organisation.URI); err != nil {
			return err
		}
	}
	return nil
}

// RemoveCodeHosting implements catalogue.JoinStore: site entries only; those of
// the publishers list are changed in the file. Its repositories then follow the
// gone rule.
func (s *Store) RemoveCodeHosting(ctx context.Context, a catalogue.Actor, publisher, url string) error {
	err := s.write(ctx, func(t *tx) error {
		if err := t.authorize(ctx, a, catalogue.ActRemoveHosting, publisher); err != nil {
			return err
		}
		var origin string
		if err := t.queryRow(ctx, `SELECT origin FROM code_hosting WHERE publisher_id = ? AND url = ?`, publisher, url).Scan(&origin); err != nil {
			return fmt.Errorf("code hosting %s: %w", url, catalogue.ErrNotFound)
		}
		if origin != originSite {
			return catalogue.Forbiddenf("%s comes from the publishers list: it is changed there", url)
		}
		if _, err := t.exec(ctx, `DELETE FROM code_hosting WHERE publisher_id = ? AND url = ?`, publisher, url); err != nil {
			return err
		}
		if err := t.appendChange(ctx, catalogue.ChangePublisher, catalogue.OpUpsert, publisher); err != nil {
			return err
		}
		return t.audit(ctx, a, catalogue.AuditHostingRemove, publisher, url, "")
	})
	if err != nil {
		return fmt.Errorf("remove code hosting %s from %s: %w", url, publisher, err)
	}
	return nil
}

// VerifyCodeHosting implements catalogue.JoinStore.
func (s *Store) VerifyCodeHosting(ctx context.Context, a catalogue.Actor, publisher, url, how string) error {
	act := catalogue.ActVerifyHostingItself
	if how == catalogue.VerifiedByAdmin {
		act = catalogue.ActVerifyHosting
	}
	if err := catalogue.Authorize(ctx, nil, a, act); err != nil {
		return fmt.Errorf("verify code hosting by %s: %w", how, err)
	}
	err := s.write(ctx, func(t *tx) error { return t.verifyHosting(ctx, a, publisher, url, how) })
	if err != nil {
		return fmt.Errorf("verify code hosting %s of %s: %w", url, publisher, err)
	}
	return nil
}

func (t *tx) verifyHosting(ctx context.Context, a catalogue.Actor, publisher, url, how string) error {
	res, err := t.exec(ctx, `UPDATE code_hosting SET verified = ? WHERE publisher_id = ? AND url = ? AND origin = ? AND verified = ''`,
		how, publisher, url, originSite)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM code_hosting WHERE publisher_id = ? AND url = ?`, publisher, url).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return catalogue.ErrNotFound
		}
		return nil // verified already
	}
	if err := t.softwareOfPublisherChanged(ctx, publisher); err != nil {
		return err
	}
	return t.audit(ctx, a, catalogue.AuditHostingVerify, publisher, url, how)
}

// softwareOfPublisherChanged appends a change for every software the publisher's
// repositories carry (their "publisher unverified" mark may have changed).
func (t *tx) softwareOfPublisherChanged(ctx context.Context, publisher string) error {
	rows, err := t.query(ctx, `SELECT DISTINCT r.software_id FROM repositories r JOIN repository_publishers rp ON rp.repository_id = r.id
		WHERE rp.publisher_id = ? AND r.software_id IS NOT NULL`, publisher)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		if err := t.appendChange(ctx, catalogue.ChangeSoftware, catalogue.OpUpsert, id); err != nil {
			return err
		}
	}
	return t.appendChange(ctx, catalogue.ChangePublisher, catalogue.OpUpsert, publisher)
}

// verifyByFile applies the publiccode rule after a crawl: the unverified site
// entries that list the repository, of publishers whose URI the file's
// organisation.uri names, become verified.
func (t *tx) verifyByFile(ctx context.Context, repoID int64, canonical, orgURI string) error {
	if orgURI == "" {
		return nil
	}
	rows, err := t.query(ctx, `SELECT h.publisher_id, h.url, h.grp FROM code_hosting h JOIN publishers p ON p.id = h.publisher_id
		JOIN repository_publishers rp ON rp.publisher_id = h.publisher_id AND rp.repository_id = ?
		WHERE h.origin = ? AND h.verified = '' AND p.uri = ? AND p.uri <> ''`, repoID, originSite, orgURI)
	if err != nil {
		return err
	}
	type entry struct {
		pub string
		h   catalogue.CodeHosting
	}
	var list []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.pub, &e.h.URL, &e.h.Group); err != nil {
			rows.Close()
			return err
		}
		list = append(list, e)
	}
	rows.Close()
	for _, e := range list {
		if !e.h.Covers(canonical) {
			continue
		}
		if err := t.verifyHosting(ctx, catalogue.System, e.pub, e.h.URL, catalogue.VerifiedByPubliccode); err != nil && !errors.Is(err, catalogue.ErrNotFound) {
			return err
		}
	}
	return nil
}

// UnverifiedHosting implements catalogue.JoinStore.
func (s *Store) UnverifiedHosting(ctx context.Context) ([]catalogue.PublisherHosting, error) {
	rows, err := s.query(ctx, `SELECT publisher_id, url, grp, type, origin, verified FROM code_hosting WHERE origin = ? AND verified = '' ORDER BY added_at`, originSite)
	if err != nil {
		return nil, fmt.Errorf("unverified code hosting: %w", err)
	}
	defer rows.Close()
	out := []catalogue.PublisherHosting{}
	for rows.Next() {
		var ph catalogue.PublisherHosting
		var typ string
		if err := rows.Scan(&ph.Publisher, &ph.Hosting.URL, &ph.Hosting.Group, &typ, &ph.Hosting.Origin, &ph.Hosting.Verified); err != nil {
			return nil, err
		}
		ph.Hosting.Type = catalogue.HostingType(typ)
		out = append(out, ph)
	}
	return out, rows.Err()
}
