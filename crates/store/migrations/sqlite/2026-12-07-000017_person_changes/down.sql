DROP TABLE person_changes;
