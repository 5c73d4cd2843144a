DROP TABLE staffing;
DROP TABLE obligation_fulfilments;
DROP TABLE obligations;
DELETE FROM agreement_contacts WHERE version_id IN
    (SELECT v.id FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id WHERE a.post_id IS NULL);
DELETE FROM agreement_instalments WHERE version_id IN
    (SELECT v.id FROM agreement_versions v JOIN agreements a ON a.id = v.agreement_id WHERE a.post_id IS NULL);
DELETE FROM agreement_versions WHERE agreement_id IN (SELECT id FROM agreements WHERE post_id IS NULL);
DELETE FROM terminations WHERE agreement_id IN (SELECT id FROM agreements WHERE post_id IS NULL);
DELETE FROM agreements WHERE post_id IS NULL;
ALTER TABLE agreements DROP CONSTRAINT agreements_order_has_no_post;
ALTER TABLE agreements DROP CONSTRAINT agreements_kind;
ALTER TABLE agreements ALTER COLUMN post_id SET NOT NULL;
