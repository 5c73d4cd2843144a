DROP TABLE access_log_head;
DROP TABLE access_log;
DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_municipalities;
DROP TABLE user_roles;
DROP TABLE users;
