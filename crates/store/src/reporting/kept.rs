//! Counted months kept: a month's figures are counted once for a version of the municipality's
//! casework and read back until the casework changes. Every write to a municipality's casework
//! calls [`changed`] in its transaction, so a kept month of an older version is never shown.
//!
//! The version is one row per municipality: on PostgreSQL, writes to one municipality's
//! casework take turns on it until they commit (they are short); other municipalities are not
//! held up. An import raises it once.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reporting::monthly::Month;
use etablera_domain::reporting::versions::{Figure, read_back};

use super::monthly::Live;
use crate::raw::{self, Param};
use crate::schema::{casework_versions, monthly_counts};
use crate::{DbConn, Result};

/// Raises the municipality's casework version. Call it in the transaction of every write that
/// can change a monthly report: persons, their reception and exits, activities, declines,
/// exemptions, first contacts, temporary homes and their damages.
pub fn changed(conn: &mut DbConn, municipality_code: &str) -> Result<()> {
    raw::execute(
        conn,
        "INSERT INTO casework_versions (municipality_code, version) VALUES (?, 1) \
         ON CONFLICT (municipality_code) DO UPDATE SET version = casework_versions.version + 1",
        &[municipality_code.into()],
    )?;
    Ok(())
}

/// The casework's version as this transaction sees it.
pub(super) fn version(conn: &mut DbConn, municipality_code: &str) -> Result<i64> {
    Ok(casework_versions::table
        .find(municipality_code)
        .select(casework_versions::version)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// The months kept for this version, measured on the day a report of them would be.
pub(super) fn find(
    conn: &mut DbConn,
    municipality_code: &str,
    version: i64,
    days: DayCount,
    months: &[(Month, NaiveDate)],
) -> Result<Vec<Option<Live>>> {
    let codes: Vec<String> = months.iter().map(|(m, _)| m.code()).collect();
    let rows: Vec<(String, NaiveDate, String)> = monthly_counts::table
        .filter(monthly_counts::municipality_code.eq(municipality_code))
        .filter(monthly_counts::day_count.eq(days.code()))
        .filter(monthly_counts::version.eq(version))
        // At most a year's months: a bounded list.
        .filter(monthly_counts::month.eq_any(&codes))
        .select((monthly_counts::month, monthly_counts::measured_on, monthly_counts::figures))
        .load(conn)?;
    Ok(months
        .iter()
        .map(|(month, measured_on)| {
            let (_, _, figures) = rows.iter().find(|(code, on, _)| *code == month.code() && on == measured_on)?;
            let figures: Vec<Figure> = serde_json::from_str(figures).ok()?;
            let (counts, follow_up) = read_back(*month, *measured_on, &figures)?;
            Some(Live { counts, follow_up })
        })
        .collect())
}

/// Keeps counted months; a row counted from a newer version is not replaced by an older one.
pub(super) fn keep(
    conn: &mut DbConn,
    municipality_code: &str,
    version: i64,
    days: DayCount,
    counted: &[Live],
) -> Result<()> {
    for live in counted {
        let figures = serde_json::to_string(&live.figures()).expect("figures are plain data");
        raw::execute(
            conn,
            "INSERT INTO monthly_counts (municipality_code, month, day_count, measured_on, version, figures) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (municipality_code, month, day_count) DO UPDATE \
             SET measured_on = excluded.measured_on, version = excluded.version, figures = excluded.figures \
             WHERE monthly_counts.version <= excluded.version",
            &[
                municipality_code.into(),
                live.counts.month.code().as_str().into(),
                days.code().into(),
                live.follow_up.measured_on.into(),
                Param::BigInt(version),
                figures.as_str().into(),
            ],
        )?;
    }
    Ok(())
}
