-- The reference amounts of 2021–2026 with the source each was read from (issue 17). Rows an
-- administrator has already changed (a later revision) are left as they are.

ALTER TABLE price_base_amounts ADD COLUMN source TEXT;
ALTER TABLE price_base_amount_revisions ADD COLUMN source TEXT;

UPDATE price_base_amounts
SET source = 'Migrationsverket, nyhet 2024-04-03: prisbasbeloppet för 2024 är 57 300 kronor'
WHERE year = 2024 AND amount_ore = 5730000 AND source IS NULL;

INSERT INTO price_base_amounts (year, amount_ore, changed_at, source) VALUES
    (2021, 4760000, '2026-12-11 00:00:00', 'Förordning (2020:764) om prisbasbelopp för år 2021, 1 §: 47 600 kronor'),
    (2022, 4830000, '2026-12-11 00:00:00', 'Förordning (2021:866) om prisbasbelopp för år 2022, 1 §: 48 300 kronor'),
    (2023, 5250000, '2026-12-11 00:00:00', 'SCB, statistiknyhet Prisbasbelopp för 2023: 52 500 kronor'),
    (2025, 5880000, '2026-12-11 00:00:00', 'Företagarna, Prisbasbeloppet och inkomstbasbeloppet: 58 800 kronor för år 2025 (regeringen 2024-09: höjning med 2,6 procent)'),
    (2026, 5920000, '2026-12-11 00:00:00', 'Förordning (2025:872) om prisbasbelopp för år 2026, 1 §: 59 200 kronor')
ON CONFLICT (year) DO NOTHING;

-- The schablonersättning of 2025: unchanged from 2023 (11 § in its wording by SFS 2022:1456).
UPDATE reimbursement_rules
SET amount_ore = 16500000,
    covers = 'Schablonersättning, under 66 år',
    valid_to = '2025-12-31',
    source = 'Förordning (2010:1122) 11 § (lydelse SFS 2022:1830, oförändrad 2025); Migrationsverket: Ersättning för personer med uppehållstillstånd som betalas ut utan ansökan'
WHERE claim_type = 'standard_reimbursement' AND valid_from = '2025-01-01' AND age_to = 65
    AND amount_ore IS NULL AND revision = 1;
UPDATE reimbursement_rules
SET amount_ore = 9260000,
    covers = 'Schablonersättning, 66 år och äldre',
    valid_to = '2025-12-31',
    source = 'Förordning (2010:1122) 11 § (lydelse SFS 2022:1830, oförändrad 2025); Migrationsverket: Ersättning för personer med uppehållstillstånd som betalas ut utan ansökan'
WHERE claim_type = 'standard_reimbursement' AND valid_from = '2025-01-01' AND age_from = 66
    AND amount_ore IS NULL AND revision = 1;

-- From 2026-01-01, for persons received in a municipality from then: the age limit is the
-- target age for pension (riktåldern), 67 years for 2026 (förordning 2019:780) and, as set so
-- far, the years after. Persons received before keep the limit of 66 (SFS 2022:1457,
-- övergångsbestämmelse 3, as amended by 2024:188).
INSERT INTO reimbursement_rules (claim_type, category, covers, valid_from, valid_to, cap_kind, age_from, age_to, amount_ore, price_base_share_bp, deadline_kind, source, revision, changed_at)
SELECT 'standard_reimbursement', NULL, 'Schablonersättning, under riktåldern för pension (67 år)', '2026-01-01', NULL, 'none', NULL, 66, 16500000, NULL, 'no_application',
    'Förordning (2010:1122) 11 § i lydelse SFS 2022:1831 från 2026-01-01; riktåldern 67 år enligt förordning (2019:780) om riktålder för pension för år 2026', 1, '2026-12-11 00:00:00'
WHERE NOT EXISTS (SELECT 1 FROM reimbursement_rules WHERE claim_type = 'standard_reimbursement' AND (valid_to IS NULL OR valid_to >= '2026-01-01') AND changed_at <> '2026-12-11 00:00:00');
INSERT INTO reimbursement_rules (claim_type, category, covers, valid_from, valid_to, cap_kind, age_from, age_to, amount_ore, price_base_share_bp, deadline_kind, source, revision, changed_at)
SELECT 'standard_reimbursement', NULL, 'Schablonersättning, från riktåldern för pension (67 år)', '2026-01-01', NULL, 'none', 67, NULL, 9260000, NULL, 'no_application',
    'Förordning (2010:1122) 11 § i lydelse SFS 2022:1831 från 2026-01-01; riktåldern 67 år enligt förordning (2019:780) om riktålder för pension för år 2026', 1, '2026-12-11 00:00:00'
WHERE NOT EXISTS (SELECT 1 FROM reimbursement_rules WHERE claim_type = 'standard_reimbursement' AND (valid_to IS NULL OR valid_to >= '2026-01-01') AND changed_at <> '2026-12-11 00:00:00');

-- The schablon for initial costs moves its upper limit to riktåldern too (16 § in the wording
-- of SFS 2024:398 from 2026-01-01); the band under 20 is unchanged.
UPDATE reimbursement_rules SET valid_to = '2025-12-31'
WHERE claim_type = 'initial_cost_standard' AND valid_from = '2024-07-01' AND valid_to IS NULL
    AND revision = 1 AND (age_to = 65 OR age_from = 66);
INSERT INTO reimbursement_rules (claim_type, category, covers, valid_from, valid_to, cap_kind, age_from, age_to, amount_ore, price_base_share_bp, deadline_kind, source, revision, changed_at)
SELECT 'initial_cost_standard', NULL, 'Schablon för initiala kostnader, 20 år till riktåldern för pension (67 år) (lägre för den som ordnat eget boende)', '2026-01-01', NULL, 'none', 20, 66, NULL, 3490, 'no_application',
    'Förordning (2010:1122) 16 § i lydelse SFS 2024:398 från 2026-01-01: 34,90 procent av prisbasbeloppet', 1, '2026-12-11 00:00:00'
WHERE NOT EXISTS (SELECT 1 FROM reimbursement_rules WHERE claim_type = 'initial_cost_standard' AND age_from IS NOT NULL AND (valid_to IS NULL OR valid_to >= '2026-01-01') AND changed_at <> '2026-12-11 00:00:00');
INSERT INTO reimbursement_rules (claim_type, category, covers, valid_from, valid_to, cap_kind, age_from, age_to, amount_ore, price_base_share_bp, deadline_kind, source, revision, changed_at)
SELECT 'initial_cost_standard', NULL, 'Schablon för initiala kostnader, från riktåldern för pension (67 år)', '2026-01-01', NULL, 'none', 67, NULL, NULL, 2182, 'no_application',
    'Förordning (2010:1122) 16 § i lydelse SFS 2024:398 från 2026-01-01: 21,82 procent av prisbasbeloppet', 1, '2026-12-11 00:00:00'
WHERE NOT EXISTS (SELECT 1 FROM reimbursement_rules WHERE claim_type = 'initial_cost_standard' AND age_from IS NOT NULL AND (valid_to IS NULL OR valid_to >= '2026-01-01') AND changed_at <> '2026-12-11 00:00:00');
