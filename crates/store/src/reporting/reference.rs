//! The monthly report counted the domain's way: the municipality's whole casework loaded and
//! counted in memory by [`count`] and [`follow_up`]. Too slow for a large municipality, this is
//! what the database's counts (`counts`) are tested against.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reporting::follow_up::{Arrival, follow_up};
use etablera_domain::reporting::monthly::{Month, ReportActivity, ReportPerson, count};

use super::monthly::Live;
use crate::reception::plans::{self, Activity};
use crate::schema::{
    activities, declines, households, housing_damages, person_exits, persons, temporary_housings, work_exemptions,
};
use crate::{DbConn, Result};

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

/// The month's report, counted in memory.
pub fn live(
    conn: &mut DbConn,
    municipality_code: &str,
    month: Month,
    today: NaiveDate,
    days: DayCount,
) -> Result<Live> {
    crate::read(conn, |conn| Ok(casework(conn, municipality_code)?.report(month, today, days)))
}
