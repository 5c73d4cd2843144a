-- A birth date may be known only to its month or its year (Skatteverket and Migrationsverket
-- write the rest as 00). `birth_date` stays the date ages are reckoned from, the last day the
-- person can have been born, so that every count by age keeps working on one column; this
-- says how much of it is known, to show it as recorded.
ALTER TABLE persons ADD COLUMN birth_date_known TEXT NOT NULL DEFAULT 'day';
