DROP INDEX notifications_household;
DROP INDEX deviations_household;
DROP INDEX households_culling;
ALTER TABLE persons DROP COLUMN culled_on;
ALTER TABLE households DROP COLUMN culled_on;
