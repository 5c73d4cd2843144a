DROP TABLE sso_logins;
ALTER TABLE sessions DROP COLUMN via_sso;
DROP INDEX users_sso_id;
ALTER TABLE users DROP COLUMN sso_id;
