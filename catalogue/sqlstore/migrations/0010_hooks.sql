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

-- The publiccode files a crawl found in a repository (the root's and its
-- subfolders'), each with its outcome, and the catalogue entry that carries it:
-- the repository itself for the root file, an app's address for a subfolder's.
CREATE TABLE repository_files (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    entry_url     TEXT NOT NULL DEFAULT '',
    outcome       TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (repository_id, path)
);
CREATE INDEX repository_files_entry ON repository_files (entry_url);
