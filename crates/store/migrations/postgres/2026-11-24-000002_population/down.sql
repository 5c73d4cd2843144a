DROP TABLE populations;
DROP TABLE population_imports;
