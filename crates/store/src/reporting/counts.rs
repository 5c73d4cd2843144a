//! The monthly report counted in the database: one aggregate per figure, over the municipality's
//! rows that can count for the month, so that a view costs what the month costs and not what
//! the municipality's whole history costs.
//!
//! The definitions are the domain's ([`etablera_domain::reporting::monthly::count`] and
//! [`etablera_domain::reporting::follow_up`]); these statements say the same in SQL, and a test
//! (`tests/reporting.rs`) counts generated casework both ways on both backends. What needs a
//! calendar (the first contact's working days) stays in Rust, over the month's arrivals only.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamp};
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reception::person::adult_if_born_by;
use etablera_domain::reception::plan::{Counts, FULL_TIME_HOURS};
use etablera_domain::reporting::follow_up::{Arrival, FollowUp, first_contacts, measured_on};
use etablera_domain::reporting::monthly::{Month, MonthlyCounts, ROWS, Row};

use crate::raw::{self, Param};
use crate::{DbConn, Result};

/// In the target group some day of a period (`target_group::during`): received by its last day,
/// and not out for the whole period. Binds: last, first, last.
macro_rules! in_group {
    () => {
        "p.reception_date IS NOT NULL AND p.reception_date <= ? \
         AND NOT EXISTS (SELECT 1 FROM person_exits e WHERE e.person_id = p.id \
             AND e.exit_date < ? AND (e.returned_on IS NULL OR e.returned_on > ?))"
    };
}

/// Persons in the target group. Binds: municipality, then the group's.
const TARGET_GROUP: &str =
    concat!("SELECT COUNT(*) AS n FROM persons p WHERE p.municipality_code = ? AND ", in_group!());

/// Distinct persons in the group with an activity running some day of the month, per the
/// catalogue's report row. Binds: municipality, last, first, the group's.
const ACTIVITY_ROWS: &str = concat!(
    "SELECT t.report_row AS row_code, COUNT(DISTINCT a.person_id) AS n \
     FROM activities a JOIN activity_types t ON t.code = a.type_code JOIN persons p ON p.id = a.person_id \
     WHERE p.municipality_code = ? AND t.report_row IS NOT NULL \
     AND a.start_date <= ? AND (a.end_date IS NULL OR a.end_date >= ?) AND ",
    in_group!(),
    " GROUP BY t.report_row"
);

/// Distinct persons in the group with a decline dated in the month. Binds: municipality, first,
/// last, the group's.
const DECLINED: &str = concat!(
    "SELECT COUNT(DISTINCT d.person_id) AS n FROM declines d JOIN persons p ON p.id = d.person_id \
     WHERE p.municipality_code = ? AND d.declined_on >= ? AND d.declined_on <= ? AND ",
    in_group!()
);

/// Damages in the municipality's temporary homes dated in the month. Binds: municipality,
/// first, last.
const DAMAGES: &str = "SELECT COUNT(*) AS n FROM housing_damages x \
     JOIN temporary_housings th ON th.id = x.housing_id JOIN households h ON h.id = th.household_id \
     WHERE h.municipality_code = ? AND x.damage_date >= ? AND x.damage_date <= ?";

/// Households whose first person was received in the month, with their first contact. Binds:
/// municipality, municipality, first, last, first.
const ARRIVALS: &str = "SELECT h.first_contact_at AS contacted_at, MIN(p.reception_date) AS received \
     FROM persons p JOIN households h ON h.id = p.household_id \
     WHERE p.municipality_code = ? AND p.reception_date IS NOT NULL AND p.household_id IN ( \
         SELECT q.household_id FROM persons q \
         WHERE q.municipality_code = ? AND q.reception_date >= ? AND q.reception_date <= ?) \
     GROUP BY h.id, h.first_contact_at HAVING MIN(p.reception_date) >= ?";

/// Adults in the group on a day, not exempt from the work principle, whose plan is below full
/// time (`plan::full_time(..).flagged(..)`): hours of the activities running that day against
/// full time less leave (at most 100 %), rounded down. Binds: hours code, leave code, day, day,
/// municipality, the group's (day, day, day), adult cutoff, day, day, full-time hours.
const BELOW_FULL_TIME: &str = concat!(
    "SELECT COUNT(*) AS n FROM ( \
         SELECT p.id AS id, \
             COALESCE(SUM(CASE WHEN t.counts = ? AND a.hours_per_week > 0 THEN a.hours_per_week ELSE 0 END), 0) AS planned, \
             COALESCE(SUM(CASE WHEN t.counts = ? AND a.extent_percent > 0 THEN a.extent_percent ELSE 0 END), 0) AS leave_percent \
         FROM persons p \
         LEFT JOIN activities a ON a.person_id = p.id AND a.start_date <= ? AND (a.end_date IS NULL OR a.end_date >= ?) \
         LEFT JOIN activity_types t ON t.code = a.type_code \
         WHERE p.municipality_code = ? AND ",
    in_group!(),
    " AND p.birth_date <= ? \
         AND NOT EXISTS (SELECT 1 FROM work_exemptions w WHERE w.person_id = p.id \
             AND w.start_date <= ? AND (w.end_date IS NULL OR w.end_date >= ?)) \
         GROUP BY p.id \
     ) s WHERE s.planned < ? * (100 - CASE WHEN s.leave_percent > 100 THEN 100 ELSE s.leave_percent END) / 100"
);

fn group(first: NaiveDate, last: NaiveDate) -> [Param; 3] {
    [last.into(), first.into(), last.into()]
}

fn params<const N: usize>(head: [Param; N], first: NaiveDate, last: NaiveDate) -> Vec<Param> {
    head.into_iter().chain(group(first, last)).collect()
}

/// How many are in the target group some day of `first..=last` (one day: `first == last`).
pub fn target_group(conn: &mut DbConn, municipality_code: &str, first: NaiveDate, last: NaiveDate) -> Result<u32> {
    raw::count(conn, TARGET_GROUP, &params([municipality_code.into()], first, last))
}

#[derive(QueryableByName)]
struct RowCount {
    #[diesel(sql_type = Text)]
    row_code: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct ArrivalRow {
    #[diesel(sql_type = Nullable<Timestamp>)]
    contacted_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Date)]
    received: NaiveDate,
}

/// The committee's counts for the month.
pub fn counts(conn: &mut DbConn, municipality_code: &str, month: Month) -> Result<MonthlyCounts> {
    let (first, last) = (month.first, month.last);
    let code = || Param::from(municipality_code);
    let group_size = target_group(conn, municipality_code, first, last)?;
    let by_row: Vec<RowCount> =
        raw::load(conn, ACTIVITY_ROWS, &params([code(), last.into(), first.into()], first, last))?;
    let declined = raw::count(conn, DECLINED, &params([code(), first.into(), last.into()], first, last))?;
    let damages = raw::count(conn, DAMAGES, &[code(), first.into(), last.into()])?;
    let rows = ROWS
        .iter()
        .map(|code| {
            let count = match *code {
                "declined" => declined,
                "housing_damages" => damages,
                row => by_row.iter().find(|r| r.row_code == row).map_or(0, |r| u32::try_from(r.n).unwrap_or(u32::MAX)),
            };
            Row { code, count }
        })
        .collect();
    Ok(MonthlyCounts { month, target_group: group_size, rows })
}

/// The unit manager's follow-up of the month: its arrivals' first contacts, and the adults below
/// full time on the day measured.
pub fn follow_up(
    conn: &mut DbConn,
    municipality_code: &str,
    month: Month,
    today: NaiveDate,
    days: DayCount,
) -> Result<FollowUp> {
    let code = || Param::from(municipality_code);
    let rows: Vec<ArrivalRow> =
        raw::load(conn, ARRIVALS, &[code(), code(), month.first.into(), month.last.into(), month.first.into()])?;
    let arrivals: Vec<Arrival> = rows
        .into_iter()
        .map(|r| Arrival {
            reception: r.received,
            contacted: r.contacted_at.map(|at| etablera_domain::time::to_local(at).date()),
        })
        .collect();
    let (arrived, in_time) = first_contacts(month, &arrivals, days);
    let day = measured_on(month, today);
    let full_time = i32::try_from(FULL_TIME_HOURS).unwrap_or(i32::MAX);
    let below = raw::count(
        conn,
        BELOW_FULL_TIME,
        &[
            Counts::Hours.code().into(),
            Counts::Leave.code().into(),
            day.into(),
            day.into(),
            code(),
            day.into(),
            day.into(),
            day.into(),
            adult_if_born_by(day).into(),
            day.into(),
            day.into(),
            full_time.into(),
        ],
    )?;
    Ok(FollowUp { arrivals: arrived, contacted_in_time: in_time, below_full_time: below, measured_on: day })
}
