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
