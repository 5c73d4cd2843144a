-- The household's responsible case worker (ansvarig handläggare): set to the case worker who
-- registers the placement, changed by the unit manager. "My cases" is a list of those a user
-- is responsible for, in the order of their placement.
ALTER TABLE households ADD COLUMN responsible_id INTEGER REFERENCES users (id);
CREATE INDEX households_responsible ON households (municipality_code, unit, responsible_id, placement_date, id);
