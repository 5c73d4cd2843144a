-- Reception casework: households placed in the municipality and their persons, the first
-- contact, temporary housing with its damages and move-out, individual plans (activities from a
-- catalogue that is data, declines, times the work principle cannot apply), support tasks,
-- case notes that are never erased, and notifications. Every row a person's data hangs on
-- carries the municipality through its household, which carries municipality_code and unit.

-- Where a user gets notifications by e-mail (when SMTP is configured).
ALTER TABLE users ADD COLUMN email TEXT;

-- Permissions granted to one user beyond their roles (need decided per person, such as seeing
-- protected addresses).
CREATE TABLE user_permissions (
    user_id INTEGER NOT NULL REFERENCES users (id),
    permission TEXT NOT NULL,
    PRIMARY KEY (user_id, permission)
);

CREATE TABLE activity_types (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    counts TEXT NOT NULL CHECK (counts IN ('hours', 'leave')),
    -- The monthly report's row the type is counted in; empty when it has none.
    report_row TEXT,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);

INSERT INTO activity_types (code, name, counts, report_row, position, created_at) VALUES
    ('sfi', 'SFI', 'hours', 'sfi', 1, '2026-11-24 00:00:00'),
    ('civic_orientation', 'Samhällsorientering', 'hours', 'civic_orientation', 2, '2026-11-24 00:00:00'),
    ('establishment_plan', 'Etableringsplan (Arbetsförmedlingen)', 'hours', NULL, 3, '2026-11-24 00:00:00'),
    ('internship', 'Praktik', 'hours', 'internship', 4, '2026-11-24 00:00:00'),
    ('extra_job', 'Extratjänst', 'hours', 'extra_job', 5, '2026-11-24 00:00:00'),
    ('new_start_job', 'Nystartsjobb', 'hours', 'new_start_job', 6, '2026-11-24 00:00:00'),
    ('job_track', 'Jobbspår', 'hours', 'job_track', 7, '2026-11-24 00:00:00'),
    ('permanent_employment', 'Tillsvidareanställning', 'hours', 'permanent_employment', 8, '2026-11-24 00:00:00'),
    ('studies', 'Studier', 'hours', 'other', 9, '2026-11-24 00:00:00'),
    ('parental_leave', 'Föräldraledighet', 'leave', NULL, 10, '2026-11-24 00:00:00'),
    ('sick_leave', 'Sjukskrivning', 'leave', NULL, 11, '2026-11-24 00:00:00'),
    ('other', 'Annan aktivitet', 'hours', 'other', 12, '2026-11-24 00:00:00');

CREATE TABLE households (
    id INTEGER PRIMARY KEY NOT NULL,
    municipality_code TEXT NOT NULL,
    unit TEXT NOT NULL,
    -- The household's reference in an imported file, kept so that an export names it the same.
    reference TEXT,
    placement_date DATE NOT NULL,
    expected_reception_date DATE,
    first_contact_at TIMESTAMP,
    first_contact_channel TEXT,
    first_contact_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX households_scope ON households (municipality_code, unit);
CREATE UNIQUE INDEX households_reference ON households (municipality_code, reference);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    municipality_code TEXT NOT NULL,
    reference TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    personal_number TEXT,
    dossier_number TEXT,
    category TEXT NOT NULL CHECK (category IN ('newly_arrived', 'resettled')),
    languages TEXT NOT NULL DEFAULT '',
    interpreter_needed BOOLEAN NOT NULL DEFAULT FALSE,
    protected_identity BOOLEAN NOT NULL DEFAULT FALSE,
    reception_date DATE,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX persons_household ON persons (household_id);
CREATE UNIQUE INDEX persons_personal_number ON persons (municipality_code, personal_number);
CREATE UNIQUE INDEX persons_dossier_number ON persons (municipality_code, dossier_number);

-- Leaving the target group; a return closes the row, so the history stays.
CREATE TABLE person_exits (
    id INTEGER PRIMARY KEY NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    exit_date DATE NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('moved', 'self_sufficient', 'two_years', 'other')),
    note TEXT,
    returned_on DATE,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id)
);
CREATE INDEX person_exits_person ON person_exits (person_id);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    type_code TEXT NOT NULL REFERENCES activity_types (code),
    start_date DATE NOT NULL,
    end_date DATE,
    hours_per_week INTEGER CHECK (hours_per_week BETWEEN 0 AND 40),
    extent_percent INTEGER CHECK (extent_percent BETWEEN 1 AND 100),
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX activities_person ON activities (person_id);

CREATE TABLE declines (
    id INTEGER PRIMARY KEY NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    type_code TEXT NOT NULL REFERENCES activity_types (code),
    declined_on DATE NOT NULL,
    reason TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id)
);
CREATE INDEX declines_person ON declines (person_id);

-- Periods when the work principle cannot apply (illness, disability).
CREATE TABLE work_exemptions (
    id INTEGER PRIMARY KEY NOT NULL,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    reason TEXT NOT NULL CHECK (reason IN ('illness', 'disability')),
    start_date DATE NOT NULL,
    end_date DATE,
    note TEXT,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX work_exemptions_person ON work_exemptions (person_id);

CREATE TABLE temporary_housings (
    id INTEGER PRIMARY KEY NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    address TEXT NOT NULL,
    landlord TEXT,
    contract_start DATE NOT NULL,
    contract_end DATE NOT NULL,
    rent_ore BIGINT CHECK (rent_ore >= 0),
    has_beds BOOLEAN NOT NULL DEFAULT FALSE,
    has_bedding BOOLEAN NOT NULL DEFAULT FALSE,
    has_table BOOLEAN NOT NULL DEFAULT FALSE,
    has_chairs BOOLEAN NOT NULL DEFAULT FALSE,
    has_cooking BOOLEAN NOT NULL DEFAULT FALSE,
    has_food BOOLEAN NOT NULL DEFAULT FALSE,
    notice_date DATE,
    keys_returned_on DATE,
    inspection_on DATE,
    inspection_result TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (contract_end >= contract_start)
);
CREATE INDEX temporary_housings_household ON temporary_housings (household_id);

CREATE TABLE housing_damages (
    id INTEGER PRIMARY KEY NOT NULL,
    housing_id INTEGER NOT NULL REFERENCES temporary_housings (id),
    damage_date DATE NOT NULL,
    description TEXT NOT NULL,
    cost_ore BIGINT NOT NULL CHECK (cost_ore >= 0),
    tenant_pays BOOLEAN NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id)
);
CREATE INDEX housing_damages_housing ON housing_damages (housing_id);

CREATE TABLE support_tasks (
    id INTEGER PRIMARY KEY NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    person_id INTEGER REFERENCES persons (id),
    -- The standard task it was made from; empty for one the case worker added.
    template_code TEXT,
    title TEXT NOT NULL,
    due_date DATE NOT NULL,
    responsible TEXT NOT NULL,
    done_on DATE,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id)
);
CREATE INDEX support_tasks_household ON support_tasks (household_id);

-- Journal notes: never updated or deleted; a correction is a new note that refers to the old.
CREATE TABLE case_notes (
    id INTEGER PRIMARY KEY NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    person_id INTEGER REFERENCES persons (id),
    written_at TIMESTAMP NOT NULL,
    author_id INTEGER REFERENCES users (id),
    text TEXT NOT NULL,
    corrects_note_id INTEGER REFERENCES case_notes (id)
);
CREATE INDEX case_notes_household ON case_notes (household_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    emailed_at TIMESTAMP,
    UNIQUE (user_id, kind, household_id)
);
