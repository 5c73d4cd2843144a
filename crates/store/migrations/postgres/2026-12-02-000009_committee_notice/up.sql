-- What the committee reads of a serious complaint or deviation: a summary written for it, without
-- names or other personal data (the description and the actions stay with the unit). And when
-- the order's committee contact was e-mailed about it, or was found to have no address: empty
-- while the e-mail waits for the mail server.
ALTER TABLE deviations ADD COLUMN committee_summary TEXT;
ALTER TABLE deviations ADD COLUMN contact_emailed_at TIMESTAMP;
