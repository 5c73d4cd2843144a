-- The monthly reports to the committee as the unit manager signed them: each version frozen as
-- its figures, with what changed since the version before. Later casework never touches them.

CREATE TABLE monthly_reports (
    id INTEGER PRIMARY KEY NOT NULL,
    municipality_code TEXT NOT NULL,
    -- YYYY-MM.
    month TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    -- JSON: [{"code": "target_group", "count": 41}, ...], in the order shown.
    figures TEXT NOT NULL,
    -- The day the plans were measured on for the follow-up figures.
    measured_on DATE NOT NULL,
    -- JSON: [{"code", "before", "after"}] against the version before; empty for the first.
    changes TEXT,
    note TEXT,
    signed_at TIMESTAMP NOT NULL,
    signed_by INTEGER REFERENCES users (id),
    UNIQUE (municipality_code, month, version)
);
