-- A person's details as corrected: each edit's changed fields, before and after (JSON: a list
-- of {"field", "before", "after"}), by whom and when. The record shows its history from here;
-- nothing is overwritten unseen.
CREATE TABLE person_changes (
    id INTEGER PRIMARY KEY NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER REFERENCES users (id),
    changes TEXT NOT NULL
);
CREATE INDEX person_changes_person ON person_changes (person_id, id);
