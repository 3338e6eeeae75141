-- Join: accounts of people, memberships of administrations, code hosting added on
-- the site, join records, initiatives, subscriptions and the audit log.

-- Administrations registered on the site are pending until an instance
-- administrator approves them; those from the publishers list are approved.
ALTER TABLE publishers ADD COLUMN status TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE publishers ADD COLUMN registered_by TEXT NOT NULL DEFAULT '';

-- E-mail domains an instance administrator set, beside those of the list file.
CREATE TABLE publisher_domains (
    publisher_id TEXT NOT NULL REFERENCES publishers (id) ON DELETE CASCADE,
    domain       TEXT NOT NULL,
    PRIMARY KEY (publisher_id, domain)
);
CREATE INDEX publisher_domains_domain ON publisher_domains (domain);

-- Code hosting added on the site: who added it, and how it was verified
-- ('' until then: 'publiccode', 'forge-domain' or 'admin').
ALTER TABLE code_hosting ADD COLUMN verified TEXT NOT NULL DEFAULT '';
ALTER TABLE code_hosting ADD COLUMN added_by TEXT NOT NULL DEFAULT '';
ALTER TABLE code_hosting ADD COLUMN added_at {{timestamp}};

-- People who signed in, by their verified e-mail address.
CREATE TABLE people (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    oidc_subject  TEXT NOT NULL DEFAULT '',
    created_at    {{timestamp}} NOT NULL,
    signed_in_at  {{timestamp}},
    digest_at     {{timestamp}},
    digest_seq    BIGINT NOT NULL DEFAULT 0
);

-- Single-use sign-in links, by the SHA-256 of their token.
CREATE TABLE signin_tokens (
    hash        TEXT PRIMARY KEY,
    email       TEXT NOT NULL,
    client      TEXT NOT NULL DEFAULT '',
    created_at  {{timestamp}} NOT NULL,
    expires_at  {{timestamp}} NOT NULL,
    used_at     {{timestamp}}
);
CREATE INDEX signin_tokens_email ON signin_tokens (email, created_at);

-- Sessions, by the SHA-256 of their token.
CREATE TABLE sessions (
    hash        TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at  {{timestamp}} NOT NULL,
    expires_at  {{timestamp}} NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);

-- Memberships other than those an e-mail domain gives, and revocations of those.
CREATE TABLE memberships (
    person_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    publisher_id TEXT NOT NULL REFERENCES publishers (id) ON DELETE CASCADE,
    status       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    decided_by   TEXT NOT NULL DEFAULT '',
    created_at   {{timestamp}} NOT NULL,
    updated_at   {{timestamp}} NOT NULL,
    PRIMARY KEY (person_id, publisher_id)
);
CREATE INDEX memberships_status ON memberships (status);

-- Join records: an administration's relation to a software.
CREATE TABLE joins (
    id              TEXT PRIMARY KEY,
    software_id     TEXT NOT NULL REFERENCES software (id),
    publisher_id    TEXT NOT NULL REFERENCES publishers (id),
    kind            TEXT NOT NULL,
    since           TEXT NOT NULL,
    contact_name    TEXT NOT NULL DEFAULT '',
    contact_role    TEXT NOT NULL DEFAULT '',
    contact_email   TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    declared_by     TEXT NOT NULL DEFAULT '',
    verified        BOOLEAN NOT NULL DEFAULT TRUE,
    confirmed_until {{timestamp}} NOT NULL,
    reminded_at     {{timestamp}},
    lapsed          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      {{timestamp}} NOT NULL,
    updated_at      {{timestamp}} NOT NULL,
    UNIQUE (software_id, publisher_id, kind)
);
CREATE INDEX joins_publisher ON joins (publisher_id);
CREATE INDEX joins_confirmed ON joins (confirmed_until);

-- How to join a project, set by its maintainers.
CREATE TABLE join_info (
    software_id   TEXT PRIMARY KEY REFERENCES software (id),
    open          BOOLEAN NOT NULL DEFAULT FALSE,
    coordination  TEXT NOT NULL DEFAULT '',
    meetings      TEXT NOT NULL DEFAULT '',
    contributing  TEXT NOT NULL DEFAULT '',
    updated_by    TEXT NOT NULL DEFAULT '',
    updated_at    {{timestamp}} NOT NULL
);

-- Initiatives (the incubator) and the pledges of those who join them.
CREATE TABLE initiatives (
    id           TEXT PRIMARY KEY,
    publisher_id TEXT NOT NULL REFERENCES publishers (id),
    title        TEXT NOT NULL,
    problem      TEXT NOT NULL,
    requirements TEXT NOT NULL DEFAULT '',
    budget       TEXT NOT NULL DEFAULT '',
    software_id  TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   {{timestamp}} NOT NULL,
    updated_at   {{timestamp}} NOT NULL
);

CREATE TABLE pledges (
    initiative_id TEXT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    publisher_id  TEXT NOT NULL REFERENCES publishers (id),
    kind          TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    pledged_by    TEXT NOT NULL DEFAULT '',
    created_at    {{timestamp}} NOT NULL,
    PRIMARY KEY (initiative_id, publisher_id)
);

-- Members who want a mail when their administration's repositories change.
CREATE TABLE subscriptions (
    person_id    TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    publisher_id TEXT NOT NULL REFERENCES publishers (id) ON DELETE CASCADE,
    created_at   {{timestamp}} NOT NULL,
    PRIMARY KEY (person_id, publisher_id)
);

-- What happened to repositories that subscribers hear about.
CREATE TABLE repository_events (
    seq        {{serial_pk}},
    repository TEXT NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    at         {{timestamp}} NOT NULL
);

CREATE TABLE repository_event_publishers (
    event_seq    BIGINT NOT NULL REFERENCES repository_events (seq) ON DELETE CASCADE,
    publisher_id TEXT NOT NULL,
    PRIMARY KEY (event_seq, publisher_id)
);
CREATE INDEX repository_event_publishers_publisher ON repository_event_publishers (publisher_id, event_seq);

-- The audit log: every declaration, withdrawal, membership and code-hosting change.
CREATE TABLE audit_log (
    seq          {{serial_pk}},
    at           {{timestamp}} NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    publisher_id TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_actor ON audit_log (actor);
CREATE INDEX audit_log_publisher ON audit_log (publisher_id);
