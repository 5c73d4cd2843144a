DROP INDEX temporary_housings_ending;
ALTER TABLE temporary_housings DROP COLUMN municipality_code;
DROP INDEX households_uncontacted;
DROP INDEX households_placed;
DROP INDEX persons_received;
DROP TABLE kept_counts;
DROP TABLE casework_versions;
