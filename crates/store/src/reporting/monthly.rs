//! The monthly report: counted from a municipality's casework in the database (`counts`, no name
//! read), and signed by the unit manager into frozen versions that later casework does not change.

use crate::access::log::RecordKind;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reporting::follow_up::{FollowUp, measured_on};
use etablera_domain::reporting::monthly::{Month, MonthlyCounts, Signature};
use etablera_domain::reporting::versions::{Change, Figure, changes, figures, fingerprint, read_back};

use super::{counts, kept};
use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::paging::{Page, Paging};
use crate::raw::{self, Param};
use crate::schema::{monthly_reports, users};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

/// Access-log record kind: a month's report of a municipality.
pub const MONTHLY_REPORT: RecordKind = RecordKind::MonthlyReport;
/// Access-log record kind: the target group counted on a day.
const TARGET_GROUP: RecordKind = RecordKind::TargetGroup;

/// A month's report as the casework stands.
#[derive(Debug, Clone)]
pub struct Live {
    pub counts: MonthlyCounts,
    pub follow_up: FollowUp,
}

impl Live {
    pub fn figures(&self) -> Vec<Figure> {
        figures(&self.counts, &self.follow_up)
    }
}

/// The month's report counted in the database.
fn report(conn: &mut DbConn, municipality_code: &str, month: Month, today: NaiveDate, days: DayCount) -> Result<Live> {
    Ok(Live {
        counts: counts::counts(conn, municipality_code, month)?,
        follow_up: counts::follow_up(conn, municipality_code, month, today, days)?,
    })
}

/// The `n` months' reports ending with `month`, oldest first: the months kept for the
/// casework's version read back, the others counted (and listed in `fresh`, to be kept).
struct Counted {
    reports: Vec<Live>,
    fresh: Vec<kept::Fresh>,
}

/// A month's report is kept under its month and how the first contact's days are counted.
fn key(month: Month, today: NaiveDate, days: DayCount) -> kept::Key {
    kept::Key { key: format!("monthly/{}/{}", month.code(), days.code()), measured_on: measured_on(month, today) }
}

fn reports(
    conn: &mut DbConn,
    municipality_code: &str,
    month: Month,
    today: NaiveDate,
    days: DayCount,
    n: usize,
) -> Result<Counted> {
    let version = kept::version(conn, municipality_code)?;
    let months = month.trailing(n);
    let keys: Vec<kept::Key> = months.iter().map(|m| key(*m, today, days)).collect();
    let found = kept::find(conn, municipality_code, version, &keys)?;
    let mut fresh = Vec::new();
    let mut reports = Vec::with_capacity(months.len());
    for ((month, key), figures) in months.into_iter().zip(keys).zip(found) {
        let kept = figures.and_then(|f| read_back(month, key.measured_on, &f));
        let live = match kept {
            Some((counts, follow_up)) => Live { counts, follow_up },
            None => {
                let live = report(conn, municipality_code, month, today, days)?;
                fresh.push(kept::Fresh { version, key, figures: live.figures() });
                live
            }
        };
        reports.push(live);
    }
    Ok(Counted { reports, fresh })
}

fn keep(conn: &mut DbConn, municipality_code: &str, counted: Counted) -> Vec<Live> {
    kept::keep(conn, municipality_code, &counted.fresh);
    counted.reports
}

/// The month's report from the casework as it stands now.
pub fn live(
    conn: &mut DbConn,
    municipality_code: &str,
    month: Month,
    today: NaiveDate,
    days: DayCount,
) -> Result<Live> {
    let counted = crate::read(conn, |conn| reports(conn, municipality_code, month, today, days, 1))?;
    Ok(keep(conn, municipality_code, counted).remove(0))
}

/// How many are in the target group on a day (for the caseload per post). Counted from the
/// persons' dates, so the reading is logged.
pub fn in_group_on(conn: &mut DbConn, actor: &Actor, municipality_code: &str, day: NaiveDate) -> Result<u32> {
    let record = Record::all(TARGET_GROUP).in_municipality(municipality_code);
    let key = kept::Key { key: TARGET_GROUP.code().to_owned(), measured_on: day };
    let (n, fresh) = crate::access::log::logged_read(conn, actor, &record, |conn| {
        kept::one(conn, municipality_code, key, |conn| counts::target_group(conn, municipality_code, day, day))
    })?;
    kept::keep(conn, municipality_code, fresh.as_slice());
    Ok(n)
}

/// The reports of the `n` months ending with `month`, oldest first, from one reading.
pub fn trend(
    conn: &mut DbConn,
    municipality_code: &str,
    month: Month,
    today: NaiveDate,
    days: DayCount,
    n: usize,
) -> Result<Vec<Live>> {
    let counted = crate::read(conn, |conn| reports(conn, municipality_code, month, today, days, n))?;
    Ok(keep(conn, municipality_code, counted))
}

/// What the unit manager opens for a month: the `n` months' reports ending with it (counted from
/// personal data, so the reading is logged) and the month's signed versions.
pub fn open(
    conn: &mut DbConn,
    actor: &Actor,
    municipality_code: &str,
    month: Month,
    days: DayCount,
    n: usize,
) -> Result<(Vec<Live>, Vec<Signed>)> {
    let today = actor.today();
    let record = Record::new(MONTHLY_REPORT, month.code()).in_municipality(municipality_code);
    crate::access::log::logged_read(conn, actor, &record, |conn| {
        Ok((reports(conn, municipality_code, month, today, days, n)?, versions(conn, municipality_code, month)?))
    })
    .map(|(counted, signed)| (keep(conn, municipality_code, counted), signed))
}

/// Logs that a month's report was taken out of Etablera (a file, a print).
pub fn log_export(conn: &mut DbConn, actor: &Actor, municipality_code: &str, month: Month) -> Result<()> {
    let record = Record::new(MONTHLY_REPORT, month.code()).in_municipality(municipality_code);
    crate::access::log::record(conn, actor, Action::Export, &record)
}

/// A signed version of a month's report.
#[derive(Debug, Clone)]
pub struct Signed {
    pub month: String,
    pub version: i32,
    pub figures: Vec<Figure>,
    pub measured_on: NaiveDate,
    /// Against the version before; empty for the first.
    pub changes: Vec<Change>,
    pub note: Option<String>,
    /// UTC.
    pub signed_at: NaiveDateTime,
    pub signed_by: Option<String>,
}

type SignedRow = (String, i32, String, NaiveDate, Option<String>, Option<String>, NaiveDateTime, Option<String>);

fn signed(row: SignedRow) -> Result<Signed> {
    let (month, version, figures, measured_on, changes, note, signed_at, signed_by) = row;
    let bad = |e: serde_json::Error| StoreError::Connection(format!("a signed report could not be read: {e}"));
    Ok(Signed {
        month,
        version,
        figures: serde_json::from_str(&figures).map_err(bad)?,
        measured_on,
        changes: changes.as_deref().map(serde_json::from_str).transpose().map_err(bad)?.unwrap_or_default(),
        note,
        signed_at,
        signed_by,
    })
}

fn signed_query(municipality_code: &str) -> monthly_reports::BoxedQuery<'_, <DbConn as diesel::Connection>::Backend> {
    monthly_reports::table.filter(monthly_reports::municipality_code.eq(municipality_code)).into_boxed()
}

fn load_signed(
    conn: &mut DbConn,
    query: monthly_reports::BoxedQuery<'_, <DbConn as diesel::Connection>::Backend>,
) -> Result<Vec<Signed>> {
    let rows: Vec<SignedRow> = query
        .left_join(users::table.on(users::id.nullable().eq(monthly_reports::signed_by)))
        .select((
            monthly_reports::month,
            monthly_reports::version,
            monthly_reports::figures,
            monthly_reports::measured_on,
            monthly_reports::changes,
            monthly_reports::note,
            monthly_reports::signed_at,
            users::display_name.nullable(),
        ))
        .load(conn)?;
    let mut out = rows.into_iter().map(signed).collect::<Result<Vec<_>>>()?;
    out.sort_by(|a, b| b.month.cmp(&a.month).then(b.version.cmp(&a.version)));
    Ok(out)
}

/// A month's signed versions, newest first.
pub fn versions(conn: &mut DbConn, municipality_code: &str, month: Month) -> Result<Vec<Signed>> {
    load_signed(conn, signed_query(municipality_code).filter(monthly_reports::month.eq(month.code())))
}

/// A signed month in a list: its newest version.
#[derive(Debug, Clone, QueryableByName)]
pub struct SignedMonth {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub month: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub version: i32,
    /// UTC.
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    pub signed_at: NaiveDateTime,
}

/// A page of the signed months (of one year, or all), each with its newest version; newest
/// month first unless asked. The months' figures are not read.
pub fn signed_months(
    conn: &mut DbConn,
    municipality_code: &str,
    year: Option<i32>,
    descending: bool,
    paging: Paging,
) -> Result<Page<SignedMonth>> {
    let (from, to) = match year {
        Some(y) => (format!("{y:04}-01"), format!("{y:04}-12")),
        None => ("0000-00".to_owned(), "9999-99".to_owned()),
    };
    let within = [Param::from(municipality_code), Param::Text(from), Param::Text(to)];
    let total = raw::count(
        conn,
        "SELECT count(DISTINCT month) AS n FROM monthly_reports \
         WHERE municipality_code = ? AND month >= ? AND month <= ?",
        &within,
    )?;
    // The order is one of two fixed words, never the caller's text.
    let order = if descending { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT r.month, r.version, r.signed_at FROM monthly_reports r \
         WHERE r.municipality_code = ? AND r.month >= ? AND r.month <= ? \
         AND r.version = (SELECT max(v.version) FROM monthly_reports v \
                          WHERE v.municipality_code = r.municipality_code AND v.month = r.month) \
         ORDER BY r.month {order} LIMIT ? OFFSET ?"
    );
    let mut params = within.to_vec();
    params.extend([Param::BigInt(paging.limit()), Param::BigInt(paging.offset())]);
    let rows = raw::load(conn, &sql, &params)?;
    Ok(Page { rows, total: u64::from(total), paging })
}

/// What the signer saw: the newest signed version (0 for none) and the figures' fingerprint.
#[derive(Debug, Clone)]
pub struct Seen {
    pub version: i32,
    pub figures: String,
}

/// Signs the month's report as the casework stands: the first version, or a new one that lists
/// what changed since the last. The signature is checked by
/// [`SignForm::check`](etablera_domain::reporting::monthly::SignForm::check) (the month has ended, the
/// note is short enough); a new version is made only when something changed. With `seen`, the
/// signature is refused as stale when someone signed or the figures changed since the page was
/// opened, so that what is signed is what was read.
pub fn sign(
    conn: &mut DbConn,
    actor: &Actor,
    municipality_code: &str,
    signature: &Signature,
    days: DayCount,
    seen: Option<&Seen>,
) -> Result<i32> {
    let today = actor.today();
    let (month, note) = (signature.month, signature.note.as_deref());
    write(conn, |conn| {
        let report = report(conn, municipality_code, month, today, days)?;
        let now_figures = report.figures();
        let last = versions(conn, municipality_code, month)?.into_iter().next();
        if let Some(seen) = seen
            && (seen.version != last.as_ref().map_or(0, |l| l.version) || seen.figures != fingerprint(&now_figures))
        {
            return Err(StoreError::Stale);
        }
        let (version, changed) = match &last {
            None => (1, None),
            Some(last) => {
                let changed = changes(&last.figures, &now_figures);
                if changed.is_empty() {
                    return Err(StoreError::invalid(
                        "month",
                        Text::new("monthly-already-signed").with("version", last.version),
                    ));
                }
                (last.version + 1, Some(changed))
            }
        };
        diesel::insert_into(monthly_reports::table)
            .values((
                monthly_reports::municipality_code.eq(municipality_code),
                monthly_reports::month.eq(month.code()),
                monthly_reports::version.eq(version),
                monthly_reports::figures.eq(to_json(&now_figures)),
                monthly_reports::measured_on.eq(report.follow_up.measured_on),
                monthly_reports::changes.eq(changed.as_ref().map(to_json)),
                monthly_reports::note.eq(note),
                monthly_reports::signed_at.eq(actor.at),
                monthly_reports::signed_by.eq(actor.user_id),
            ))
            .execute(conn)
            .map_err(StoreError::unique_as_stale)?;
        let record = Record::new(MONTHLY_REPORT, month.code()).in_municipality(municipality_code);
        append(conn, actor, Action::Create, &record)?;
        Ok(version)
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("figures and changes are plain data")
}
