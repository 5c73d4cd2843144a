-- Documents attached to the casework (a placement decision, a receipt, a housing contract, a
-- signed plan). Each belongs to exactly one record and goes with it (ON DELETE CASCADE), so a
-- record culled or removed takes its documents along. The bytes are kept in the database, so
-- that a backup carries them, in a table of their own, so that listing a record's documents
-- never reads them.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY NOT NULL,
    municipality_code TEXT NOT NULL,
    household_id INTEGER REFERENCES households (id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES persons (id) ON DELETE CASCADE,
    housing_id INTEGER REFERENCES temporary_housings (id) ON DELETE CASCADE,
    cost_id INTEGER REFERENCES costs (id) ON DELETE CASCADE,
    claim_id INTEGER REFERENCES claims (id) ON DELETE CASCADE,
    deviation_id INTEGER REFERENCES deviations (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    title TEXT,
    format TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    CHECK ((household_id IS NOT NULL) + (person_id IS NOT NULL) + (housing_id IS NOT NULL) + (cost_id IS NOT NULL) + (claim_id IS NOT NULL) + (deviation_id IS NOT NULL) = 1)
);
CREATE INDEX documents_household ON documents (household_id) WHERE household_id IS NOT NULL;
CREATE INDEX documents_person ON documents (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX documents_housing ON documents (housing_id) WHERE housing_id IS NOT NULL;
CREATE INDEX documents_cost ON documents (cost_id) WHERE cost_id IS NOT NULL;
CREATE INDEX documents_claim ON documents (claim_id) WHERE claim_id IS NOT NULL;
CREATE INDEX documents_deviation ON documents (deviation_id) WHERE deviation_id IS NOT NULL;

CREATE TABLE document_contents (
    document_id INTEGER PRIMARY KEY NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    content BLOB NOT NULL
);
