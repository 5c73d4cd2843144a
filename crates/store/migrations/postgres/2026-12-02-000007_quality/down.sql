DELETE FROM notifications WHERE household_id IS NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_once_per_deviation;
ALTER TABLE notifications DROP CONSTRAINT notifications_one_subject;
ALTER TABLE notifications DROP COLUMN deviation_id;
ALTER TABLE notifications ALTER COLUMN household_id SET NOT NULL;
DROP TABLE interim_closings;
DROP TABLE deviations;
