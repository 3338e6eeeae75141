package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/catalogue/i18n"
	"github.com/oscat-eu/oscat/catalogue/publiccode"
)

// listedStatuses are the statuses of a repository whose software is listed and valid.
var listedStatuses = map[catalogue.RepoStatus]bool{
	catalogue.StatusNew: true, catalogue.StatusUpdated: true, catalogue.StatusUnchanged: true, catalogue.StatusMirror: true,
}

// eventOf tells what a crawl's change of status means to subscribers: the
// repository became listed, became invalid, was fixed, or is gone.
func eventOf(prev, now catalogue.RepoStatus) string {
	switch {
	case prev == now:
		return ""
	case now == catalogue.StatusGone:
		return catalogue.EventGone
	case now == catalogue.StatusInvalid:
		return catalogue.EventInvalid
	case listedStatuses[now] && prev == catalogue.StatusInvalid:
		return catalogue.EventFixed
	case listedStatuses[now] && !listedStatuses[prev]:
		return catalogue.EventListed
	}
	return ""
}

// recordEvent keeps an event for the subscribers of the repository's publishers.
func (t *tx) recordEvent(ctx context.Context, id int64, canonical string, prev, now catalogue.RepoStatus, r catalogue.CrawlResult) error {
	kind := eventOf(prev, now)
	if kind == "" {
		return nil
	}
	var subscribed int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM subscriptions s JOIN repository_publishers rp ON rp.publisher_id = s.publisher_id
		WHERE rp.repository_id = ?`, id).Scan(&subscribed); err != nil {
		return err
	}
	if subscribed == 0 {
		return nil
	}
	detail, findings := r.Reason, []eventFinding{}
	if kind == catalogue.EventInvalid {
		var b strings.Builder
		for _, f := range r.Findings {
			if f.Severity != publiccode.SeverityError {
				continue
			}
			fmt.Fprintf(&b, "line %d, column %d: %s\n", f.Line, f.Column, f.Message)
			findings = append(findings, keptFinding(f))
		}
		detail = b.String()
	}
	kept, err := json.Marshal(findings)
	if err != nil {
		return fmt.Errorf("encode findings: %w", err)
	}
	var seq int64
	if err := t.queryRow(ctx, `INSERT INTO repository_events (repository, kind, detail, findings, at) VALUES (?, ?, ?, ?, ?) RETURNING seq`,
		canonical, kind, detail, string(kept), t.now).Scan(&seq); err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO repository_event_publishers (event_seq, publisher_id) SELECT ?, publisher_id FROM repository_publishers WHERE repository_id = ?`, seq, id)
	return err
}

// eventFinding is a finding as an event keeps it: publiccode.Finding's JSON
// leaves out the message's text, which a digest needs to translate it.
type eventFinding struct {
	Code    string            `json:"code,omitempty"`
	Key     string            `json:"key,omitempty"`
	Line    int               `json:"line"`
	Column  int               `json:"column"`
	Message string            `json:"message"`
	ID      string            `json:"id,omitempty"`
	Args    map[string]string `json:"args,omitempty"`
}

func keptFinding(f publiccode.Finding) eventFinding {
	k := eventFinding{Code: f.Code, Key: f.Key, Line: f.Line, Column: f.Column, Message: f.Message, ID: f.Text.ID}
	for _, a := range f.Text.Args {
		if k.Args == nil {
			k.Args = map[string]string{}
		}
		k.Args[a.Name] = a.Value
	}
	return k
}

func (k eventFinding) finding() publiccode.Finding {
	f := publiccode.Finding{Severity: publiccode.SeverityError, Code: k.Code, Key: k.Key, Line: k.Line, Column: k.Column,
		Message: k.Message, Text: i18n.Message{ID: k.ID}}
	for _, name := range slices.Sorted(maps.Keys(k.Args)) {
		f.Text.Args = append(f.Text.Args, i18n.Arg{Name: name, Value: k.Args[name]})
	}
	return f
}

// DigestInterval is the least time between two mails to one subscriber.
const DigestInterval = 24 * time.Hour

// DueDigests implements catalogue.JoinStore.
func (s *Store) DueDigests(ctx context.Context) ([]catalogue.Digest, error) {
	now := s.now()
	rows, err := s.query(ctx, `SELECT DISTINCT p.id, p.email, p.name, p.language, p.created_at, p.signed_in_at, p.digest_seq FROM people p
		JOIN subscriptions s ON s.person_id = p.id
		JOIN repository_event_publishers ep ON ep.publisher_id = s.publisher_id AND ep.event_seq > p.digest_seq
		WHERE p.digest_at IS NULL OR p.digest_at <= ? ORDER BY p.id`, dbTime(now.Add(-DigestInterval)))
	if err != nil {
		return nil, fmt.Errorf("due digests: %w", err)
	}
	type due struct {
		p     catalogue.Person
		after int64
	}
	var people []due
	for rows.Next() {
		var d due
		var at sql.NullTime
		if err := rows.Scan(&d.p.ID, &d.p.Email, &d.p.Name, &d.p.Language, &d.p.CreatedAt, &at, &d.after); err != nil {
			rows.Close()
			return nil, fmt.Errorf("due digests: %w", err)
		}
		people = append(people, d)
	}
	rows.Close()
	var out []catalogue.Digest
	for _, d := range people {
		erows, err := s.query(ctx, `SELECT DISTINCT e.seq, e.repository, e.kind, e.detail, e.findings, e.at FROM repository_events e
			JOIN repository_event_publishers ep ON ep.event_seq = e.seq JOIN subscriptions s ON s.publisher_id = ep.publisher_id
			WHERE s.person_id = ? AND e.seq > ? ORDER BY e.seq`, d.p.ID, d.after)
		if err != nil {
			return nil, fmt.Errorf("due digests: %w", err)
		}
		dg := catalogue.Digest{Person: d.p}
		for erows.Next() {
			var e catalogue.RepositoryEvent
			var findings string
			if err := erows.Scan(&e.Seq, &e.Repository, &e.Kind, &e.Detail, &findings, &e.At); err != nil {
				erows.Close()
				return nil, err
			}
			var kept []eventFinding
			if err := json.Unmarshal([]byte(findings), &kept); err != nil {
				erows.Close()
				return nil, fmt.Errorf("due digests: event %d: %w", e.Seq, err)
			}
			for _, k := range kept {
				e.Findings = append(e.Findings, k.finding())
			}
			e.At = e.At.UTC()
			dg.Events, dg.Through = append(dg.Events, e), e.Seq
		}
		erows.Close()
		if len(dg.Events) > 0 {
			out = append(out, dg)
		}
	}
	return out, nil
}

// MarkDigested implements catalogue.JoinStore.
func (s *Store) MarkDigested(ctx context.Context, person string, through int64) error {
	return s.txn(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE people SET digest_at = ?, digest_seq = ? WHERE id = ?`, t.now, through, person)
		return err
	})
}
