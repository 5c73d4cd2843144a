//! The monthly report: counted from a municipality's casework (which is read without names), and
//! signed by the unit manager into frozen versions that later casework does not change.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reporting::follow_up::{Arrival, FollowUp, follow_up};
use etablera_domain::reporting::monthly::{Month, MonthlyCounts, ReportActivity, ReportPerson, Signature, count};
use etablera_domain::reporting::versions::{Change, Figure, changes, figures, fingerprint};

use crate::access::Actor;
use crate::access::log::{Action, Record, append};
use crate::reception::plans::{self, Activity};
use crate::schema::{
    activities, declines, households, housing_damages, monthly_reports, person_exits, persons, temporary_housings,
    users, work_exemptions,
};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::text::Text;

/// Access-log record kind: a month's report of a municipality.
pub const MONTHLY_REPORT: &str = "monthly_report";
/// Access-log record kind: the target group counted on a day.
const TARGET_GROUP: &str = "target_group";

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

/// What the report reads of the casework: dates and activity types, never a name.
struct Casework {
    persons: Vec<ReportPerson>,
    activities: Vec<ReportActivity>,
    declines: Vec<(i32, NaiveDate)>,
    damages: Vec<NaiveDate>,
    arrivals: Vec<Arrival>,
}

impl Casework {
    fn report(&self, month: Month, today: NaiveDate, days: DayCount) -> Live {
        Live {
            counts: count(month, &self.persons, &self.activities, &self.declines, &self.damages),
            follow_up: follow_up(month, today, &self.persons, &self.activities, &self.arrivals, days),
        }
    }
}

/// Each person's household and reception date, for the households' arrivals.
type Receptions = Vec<(i32, Option<NaiveDate>)>;

/// The municipality's persons with their dates: reception, exits, exemptions.
fn report_persons(conn: &mut DbConn, municipality_code: &str) -> Result<(Vec<ReportPerson>, Receptions)> {
    let people: Vec<(i32, i32, NaiveDate, Option<NaiveDate>)> = persons::table
        .inner_join(households::table)
        .filter(households::municipality_code.eq(municipality_code))
        .select((persons::id, persons::household_id, persons::birth_date, persons::reception_date))
        .load(conn)?;
    // Every exit, also those returned from: a person was out of the group between. Joined to
    // the municipality, not bound as ids: a municipality can have more persons than a statement
    // may bind variables.
    let mut exits: BTreeMap<i32, Vec<(NaiveDate, Option<NaiveDate>)>> = BTreeMap::new();
    let rows: Vec<(i32, NaiveDate, Option<NaiveDate>)> = person_exits::table
        .inner_join(persons::table.inner_join(households::table))
        .filter(households::municipality_code.eq(municipality_code))
        .select((person_exits::person_id, person_exits::exit_date, person_exits::returned_on))
        .load(conn)?;
    for (person, left, back) in rows {
        exits.entry(person).or_default().push((left, back));
    }
    let mut exemptions: BTreeMap<i32, Vec<(NaiveDate, Option<NaiveDate>)>> = BTreeMap::new();
    let rows: Vec<(i32, NaiveDate, Option<NaiveDate>)> = work_exemptions::table
        .inner_join(persons::table.inner_join(households::table))
        .filter(households::municipality_code.eq(municipality_code))
        .select((work_exemptions::person_id, work_exemptions::start_date, work_exemptions::end_date))
        .load(conn)?;
    for (person, start, end) in rows {
        exemptions.entry(person).or_default().push((start, end));
    }
    let persons = people
        .iter()
        .map(|&(id, _, birth_date, reception_date)| ReportPerson {
            id,
            birth_date,
            reception_date,
            exits: exits.remove(&id).unwrap_or_default(),
            exemptions: exemptions.remove(&id).unwrap_or_default(),
        })
        .collect();
    // (household, reception date) of each person, for the arrivals.
    Ok((persons, people.iter().map(|p| (p.1, p.3)).collect()))
}

fn casework(conn: &mut DbConn, municipality_code: &str) -> Result<Casework> {
    let (persons, households_of) = report_persons(conn, municipality_code)?;
    let catalogue = plans::catalogue(conn)?;
    let activity_rows: Vec<Activity> = activities::table
        .inner_join(persons::table.inner_join(households::table))
        .filter(households::municipality_code.eq(municipality_code))
        .select(Activity::as_select())
        .load(conn)?;
    let activities = activity_rows
        .iter()
        .map(|a| ReportActivity {
            person_id: a.person_id,
            report_row: catalogue.iter().find(|t| t.code == a.type_code).and_then(|t| t.report_row.clone()),
            planned: a.planned(&catalogue),
        })
        .collect();
    let declines: Vec<(i32, NaiveDate)> = declines::table
        .inner_join(persons::table.inner_join(households::table))
        .filter(households::municipality_code.eq(municipality_code))
        .select((declines::person_id, declines::declined_on))
        .load(conn)?;
    let damages: Vec<NaiveDate> = housing_damages::table
        .inner_join(temporary_housings::table.inner_join(households::table))
        .filter(households::municipality_code.eq(municipality_code))
        .select(housing_damages::damage_date)
        .load(conn)?;
    let contacts: Vec<(i32, Option<NaiveDateTime>)> = households::table
        .filter(households::municipality_code.eq(municipality_code))
        .select((households::id, households::first_contact_at))
        .load(conn)?;
    // A household arrives with its first person received.
    let mut received: BTreeMap<i32, NaiveDate> = BTreeMap::new();
    for (household, reception) in households_of.iter().filter_map(|&(h, r)| Some((h, r?))) {
        received.entry(household).and_modify(|first| *first = (*first).min(reception)).or_insert(reception);
    }
    let arrivals = contacts
        .into_iter()
        .filter_map(|(household, contact)| {
            let reception = *received.get(&household)?;
            let contacted = contact.map(|at| etablera_domain::time::to_local(at).date());
            Some(Arrival { reception, contacted })
        })
        .collect();
    Ok(Casework { persons, activities, declines, damages, arrivals })
}

/// The month's report from the casework as it stands now.
pub fn live(
    conn: &mut DbConn,
    municipality_code: &str,
    month: Month,
    today: NaiveDate,
    days: DayCount,
) -> Result<Live> {
    crate::read(conn, |conn| Ok(casework(conn, municipality_code)?.report(month, today, days)))
}

/// How many are in the target group on a day (for the caseload per post). Counted from the
/// persons' dates, so the reading is logged.
pub fn in_group_on(conn: &mut DbConn, actor: &Actor, municipality_code: &str, day: NaiveDate) -> Result<u32> {
    let record = Record::all(TARGET_GROUP).in_municipality(municipality_code);
    let persons =
        crate::access::log::logged_read(conn, actor, &record, |conn| report_persons(conn, municipality_code))?.0;
    Ok(u32::try_from(persons.iter().filter(|p| p.in_group_on(day)).count()).unwrap_or(u32::MAX))
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
    let casework = crate::read(conn, |conn| casework(conn, municipality_code))?;
    Ok(month.trailing(n).into_iter().map(|m| casework.report(m, today, days)).collect())
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
        let casework = casework(conn, municipality_code)?;
        let trend = month.trailing(n).into_iter().map(|m| casework.report(m, today, days)).collect();
        Ok((trend, versions(conn, municipality_code, month)?))
    })
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

impl Signed {
    pub fn month(&self) -> Option<Month> {
        Month::parse(&self.month)
    }
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

/// The newest version of every signed month, newest month first.
pub fn signed_months(conn: &mut DbConn, municipality_code: &str) -> Result<Vec<Signed>> {
    let mut all = load_signed(conn, signed_query(municipality_code))?;
    all.dedup_by(|later, first| later.month == first.month);
    Ok(all)
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
        let report = casework(conn, municipality_code)?.report(month, today, days);
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
