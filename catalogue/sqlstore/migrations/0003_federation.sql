-- Federation: the instance's identity, followers' cursors and the change log's
-- retention, peers and what was harvested from them, webhooks and their deliveries.

-- Small settings the store keeps: the instance ID, followers' change-log cursors,
-- the highest pruned change-log sequence.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE INDEX changes_at ON changes (at);

-- Peer catalogues, as configured.
CREATE TABLE peers (
    id              {{serial_pk}},
    url             TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    instance_id     TEXT NOT NULL DEFAULT '',
    cursor_seq      BIGINT NOT NULL DEFAULT 0,
    last_attempt_at {{timestamp}},
    last_success_at {{timestamp}},
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      {{timestamp}} NOT NULL
);

-- Every software entry a peer lists, as it lists it. The software table holds the
-- one copy shown per canonical URL (see catalogue.Origin for the rule).
CREATE TABLE peer_entries (
    peer_id      BIGINT NOT NULL REFERENCES peers (id) ON DELETE CASCADE,
    remote_id    TEXT NOT NULL,
    url          TEXT NOT NULL,
    instance_id  TEXT NOT NULL DEFAULT '',
    page         TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    raw          TEXT NOT NULL,
    content      TEXT NOT NULL,
    valid        BOOLEAN NOT NULL,
    errors       INTEGER NOT NULL DEFAULT 0,
    warnings     INTEGER NOT NULL DEFAULT 0,
    publishers   TEXT NOT NULL DEFAULT '[]',
    joins        TEXT NOT NULL DEFAULT '[]',
    digest       TEXT NOT NULL,
    harvested_at {{timestamp}} NOT NULL,
    PRIMARY KEY (peer_id, remote_id)
);
CREATE INDEX peer_entries_url ON peer_entries (url);

-- A software row shown from a peer's copy names it; NULL for local entries.
ALTER TABLE software ADD COLUMN origin_peer BIGINT;
ALTER TABLE software ADD COLUMN origin_remote TEXT NOT NULL DEFAULT '';
CREATE INDEX software_created ON software (created_at, id);

CREATE TABLE webhooks (
    id         {{serial_pk}},
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    events     TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL
);

-- Each webhook's last deliveries (bounded by catalogue.DeliveryLogLength).
CREATE TABLE webhook_deliveries (
    id          {{serial_pk}},
    webhook_id  BIGINT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    message_id  TEXT NOT NULL,
    event       TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms BIGINT NOT NULL,
    at          {{timestamp}} NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
