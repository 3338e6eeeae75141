-- The branch a repository's last crawl read (what its HEAD points at), so that
-- a push webhook that does not name the default branch (Bitbucket Cloud's) can
-- tell a push to it from a push to another branch.
ALTER TABLE repositories ADD COLUMN branch TEXT NOT NULL DEFAULT '';
