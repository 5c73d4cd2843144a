DROP INDEX persons_search;
ALTER TABLE persons DROP COLUMN search_name;
