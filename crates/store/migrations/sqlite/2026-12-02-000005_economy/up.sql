-- Economy: the dated reimbursement rules (one row per claim type and cost category, or per
-- age band of a standard reimbursement, each with its validity), their earlier revisions, the
-- price base amounts, the costs recorded against households and persons, the claims to
-- Migrationsverket with their steps, and the annual grant with what is charged to it.

CREATE TABLE reimbursement_rules (
    id INTEGER PRIMARY KEY NOT NULL,
    claim_type TEXT NOT NULL CHECK (claim_type IN ('initial_costs_resettled', 'economic_assistance', 'standard_reimbursement', 'initial_cost_standard')),
    -- The cost category for a claimed type; empty for a standard reimbursement.
    category TEXT,
    covers TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    -- A cap named by the source but with no amount here is shown as missing.
    cap_kind TEXT NOT NULL CHECK (cap_kind IN ('none', 'per_person', 'per_household', 'per_day', 'missing')),
    cap_per_person_ore BIGINT,
    cap_per_household_ore BIGINT,
    cap_per_extra_member_ore BIGINT,
    cap_per_day_ore BIGINT,
    age_from INTEGER,
    age_to INTEGER,
    amount_ore BIGINT,
    -- A share of the price base amount in hundredths of a percent (17,45 % is 1745).
    price_base_share_bp INTEGER,
    deadline_kind TEXT NOT NULL CHECK (deadline_kind IN ('no_application', 'missing', 'months_after_reception', 'months_after_period_end', 'months_after_quarter_end')),
    deadline_months INTEGER,
    source TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER REFERENCES users (id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX reimbursement_rules_type ON reimbursement_rules (claim_type, category, valid_from);

-- A rule as it was before each change: the whole row as JSON, who changed it and when.
CREATE TABLE reimbursement_rule_revisions (
    id INTEGER PRIMARY KEY NOT NULL,
    rule_id INTEGER NOT NULL REFERENCES reimbursement_rules (id),
    revision INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    replaced_at TIMESTAMP NOT NULL,
    replaced_by INTEGER REFERENCES users (id)
);
CREATE INDEX reimbursement_rule_revisions_rule ON reimbursement_rule_revisions (rule_id);

CREATE TABLE price_base_amounts (
    year INTEGER PRIMARY KEY NOT NULL,
    amount_ore BIGINT NOT NULL CHECK (amount_ore > 0),
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER REFERENCES users (id)
);

-- A price base amount as it was before each change.
CREATE TABLE price_base_amount_revisions (
    id INTEGER PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    amount_ore BIGINT NOT NULL,
    replaced_at TIMESTAMP NOT NULL,
    replaced_by INTEGER REFERENCES users (id)
);
INSERT INTO price_base_amounts (year, amount_ore, changed_at) VALUES (2024, 5730000, '2026-12-02 00:00:00');

CREATE TABLE claims (
    id INTEGER PRIMARY KEY NOT NULL,
    municipality_code TEXT NOT NULL,
    claim_type TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'supplement_requested', 'decided', 'appealed', 'paid')),
    -- The earliest deadline of its costs, kept when they are gathered.
    deadline DATE,
    submitted_on DATE,
    decided_on DATE,
    granted_ore BIGINT,
    decision_reference TEXT,
    paid_on DATE,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (period_end >= period_start)
);
CREATE INDEX claims_municipality ON claims (municipality_code, status);

CREATE TABLE claim_events (
    id INTEGER PRIMARY KEY NOT NULL,
    claim_id INTEGER NOT NULL REFERENCES claims (id),
    step TEXT NOT NULL,
    on_date DATE NOT NULL,
    granted_ore BIGINT,
    reference TEXT,
    note TEXT,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id)
);
CREATE INDEX claim_events_claim ON claim_events (claim_id);

-- A cost as recorded, with what its rule said when it was recorded: the claim type, the part
-- reimbursable under the cap, the part over it, and the deadline.
CREATE TABLE costs (
    id INTEGER PRIMARY KEY NOT NULL,
    municipality_code TEXT NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    person_id INTEGER REFERENCES persons (id),
    cost_date DATE NOT NULL,
    category TEXT NOT NULL,
    amount_ore BIGINT NOT NULL CHECK (amount_ore >= 0),
    vat_ore BIGINT NOT NULL CHECK (vat_ore >= 0),
    supplier TEXT NOT NULL,
    receipt_reference TEXT,
    days INTEGER,
    claim_type TEXT,
    rule_id INTEGER REFERENCES reimbursement_rules (id),
    reimbursable_ore BIGINT NOT NULL,
    over_cap_ore BIGINT NOT NULL,
    cap_ore BIGINT,
    deadline DATE,
    claim_id INTEGER REFERENCES claims (id),
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    CHECK (reimbursable_ore + over_cap_ore = amount_ore)
);
CREATE INDEX costs_household ON costs (household_id, category);
CREATE INDEX costs_municipality ON costs (municipality_code, cost_date);
CREATE INDEX costs_claim ON costs (claim_id);

CREATE TABLE grants (
    municipality_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount_ore BIGINT NOT NULL CHECK (amount_ore >= 0),
    decision TEXT,
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER REFERENCES users (id),
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (municipality_code, year)
);

-- What is charged to the year's grant: a cost that cannot be reclaimed, the part of one over a
-- cap, or what a claim's decision did not grant.
CREATE TABLE grant_charges (
    id INTEGER PRIMARY KEY NOT NULL,
    municipality_code TEXT NOT NULL,
    charged_on DATE NOT NULL,
    category TEXT NOT NULL,
    amount_ore BIGINT NOT NULL,
    cost_id INTEGER REFERENCES costs (id),
    claim_id INTEGER REFERENCES claims (id),
    description TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id)
);
CREATE INDEX grant_charges_municipality ON grant_charges (municipality_code, charged_on);

-- The accounts and cost centres the SIE export books on, per municipality; a key without a row
-- takes its default (the domain's accounting::defaults).
CREATE TABLE accounting_settings (
    municipality_code TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by INTEGER REFERENCES users (id),
    PRIMARY KEY (municipality_code, key)
);

INSERT INTO reimbursement_rules (claim_type, category, covers, valid_from, valid_to, cap_kind, cap_per_person_ore, cap_per_household_ore, cap_per_extra_member_ore, cap_per_day_ore, age_from, age_to, amount_ore, price_base_share_bp, deadline_kind, deadline_months, source, revision, changed_at) VALUES
    ('initial_costs_resettled', 'rent_before_arrival', 'Hyra för bostaden innan personen kommit till kommunen', '2010-12-01', '2023-02-28', 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'travel_from_airport', 'Resa från flygplatsen till bostaden', '2010-12-01', '2023-02-28', 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'travel_for_cards', 'Resor för uppehållstillståndskort, folkbokföring och id-kort', '2010-12-01', '2023-02-28', 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'overtime', 'Personalens övertid vid mottagandet utanför ordinarie arbetstid', '2010-12-01', '2023-02-28', 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'food_first_day', 'Mat för den första dagen (livsmedel med 12 % moms)', '2010-12-01', '2023-02-28', 'per_person', 20000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'clothes', 'Nödvändiga kläder vid ankomsten', '2010-12-01', '2023-02-28', 'per_person', 150000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'home_equipment', 'Grundläggande hemutrustning', '2010-12-01', '2023-02-28', 'per_household', NULL, 500000, 100000, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'interpreter', 'Tolk under den första månaden', '2010-12-01', '2023-02-28', 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'special_measures', 'Särskilda insatser för personer eller familjer med särskilda behov', '2010-12-01', '2023-02-28', 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'other', 'Övriga initiala kostnader', '2010-12-01', '2023-02-28', 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_period_end', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från utgången av den period ansökan avser', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'rent_before_arrival', 'Hyra för bostaden innan personen kommit till kommunen', '2023-03-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'travel_from_airport', 'Resa från flygplatsen till bostaden', '2023-03-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'travel_for_cards', 'Resor för uppehållstillståndskort, folkbokföring och id-kort', '2023-03-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'overtime', 'Personalens övertid vid mottagandet utanför ordinarie arbetstid', '2023-03-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'food_first_day', 'Mat för den första dagen (livsmedel med 12 % moms)', '2023-03-01', NULL, 'per_person', 20000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'clothes', 'Nödvändiga kläder vid ankomsten', '2023-03-01', NULL, 'per_person', 150000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'home_equipment', 'Grundläggande hemutrustning', '2023-03-01', NULL, 'per_household', NULL, 500000, 100000, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'interpreter', 'Tolk under den första månaden', '2023-03-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'special_measures', 'Särskilda insatser för personer eller familjer med särskilda behov', '2023-03-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('initial_costs_resettled', 'other', 'Övriga initiala kostnader', '2023-03-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'months_after_reception', 12, 'Förordning (2010:1122); Migrationsverket: initiala kostnader för kvotflyktingar, blankett 4497; ansökan inom ett år från mottagandet i kommunen (ansökningar som kommer in från 2023-03-01)', 1, '2026-12-02 00:00:00'),
    ('standard_reimbursement', NULL, 'Schablonersättning, under 65 år', '2021-01-01', '2021-12-31', 'none', NULL, NULL, NULL, NULL, NULL, 64, 14960000, NULL, 'no_application', NULL, 'Förordning (2010:1122); Migrationsverket, nyheter 2021-12-27 och 2023-12-27', 1, '2026-12-02 00:00:00'),
    ('standard_reimbursement', NULL, 'Schablonersättning, 65 år och äldre', '2021-01-01', '2021-12-31', 'none', NULL, NULL, NULL, NULL, 65, NULL, 8400000, NULL, 'no_application', NULL, 'Förordning (2010:1122); Migrationsverket, nyheter 2021-12-27 och 2023-12-27', 1, '2026-12-02 00:00:00'),
    ('standard_reimbursement', NULL, 'Schablonersättning, under 65 år', '2022-01-01', '2022-12-31', 'none', NULL, NULL, NULL, NULL, NULL, 64, 15180000, NULL, 'no_application', NULL, 'Förordning (2010:1122); Migrationsverket, nyheter 2021-12-27 och 2023-12-27', 1, '2026-12-02 00:00:00'),
    ('standard_reimbursement', NULL, 'Schablonersättning, 65 år och äldre', '2022-01-01', '2022-12-31', 'none', NULL, NULL, NULL, NULL, 65, NULL, 8520000, NULL, 'no_application', NULL, 'Förordning (2010:1122); Migrationsverket, nyheter 2021-12-27 och 2023-12-27', 1, '2026-12-02 00:00:00'),
    ('standard_reimbursement', NULL, 'Schablonersättning, under 66 år', '2023-01-01', '2024-12-31', 'none', NULL, NULL, NULL, NULL, NULL, 65, 16500000, NULL, 'no_application', NULL, 'Förordning (2010:1122); Migrationsverket, nyheter 2021-12-27 och 2023-12-27', 1, '2026-12-02 00:00:00'),
    ('standard_reimbursement', NULL, 'Schablonersättning, 66 år och äldre', '2023-01-01', '2024-12-31', 'none', NULL, NULL, NULL, NULL, 66, NULL, 9260000, NULL, 'no_application', NULL, 'Förordning (2010:1122); Migrationsverket, nyheter 2021-12-27 och 2023-12-27', 1, '2026-12-02 00:00:00'),
    ('standard_reimbursement', NULL, 'Schablonersättning, under 66 år: beloppet från 2025 saknas i tabellen', '2025-01-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, 65, NULL, NULL, 'no_application', NULL, 'Belopp från 2025 är inte kända för Etablera; fyll i från Migrationsverket', 1, '2026-12-02 00:00:00'),
    ('standard_reimbursement', NULL, 'Schablonersättning, 66 år och äldre: beloppet från 2025 saknas i tabellen', '2025-01-01', NULL, 'none', NULL, NULL, NULL, NULL, 66, NULL, NULL, NULL, 'no_application', NULL, 'Belopp från 2025 är inte kända för Etablera; fyll i från Migrationsverket', 1, '2026-12-02 00:00:00'),
    ('initial_cost_standard', NULL, 'Schablon för initiala kostnader, under 20 år (lägre för den som ordnat eget boende)', '2024-07-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, 19, NULL, 1745, 'no_application', NULL, 'Förordning (2010:1122), ändrad från 2024-07-01: schablon för initiala kostnader som andel av prisbasbeloppet', 1, '2026-12-02 00:00:00'),
    ('initial_cost_standard', NULL, 'Schablon för initiala kostnader, 20–65 år (lägre för den som ordnat eget boende)', '2024-07-01', NULL, 'none', NULL, NULL, NULL, NULL, 20, 65, NULL, 3490, 'no_application', NULL, 'Förordning (2010:1122), ändrad från 2024-07-01: schablon för initiala kostnader som andel av prisbasbeloppet', 1, '2026-12-02 00:00:00'),
    ('initial_cost_standard', NULL, 'Schablon för initiala kostnader, 66 år och äldre (lägre för den som ordnat eget boende)', '2024-07-01', NULL, 'none', NULL, NULL, NULL, NULL, 66, NULL, NULL, 2182, 'no_application', NULL, 'Förordning (2010:1122), ändrad från 2024-07-01: schablon för initiala kostnader som andel av prisbasbeloppet', 1, '2026-12-02 00:00:00'),
    ('economic_assistance', 'economic_assistance', 'Ekonomiskt bistånd till den som på grund av sjukdom eller funktionsnedsättning inte kan delta i etableringsinsatser', '2010-12-01', NULL, 'none', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'missing', NULL, 'Förordning (2010:1122); ansökningstiden saknas i tabellen', 1, '2026-12-02 00:00:00');
