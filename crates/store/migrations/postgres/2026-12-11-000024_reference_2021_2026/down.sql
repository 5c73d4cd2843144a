DELETE FROM reimbursement_rules WHERE valid_from = '2026-01-01' AND changed_at = '2026-12-11 00:00:00' AND revision = 1;
UPDATE reimbursement_rules SET valid_to = NULL
WHERE claim_type = 'initial_cost_standard' AND valid_from = '2024-07-01' AND valid_to = '2025-12-31' AND revision = 1;
UPDATE reimbursement_rules SET amount_ore = NULL, valid_to = NULL,
    covers = 'Schablonersättning, under 66 år: beloppet från 2025 saknas i tabellen',
    source = 'Belopp från 2025 är inte kända för Etablera; fyll i från Migrationsverket'
WHERE claim_type = 'standard_reimbursement' AND valid_from = '2025-01-01' AND age_to = 65 AND revision = 1;
UPDATE reimbursement_rules SET amount_ore = NULL, valid_to = NULL,
    covers = 'Schablonersättning, 66 år och äldre: beloppet från 2025 saknas i tabellen',
    source = 'Belopp från 2025 är inte kända för Etablera; fyll i från Migrationsverket'
WHERE claim_type = 'standard_reimbursement' AND valid_from = '2025-01-01' AND age_from = 66 AND revision = 1;
DELETE FROM price_base_amounts WHERE year IN (2021, 2022, 2023, 2025, 2026) AND changed_at = '2026-12-11 00:00:00';
ALTER TABLE price_base_amount_revisions DROP COLUMN source;
ALTER TABLE price_base_amounts DROP COLUMN source;
