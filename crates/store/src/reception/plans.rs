//! Individual plans: the activity catalogue (data), activities, declined offers, and periods
//! when the work principle cannot apply.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::reception::plan::{
    ActivityInput, ActivityType, Counts, NewActivityType, NewDecline, PlannedActivity, find_type,
};

use super::households::PERSON;
use crate::access::Actor;
use crate::access::Scope;
use crate::access::log::{Action, Record, append};
use crate::schema::{activities, activity_types, declines, work_exemptions};
use crate::{DbConn, Result, StoreError, write};
use etablera_domain::ids::{ActivityId, HouseholdId, PersonId};
use etablera_domain::reception::person::ExemptionReason;
use etablera_domain::text::Text;

/// The catalogue in its order.
pub fn catalogue(conn: &mut DbConn) -> Result<Vec<ActivityType>> {
    let rows: Vec<(String, String, String, Option<String>)> = activity_types::table
        .order((activity_types::position, activity_types::code))
        .select((activity_types::code, activity_types::name, activity_types::counts, activity_types::report_row))
        .load(conn)?;
    rows.into_iter()
        .map(|(code, name, counts, report_row)| {
            Ok(ActivityType { code, name, counts: Counts::try_from(counts)?, report_row })
        })
        .collect()
}

/// Adds a type to the catalogue; an administrator's change to the rules, logged.
pub fn add_type(conn: &mut DbConn, actor: &Actor, new: &NewActivityType) -> Result<()> {
    let NewActivityType { code, name, counts } = new;
    let counts = *counts;
    write(conn, |conn| {
        let taken: i64 = activity_types::table.filter(activity_types::code.eq(&code)).count().get_result(conn)?;
        if taken > 0 {
            return Err(StoreError::invalid("code", Text::new("activity-type-code-taken")));
        }
        insert_type(conn, actor, &ActivityType { report_row: None, code: code.clone(), name: name.clone(), counts })?;
        append(conn, actor, Action::Create, &Record::new(crate::access::log::RecordKind::ActivityType, code))
    })
}

/// Adds a type at the end of the catalogue. Types added after shipping count as other
/// activities in the monthly report when they are hours.
pub(crate) fn insert_type(conn: &mut DbConn, actor: &Actor, t: &ActivityType) -> Result<()> {
    let last: Option<i32> = activity_types::table.select(diesel::dsl::max(activity_types::position)).first(conn)?;
    diesel::insert_into(activity_types::table)
        .values((
            activity_types::code.eq(&t.code),
            activity_types::name.eq(&t.name),
            activity_types::counts.eq(t.counts.code()),
            activity_types::report_row.eq(if t.counts == Counts::Hours { Some("other") } else { None }),
            activity_types::position.eq(last.unwrap_or(0) + 1),
            activity_types::created_at.eq(actor.at),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = activities)]
pub struct Activity {
    #[diesel(deserialize_as = i32)]
    pub id: ActivityId,
    pub person_id: i32,
    pub type_code: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub hours_per_week: Option<i32>,
    pub extent_percent: Option<i32>,
    pub note: Option<String>,
}

impl Activity {
    /// The activity as the full-time measure reads it.
    pub fn planned(&self, catalogue: &[ActivityType]) -> PlannedActivity {
        let counts = catalogue.iter().find(|t| t.code == self.type_code).map_or(Counts::Hours, |t| t.counts);
        PlannedActivity {
            counts,
            start: self.start_date,
            end: self.end_date,
            hours_per_week: self.hours_per_week.unwrap_or(0).max(0) as u32,
            extent_percent: self.extent_percent.unwrap_or(0).max(0) as u32,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = declines)]
pub struct Decline {
    pub id: i32,
    pub person_id: i32,
    pub type_code: String,
    pub declined_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_exemptions)]
pub struct Exemption {
    pub id: i32,
    pub person_id: i32,
    #[diesel(deserialize_as = String)]
    pub reason: ExemptionReason,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Adds an activity to a person's plan.
pub fn add_activity(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    person_id: i32,
    input: ActivityInput,
) -> Result<ActivityId> {
    write(conn, |conn| {
        let (_, code) = scope.person(conn, person_id)?;
        let (activity, _) = input.check(&catalogue(conn)?)?;
        let id = insert_activity(conn, actor, person_id, &activity)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(PERSON, person_id).in_municipality(&code))?;
        Ok(id)
    })
}

pub(crate) fn insert_activity(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i32,
    a: &ActivityInput,
) -> Result<ActivityId> {
    let id: i32 = diesel::insert_into(activities::table)
        .values(&NewActivityRow::of(actor, person_id, a))
        .returning(activities::id)
        .get_result(conn)?;
    Ok(ActivityId::new(id))
}

/// An activity as written to the table, one row or a batch of them (an import). `None` is
/// NULL, not DEFAULT: on SQLite a batch with DEFAULT values is written a row at a time.
#[derive(Insertable)]
#[diesel(table_name = activities, treat_none_as_default_value = false)]
pub(crate) struct NewActivityRow {
    person_id: i32,
    type_code: String,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    hours_per_week: Option<i32>,
    extent_percent: Option<i32>,
    note: Option<String>,
    created_at: chrono::NaiveDateTime,
    created_by: Option<i32>,
}

impl NewActivityRow {
    pub(crate) fn of(actor: &Actor, person_id: i32, a: &ActivityInput) -> NewActivityRow {
        NewActivityRow {
            person_id,
            type_code: a.type_code.clone(),
            start_date: a.start,
            end_date: a.end,
            hours_per_week: a.hours_per_week.map(|h| h as i32),
            extent_percent: a.extent_percent.map(|p| p as i32),
            note: a.note.clone(),
            created_at: actor.at,
            created_by: actor.user_id,
        }
    }
}

/// Ends an open activity on `end`.
pub fn end_activity(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    activity_id: ActivityId,
    end: NaiveDate,
) -> Result<()> {
    let activity_id = activity_id.get();
    write(conn, |conn| {
        let activity: Activity = activities::table
            .find(activity_id)
            .select(Activity::as_select())
            .first(conn)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let (_, code) = scope.person(conn, activity.person_id)?;
        if activity.end_date.is_some() {
            return Err(StoreError::invalid("end", Text::new("activity-already-ended")));
        }
        etablera_domain::reception::plan::check_end(activity.start_date, end)?;
        diesel::update(activities::table.find(activity_id)).set(activities::end_date.eq(end)).execute(conn)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(PERSON, activity.person_id).in_municipality(&code))
    })
}

/// Records that the person declined an offered activity. Declines are kept, never deleted.
pub fn add_decline(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    person_id: i32,
    decline: &NewDecline,
) -> Result<i32> {
    write(conn, |conn| {
        let (_, code) = scope.person(conn, person_id)?;
        find_type(&catalogue(conn)?, "type", &decline.type_code)?;
        let id = insert_decline(conn, actor, person_id, &decline.type_code, decline.on, &decline.reason)?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(PERSON, person_id).in_municipality(&code))?;
        Ok(id)
    })
}

pub(crate) fn insert_decline(
    conn: &mut DbConn,
    actor: &Actor,
    person_id: i32,
    type_code: &str,
    on: NaiveDate,
    reason: &str,
) -> Result<i32> {
    Ok(diesel::insert_into(declines::table)
        .values(&NewDeclineRow::of(actor, person_id, type_code, on, reason))
        .returning(declines::id)
        .get_result(conn)?)
}

/// A decline as written to the table, one row or a batch of them (an import).
#[derive(Insertable)]
#[diesel(table_name = declines, treat_none_as_default_value = false)]
pub(crate) struct NewDeclineRow {
    person_id: i32,
    type_code: String,
    declined_on: NaiveDate,
    reason: String,
    recorded_at: chrono::NaiveDateTime,
    recorded_by: Option<i32>,
}

impl NewDeclineRow {
    pub(crate) fn of(actor: &Actor, person_id: i32, type_code: &str, on: NaiveDate, reason: &str) -> NewDeclineRow {
        NewDeclineRow {
            person_id,
            type_code: type_code.to_owned(),
            declined_on: on,
            reason: reason.to_owned(),
            recorded_at: actor.at,
            recorded_by: actor.user_id,
        }
    }
}

pub use etablera_domain::reception::plan::NewExemption;

/// Marks a period when the person cannot take part full time, and makes the task to contact
/// the economic-assistance unit.
pub fn add_exemption(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &Scope,
    person_id: i32,
    new: &NewExemption,
) -> Result<i32> {
    let NewExemption { reason, start, end, ref note } = *new;
    write(conn, |conn| {
        let (household_id, code) = scope.person(conn, person_id)?;
        let id: i32 = diesel::insert_into(work_exemptions::table)
            .values((
                work_exemptions::person_id.eq(person_id),
                work_exemptions::reason.eq(reason.code()),
                work_exemptions::start_date.eq(start),
                work_exemptions::end_date.eq(end),
                work_exemptions::note.eq(note),
                work_exemptions::recorded_at.eq(actor.at),
                work_exemptions::recorded_by.eq(actor.user_id),
            ))
            .returning(work_exemptions::id)
            .get_result(conn)?;
        super::tasks::create_economic_assistance(
            conn,
            actor,
            HouseholdId::new(household_id),
            PersonId::new(person_id),
        )?;
        crate::reporting::kept::changed(conn, &code)?;
        append(conn, actor, Action::Update, &Record::new(PERSON, person_id).in_municipality(&code))?;
        Ok(id)
    })
}

/// A person's plan, without logging: for callers that log.
pub(crate) fn of_person(conn: &mut DbConn, person_id: i32) -> Result<(Vec<Activity>, Vec<Decline>, Vec<Exemption>)> {
    let list = activities::table
        .filter(activities::person_id.eq(person_id))
        .order((activities::start_date, activities::id))
        .select(Activity::as_select())
        .load(conn)?;
    let declined = declines::table
        .filter(declines::person_id.eq(person_id))
        .order((declines::declined_on, declines::id))
        .select(Decline::as_select())
        .load(conn)?;
    let exemptions = work_exemptions::table
        .filter(work_exemptions::person_id.eq(person_id))
        .order((work_exemptions::start_date, work_exemptions::id))
        .select(Exemption::as_select())
        .load(conn)?;
    Ok((list, declined, exemptions))
}
