-- Complaints and deviations (the order's section 2.2). The description may be read by the
-- committee when the case is serious: the form asks that it names nobody.
CREATE TABLE deviations (
    id INTEGER PRIMARY KEY NOT NULL,
    municipality_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('complaint', 'deviation')),
    received_on DATE NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('phone', 'email', 'letter', 'visit', 'e_service', 'internal')),
    -- The household it concerns, when it concerns one.
    household_id INTEGER REFERENCES households (id),
    description TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('reception', 'housing', 'plan', 'treatment', 'availability', 'economy', 'confidentiality', 'other')),
    severity TEXT NOT NULL CHECK (severity IN ('normal', 'serious')),
    actions TEXT,
    closed_on DATE,
    -- When the committee was told of it (a serious one, at once).
    committee_notified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (closed_on IS NULL OR closed_on >= received_on)
);
CREATE INDEX deviations_received ON deviations (municipality_code, received_on);

-- The interim closing's last month per municipality and year (January to August unless set).
CREATE TABLE interim_closings (
    municipality_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_month INTEGER NOT NULL CHECK (last_month BETWEEN 1 AND 11),
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER REFERENCES users (id),
    PRIMARY KEY (municipality_code, year)
);

-- A notification is about a household or a deviation. SQLite cannot loosen a column, so the
-- table is built again with the same rows.
CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    household_id INTEGER REFERENCES households (id),
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    emailed_at TIMESTAMP,
    deviation_id INTEGER REFERENCES deviations (id),
    CHECK ((household_id IS NULL) <> (deviation_id IS NULL)),
    UNIQUE (user_id, kind, household_id),
    UNIQUE (user_id, kind, deviation_id)
);
INSERT INTO notifications_new (id, user_id, kind, household_id, created_at, read_at, emailed_at)
    SELECT id, user_id, kind, household_id, created_at, read_at, emailed_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
