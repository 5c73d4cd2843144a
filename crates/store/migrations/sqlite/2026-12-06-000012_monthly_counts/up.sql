-- The monthly report's counts cost what a municipality's persons cost, twelve times for the
-- trend; a month's figures are kept here, valid for the casework's version they were counted
-- from. Every write to a municipality's casework raises its version in the same transaction,
-- so a kept row of an older version is never shown.
CREATE TABLE casework_versions (
    municipality_code TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE monthly_counts (
    municipality_code TEXT NOT NULL,
    month TEXT NOT NULL,
    day_count TEXT NOT NULL,
    measured_on DATE NOT NULL,
    version BIGINT NOT NULL,
    figures TEXT NOT NULL,
    PRIMARY KEY (municipality_code, month, day_count)
);

-- The persons of a municipality by reception date: the month's arrivals.
CREATE INDEX persons_received ON persons (municipality_code, reception_date);
