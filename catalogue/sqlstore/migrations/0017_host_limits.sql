-- Per-host limits kept in the store, so that all workers together hold them
-- (PostgreSQL; on SQLite one process keeps them in memory).
--
-- host_limits is one row per forge host: its token bucket (tokens left, and when
-- they were last counted, in seconds since 1970 by the database's clock), whether
-- the last take was granted, and what the operator's status shows.
CREATE TABLE host_limits (
    host             TEXT PRIMARY KEY,
    tokens           DOUBLE PRECISION NOT NULL,
    refilled_at      DOUBLE PRECISION NOT NULL,
    granted          INTEGER NOT NULL DEFAULT 0,
    rate_limit_waits BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    last_error_at    {{timestamp}}
);

-- host_slots are the jobs running on a host, each held for a lease that its
-- worker renews: a killed worker's slots free themselves when their lease ends.
CREATE TABLE host_slots (
    host        TEXT NOT NULL,
    holder      TEXT NOT NULL,
    lease_until {{timestamp}} NOT NULL,
    PRIMARY KEY (host, holder)
);
