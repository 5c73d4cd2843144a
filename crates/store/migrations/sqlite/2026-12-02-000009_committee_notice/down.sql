ALTER TABLE deviations DROP COLUMN contact_emailed_at;
ALTER TABLE deviations DROP COLUMN committee_summary;
