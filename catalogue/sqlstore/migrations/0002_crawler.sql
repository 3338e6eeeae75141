-- The crawler's schema: the durable job queue, what the catalogue keeps about every
-- repository across runs, operator moderation, stored media and forge caches.

-- The job queue (catalogue.JobQueue). A finished job is deleted; at most one live
-- (not dead) job per (kind, unique_key).
CREATE TABLE jobs (
    id           {{serial_pk}},
    kind         TEXT NOT NULL,
    unique_key   TEXT NOT NULL,
    grp          TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL,
    run_at       {{timestamp}} NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    claimed_by   TEXT NOT NULL DEFAULT '',
    lease_until  {{timestamp}},
    concurrency  TEXT NOT NULL DEFAULT '',
    created_at   {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX jobs_live_key ON jobs (kind, unique_key) WHERE state <> 'dead';
CREATE INDEX jobs_runnable ON jobs (state, run_at);
CREATE INDEX jobs_group ON jobs (grp, state);

-- What the catalogue keeps about every repository across runs.
ALTER TABLE repositories ADD COLUMN archived BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE repositories ADD COLUMN forge_fork BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE repositories ADD COLUMN upstream TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN activity TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN root_commit TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN tags_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN media TEXT NOT NULL DEFAULT '[]';
ALTER TABLE repositories ADD COLUMN logo TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN listed_run BIGINT NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE repositories ADD COLUMN read_at {{timestamp}};
CREATE INDEX repositories_root_commit ON repositories (root_commit);
CREATE INDEX repositories_status ON repositories (status);

ALTER TABLE software ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';

-- Runs survive a kill: their trigger, and their counts frozen when they finish so
-- that the bounded per-repository history can be pruned.
ALTER TABLE crawl_runs ADD COLUMN trigger_name TEXT NOT NULL DEFAULT '';
ALTER TABLE crawl_runs ADD COLUMN counts TEXT NOT NULL DEFAULT '';
ALTER TABLE crawl_runs ADD COLUMN listed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_results ADD COLUMN at {{timestamp}};
ALTER TABLE crawl_results ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE crawl_results ADD COLUMN head TEXT NOT NULL DEFAULT '';
ALTER TABLE crawl_results ADD COLUMN errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE crawl_results ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;
CREATE INDEX crawl_results_repository ON crawl_results (repository_id, run_id);

CREATE TABLE crawl_hosting_failures (
    run_id       BIGINT NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    publisher_id TEXT NOT NULL,
    url          TEXT NOT NULL,
    error        TEXT NOT NULL,
    PRIMARY KEY (run_id, publisher_id, url)
);

-- Operator moderation: URLs never crawled.
CREATE TABLE blocklist (
    url        TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    created_at {{timestamp}} NOT NULL
);

-- Logos and screenshots, by the SHA-256 of their content.
CREATE TABLE media (
    hash         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    data         {{blob}} NOT NULL,
    created_at   {{timestamp}} NOT NULL
);

-- Forge listing pages with their ETag, for conditional requests.
CREATE TABLE forge_pages (
    url        TEXT PRIMARY KEY,
    etag       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at {{timestamp}} NOT NULL
);

-- Variants and their upstream: the canonical URLs a software's isBasedOn names.
CREATE TABLE software_based_on (
    software_id TEXT NOT NULL REFERENCES software (id) ON DELETE CASCADE,
    url         TEXT NOT NULL,
    PRIMARY KEY (software_id, url)
);
CREATE INDEX software_based_on_url ON software_based_on (url);
