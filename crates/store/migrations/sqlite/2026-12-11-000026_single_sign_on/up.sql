-- Single sign-on through the municipality's OpenID provider (issue 19).

-- The user's login id at the provider: the value of the configured claim (sub, oid, e-mail or
-- preferred user name), set by the administrator or by the first login when provisioning is on.
ALTER TABLE users ADD COLUMN sso_id TEXT;
CREATE UNIQUE INDEX users_sso_id ON users (sso_id);

-- How a session was opened: its logout also ends the provider's session when it came from it.
ALTER TABLE sessions ADD COLUMN via_sso BOOLEAN NOT NULL DEFAULT FALSE;

-- A login begun at the provider and not yet come back: found by the hash of the browser's
-- cookie, used once, and only for ten minutes.
CREATE TABLE sso_logins (
    id INTEGER PRIMARY KEY NOT NULL,
    handle_hash TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sso_logins_created_at ON sso_logins (created_at);
