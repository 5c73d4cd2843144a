-- Culling (gallring, issue 16): a household's record and its persons keep the day they were
-- culled; what remains of them is what the counts need. The indexes serve the search for
-- records due (households not culled, by age) and what culling removes or checks by household.
ALTER TABLE households ADD COLUMN culled_on DATE;
ALTER TABLE persons ADD COLUMN culled_on DATE;
CREATE INDEX households_culling ON households (municipality_code, created_at) WHERE culled_on IS NULL;
CREATE INDEX deviations_household ON deviations (household_id) WHERE household_id IS NOT NULL;
CREATE INDEX notifications_household ON notifications (household_id) WHERE household_id IS NOT NULL;
