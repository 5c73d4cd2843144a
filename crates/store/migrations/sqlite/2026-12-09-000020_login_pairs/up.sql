-- The login throttle counts failures of an account from one address, and asks whether the
-- account has logged in from that address before (issue 16).
CREATE INDEX login_attempts_pair ON login_attempts (username_hash, client_address, succeeded, at);
