-- The processes of an instance (web nodes, workers, single processes), each
-- under the stable ID kept in its data directory, with its last heartbeat and,
-- for a node that keeps a search index, how far it has read the change log:
-- pruning never passes the slowest node seen within the retention period.
CREATE TABLE nodes (
    id             TEXT PRIMARY KEY,
    role           TEXT NOT NULL,
    version        TEXT NOT NULL DEFAULT '',
    started_at     {{timestamp}} NOT NULL,
    last_seen_at   {{timestamp}} NOT NULL,
    index_position BIGINT NOT NULL DEFAULT 0
);

-- Leases: work that one node at a time does (enqueuing scheduled runs), held
-- by a node until its lease ends unless renewed.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lease_until {{timestamp}} NOT NULL,
    acquired_at {{timestamp}} NOT NULL
);

-- Scheduled runs ever enqueued, by kind and key (the scheduled time), so that a
-- run that finished (its job deleted) is never enqueued again, whichever node
-- took the schedule over.
CREATE TABLE scheduled_runs (
    kind        TEXT NOT NULL,
    run_key     TEXT NOT NULL,
    enqueued_at {{timestamp}} NOT NULL,
    PRIMARY KEY (kind, run_key)
);
CREATE INDEX scheduled_runs_enqueued ON scheduled_runs (enqueued_at);
