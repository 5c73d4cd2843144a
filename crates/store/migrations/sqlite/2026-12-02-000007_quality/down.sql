CREATE TABLE notifications_old (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    emailed_at TIMESTAMP,
    UNIQUE (user_id, kind, household_id)
);
INSERT INTO notifications_old (id, user_id, kind, household_id, created_at, read_at, emailed_at)
    SELECT id, user_id, kind, household_id, created_at, read_at, emailed_at FROM notifications
    WHERE household_id IS NOT NULL;
DROP TABLE notifications;
ALTER TABLE notifications_old RENAME TO notifications;
DROP TABLE interim_closings;
DROP TABLE deviations;
