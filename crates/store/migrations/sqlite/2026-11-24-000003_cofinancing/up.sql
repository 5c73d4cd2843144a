-- Shared posts and their cost per year, agreements with dated versions (never overwritten),
-- invoices, withdrawals and vacancies.

CREATE TABLE shared_posts (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    county_code TEXT NOT NULL,
    employer_name TEXT NOT NULL,
    employer_org_number TEXT NOT NULL,
    population_year_lag INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE cost_models (
    id INTEGER PRIMARY KEY NOT NULL,
    post_id INTEGER NOT NULL REFERENCES shared_posts (id),
    year INTEGER NOT NULL,
    monthly_salary_ore BIGINT NOT NULL CHECK (monthly_salary_ore >= 0),
    on_cost_hundredths INTEGER NOT NULL CHECK (on_cost_hundredths >= 0),
    monthly_overhead_ore BIGINT NOT NULL CHECK (monthly_overhead_ore >= 0),
    stated_yearly_ore BIGINT CHECK (stated_yearly_ore >= 0),
    note TEXT,
    UNIQUE (post_id, year)
);

CREATE TABLE agreements (
    id INTEGER PRIMARY KEY NOT NULL,
    post_id INTEGER NOT NULL REFERENCES shared_posts (id),
    kind TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX agreements_municipality ON agreements (municipality_code);

CREATE TABLE agreement_versions (
    id INTEGER PRIMARY KEY NOT NULL,
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    version INTEGER NOT NULL,
    effective_from DATE NOT NULL,
    registry_number TEXT,
    decision TEXT,
    signed_on DATE,
    start_date DATE NOT NULL,
    end_date DATE,
    notice_months INTEGER,
    refund_policy TEXT NOT NULL,
    vacancy_threshold_months INTEGER,
    schedule TEXT NOT NULL,
    yearly_due_month INTEGER,
    yearly_due_day INTEGER,
    municipality_org_number TEXT NOT NULL,
    county_org_number TEXT NOT NULL,
    note TEXT,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    UNIQUE (agreement_id, version)
);

CREATE TABLE agreement_instalments (
    id INTEGER PRIMARY KEY NOT NULL,
    version_id INTEGER NOT NULL REFERENCES agreement_versions (id),
    due_date DATE NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL
);

CREATE TABLE agreement_contacts (
    id INTEGER PRIMARY KEY NOT NULL,
    version_id INTEGER NOT NULL REFERENCES agreement_versions (id),
    side TEXT NOT NULL,
    name TEXT NOT NULL,
    title TEXT,
    email TEXT,
    phone TEXT
);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY NOT NULL,
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    municipality_code TEXT NOT NULL,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    due_date DATE NOT NULL,
    amount_ore BIGINT NOT NULL,
    status TEXT NOT NULL,
    basis TEXT NOT NULL,
    issued_on DATE,
    paid_on DATE,
    credits_invoice_id INTEGER REFERENCES invoices (id),
    created_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX invoices_agreement ON invoices (agreement_id);
CREATE INDEX invoices_due ON invoices (due_date);

CREATE TABLE terminations (
    id INTEGER PRIMARY KEY NOT NULL,
    agreement_id INTEGER NOT NULL UNIQUE REFERENCES agreements (id),
    notice_date DATE NOT NULL,
    end_date DATE NOT NULL,
    registry_number TEXT,
    refund_ore BIGINT NOT NULL,
    amount_due_ore BIGINT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id)
);

CREATE TABLE vacancies (
    id INTEGER PRIMARY KEY NOT NULL,
    post_id INTEGER NOT NULL REFERENCES shared_posts (id),
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    note TEXT,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by INTEGER REFERENCES users (id)
);
