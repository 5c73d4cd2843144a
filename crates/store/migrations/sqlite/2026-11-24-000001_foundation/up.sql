-- Accounts, sessions, API tokens, login throttling and the hash-chained access log.
-- Keep column types to those both backends share (see tests/schema.rs).

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    unit TEXT,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE user_municipalities (
    user_id INTEGER NOT NULL REFERENCES users (id),
    municipality_code TEXT NOT NULL,
    PRIMARY KEY (user_id, municipality_code)
);

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The attempted user name is kept only as a hash: people type passwords into the wrong field.
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY NOT NULL,
    username_hash TEXT NOT NULL,
    client_address TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    succeeded BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username_hash, at);
CREATE INDEX login_attempts_address ON login_attempts (client_address, at);

-- Ids are given by the chain, not by the database, so that a gap is a sign of a removed row.
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_user_id INTEGER,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT,
    municipality_code TEXT,
    request_id TEXT,
    client_address TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX access_log_at ON access_log (at);
CREATE INDEX access_log_actor ON access_log (actor_user_id, at);

-- One row: the chain's last id and hash. Updating it first serialises appends on both backends.
CREATE TABLE access_log_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    last_id INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO access_log_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
