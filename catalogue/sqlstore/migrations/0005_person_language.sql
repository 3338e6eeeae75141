-- The language a person's mails are written in (a site language): set from the
-- site's language when they sign in, or chosen on their account page. People
-- who signed in before it was kept get English.
ALTER TABLE people ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
