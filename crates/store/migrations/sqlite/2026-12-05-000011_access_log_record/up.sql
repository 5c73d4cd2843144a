-- A user's own logins for the start page, and what was done to one record, newest first: the
-- record's rows by the index, not a scan of the whole log.
CREATE INDEX access_log_record ON access_log (record_kind, record_id, id);
