DROP INDEX login_attempts_pair;
