-- The catalogue's first schema. {{...}} markers are filled per dialect (dialect.go).

CREATE TABLE publishers (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    country        TEXT NOT NULL DEFAULT '',
    uri            TEXT NOT NULL DEFAULT '',
    alternative_id TEXT NOT NULL DEFAULT '',
    email_domains  TEXT NOT NULL DEFAULT '[]',
    created_at     {{timestamp}} NOT NULL,
    updated_at     {{timestamp}} NOT NULL
);

CREATE TABLE code_hosting (
    publisher_id TEXT NOT NULL REFERENCES publishers (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    grp          BOOLEAN NOT NULL,
    type         TEXT NOT NULL DEFAULT '',
    origin       TEXT NOT NULL,
    PRIMARY KEY (publisher_id, url)
);

CREATE TABLE software (
    id             TEXT PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    source_repo_id BIGINT,
    content        TEXT NOT NULL,
    raw            TEXT NOT NULL,
    valid          BOOLEAN NOT NULL,
    errors         INTEGER NOT NULL DEFAULT 0,
    warnings       INTEGER NOT NULL DEFAULT 0,
    hidden         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     {{timestamp}} NOT NULL,
    updated_at     {{timestamp}} NOT NULL
);
CREATE INDEX software_updated ON software (updated_at);

CREATE TABLE repositories (
    id              {{serial_pk}},
    url             TEXT NOT NULL,
    canonical_url   TEXT NOT NULL UNIQUE,
    software_id     TEXT REFERENCES software (id),
    software_url    TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    path            TEXT NOT NULL DEFAULT '',
    head            TEXT NOT NULL DEFAULT '',
    findings        TEXT NOT NULL DEFAULT '[]',
    raw             TEXT NOT NULL DEFAULT '',
    raw_hash        TEXT NOT NULL DEFAULT '',
    content         TEXT NOT NULL DEFAULT '',
    last_crawled_at {{timestamp}},
    created_at      {{timestamp}} NOT NULL
);
CREATE INDEX repositories_software ON repositories (software_id);
CREATE INDEX repositories_software_url ON repositories (software_url);

CREATE TABLE repository_publishers (
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    publisher_id  TEXT NOT NULL REFERENCES publishers (id) ON DELETE CASCADE,
    PRIMARY KEY (repository_id, publisher_id)
);
CREATE INDEX repository_publishers_publisher ON repository_publishers (publisher_id);

CREATE TABLE crawl_runs (
    id          {{serial_pk}},
    started_at  {{timestamp}} NOT NULL,
    finished_at {{timestamp}}
);

CREATE TABLE crawl_results (
    run_id        BIGINT NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    repository_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    listed        BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (run_id, repository_id)
);

CREATE TABLE changes (
    seq       {{serial_pk}},
    type      TEXT NOT NULL,
    op        TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    at        {{timestamp}} NOT NULL
);
