DROP INDEX temporary_housings_ending;
DROP INDEX households_uncontacted;
DROP INDEX households_placed;
DROP INDEX persons_received;
DROP TABLE kept_counts;
DROP TABLE casework_versions;
