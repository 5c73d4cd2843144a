DROP TABLE staffing;
DROP TABLE obligation_fulfilments;
DROP TABLE obligations;
ALTER TABLE agreements DROP CONSTRAINT agreements_order_has_no_post;
ALTER TABLE agreements DROP CONSTRAINT agreements_kind;
ALTER TABLE agreements ALTER COLUMN post_id SET NOT NULL;
