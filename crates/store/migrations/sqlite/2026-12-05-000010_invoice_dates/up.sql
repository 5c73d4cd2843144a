-- The date an agreement's schedule says an invoice is to be sent was stored as its due date; the
-- due date is that date (or the day it was sent) plus the terms of payment. One document at
-- most refers to an invoice it credits or replaces, so two credits of one invoice cannot both
-- be written, whatever order concurrent transactions run in.
ALTER TABLE invoices RENAME COLUMN due_date TO invoice_date;
DROP INDEX invoices_due;
CREATE INDEX invoices_date ON invoices (invoice_date);
CREATE UNIQUE INDEX invoices_credits_once ON invoices (credits_invoice_id);
