-- Code entries: crawled repositories without a publiccode.yml, with what their
-- tree shows (catalogue.CodeFacts). The entry is listed while its repository has
-- status no-publiccode, carries no software and is not hidden or gone.
ALTER TABLE repositories ADD COLUMN forge_description TEXT NOT NULL DEFAULT '';
ALTER TABLE repositories ADD COLUMN forge_topics TEXT NOT NULL DEFAULT '[]';

CREATE TABLE code_entries (
    repository_id BIGINT PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    facts         TEXT NOT NULL,
    created_at    {{timestamp}} NOT NULL,
    updated_at    {{timestamp}} NOT NULL
);
