-- Identity: e-mail domains compared as whole values in tables, never with LIKE
-- against the JSON column, and people keyed on their normalised address.

-- The domains of publishers.email_domains (the publishers list's, or those given
-- when an administration registered on the site), one a row, in their normal
-- form (lower case, IDNA A-labels). The JSON column stays for display.
CREATE TABLE publisher_email_domains (
    publisher_id TEXT NOT NULL REFERENCES publishers (id) ON DELETE CASCADE,
    domain       TEXT NOT NULL,
    PRIMARY KEY (publisher_id, domain)
);
CREATE INDEX publisher_email_domains_domain ON publisher_email_domains (domain);

-- The domain of a person's normalised address; '' when the address has no
-- valid domain (accounts made before addresses were checked), which gives no
-- membership by domain. Filled, with the addresses normalised and the accounts
-- of one address merged, by the migration's Go step (identity.go).
ALTER TABLE people ADD COLUMN email_domain TEXT NOT NULL DEFAULT '';
CREATE INDEX people_email_domain ON people (email_domain);
