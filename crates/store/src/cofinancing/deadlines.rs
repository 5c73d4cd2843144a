//! What is coming up for a shared post: invoices to send, agreements that end.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use etablera_domain::cofinancing::invoices as rules;
use etablera_domain::time::Year;

use super::{invoices, posts};
use crate::agreements;
use crate::schema::invoices as invoice_table;
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
    }
    let lag = posts::get(conn, post_id)?.population_year_lag;
    let mut due: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
    for year in today.year()..=horizon.year() {
        let Ok(year) = Year::new(year) else { continue };
        let parties = invoices::parties(conn, post_id, year)?;
        for group in rules::groups(year, lag, &parties) {
            if !(today..=horizon).contains(&group.invoice_date) {
                continue;
            }
            for (index, period) in &group.members {
                let made: i64 = invoice_table::table
                    .filter(invoice_table::agreement_id.eq(parties[*index].agreement_id))
                    .filter(invoice_table::period_start.eq(period.start))
                    .count()
                    .get_result(conn)?;
                if made == 0 {
                    *due.entry(group.invoice_date).or_default() += 1;
                }
            }
        }
    }
    out.extend(due.into_iter().map(|(due, count)| Deadline::InvoicesDue { due, count }));
    out.sort_by_key(Deadline::date);
    Ok(out)
}
