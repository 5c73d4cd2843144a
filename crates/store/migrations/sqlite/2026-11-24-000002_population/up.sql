-- Population per municipality per year, and where each figure came from.

CREATE TABLE population_imports (
    id INTEGER PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT,
    row_count INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by INTEGER REFERENCES users (id)
);

CREATE TABLE populations (
    municipality_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    population BIGINT NOT NULL CHECK (population >= 0),
    import_id INTEGER NOT NULL REFERENCES population_imports (id),
    PRIMARY KEY (municipality_code, year)
);
CREATE INDEX populations_year ON populations (year);
