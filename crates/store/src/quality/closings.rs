//! The counts of complaints and deviations for an interim or annual closing, and the interim
//! closing's month per year. Nothing here names a person or a household.

use crate::access::log::RecordKind;
use diesel::prelude::*;
use etablera_domain::quality::deviations::{Category, Kind, Severity};
use etablera_domain::quality::summary::{Closing, DEFAULT_INTERIM_LAST_MONTH, Entry, Interim, Summary, summarise};

use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::schema::{deviations, interim_closings};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

const INTERIM_CLOSING: RecordKind = RecordKind::InterimClosing;

/// The interim closing's last month for the year: as set, or August.
pub fn interim_last_month(conn: &mut DbConn, municipality_code: &str, year: i32) -> Result<u32> {
    let set: Option<i32> = interim_closings::table
        .find((municipality_code, year))
        .select(interim_closings::last_month)
        .first(conn)
        .optional()?;
    Ok(set.map_or(DEFAULT_INTERIM_LAST_MONTH, |m| m as u32))
}

/// Sets the interim closing's last month for a year, as
/// [`InterimForm::check`](etablera_domain::quality::summary::InterimForm::check) gives it (a year of
/// the work, January to November).
pub fn set_interim(conn: &mut DbConn, actor: &Actor, municipality_code: &str, interim: &Interim) -> Result<()> {
    let (year, last_month) = (interim.year.get(), interim.last_month);
    write(conn, |conn| {
        let key = interim_closings::table.find((municipality_code, year));
        let values = (
            interim_closings::last_month.eq(last_month as i32),
            interim_closings::changed_at.eq(actor.at),
            interim_closings::changed_by.eq(actor.user_id),
        );
        if key.count().get_result::<i64>(conn)? > 0 {
            diesel::update(key).set(values).execute(conn)?;
        } else {
            diesel::insert_into(interim_closings::table)
                .values((
                    interim_closings::municipality_code.eq(municipality_code),
                    interim_closings::year.eq(year),
                    values,
                ))
                .execute(conn)
                .map_err(StoreError::unique_as_stale)?;
        }
        append(conn, actor, Action::Update, &Record::new(INTERIM_CLOSING, year).in_municipality(municipality_code))
    })
}

/// The closing's period and its counts.
pub fn summary(conn: &mut DbConn, municipality_code: &str, year: i32, closing: Closing) -> Result<Summary> {
    let (from, to) =
        closing.period(year).ok_or_else(|| StoreError::invalid("year", Text::new("closing-year-and-period")))?;
    let rows: Vec<(String, String, String, chrono::NaiveDate, Option<chrono::NaiveDate>)> = deviations::table
        .filter(deviations::municipality_code.eq(municipality_code))
        .filter(deviations::received_on.le(to))
        .select((
            deviations::kind,
            deviations::category,
            deviations::severity,
            deviations::received_on,
            deviations::closed_on,
        ))
        .load(conn)?;
    let entries: Vec<Entry> = rows
        .into_iter()
        .map(|(kind, category, severity, received_on, closed_on)| {
            Ok(Entry {
                kind: Kind::try_from(kind)?,
                category: Category::try_from(category)?,
                severity: Severity::try_from(severity)?,
                received_on,
                closed_on,
            })
        })
        .collect::<Result<_>>()?;
    Ok(summarise(&entries, from, to))
}
