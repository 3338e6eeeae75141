-- Contributions (issue 16): aggregates from the commit graph of each software,
-- never an author's name or address.

-- The whole figures (catalogue.Contributions as JSON), from our crawl or, for a
-- harvested entry, as the peer gave them ('' when not computed yet).
ALTER TABLE software ADD COLUMN contributions TEXT NOT NULL DEFAULT '';

-- One row per administration with commits to a software, so that a publisher's
-- page finds what it contributes to without reading every entry.
CREATE TABLE software_contributors (
    software_id  TEXT NOT NULL REFERENCES software (id) ON DELETE CASCADE,
    publisher_id TEXT NOT NULL,
    commits12m   BIGINT NOT NULL DEFAULT 0,
    commits      BIGINT NOT NULL DEFAULT 0,
    last_commit  {{timestamp}},
    PRIMARY KEY (software_id, publisher_id)
);
CREATE INDEX software_contributors_publisher ON software_contributors (publisher_id);

-- Counting an administration's e-mail domains can be turned off by the operator
-- (the publishers list) and by the administration's members (the site): its
-- authors then count as other organisations.
ALTER TABLE publishers ADD COLUMN counting_off BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE publishers ADD COLUMN members_counting_off BOOLEAN NOT NULL DEFAULT FALSE;

-- A peer's figures for an entry it lists, shown with its origin when no crawl
-- here carries the software.
ALTER TABLE peer_entries ADD COLUMN contributions TEXT NOT NULL DEFAULT '';
