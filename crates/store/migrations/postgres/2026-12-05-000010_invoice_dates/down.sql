DROP INDEX invoices_credits_once;
DROP INDEX invoices_date;
ALTER TABLE invoices RENAME COLUMN invoice_date TO due_date;
CREATE INDEX invoices_due ON invoices (due_date);
