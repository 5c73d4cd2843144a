-- A committee's order is an agreement of kind 'order': it belongs to no shared post. SQLite
-- cannot loosen a column, so the table is built again, as SQLite's documentation prescribes:
-- with foreign keys off (which only works outside a transaction: metadata.toml runs this file
-- without one, and it brings its own), the rows copied as they are, foreign keys on again.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE agreements_new (
    id INTEGER PRIMARY KEY NOT NULL,
    post_id INTEGER REFERENCES shared_posts (id),
    kind TEXT NOT NULL CHECK (kind IN ('cofinancing', 'order')),
    municipality_code TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK ((kind = 'order') = (post_id IS NULL))
);
INSERT INTO agreements_new (id, post_id, kind, municipality_code, title, created_at)
    SELECT id, post_id, kind, municipality_code, title, created_at FROM agreements;
DROP TABLE agreements;
ALTER TABLE agreements_new RENAME TO agreements;
CREATE INDEX agreements_municipality ON agreements (municipality_code);

-- An order's obligations: dated duties with their schedule (once by a date; for every month by a
-- day of the month after; for every year by a day of that year or the next).
CREATE TABLE obligations (
    id INTEGER PRIMARY KEY NOT NULL,
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    code TEXT NOT NULL,
    schedule TEXT NOT NULL CHECK (schedule IN ('once', 'monthly', 'yearly')),
    due_date DATE,
    due_month INTEGER,
    due_day INTEGER,
    next_year BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL,
    UNIQUE (agreement_id, code)
);

-- An obligation done for a period (start, 2024-05, 2024), with the document that shows it. The
-- monthly report's months are done by signing the report and need no row here.
CREATE TABLE obligation_fulfilments (
    id INTEGER PRIMARY KEY NOT NULL,
    obligation_id INTEGER NOT NULL REFERENCES obligations (id),
    period TEXT NOT NULL,
    done_on DATE NOT NULL,
    document TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    UNIQUE (obligation_id, period)
);

-- The executor's staffing in full-time posts (2,5 is 250), from a date until the next row.
CREATE TABLE staffing (
    municipality_code TEXT NOT NULL,
    from_date DATE NOT NULL,
    posts_hundredths INTEGER NOT NULL CHECK (posts_hundredths > 0),
    note TEXT,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    PRIMARY KEY (municipality_code, from_date)
);
COMMIT;
PRAGMA foreign_keys = ON;
