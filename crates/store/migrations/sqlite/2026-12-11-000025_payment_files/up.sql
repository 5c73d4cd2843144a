-- Bankgirot's payment files read into a post (issue 17): each once, by its SHA-256.
CREATE TABLE payment_files (
    id INTEGER PRIMARY KEY NOT NULL,
    post_id INTEGER NOT NULL REFERENCES shared_posts (id),
    sha256 TEXT NOT NULL,
    file_name TEXT,
    payments INTEGER NOT NULL,
    settled INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by INTEGER REFERENCES users (id),
    UNIQUE (post_id, sha256)
);
