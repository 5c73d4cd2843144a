//! Periods when the shared post stands vacant, and each party's refund under its agreement.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::agreements::{Period, VacancyInput, VacancyRefund, vacancy_refund};

use etablera_domain::cofinancing::invoices::{InvoiceKind, InvoiceStatus};

use super::invoices::{self, Invoice};
use crate::access::Actor;
use crate::agreements;
use crate::schema::vacancies;
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::ids::AgreementId;
use etablera_domain::text::Text;

#[derive(Debug, Clone, Queryable)]
pub struct Vacancy {
    pub id: i32,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub note: Option<String>,
    pub recorded_at: NaiveDateTime,
}

impl Vacancy {
    pub fn period(&self) -> Period {
        Period { start: self.start_date, end: self.end_date }
    }
}

pub fn record(conn: &mut DbConn, actor: &Actor, post_id: i32, period: Period, note: Option<&str>) -> Result<i32> {
    write(conn, |conn| {
        super::posts::get(conn, post_id)?;
        let overlapping: i64 = vacancies::table
            .filter(vacancies::post_id.eq(post_id))
            .filter(vacancies::start_date.le(period.end))
            .filter(vacancies::end_date.ge(period.start))
            .count()
            .get_result(conn)?;
        if overlapping > 0 {
            return Err(StoreError::invalid("start", Text::new("vacancy-overlap")));
        }
        Ok(diesel::insert_into(vacancies::table)
            .values((
                vacancies::post_id.eq(post_id),
                vacancies::start_date.eq(period.start),
                vacancies::end_date.eq(period.end),
                vacancies::note.eq(note.map(str::trim).filter(|n| !n.is_empty())),
                vacancies::recorded_at.eq(actor.at),
                vacancies::recorded_by.eq(actor.user_id),
            ))
            .returning(vacancies::id)
            .get_result(conn)?)
    })
}

pub fn list(conn: &mut DbConn, post_id: i32) -> Result<Vec<Vacancy>> {
    Ok(vacancies::table
        .filter(vacancies::post_id.eq(post_id))
        .order(vacancies::start_date.desc())
        .select((vacancies::id, vacancies::start_date, vacancies::end_date, vacancies::note, vacancies::recorded_at))
        .load(conn)?)
}

/// One party's refund for a vacancy, from one invoiced period.
#[derive(Debug, Clone)]
pub struct PartyRefund {
    pub municipality_code: String,
    pub invoice: Invoice,
    pub threshold_months: Option<u32>,
    pub refund: VacancyRefund,
}

/// Each party's refund for the vacancy, from every invoiced (sent or paid) period it touches,
/// under the version of the agreement the invoice was made under.
pub fn refunds(conn: &mut DbConn, post_id: i32, vacancy: Period) -> Result<Vec<PartyRefund>> {
    let mut out = Vec::new();
    for agreement in agreements::for_post(conn, post_id)? {
        for invoice in invoices::for_agreement(conn, AgreementId::new(agreement.id))? {
            let Some(version) = agreement.version_on(invoice.invoice_date).or_else(|| agreement.versions.first())
            else {
                continue;
            };
            let threshold = version.terms.vacancy_threshold_months;
            let invoiced = matches!(invoice.status, InvoiceStatus::Sent | InvoiceStatus::Paid)
                && invoice.kind != InvoiceKind::Credit;
            if !invoiced || invoice.period().intersection(&vacancy).is_none() {
                continue;
            }
            let refund = vacancy_refund(&VacancyInput {
                vacancy,
                period: invoice.period(),
                amount: invoice.amount(),
                threshold_months: threshold,
            });
            out.push(PartyRefund {
                municipality_code: agreement.municipality_code.clone(),
                invoice,
                threshold_months: threshold,
                refund,
            });
        }
    }
    Ok(out)
}
