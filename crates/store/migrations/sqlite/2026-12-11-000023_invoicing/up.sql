-- Where the county board is paid and where it is (issue 17): every invoice of the post carries
-- the account (a bankgiro or plusgiro number's digits, or an IBAN with its BIC) and the address.
ALTER TABLE shared_posts ADD COLUMN payment_account_kind TEXT CHECK (payment_account_kind IN ('bankgiro', 'plusgiro', 'iban'));
ALTER TABLE shared_posts ADD COLUMN payment_account TEXT;
ALTER TABLE shared_posts ADD COLUMN payment_bic TEXT;
ALTER TABLE shared_posts ADD COLUMN street TEXT;
ALTER TABLE shared_posts ADD COLUMN postcode TEXT;
ALTER TABLE shared_posts ADD COLUMN city TEXT;
-- The municipality's invoicing address under an agreement: not a term, so not versioned.
ALTER TABLE agreements ADD COLUMN invoice_street TEXT;
ALTER TABLE agreements ADD COLUMN invoice_postcode TEXT;
ALTER TABLE agreements ADD COLUMN invoice_city TEXT;
