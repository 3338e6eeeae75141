-- The errors of an 'invalid' event, as JSON, each with its message's text ID
-- and arguments, so that a digest can say them in its reader's language. The
-- detail column keeps them in English too.
ALTER TABLE repository_events ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
