-- A record's details as corrected (a person, a household): each edit's changed fields, before
-- and after (JSON: a list of {"field", "before", "after"}), by whom and when. The record shows
-- its history from here; nothing is overwritten unseen. The kind is the access log's.
CREATE TABLE record_changes (
    id INTEGER PRIMARY KEY NOT NULL,
    record_kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER REFERENCES users (id),
    changes TEXT NOT NULL
);
CREATE INDEX record_changes_record ON record_changes (record_kind, record_id, id);
