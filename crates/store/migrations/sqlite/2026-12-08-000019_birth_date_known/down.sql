ALTER TABLE persons DROP COLUMN birth_date_known;
