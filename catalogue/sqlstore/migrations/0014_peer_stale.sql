-- A peer known to the store but absent from serve's configuration is kept with
-- its entries and marked stale (serve no longer harvests it); oscat peers remove
-- removes it on purpose.
ALTER TABLE peers ADD COLUMN stale BOOLEAN NOT NULL DEFAULT FALSE;
