// Package webhook delivers the catalogue's events to the URLs administrators
// registered, the Standard Webhooks way: each delivery is a job in the durable
// queue, retried with backoff, signed with HMAC-SHA256 so that receivers can
// check it and reject replays, and logged per webhook.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oscat-eu/oscat/catalogue"
	"github.com/oscat-eu/oscat/crawler/safehttp"
)

// KindDeliver is the job kind of one delivery (its key: webhook and change).
const KindDeliver catalogue.JobKind = "webhook.deliver"

// cursorName is the dispatcher's position in the change log.
const cursorName = "webhooks"

// DeliveryStore is what the dispatcher reads and writes: the change log and its
// position in it, the software the payloads describe, the webhooks with their
// delivery log, and the job queue deliveries go through.
type DeliveryStore interface {
	ChangeHead(ctx context.Context) (int64, error)
	// ChangesSince returns change-log entries after a position, failing with
	// catalogue.ErrGone when they were pruned.
	ChangesSince(ctx context.Context, after int64, limit int) ([]catalogue.Change, error)
	Cursor(ctx context.Context, name string) (int64, error)
	SetCursor(ctx context.Context, name string, seq int64) error
	SoftwareByIDs(ctx context.Context, ids []string) ([]catalogue.Software, error)
	Webhooks(ctx context.Context) ([]catalogue.Webhook, error)
	WebhookByID(ctx context.Context, id int64) (catalogue.Webhook, error)
	// LogDelivery records a delivery attempt, keeping the webhook's log bounded.
	LogDelivery(ctx context.Context, d catalogue.Delivery) error
	Enqueue(ctx context.Context, jobs ...catalogue.NewJob) (int, error)
}

// Dispatcher turns change-log entries into deliveries and delivers them.
type Dispatcher struct {
	store DeliveryStore
	// PublicURL builds the links in payloads.
	publicURL string
	client    *http.Client
	log       *slog.Logger
	now       func() time.Time
}

// New returns a dispatcher; policy is the SSRF-safe client's (private
// addresses are refused unless allowed).
func New(store DeliveryStore, publicURL string, policy safehttp.Policy, log *slog.Logger) *Dispatcher {
	if log == nil {
		log = slog.Default()
	}
	if policy.Timeout <= 0 {
		policy.Timeout = 15 * time.Second
	}
	return &Dispatcher{store: store, publicURL: strings.TrimRight(publicURL, "/"), client: policy.Client(), log: log, now: time.Now}
}

type payload struct {
	Webhook int64  `json:"webhook"`
	Seq     int64  `json:"seq"`
	Event   string `json:"event"`
	Type    string `json:"type"`
	ID      string `json:"id"`
	At      string `json:"at"`
}

// Dispatch queues a delivery for every change since the last dispatch and every
// webhook that wants its event. A webhook hears of changes made after the
// dispatcher first ran, never of older ones.
func (d *Dispatcher) Dispatch(ctx context.Context) error {
	cursor, err := d.store.Cursor(ctx, cursorName)
	if err != nil {
		return err
	}
	if cursor == 0 {
		head, err := d.store.ChangeHead(ctx)
		if err != nil || head == 0 {
			return err
		}
		return d.store.SetCursor(ctx, cursorName, head)
	}
	hooks, err := d.store.Webhooks(ctx)
	if err != nil {
		return err
	}
	for {
		changes, err := d.store.ChangesSince(ctx, cursor, 500)
		if errors.Is(err, catalogue.ErrGone) {
			head, herr := d.store.ChangeHead(ctx)
			if herr != nil {
				return herr
			}
			d.log.Warn("webhook deliveries skipped changes older than the change log's retention", "from", cursor, "to", head)
			return d.store.SetCursor(ctx, cursorName, head)
		}
		if err != nil || len(changes) == 0 {
			return err
		}
		var jobs []catalogue.NewJob
		if len(hooks) > 0 {
			if jobs, err = d.jobs(ctx, changes, hooks); err != nil {
				return err
			}
		}
		if _, err := d.store.Enqueue(ctx, jobs...); err != nil {
			return err
		}
		cursor = changes[len(changes)-1].Seq
		if err := d.store.SetCursor(ctx, cursorName, cursor); err != nil {
			return err
		}
	}
}

func (d *Dispatcher) jobs(ctx context.Context, changes []catalogue.Change, hooks []catalogue.Webhook) ([]catalogue.NewJob, error) {
	var ids []string
	for _, c := range changes {
		if c.Type == catalogue.ChangeSoftware && c.Op == catalogue.OpUpsert {
			ids = append(ids, c.ID)
		}
	}
	listed, err := d.store.SoftwareByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	created := map[string]time.Time{}
	for _, sw := range listed {
		created[sw.ID] = sw.CreatedAt
	}
	var jobs []catalogue.NewJob
	for _, c := range changes {
		event := ""
		switch {
		case c.Type == catalogue.ChangeSoftware && c.Op == catalogue.OpHide:
			event = catalogue.EventSoftwareHidden
		case c.Type == catalogue.ChangeSoftware:
			// Listing writes the entry and its first change in one transaction.
			at, ok := created[c.ID]
			switch {
			case !ok:
				continue // hidden since; its hide comes later in the log
			case at.Equal(c.At):
				event = catalogue.EventSoftwareCreated
			default:
				event = catalogue.EventSoftwareUpdated
			}
		case c.Type == catalogue.ChangeJoin && c.Op == catalogue.OpUpsert:
			event = catalogue.EventJoinDeclared
		default:
			continue
		}
		for _, w := range hooks {
			if !w.Wants(event) {
				continue
			}
			p, _ := json.Marshal(payload{Webhook: w.ID, Seq: c.Seq, Event: event, Type: string(c.Type), ID: c.ID, At: c.At.Format(time.RFC3339Nano)})
			jobs = append(jobs, catalogue.NewJob{Kind: KindDeliver, Key: fmt.Sprintf("%d:%d", w.ID, c.Seq), Payload: p, MaxAttempts: 8})
		}
	}
	return jobs, nil
}

// MessageID is a delivery's webhook-id: the same on every retry, so that a
// receiver can tell a retry from a new event.
func MessageID(webhook, seq int64) string { return fmt.Sprintf("msg_%d_%d", seq, webhook) }

// Sign returns the webhook-signature header of a message: "v1," and the base64
// HMAC-SHA256, keyed with the secret's bytes, of "id.timestamp.body".
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Deliver is the job handler of KindDeliver. A 2xx answer completes it; anything
// else fails the attempt, retried with backoff. Each attempt is logged.
func (d *Dispatcher) Deliver(ctx context.Context, j catalogue.Job) error {
	var p payload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return fmt.Errorf("job %s %s: payload: %w", j.Kind, j.Key, err)
	}
	w, err := d.store.WebhookByID(ctx, p.Webhook)
	if errors.Is(err, catalogue.ErrNotFound) {
		return nil // removed since
	}
	if err != nil {
		return err
	}
	data := map[string]any{"type": p.Type, "id": p.ID, "seq": p.Seq, "at": p.At}
	if p.Type == string(catalogue.ChangeSoftware) {
		data["url"] = d.publicURL + "/api/v1/software/" + p.ID
		data["page"] = d.publicURL + "/software/" + p.ID
	}
	now := d.now()
	body, _ := json.Marshal(map[string]any{"type": p.Event, "timestamp": now.UTC().Format(time.RFC3339), "data": data})
	id := MessageID(w.ID, p.Seq)
	sig, err := Sign(w.Secret, id, now.Unix(), body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	start := time.Now()
	resp, err := d.client.Do(req)
	entry := catalogue.Delivery{Webhook: w.ID, MessageID: id, Event: p.Event, Attempt: j.Attempts}
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		entry.Status = resp.StatusCode
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			err = fmt.Errorf("POST %s: HTTP %d", w.URL, resp.StatusCode)
		}
	}
	entry.Duration = time.Since(start).Milliseconds()
	if err != nil {
		entry.Error = err.Error()
	}
	if lerr := d.store.LogDelivery(context.WithoutCancel(ctx), entry); lerr != nil {
		d.log.Warn("logging a webhook delivery failed", "webhook", w.ID, "err", lerr)
	}
	return err
}
