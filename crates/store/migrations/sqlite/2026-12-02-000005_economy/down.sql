DROP TABLE grant_charges;
DROP TABLE grants;
DROP TABLE costs;
DROP TABLE claim_events;
DROP TABLE claims;
DROP TABLE price_base_amounts;
DROP TABLE reimbursement_rule_revisions;
DROP TABLE reimbursement_rules;
