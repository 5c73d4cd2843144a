DROP INDEX access_log_record;
