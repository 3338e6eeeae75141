-- Push webhooks from forges. A code-hosting entry's secret is kept apart from
-- code_hosting, whose file entries are rewritten on every publishers-list sync:
-- the secret survives them, keyed by the entry's publisher and URL.
CREATE TABLE hook_secrets (
    publisher_id   TEXT NOT NULL,
    hosting_url    TEXT NOT NULL,
    secret         TEXT NOT NULL,
    previous       TEXT NOT NULL DEFAULT '',
    previous_until {{timestamp}},
    rotated_at     {{timestamp}} NOT NULL,
    PRIMARY KEY (publisher_id, hosting_url)
);

-- Deliveries already taken (by the forge's delivery ID and by the body's hash),
-- so that a replayed delivery is ignored. Kept for a week.
CREATE TABLE hook_deliveries (
    delivery_key TEXT PRIMARY KEY,
    received_at  {{timestamp}} NOT NULL
);
CREATE INDEX hook_deliveries_received ON hook_deliveries (received_at);
