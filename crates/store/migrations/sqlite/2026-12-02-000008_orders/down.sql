PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE staffing;
DROP TABLE obligation_fulfilments;
DROP TABLE obligations;
-- The orders go with their versions, contact persons and terminations.
DELETE FROM agreement_contacts WHERE version_id IN
    (SELECT v.id FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id WHERE a.post_id IS NULL);
DELETE FROM agreement_instalments WHERE version_id IN
    (SELECT v.id FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id WHERE a.post_id IS NULL);
DELETE FROM agreement_versions WHERE agreement_id IN (SELECT id FROM agreements WHERE post_id IS NULL);
DELETE FROM terminations WHERE agreement_id IN (SELECT id FROM agreements WHERE post_id IS NULL);
CREATE TABLE agreements_old (
    id INTEGER PRIMARY KEY NOT NULL,
    post_id INTEGER NOT NULL REFERENCES shared_posts (id),
    kind TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO agreements_old (id, post_id, kind, municipality_code, title, created_at)
    SELECT id, post_id, kind, municipality_code, title, created_at FROM agreements WHERE post_id IS NOT NULL;
DROP TABLE agreements;
ALTER TABLE agreements_old RENAME TO agreements;
CREATE INDEX agreements_municipality ON agreements (municipality_code);
COMMIT;
PRAGMA foreign_keys = ON;
