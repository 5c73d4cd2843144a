DROP INDEX households_responsible;
ALTER TABLE households DROP COLUMN responsible_id;
