//! What is coming up for a shared post: invoices to send, agreements that end.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use crate::agreements;
use crate::schema::invoices;
use crate::{DbConn, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deadline {
    /// Invoices the agreements' schedules call for, not yet made.
    InvoicesDue { due: NaiveDate, count: usize },
    /// An agreement ends: after notice, or at the end of its fixed term.
    AgreementEnds { date: NaiveDate, agreement_id: i32, municipality_code: String, after_notice: bool },
}

impl Deadline {
    pub fn date(&self) -> NaiveDate {
        match self {
            Deadline::InvoicesDue { due, .. } => *due,
            Deadline::AgreementEnds { date, .. } => *date,
        }
    }
}

/// Deadlines from `today` up to `days` days ahead, earliest first.
pub fn upcoming(conn: &mut DbConn, post_id: i32, today: NaiveDate, days: i64) -> Result<Vec<Deadline>> {
    let horizon = today + chrono::Duration::days(days);
    let mut due: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
    let mut out = Vec::new();
    for agreement in agreements::for_post(conn, post_id)? {
        if let Some(end) = agreement.ends_on()
            && (today..=horizon).contains(&end)
        {
            out.push(Deadline::AgreementEnds {
                date: end,
                agreement_id: agreement.id,
                municipality_code: agreement.municipality_code.clone(),
                after_notice: agreement.termination.is_some(),
            });
        }
        for year in today.year()..=horizon.year() {
            let Some(version) =
                agreement.version_on(NaiveDate::from_ymd_opt(year, 12, 31).expect("31 December exists"))
            else {
                continue;
            };
            for instalment in version.terms.invoices_in(year) {
                if !(today..=horizon).contains(&instalment.due)
                    || agreement.ends_on().is_some_and(|end| end < instalment.period.start)
                {
                    continue;
                }
                let made: i64 = invoices::table
                    .filter(invoices::agreement_id.eq(agreement.id))
                    .filter(invoices::period_start.eq(instalment.period.start))
                    .count()
                    .get_result(conn)?;
                if made == 0 {
                    *due.entry(instalment.due).or_default() += 1;
                }
            }
        }
    }
    out.extend(due.into_iter().map(|(due, count)| Deadline::InvoicesDue { due, count }));
    out.sort_by_key(Deadline::date);
    Ok(out)
}
