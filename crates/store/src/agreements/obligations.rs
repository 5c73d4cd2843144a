//! An order's obligations and where each stands: the occurrences over the order's validity,
//! done (with the document), due or overdue. The monthly report's months are done by signing
//! the report; the others by recording the document that shows it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::agreements::obligations::{
    DutyKind, Occurrence, Schedule, ScheduleKind, Status, occurrences, status,
};
use etablera_domain::agreements::order::Fulfilment;

use super::{Agreement, RECORD};
use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::schema::{agreements, monthly_reports, obligation_fulfilments, obligations};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

/// The duty that signing the monthly report fulfils.
pub const MONTHLY_REPORT: DutyKind = DutyKind::MonthlyReport;

#[derive(Debug, Clone)]
pub struct Obligation {
    pub id: i32,
    pub code: DutyKind,
    pub schedule: Schedule,
}

/// An occurrence and where it stands.
#[derive(Debug, Clone)]
pub struct Standing {
    pub occurrence: Occurrence,
    pub status: Status,
}

/// An obligation as stored: its duty and the kind of its schedule with the schedule's dates.
#[derive(Queryable)]
struct Row {
    id: i32,
    #[diesel(deserialize_as = String)]
    code: DutyKind,
    #[diesel(deserialize_as = String)]
    kind: ScheduleKind,
    date: Option<NaiveDate>,
    month: Option<i32>,
    day: Option<i32>,
    next_year: bool,
}

/// A schedule's dates as the table holds them; `schedule` reads them back.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = obligations, treat_none_as_null = true)]
pub(crate) struct Dates {
    due_date: Option<NaiveDate>,
    due_month: Option<i32>,
    due_day: Option<i32>,
    next_year: bool,
}

impl Dates {
    pub(crate) fn of(schedule: Schedule) -> Dates {
        let (due_date, due_month, due_day, next_year) = match schedule {
            Schedule::Once { due } => (Some(due), None, None, false),
            Schedule::Monthly { day } => (None, None, Some(day as i32), false),
            Schedule::Yearly { month, day, next_year } => (None, Some(month as i32), Some(day as i32), next_year),
        };
        Dates { due_date, due_month, due_day, next_year }
    }
}

impl Row {
    /// The schedule its dates make; `None` when a date its kind needs is missing.
    fn schedule(&self) -> Option<Schedule> {
        match self.kind {
            ScheduleKind::Once => Some(Schedule::Once { due: self.date? }),
            ScheduleKind::Monthly => Some(Schedule::Monthly { day: self.day? as u32 }),
            ScheduleKind::Yearly => {
                Some(Schedule::Yearly { month: self.month? as u32, day: self.day? as u32, next_year: self.next_year })
            }
        }
    }
}

pub fn of_order(conn: &mut DbConn, agreement_id: i32) -> Result<Vec<Obligation>> {
    let rows: Vec<Row> = obligations::table
        .filter(obligations::agreement_id.eq(agreement_id))
        .order(obligations::position)
        .select((
            obligations::id,
            obligations::code,
            obligations::schedule,
            obligations::due_date,
            obligations::due_month,
            obligations::due_day,
            obligations::next_year,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Some(Obligation { id: row.id, code: row.code, schedule: row.schedule()? }))
        .collect())
}

/// One obligation of the municipality's current order; "not found" for any other.
pub fn in_current_order(conn: &mut DbConn, municipality_code: &str, obligation_id: i32) -> Result<Obligation> {
    let order = super::orders::current(conn, municipality_code)?.ok_or(StoreError::NotFound)?;
    of_order(conn, order.id)?.into_iter().find(|o| o.id == obligation_id).ok_or(StoreError::NotFound)
}

/// Each obligation with its occurrences due by `until`, oldest first, and where each stands on
/// `today`.
pub fn standing(
    conn: &mut DbConn,
    order: &Agreement,
    today: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<(Obligation, Vec<Standing>)>> {
    let list = of_order(conn, order.id)?;
    let ids: Vec<i32> = list.iter().map(|o| o.id).collect();
    let mut done: BTreeMap<(i32, String), (NaiveDate, String)> = obligation_fulfilments::table
        .filter(obligation_fulfilments::obligation_id.eq_any(&ids))
        .select((
            obligation_fulfilments::obligation_id,
            obligation_fulfilments::period,
            obligation_fulfilments::done_on,
            obligation_fulfilments::document,
        ))
        .load::<(i32, String, NaiveDate, String)>(conn)?
        .into_iter()
        .map(|(id, period, on, document)| ((id, period), (on, document)))
        .collect();
    // The signed months: the newest version of each, on the day it was signed.
    let mut signed: BTreeMap<String, (NaiveDate, i32)> = BTreeMap::new();
    let rows: Vec<(String, i32, chrono::NaiveDateTime)> = monthly_reports::table
        .filter(monthly_reports::municipality_code.eq(&order.municipality_code))
        .select((monthly_reports::month, monthly_reports::version, monthly_reports::signed_at))
        .load(conn)?;
    for (month, version, at) in rows {
        let on = etablera_domain::time::to_local(at).date();
        let first = signed.entry(month).or_insert((on, version));
        // The first signature fulfils the duty; later versions are corrections.
        if version < first.1 {
            *first = (on, version);
        }
    }
    let (start, end) = (order.starts_on(), order.ends_on());
    Ok(list
        .into_iter()
        .map(|obligation| {
            let standings = occurrences(obligation.schedule, start, end, until)
                .into_iter()
                .map(|occurrence| {
                    let fulfilled = if obligation.code == MONTHLY_REPORT {
                        signed.get(&occurrence.period).map(|(on, version)| (*on, format!("version {version}")))
                    } else {
                        done.remove(&(obligation.id, occurrence.period.clone()))
                    };
                    let status = status(&occurrence, fulfilled, today);
                    Standing { occurrence, status }
                })
                .collect();
            (obligation, standings)
        })
        .collect())
}

/// Moves a duty's dates (the municipality's timetable changed). The kind of schedule stays; what
/// was done stays done, by period.
pub fn reschedule(conn: &mut DbConn, actor: &Actor, obligation_id: i32, schedule: Schedule) -> Result<()> {
    write(conn, |conn| {
        let (agreement_id, kind): (i32, String) = obligations::table
            .find(obligation_id)
            .select((obligations::agreement_id, obligations::schedule))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if ScheduleKind::try_from(kind)? != schedule.kind() {
            return Err(StoreError::invalid("schedule", Text::new("obligation-other-schedule")));
        }
        schedule.check().map_err(|m| StoreError::invalid("schedule", m))?;
        diesel::update(obligations::table.find(obligation_id)).set(Dates::of(schedule)).execute(conn)?;
        let municipality: String =
            agreements::table.find(agreement_id).select(agreements::municipality_code).first(conn)?;
        append(conn, actor, Action::Update, &Record::new(RECORD, agreement_id).in_municipality(municipality))
    })
}

/// Records that an obligation was done for a period, with the document that shows it (the day
/// and the document checked by [`FulfilForm::check`](etablera_domain::agreements::order::FulfilForm::check));
/// refused when the period is not one of the obligation's or is already done, and for the
/// monthly report, which is done by signing.
pub fn fulfil(conn: &mut DbConn, actor: &Actor, obligation_id: i32, period: &str, done: &Fulfilment) -> Result<()> {
    let today = actor.today();
    let (done_on, document) = (done.done_on, done.document.as_str());
    write(conn, |conn| {
        let (agreement_id, code): (i32, String) = obligations::table
            .find(obligation_id)
            .select((obligations::agreement_id, obligations::code))
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if DutyKind::try_from(code)? == MONTHLY_REPORT {
            return Err(StoreError::invalid("period", Text::new("obligation-monthly-report")));
        }
        let order = super::load(conn, agreement_id, false)?;
        let obligation =
            of_order(conn, agreement_id)?.into_iter().find(|o| o.id == obligation_id).ok_or(StoreError::NotFound)?;
        let start = order.starts_on();
        // What is due within a year may be done ahead of time; nothing later.
        let until = today + chrono::Duration::days(366);
        let known = occurrences(obligation.schedule, start, order.ends_on(), until).iter().any(|o| o.period == period);
        if !known {
            return Err(StoreError::invalid("period", Text::new("obligation-period-unknown")));
        }
        let already: i64 = obligation_fulfilments::table
            .filter(obligation_fulfilments::obligation_id.eq(obligation_id))
            .filter(obligation_fulfilments::period.eq(period))
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Err(StoreError::invalid("period", Text::new("obligation-already-done")));
        }
        diesel::insert_into(obligation_fulfilments::table)
            .values((
                obligation_fulfilments::obligation_id.eq(obligation_id),
                obligation_fulfilments::period.eq(period),
                obligation_fulfilments::done_on.eq(done_on),
                obligation_fulfilments::document.eq(document),
                obligation_fulfilments::recorded_at.eq(actor.at),
                obligation_fulfilments::recorded_by.eq(actor.user_id),
            ))
            .execute(conn)
            .map_err(StoreError::unique_as_stale)?;
        let municipality: String =
            agreements::table.find(agreement_id).select(agreements::municipality_code).first(conn)?;
        append(conn, actor, Action::Update, &Record::new(RECORD, agreement_id).in_municipality(municipality))
    })
}
