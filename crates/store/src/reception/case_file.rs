//! What a case worker opens: a household's file and a person's file. Opening one is logged; the
//! address is left out when a person in the household has protected identity and the reader
//! has no permission for it.

use chrono::NaiveDate;
use etablera_domain::documents::{Owner, OwnerKind};
use etablera_domain::ids::PersonId;
use etablera_domain::reception::person::{ADULT_AGE, age_on};
use etablera_domain::reception::plan::{ActivityType, FullTime, full_time};
use etablera_domain::reception::target_group;

use super::households::{self, HOUSEHOLD, Household, PERSON, PersonRecord};
use super::housing::{self, DamageRow, Housing};
use super::notes::{self, Note};
use super::plans::{self, Activity, Decline, Exemption};
use super::tasks::{self, Task};
use crate::access::Actor;
use crate::access::Scope;
use crate::access::log::{Action, Record, logged_read};
use crate::{DbConn, Result};

#[derive(Debug, Clone)]
pub struct HouseholdFile {
    pub household: Household,
    pub persons: Vec<PersonRecord>,
    /// Newest first, with their damages.
    pub homes: Vec<(Housing, Vec<DamageRow>)>,
    pub tasks: Vec<Task>,
    pub notes: Vec<Note>,
    /// The addresses were left out for protected identity.
    pub address_hidden: bool,
    /// The responsible case worker's name.
    pub responsible: Option<String>,
    /// The corrections of the placement, the latest first.
    pub history: Vec<crate::access::history::Change>,
    /// The household's documents and its homes'.
    pub documents: Vec<crate::documents::DocumentInfo>,
}

#[derive(Debug, Clone)]
pub struct PersonFile {
    pub household: Household,
    pub person: PersonRecord,
    pub activities: Vec<Activity>,
    pub declines: Vec<Decline>,
    pub exemptions: Vec<Exemption>,
    pub catalogue: Vec<ActivityType>,
    /// Notes on this person.
    pub notes: Vec<Note>,
    /// The corrections of the person's details, the latest first.
    pub history: Vec<crate::access::history::Change>,
    pub documents: Vec<crate::documents::DocumentInfo>,
}

impl PersonFile {
    /// The plan measured on `day`, and whether the person is to be flagged below full time
    /// (adults in the target group for whom the work principle applies).
    pub fn full_time(&self, day: NaiveDate) -> (FullTime, bool) {
        let planned: Vec<_> = self.activities.iter().map(|a| a.planned(&self.catalogue)).collect();
        let measure = full_time(&planned, day);
        let p = &self.person.person;
        let adult = age_on(p.birth_date, day) >= ADULT_AGE;
        let exits: Vec<_> = self.person.exits.iter().map(|e| (e.exit_date, e.returned_on)).collect();
        let in_group = target_group::on(p.reception_date, &exits, day);
        let exempt = self.exemptions.iter().any(|e| e.start_date <= day && e.end_date.is_none_or(|end| day <= end));
        (measure, measure.flagged(adult, in_group, exempt))
    }

    /// The plan today and on the Mondays of the coming weeks (see
    /// [`weeks_ahead`](etablera_domain::reception::plan::weeks_ahead)).
    pub fn weeks_ahead(&self, today: NaiveDate, weeks: u32) -> Vec<(NaiveDate, FullTime)> {
        let planned: Vec<_> = self.activities.iter().map(|a| a.planned(&self.catalogue)).collect();
        etablera_domain::reception::plan::weeks_ahead(&planned, today, weeks)
    }
}

/// Opens a household's file.
pub fn household(conn: &mut DbConn, actor: &Actor, scope: &Scope, household_id: i32) -> Result<HouseholdFile> {
    let code = scope.household(conn, household_id)?;
    let record = Record::new(HOUSEHOLD, household_id).in_municipality(&code);
    logged_read(conn, actor, &record, |conn| {
        let household = households::get(conn, household_id)?;
        let persons = households::persons_of(conn, household_id)?;
        let mut homes = housing::of_household(conn, household_id)?;
        let address_hidden = !scope.protected_addresses && persons.iter().any(|p| p.person.protected_identity);
        if address_hidden {
            for (home, _) in &mut homes {
                home.address.clear();
                home.landlord = None;
            }
        }
        let responsible = match household.responsible_id {
            Some(id) => crate::access::users::display_names(conn, &[id])?.remove(&id),
            None => None,
        };
        let mut documents = crate::documents::of(conn, Owner::new(OwnerKind::Household, household_id))?;
        // A home's documents name its address: left out where the address is.
        if !address_hidden {
            let home_ids: Vec<i32> = homes.iter().map(|(home, _)| home.id.get()).collect();
            documents.extend(crate::documents::of_each(conn, OwnerKind::Housing, &home_ids)?);
        }
        Ok(HouseholdFile {
            documents,
            history: crate::access::history::of(conn, HOUSEHOLD, household_id)?,
            responsible,
            household,
            persons,
            homes,
            tasks: tasks::of_household(conn, household_id)?,
            notes: notes::of_household(conn, household_id)?,
            address_hidden,
        })
    })
}

/// Opens a person's file.
pub fn person(conn: &mut DbConn, actor: &Actor, scope: &Scope, person_id: i32) -> Result<PersonFile> {
    person_as(conn, actor, scope, person_id, Action::Read)
}

/// A person's file for a printout (the plan to sign), logged as an export.
pub fn person_export(conn: &mut DbConn, actor: &Actor, scope: &Scope, person_id: i32) -> Result<PersonFile> {
    person_as(conn, actor, scope, person_id, Action::Export)
}

fn person_as(conn: &mut DbConn, actor: &Actor, scope: &Scope, person_id: i32, action: Action) -> Result<PersonFile> {
    let (household_id, code) = scope.person(conn, person_id)?;
    let record = Record::new(PERSON, person_id).in_municipality(&code);
    crate::access::log::logged(conn, actor, action, &record, |conn| {
        let household = households::get(conn, household_id)?;
        let person = households::persons_of(conn, household_id)?
            .into_iter()
            .find(|p| p.person.id == person_id)
            .ok_or(crate::StoreError::NotFound)?;
        let (activities, declines, exemptions) = plans::of_person(conn, person_id)?;
        let notes = notes::of_household(conn, household_id)?
            .into_iter()
            .filter(|n| n.person_id == Some(PersonId::new(person_id)))
            .collect();
        let history = crate::access::history::of(conn, PERSON, person_id)?;
        Ok(PersonFile {
            documents: crate::documents::of(conn, Owner::new(OwnerKind::Person, person_id))?,
            history,
            household,
            person,
            activities,
            declines,
            exemptions,
            catalogue: plans::catalogue(conn)?,
            notes,
        })
    })
}
