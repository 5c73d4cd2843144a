-- Where a session was opened from, so that its owner can recognise it on their account page.
ALTER TABLE sessions ADD COLUMN client_address TEXT;
