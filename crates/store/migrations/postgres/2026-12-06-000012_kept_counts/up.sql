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
-- A home's municipality, as a person's and a cost's: the homes whose contract ends soon in one
-- municipality are found by date without reading the country's.
ALTER TABLE temporary_housings ADD COLUMN municipality_code TEXT NOT NULL DEFAULT '';
UPDATE temporary_housings SET municipality_code = (SELECT households.municipality_code FROM households WHERE households.id = temporary_housings.household_id);
-- Homes whose contract ends soon and whose keys are not yet back (the start page), by date.
CREATE INDEX temporary_housings_ending ON temporary_housings (municipality_code, contract_end) WHERE keys_returned_on IS NULL;
