-- The cost list's sums (every selected cost of a municipality: a count and three sums a view)
-- read from the index alone, without a lookup of each cost's row; the list's order is the
-- index's as before.
DROP INDEX costs_municipality;
CREATE INDEX costs_municipality ON costs (municipality_code, cost_date) INCLUDE (household_id, claim_id, amount_ore, reimbursable_ore, over_cap_ore);
-- Kept counts are a cache: those kept before this version may follow an older definition
-- (the households waiting for a first contact now need someone to have arrived), so they are
-- counted again.
DELETE FROM kept_counts;
