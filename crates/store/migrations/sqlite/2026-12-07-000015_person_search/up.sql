-- A person's name as the search box compares it (lower case, without diacritics: see
-- etablera_domain::reception::search::fold), written with the name. Rows made before this
-- version are filled in by the program right after the migration (Store::migrate), since the
-- folding is Unicode's and neither database does it the same way. The index is scanned for the
-- municipality alone: a search for part of a name reads it, not the persons' rows.
ALTER TABLE persons ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
CREATE INDEX persons_search ON persons (municipality_code, search_name, household_id);
