package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oscat-eu/oscat/catalogue"
)

// AddWebhook is for federation (harvests, webhooks, the federation routes).
func (s *Store) AddWebhook(ctx context.Context, w catalogue.Webhook) (catalogue.Webhook, error) {
	events, _ := json.Marshal(w.Events)
	err := s.txn(ctx, func(t *tx) error {
		w.CreatedAt = t.now
		return t.queryRow(ctx, `INSERT INTO webhooks (url, secret, events, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			w.URL, w.Secret, string(events), t.now).Scan(&w.ID)
	})
	if err != nil {
		return w, fmt.Errorf("add webhook %s: %w", w.URL, err)
	}
	return w, nil
}

func scanWebhook(r scanner) (catalogue.Webhook, error) {
	var w catalogue.Webhook
	var events string
	if err := r.Scan(&w.ID, &w.URL, &w.Secret, &events, &w.CreatedAt); err != nil {
		return w, err
	}
	w.CreatedAt = w.CreatedAt.UTC()
	return w, json.Unmarshal([]byte(events), &w.Events)
}

// Webhooks is for federation (harvests, webhooks, the federation routes).
func (s *Store) Webhooks(ctx context.Context) ([]catalogue.Webhook, error) {
	rows, err := s.query(ctx, `SELECT id, url, secret, events, created_at FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	defer rows.Close()
	var out []catalogue.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("webhooks: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// WebhookByID is for federation (harvests, webhooks, the federation routes).
func (s *Store) WebhookByID(ctx context.Context, id int64) (catalogue.Webhook, error) {
	w, err := scanWebhook(s.queryRow(ctx, `SELECT id, url, secret, events, created_at FROM webhooks WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return w, fmt.Errorf("webhook %d: %w", id, catalogue.ErrNotFound)
	}
	return w, err
}

// RemoveWebhook is for federation (harvests, webhooks, the federation routes).
func (s *Store) RemoveWebhook(ctx context.Context, id int64) error {
	return s.txn(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("webhook %d: %w", id, catalogue.ErrNotFound)
		}
		return nil
	})
}

// LogDelivery records a delivery attempt, keeping the webhook's log bounded.
func (s *Store) LogDelivery(ctx context.Context, d catalogue.Delivery) error {
	return s.txn(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `INSERT INTO webhook_deliveries (webhook_id, message_id, event, attempt, status, error, duration_ms, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.Webhook, d.MessageID, d.Event, d.Attempt, d.Status, d.Error, d.Duration, t.now); err != nil {
			return err
		}
		_, err := t.exec(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = ? AND id <= (
			SELECT MAX(id) - ? FROM webhook_deliveries WHERE webhook_id = ?)`, d.Webhook, catalogue.DeliveryLogLength, d.Webhook)
		return err
	})
}

// Deliveries is for federation (harvests, webhooks, the federation routes).
//
// newest first.
func (s *Store) Deliveries(ctx context.Context, webhook int64, limit int) ([]catalogue.Delivery, error) {
	rows, err := s.query(ctx, `SELECT id, webhook_id, message_id, event, attempt, status, error, duration_ms, at FROM webhook_deliveries
		WHERE webhook_id = ? ORDER BY id DESC LIMIT ?`, webhook, pageSize(limit))
	if err != nil {
		return nil, fmt.Errorf("deliveries of webhook %d: %w", webhook, err)
	}
	defer rows.Close()
	out := []catalogue.Delivery{}
	for rows.Next() {
		var d catalogue.Delivery
		if err := rows.Scan(&d.ID, &d.Webhook, &d.MessageID, &d.Event, &d.Attempt, &d.Status, &d.Error, &d.Duration, &d.At); err != nil {
			return nil, err
		}
		d.At = d.At.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}
