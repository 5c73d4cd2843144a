-- Counts that cost what a municipality's whole caseload costs (a month of the monthly report,
-- the target group on a day, the households a list shows) are kept here under a key, valid for
-- the version of the municipality's casework they were counted from. Every write to a
-- municipality's casework raises its version in the same transaction, so a kept count of an
-- older version is never shown.
CREATE TABLE casework_versions (
    municipality_code TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE kept_counts (
    municipality_code TEXT NOT NULL,
    kept_key TEXT NOT NULL,
    measured_on DATE NOT NULL,
    version BIGINT NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (municipality_code, kept_key)
);

-- The persons of a municipality by reception date: the month's arrivals.
CREATE INDEX persons_received ON persons (municipality_code, reception_date);
-- The case worker's list in its usual order, read a page at a time.
CREATE INDEX households_placed ON households (municipality_code, unit, placement_date, id);
-- The households waiting for their first contact, without reading the others.
CREATE INDEX households_uncontacted ON households (municipality_code, unit) WHERE first_contact_at IS NULL;
-- Homes whose contract ends soon and whose keys are not yet back (the start page), by date.
CREATE INDEX temporary_housings_ending ON temporary_housings (contract_end) WHERE keys_returned_on IS NULL;
