//! Invoices to the parties of a shared post: the drafts a year's schedules call for (planned by
//! `domain::cofinancing::invoices`), then sent, paid, or credited.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::agreements::Period;
use etablera_domain::cofinancing::invoices::{
    self as rules, Basis, InvoiceKind, InvoiceRefusal, InvoiceState, InvoiceStatus, Party,
};
use etablera_domain::ids::{AgreementId, InvoiceId};
use etablera_domain::money::Money;
use etablera_domain::text::Text;
use etablera_domain::time::Year;
use serde::Serialize;

use super::{population, posts};
use crate::access::Actor;
use crate::agreements;
use crate::codes::NullableId;
use crate::paging::{Page, Paging};
use crate::raw::{self, Param};
use crate::schema::{agreements as agreement_table, invoices};
use crate::versions::claim_version;
use crate::{DbConn, Result, StoreError, write};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = invoices)]
pub struct Invoice {
    #[diesel(deserialize_as = i32)]
    pub id: InvoiceId,
    #[diesel(deserialize_as = i32)]
    pub agreement_id: AgreementId,
    pub municipality_code: String,
    pub number: String,
    #[diesel(deserialize_as = String)]
    pub kind: InvoiceKind,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The day the schedule says it is to be sent.
    pub invoice_date: NaiveDate,
    pub amount_ore: i64,
    #[diesel(deserialize_as = String)]
    pub status: InvoiceStatus,
    /// How the amount was reached, in figures.
    #[diesel(deserialize_as = String)]
    pub basis: Basis,
    pub issued_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    #[diesel(deserialize_as = NullableId)]
    pub credits_invoice_id: Option<InvoiceId>,
    pub created_at: NaiveDateTime,
    pub version: i32,
}

impl Invoice {
    pub fn amount(&self) -> Money {
        Money::from_ore(self.amount_ore)
    }

    pub fn period(&self) -> Period {
        Period { start: self.period_start, end: self.period_end }
    }

    /// The day payment is due.
    pub fn due_date(&self) -> NaiveDate {
        rules::due_date(self.invoice_date, self.issued_on)
    }

    /// The date the document bears: the day it was sent, or until then the day it is to be sent.
    pub fn issue_date(&self) -> NaiveDate {
        self.issued_on.unwrap_or(self.invoice_date)
    }

    /// What may happen to it, given whether another document credits or replaces it.
    pub fn state(&self, credited_by_another: bool) -> InvoiceState {
        InvoiceState { kind: self.kind, status: self.status, credited_by_another }
    }
}

/// A new invoice row, before it has an id.
pub struct NewInvoice {
    pub agreement_id: AgreementId,
    pub municipality_code: String,
    pub kind: InvoiceKind,
    pub period: Period,
    pub invoice_date: NaiveDate,
    pub amount: Money,
    pub status: InvoiceStatus,
    pub basis: Basis,
    pub issued_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub credits_invoice_id: Option<InvoiceId>,
}

/// Inserts an invoice with the next number of its year and municipality (`2024-0586-2`). A
/// second document for the same credited invoice, or a number taken by a concurrent insert, is
/// stale: someone else did it first.
pub fn insert(conn: &mut DbConn, actor: &Actor, new: &NewInvoice) -> Result<Invoice> {
    let prefix = format!("{}-{}-", new.invoice_date.year(), new.municipality_code);
    let taken: i64 = invoices::table.filter(invoices::number.like(format!("{prefix}%"))).count().get_result(conn)?;
    let id: i32 = diesel::insert_into(invoices::table)
        .values((
            invoices::agreement_id.eq(new.agreement_id.get()),
            invoices::municipality_code.eq(&new.municipality_code),
            invoices::number.eq(format!("{prefix}{}", taken + 1)),
            invoices::kind.eq(new.kind.code()),
            invoices::period_start.eq(new.period.start),
            invoices::period_end.eq(new.period.end),
            invoices::invoice_date.eq(new.invoice_date),
            invoices::amount_ore.eq(new.amount.ore()),
            invoices::status.eq(new.status.code()),
            invoices::basis.eq(new.basis.to_stored()),
            invoices::issued_on.eq(new.issued_on),
            invoices::paid_on.eq(new.paid_on),
            invoices::credits_invoice_id.eq(new.credits_invoice_id.map(InvoiceId::get)),
            invoices::created_at.eq(actor.at),
            invoices::version.eq(1),
        ))
        .returning(invoices::id)
        .get_result(conn)
        .map_err(StoreError::unique_as_stale)?;
    get(conn, InvoiceId::new(id))
}

pub fn get(conn: &mut DbConn, id: InvoiceId) -> Result<Invoice> {
    invoices::table.find(id.get()).select(Invoice::as_select()).first(conn).optional()?.ok_or(StoreError::NotFound)
}

/// The credit note or final invoice that credits or replaces an invoice, if any.
pub fn credited_by(conn: &mut DbConn, id: InvoiceId) -> Result<Option<Invoice>> {
    Ok(invoices::table
        .filter(invoices::credits_invoice_id.eq(id.get()))
        .select(Invoice::as_select())
        .first(conn)
        .optional()?)
}

/// A post's invoices to be sent in a year (or all years), by date and municipality.
pub fn list(conn: &mut DbConn, post_id: i32, year: Option<Year>) -> Result<Vec<Invoice>> {
    let of_post = agreement_table::table.filter(agreement_table::post_id.eq(post_id)).select(agreement_table::id);
    let mut query = invoices::table.filter(invoices::agreement_id.eq_any(of_post)).into_boxed();
    if let Some(year) = year {
        query = query.filter(invoices::invoice_date.between(year.first_day(), year.last_day()));
    }
    Ok(query
        .order((invoices::invoice_date, invoices::municipality_code, invoices::id))
        .select(Invoice::as_select())
        .load(conn)?)
}

/// Which of a year's documents a list shows, and in what order.
#[derive(Debug, Clone)]
pub struct InvoiceQuery {
    pub year: Year,
    pub status: Option<InvoiceStatus>,
    pub sort: InvoiceSort,
    pub descending: bool,
    pub paging: Paging,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InvoiceSort {
    /// By invoice date, then municipality (the order they are made in).
    #[default]
    Date,
    /// By municipality code, then date.
    Municipality,
}

fn of_year(post_id: i32, q: &InvoiceQuery) -> invoices::BoxedQuery<'static, <DbConn as diesel::Connection>::Backend> {
    let of_post = agreement_table::table.filter(agreement_table::post_id.eq(post_id)).select(agreement_table::id);
    let mut query = invoices::table
        .filter(invoices::agreement_id.eq_any(of_post))
        .filter(invoices::invoice_date.between(q.year.first_day(), q.year.last_day()))
        .into_boxed();
    if let Some(status) = q.status {
        query = query.filter(invoices::status.eq(status.code()));
    }
    query
}

/// A page of the post's documents of a year, and the sum of all that match and are not credited.
pub fn page(conn: &mut DbConn, post_id: i32, q: &InvoiceQuery) -> Result<(Page<Invoice>, Money)> {
    let total: i64 = of_year(post_id, q).count().get_result(conn)?;
    let mut sum_sql = "SELECT CAST(COALESCE(SUM(amount_ore), 0) AS BIGINT) AS n FROM invoices \
        WHERE agreement_id IN (SELECT id FROM agreements WHERE post_id = ?) \
        AND invoice_date >= ? AND invoice_date <= ? AND status <> ?"
        .to_owned();
    let mut params = vec![
        Param::Int(post_id),
        Param::Date(q.year.first_day()),
        Param::Date(q.year.last_day()),
        Param::from(InvoiceStatus::Credited.code()),
    ];
    if let Some(status) = q.status {
        sum_sql.push_str(" AND status = ?");
        params.push(Param::from(status.code()));
    }
    let sum: Vec<raw::Count> = raw::load(conn, &sum_sql, &params)?;
    let query = of_year(post_id, q);
    let query = match (q.sort, q.descending) {
        (InvoiceSort::Date, false) => {
            query.order((invoices::invoice_date.asc(), invoices::municipality_code.asc(), invoices::id.asc()))
        }
        (InvoiceSort::Date, true) => {
            query.order((invoices::invoice_date.desc(), invoices::municipality_code.desc(), invoices::id.desc()))
        }
        (InvoiceSort::Municipality, false) => {
            query.order((invoices::municipality_code.asc(), invoices::invoice_date.asc(), invoices::id.asc()))
        }
        (InvoiceSort::Municipality, true) => {
            query.order((invoices::municipality_code.desc(), invoices::invoice_date.desc(), invoices::id.desc()))
        }
    };
    let rows = query.limit(q.paging.limit()).offset(q.paging.offset()).select(Invoice::as_select()).load(conn)?;
    let sum = Money::from_ore(sum.first().map_or(0, |s| s.n));
    Ok((Page { rows, total: total as u64, paging: q.paging }, sum))
}

pub fn for_agreement(conn: &mut DbConn, agreement_id: AgreementId) -> Result<Vec<Invoice>> {
    Ok(invoices::table
        .filter(invoices::agreement_id.eq(agreement_id.get()))
        .order((invoices::invoice_date, invoices::id))
        .select(Invoice::as_select())
        .load(conn)?)
}

/// What a municipality has paid per year (by the year of the period's start), net of credits.
pub fn paid_per_year(conn: &mut DbConn, municipality_code: &str) -> Result<Vec<(i32, Money)>> {
    let rows: Vec<(NaiveDate, i64)> = invoices::table
        .filter(invoices::municipality_code.eq(municipality_code))
        .filter(invoices::status.eq_any([InvoiceStatus::Paid.code(), InvoiceStatus::Credited.code()]))
        .select((invoices::period_start, invoices::amount_ore))
        .load(conn)?;
    let mut years: BTreeMap<i32, Money> = BTreeMap::new();
    for (start, amount) in rows {
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

/// The parties of a post as their agreements stand at the end of `year`.
pub(crate) fn parties(conn: &mut DbConn, post_id: i32, year: Year) -> Result<Vec<Party>> {
    Ok(agreements::for_post(conn, post_id)?
        .into_iter()
        .filter_map(|agreement| {
            let terms = agreement.version_on(year.last_day())?.terms.clone();
            Some(Party {
                agreement_id: agreement.id,
                municipality_code: agreement.municipality_code.clone(),
                terms,
                terminated_on: agreement.termination.as_ref().map(|t| t.end_date),
            })
        })
        .collect())
}

/// Creates the drafts that the agreements' schedules call for in `year`, as the domain's plan
/// has them. Running it again creates nothing twice.
pub fn generate(conn: &mut DbConn, actor: &Actor, post_id: i32, year: Year) -> Result<Generated> {
    write(conn, |conn| {
        let post = posts::get(conn, post_id)?;
        let model = posts::cost_model_for(conn, post_id, year.get())?
            .ok_or_else(|| StoreError::invalid("year", Text::new("invoices-no-cost").with("year", year)))?;
        let parties = parties(conn, post_id, year)?;
        let mut tables = BTreeMap::new();
        for group in rules::groups(year, post.population_year_lag, &parties) {
            if !tables.contains_key(&group.population_year) {
                let table = population::figures(conn, group.population_year, Some(&post.county_code))?;
                tables.insert(group.population_year, table);
            }
        }
        let planned = rules::plan(year, post.population_year_lag, &model.cost, &parties, &tables)
            .map_err(|e| StoreError::invalid("year", e.text()))?;
        let mut created = Vec::new();
        let mut already = 0;
        for invoice in planned {
            let exists: i64 = invoices::table
                .filter(invoices::agreement_id.eq(invoice.agreement_id))
                .filter(invoices::period_start.eq(invoice.period.start))
                .filter(invoices::kind.eq_any([InvoiceKind::Invoice.code(), InvoiceKind::Final.code()]))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                already += 1;
                continue;
            }
            created.push(insert(
                conn,
                actor,
                &NewInvoice {
                    agreement_id: AgreementId::new(invoice.agreement_id),
                    municipality_code: invoice.municipality_code,
                    kind: invoice.kind,
                    period: invoice.period,
                    invoice_date: invoice.invoice_date,
                    amount: invoice.amount,
                    status: InvoiceStatus::Draft,
                    basis: invoice.basis,
                    issued_on: None,
                    paid_on: None,
                    credits_invoice_id: None,
                },
            )?);
        }
        Ok(Generated { created, already })
    })
}

fn refused(refusal: InvoiceRefusal) -> StoreError {
    StoreError::invalid("status", refusal.text())
}

/// Moves an invoice on: draft → sent (dated), sent → paid (dated). A stale version is refused.
pub fn advance(conn: &mut DbConn, id: InvoiceId, version: i32, to: InvoiceStatus, on: NaiveDate) -> Result<Invoice> {
    write(conn, |conn| {
        claim_version!(conn, invoices, id.get(), version)?;
        let invoice = get(conn, id)?;
        // Only sending needs to know whom the invoice is paid by and to.
        let (seller, buyer) = if to == InvoiceStatus::Sent {
            let agreement = crate::agreements::for_post_one(conn, invoice.agreement_id.get())?;
            let post = super::posts::get(conn, agreement.post_id.ok_or(StoreError::NotFound)?)?;
            (post.invoicing, agreement.invoice_address)
        } else {
            (None, None)
        };
        invoice.state(false).advance_with(to, seller.as_ref(), buyer.as_ref()).map_err(refused)?;
        let target = invoices::table.find(id.get());
        match to {
            InvoiceStatus::Sent => diesel::update(target)
                .set((invoices::status.eq(to.code()), invoices::issued_on.eq(on)))
                .execute(conn)?,
            _ => {
                diesel::update(target).set((invoices::status.eq(to.code()), invoices::paid_on.eq(on))).execute(conn)?
            }
        };
        get(conn, id)
    })
}

/// Moves several invoices on in one step, all or none: a row that moved since the page was
/// opened is stale, and one that cannot take the step is refused by its number. Gives how many.
pub fn advance_all(conn: &mut DbConn, step: &etablera_domain::cofinancing::invoices::BulkStatus) -> Result<usize> {
    write(conn, |conn| {
        for (id, version) in &step.picked {
            let number = get(conn, *id)?.number;
            advance(conn, *id, *version, step.to, step.on).map_err(|e| match e {
                StoreError::Invalid { field: "status", message } => StoreError::invalid(
                    "picked",
                    Text::new("invoices-bulk-refused").with("number", &number).with_text("why", message),
                ),
                other => other,
            })?;
        }
        Ok(step.picked.len())
    })
}

/// Credits an invoice in full: a credit note with the negative amount, the invoice marked
/// credited. Refused when the invoice has moved on since `version`, or already has a credit
/// note or final invoice.
pub fn credit(
    conn: &mut DbConn,
    actor: &Actor,
    id: InvoiceId,
    version: i32,
    on: NaiveDate,
    reason: &str,
) -> Result<Invoice> {
    write(conn, |conn| {
        claim_version!(conn, invoices, id.get(), version)?;
        let invoice = get(conn, id)?;
        let credited_by_another = credited_by(conn, id)?.is_some();
        invoice.state(credited_by_another).creditable().map_err(refused)?;
        diesel::update(invoices::table.find(id.get()))
            .set(invoices::status.eq(InvoiceStatus::Credited.code()))
            .execute(conn)?;
        insert(
            conn,
            actor,
            &NewInvoice {
                agreement_id: invoice.agreement_id,
                municipality_code: invoice.municipality_code.clone(),
                kind: InvoiceKind::Credit,
                period: invoice.period(),
                invoice_date: on,
                amount: -invoice.amount(),
                status: InvoiceStatus::Sent,
                basis: Basis::Credit { credited: invoice.number.clone(), reason: reason.to_owned() },
                issued_on: Some(on),
                paid_on: None,
                credits_invoice_id: Some(invoice.id),
            },
        )
    })
}

/// An unpaid invoice gives way to a final one: marked credited, at the version it was read at.
pub(crate) fn replace(conn: &mut DbConn, invoice: &Invoice) -> Result<()> {
    claim_version!(conn, invoices, invoice.id.get(), invoice.version)?;
    let credited_by_another = credited_by(conn, invoice.id)?.is_some();
    invoice.state(credited_by_another).replaceable_by_final().map_err(refused)?;
    diesel::update(invoices::table.find(invoice.id.get()))
        .set(invoices::status.eq(InvoiceStatus::Credited.code()))
        .execute(conn)?;
    Ok(())
}
