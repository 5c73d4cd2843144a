DROP INDEX costs_municipality;
CREATE INDEX costs_municipality ON costs (municipality_code, cost_date);
