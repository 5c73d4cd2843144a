-- The monthly review of the access log (issue 16): a municipality's month, the reads picked for
-- it (copied from the log with why they were picked, so that the review stays as it was
-- reviewed whatever happens to the records later), each marked reviewed with a comment, and
-- the review signed.
CREATE TABLE log_reviews (
    id INTEGER PRIMARY KEY NOT NULL,
    municipality_code TEXT NOT NULL,
    month TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    signed_at TIMESTAMP,
    signed_by INTEGER REFERENCES users (id),
    summary TEXT,
    UNIQUE (municipality_code, month)
);

CREATE TABLE log_review_items (
    id INTEGER PRIMARY KEY NOT NULL,
    review_id INTEGER NOT NULL REFERENCES log_reviews (id),
    log_id INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_user_id INTEGER,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT,
    reasons TEXT NOT NULL,
    reviewed_at TIMESTAMP,
    reviewed_by INTEGER REFERENCES users (id),
    comment TEXT
);
CREATE INDEX log_review_items_review ON log_review_items (review_id, id);
CREATE INDEX log_review_items_open ON log_review_items (review_id, id) WHERE reviewed_at IS NULL;
