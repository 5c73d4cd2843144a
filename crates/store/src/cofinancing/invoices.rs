//! Invoices to the parties of a shared post: generated per period from the cost model, the
//! population table and each agreement's schedule; then sent, paid, or credited.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::agreements::{InvoiceSchedule, Period, TerminationInput, terminate};
use etablera_domain::cofinancing::{Claimant, Unit, apportion};
use etablera_domain::money::Money;
use serde::Serialize;

use super::{population, posts};
use crate::agreements;
use crate::schema::invoices;
use crate::{DbConn, Result, StoreError, now, write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Sent,
    Paid,
    Credited,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Draft, Status::Sent, Status::Paid, Status::Credited];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Sent => "sent",
            Status::Paid => "paid",
            Status::Credited => "credited",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = invoices)]
pub struct Invoice {
    pub id: i32,
    pub agreement_id: i32,
    pub municipality_code: String,
    pub number: String,
    /// `invoice`, `final` (after a withdrawal) or `credit` (a refund, negative).
    pub kind: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due_date: NaiveDate,
    pub amount_ore: i64,
    pub status: String,
    /// How the amount was reached, in words and figures.
    pub basis: String,
    pub issued_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub credits_invoice_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub version: i32,
}

impl Invoice {
    pub fn amount(&self) -> Money {
        Money::from_ore(self.amount_ore)
    }

    pub fn status(&self) -> Status {
        Status::from_code(&self.status).unwrap_or(Status::Draft)
    }

    pub fn period(&self) -> Period {
        Period { start: self.period_start, end: self.period_end }
    }
}

/// A new invoice row, before it has an id.
pub struct NewInvoice {
    pub agreement_id: i32,
    pub municipality_code: String,
    pub kind: &'static str,
    pub period: Period,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub status: Status,
    pub basis: String,
    pub issued_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub credits_invoice_id: Option<i32>,
}

/// Inserts an invoice with the next number of its year and municipality (`2024-0586-2`).
pub fn insert(conn: &mut DbConn, new: &NewInvoice) -> Result<Invoice> {
    let prefix = format!("{}-{}-", new.due_date.year(), new.municipality_code);
    let taken: i64 = invoices::table.filter(invoices::number.like(format!("{prefix}%"))).count().get_result(conn)?;
    let id: i32 = diesel::insert_into(invoices::table)
        .values((
            invoices::agreement_id.eq(new.agreement_id),
            invoices::municipality_code.eq(&new.municipality_code),
            invoices::number.eq(format!("{prefix}{}", taken + 1)),
            invoices::kind.eq(new.kind),
            invoices::period_start.eq(new.period.start),
            invoices::period_end.eq(new.period.end),
            invoices::due_date.eq(new.due_date),
            invoices::amount_ore.eq(new.amount.ore()),
            invoices::status.eq(new.status.code()),
            invoices::basis.eq(&new.basis),
            invoices::issued_on.eq(new.issued_on),
            invoices::paid_on.eq(new.paid_on),
            invoices::credits_invoice_id.eq(new.credits_invoice_id),
            invoices::created_at.eq(now()),
            invoices::version.eq(1),
        ))
        .returning(invoices::id)
        .get_result(conn)?;
    get(conn, id)
}

pub fn get(conn: &mut DbConn, id: i32) -> Result<Invoice> {
    invoices::table.find(id).select(Invoice::as_select()).first(conn).optional()?.ok_or(StoreError::NotFound)
}

/// A post's invoices due in a year (or all years), by due date and municipality.
pub fn list(conn: &mut DbConn, post_id: i32, year: Option<i32>) -> Result<Vec<Invoice>> {
    let ids: Vec<i32> = agreements::for_post(conn, post_id)?.iter().map(|a| a.id).collect();
    let mut query = invoices::table.filter(invoices::agreement_id.eq_any(ids)).into_boxed();
    if let Some(y) = year {
        let first = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(|| StoreError::invalid("year", "Okänt år."))?;
        let last = NaiveDate::from_ymd_opt(y, 12, 31).expect("31 December exists");
        query = query.filter(invoices::due_date.ge(first)).filter(invoices::due_date.le(last));
    }
    Ok(query
        .order((invoices::due_date, invoices::municipality_code, invoices::id))
        .select(Invoice::as_select())
        .load(conn)?)
}

pub fn for_agreement(conn: &mut DbConn, agreement_id: i32) -> Result<Vec<Invoice>> {
    Ok(invoices::table
        .filter(invoices::agreement_id.eq(agreement_id))
        .order((invoices::due_date, invoices::id))
        .select(Invoice::as_select())
        .load(conn)?)
}

/// What a municipality has paid per year (by the year of the period's start), net of credits.
pub fn paid_per_year(conn: &mut DbConn, municipality_code: &str) -> Result<Vec<(i32, Money)>> {
    let rows: Vec<(NaiveDate, i64, String)> = invoices::table
        .filter(invoices::municipality_code.eq(municipality_code))
        .filter(invoices::status.eq_any([Status::Paid.code(), Status::Credited.code()]))
        .select((invoices::period_start, invoices::amount_ore, invoices::kind))
        .load(conn)?;
    let mut years: BTreeMap<i32, Money> = BTreeMap::new();
    for (start, amount, _) in rows {
        let year = years.entry(start.year()).or_default();
        *year = *year + Money::from_ore(amount);
    }
    Ok(years.into_iter().collect())
}

/// What generating a year's invoices did.
#[derive(Debug, Clone)]
pub struct Generated {
    pub created: Vec<Invoice>,
    /// Agreements that already had their invoice for the period.
    pub already: usize,
}

/// Creates the drafts that the agreements' schedules call for in `year`. The cost of each
/// period is shared among the agreements invoiced for it, by the population of the year
/// the post's lag names. Running it again creates nothing twice.
pub fn generate(conn: &mut DbConn, post_id: i32, year: i32) -> Result<Generated> {
    write(conn, |conn| {
        let post = posts::get(conn, post_id)?;
        let model = posts::cost_model_for(conn, post_id, year)?.ok_or_else(|| {
            StoreError::invalid(
                "year",
                format!("Tjänsten har ingen kostnadsmodell för {year}. Lägg in kostnaden först."),
            )
        })?;
        // Named instalments share the calculation made when the agreement was signed (the 2016
        // agreement's two invoices use one population table); yearly invoices use the
        // population of the year the lag names.
        // Each group shares one period's cost. A yearly invoice's group is the whole calendar
        // year; a party in the agreement for part of it pays its share pro rata for its months.
        type Group = Vec<(agreements::Agreement, Period)>;
        let mut groups: BTreeMap<(NaiveDate, NaiveDate, NaiveDate, i32), Group> = BTreeMap::new();
        for agreement in agreements::for_post(conn, post_id)? {
            let Some(version) =
                agreement.version_on(NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists"))
            else {
                continue;
            };
            let calculation_year = match &version.terms.schedule {
                InvoiceSchedule::Instalments(list) => list.iter().map(|i| i.due.year()).min().unwrap_or(year),
                InvoiceSchedule::Yearly { .. } => year,
                InvoiceSchedule::None => continue,
            };
            for instalment in version.terms.invoices_in(year) {
                let ended_before = agreement.termination.as_ref().is_some_and(|t| t.end_date < instalment.period.start);
                if ended_before {
                    continue;
                }
                let shared = match version.terms.schedule {
                    InvoiceSchedule::Yearly { .. } => Period {
                        start: NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists"),
                        end: NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists"),
                    },
                    InvoiceSchedule::Instalments(_) => instalment.period,
                    InvoiceSchedule::None => continue,
                };
                let key = (shared.start, shared.end, instalment.due, calculation_year - post.population_year_lag);
                groups.entry(key).or_default().push((agreement.clone(), instalment.period));
            }
        }
        let mut tables: BTreeMap<i32, Vec<population::Figure>> = BTreeMap::new();
        let mut created = Vec::new();
        let mut already = 0;
        for ((start, end, due, population_year), parties) in groups {
            if !tables.contains_key(&population_year) {
                let figures = population::figures(conn, population_year, Some(&post.county_code))?;
                if figures.is_empty() {
                    return Err(StoreError::invalid(
                        "year",
                        format!("Det finns ingen folkmängd för {population_year}. Läs in folkmängden först."),
                    ));
                }
                tables.insert(population_year, figures);
            }
            let figures = &tables[&population_year];
            let period = Period { start, end };
            let months = period.months() as u32;
            let total = model.cost.cost(months);
            let claimants: Vec<Claimant> = parties
                .iter()
                .map(|(a, _)| {
                    let population = figures.iter().find(|f| f.code == a.municipality_code).map(|f| f.population);
                    population
                        .map(|p| Claimant {
                            code: a.municipality_code.clone(),
                            name: etablera_domain::municipality::name_of(&a.municipality_code),
                            population: p,
                        })
                        .ok_or_else(|| {
                            StoreError::invalid(
                                "year",
                                format!("Folkmängd {population_year} saknas för kommun {}.", a.municipality_code),
                            )
                        })
                })
                .collect::<Result<_>>()?;
            let allocation =
                apportion(total, Unit::Krona, &claimants).map_err(|e| StoreError::invalid("year", e.to_string()))?;
            let total_population: u64 = claimants.iter().map(|c| c.population).sum();
            for ((agreement, own_period), share) in parties.iter().zip(&allocation) {
                let exists: i64 = invoices::table
                    .filter(invoices::agreement_id.eq(agreement.id))
                    .filter(invoices::period_start.eq(own_period.start))
                    .filter(invoices::kind.eq_any(["invoice", "final"]))
                    .count()
                    .get_result(conn)?;
                if exists > 0 {
                    already += 1;
                    continue;
                }
                // A party in the agreement for part of the period pays for its months.
                let own_months = own_period.months();
                let (share_amount, part_note) = if *own_period == period {
                    (share.amount, String::new())
                } else {
                    let part = share.amount.share_in_kr(own_months, period.months());
                    (
                        part,
                        format!(
                            " Avtalet gäller {own_period}: {} × {own_months} / {} månader = {part}.",
                            share.amount,
                            period.months()
                        ),
                    )
                };
                let (kind, amount, final_note) = match &agreement.termination {
                    Some(t) if own_period.contains(t.end_date) => {
                        // The period is not invoiced yet: the party pays up to the month its
                        // agreement ends (the end date is the "notice date" with no notice left).
                        let end = terminate(&TerminationInput {
                            notice_date: t.end_date,
                            notice_months: 0,
                            period: *own_period,
                            amount: share_amount,
                            paid: false,
                            policy: agreement.current().terms.refund_policy,
                        });
                        (
                            "final",
                            end.amount_due,
                            format!(
                                " Avtalet upphör {}: slutfaktura för {} av {} månader = {}.",
                                t.end_date, end.due_months, end.period_months, end.amount_due
                            ),
                        )
                    }
                    _ => ("invoice", share_amount, String::new()),
                };
                let basis = format!(
                    "Tjänstens kostnad {period}: {}. Delas av {} kommuner efter folkmängd {population_year}: {} av {} = {}. Exakt andel {}, avrundat till {}.",
                    model.cost.arithmetic(months),
                    parties.len(),
                    Money::from_kr(share.population as i64).format_number(),
                    Money::from_kr(total_population as i64).format_number(),
                    share.share_text(),
                    share.quota_text(),
                    share.amount,
                ) + &part_note
                    + &final_note;
                created.push(insert(
                    conn,
                    &NewInvoice {
                        agreement_id: agreement.id,
                        municipality_code: agreement.municipality_code.clone(),
                        kind,
                        period: *own_period,
                        due_date: due,
                        amount,
                        status: Status::Draft,
                        basis,
                        issued_on: None,
                        paid_on: None,
                        credits_invoice_id: None,
                    },
                )?);
            }
        }
        Ok(Generated { created, already })
    })
}

/// Moves an invoice on: draft → sent (dated), sent → paid (dated). A stale version is refused.
pub fn advance(conn: &mut DbConn, id: i32, expected_version: i32, to: Status, on: NaiveDate) -> Result<Invoice> {
    write(conn, |conn| {
        let invoice = get(conn, id)?;
        if invoice.version != expected_version {
            return Err(StoreError::Stale);
        }
        let allowed = matches!((invoice.status(), to), (Status::Draft, Status::Sent) | (Status::Sent, Status::Paid));
        if !allowed {
            return Err(StoreError::invalid("status", "Fakturan kan inte flyttas till den statusen härifrån."));
        }
        let target = invoices::table.find(id).filter(invoices::version.eq(expected_version));
        let updated = match to {
            Status::Sent => diesel::update(target)
                .set((
                    invoices::status.eq(to.code()),
                    invoices::issued_on.eq(on),
                    invoices::version.eq(expected_version + 1),
                ))
                .execute(conn)?,
            _ => diesel::update(target)
                .set((
                    invoices::status.eq(to.code()),
                    invoices::paid_on.eq(on),
                    invoices::version.eq(expected_version + 1),
                ))
                .execute(conn)?,
        };
        if updated == 0 {
            return Err(StoreError::Stale);
        }
        get(conn, id)
    })
}

/// Credits an invoice in full: a credit note with the negative amount, the invoice marked credited.
pub fn credit(conn: &mut DbConn, id: i32, expected_version: i32, on: NaiveDate, reason: &str) -> Result<Invoice> {
    write(conn, |conn| {
        let invoice = get(conn, id)?;
        if invoice.version != expected_version {
            return Err(StoreError::Stale);
        }
        if invoice.kind == "credit" || invoice.status() == Status::Credited || invoice.status() == Status::Draft {
            return Err(StoreError::invalid(
                "status",
                "Bara en skickad eller betald faktura kan krediteras; ett utkast tas inte med.",
            ));
        }
        diesel::update(invoices::table.find(id))
            .set((invoices::status.eq(Status::Credited.code()), invoices::version.eq(expected_version + 1)))
            .execute(conn)?;
        insert(
            conn,
            &NewInvoice {
                agreement_id: invoice.agreement_id,
                municipality_code: invoice.municipality_code.clone(),
                kind: "credit",
                period: invoice.period(),
                due_date: on,
                amount: -invoice.amount(),
                status: Status::Sent,
                basis: format!("Kreditering av faktura {}: {reason}", invoice.number),
                issued_on: Some(on),
                paid_on: None,
                credits_invoice_id: Some(invoice.id),
            },
        )
    })
}
