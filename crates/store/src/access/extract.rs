//! A register extract (registerutdrag): everything Etablera holds about one person, for the
//! person's right of access. It holds the person and their household, the history of
//! corrections, exits, activities, declines and exemptions, the household's temporary homes,
//! support tasks, case notes (the person's and the household's), costs and the claims they are
//! in, documents, complaints and deviations about the household, and every row of the access
//! log about the person or the household: who read or changed what, and when.
//!
//! It is read in one transaction and logged as an export of the person; the web page and the
//! API hand it out as JSON (this structure) and as a PDF.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::history::FieldChange;
use serde::Serialize;

use super::log::{Action, Record, RecordKind, logged};
use super::{Actor, Scope};
use crate::reception::{households, housing, notes, plans, tasks};
use crate::schema::{access_log, claims, costs, deviations, documents, temporary_housings};
use crate::{DbConn, Result, StoreError};

/// The format of the JSON file, for whoever reads it later.
pub const FORMAT: &str = "etablera-registerutdrag/1";

#[derive(Debug, Clone, Serialize)]
pub struct Extract {
    pub format: &'static str,
    /// UTC.
    pub made_at: NaiveDateTime,
    pub made_by: Option<String>,
    pub person: PersonData,
    pub household: HouseholdData,
    pub history: Vec<ChangeData>,
    pub exits: Vec<ExitData>,
    pub activities: Vec<ActivityData>,
    pub declines: Vec<DeclineData>,
    pub exemptions: Vec<ExemptionData>,
    pub homes: Vec<HomeData>,
    pub tasks: Vec<TaskData>,
    pub notes: Vec<NoteData>,
    pub costs: Vec<CostData>,
    pub claims: Vec<ClaimData>,
    pub documents: Vec<DocumentData>,
    pub deviations: Vec<DeviationData>,
    /// Every row of the access log about the person or the household, the oldest first.
    pub access: Vec<AccessData>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonData {
    pub id: i32,
    pub reference: Option<String>,
    pub given_name: String,
    pub family_name: String,
    /// As recorded, with 00 for what is not known.
    pub birth_date: String,
    pub personal_number: Option<String>,
    pub dossier_number: Option<String>,
    pub category: String,
    pub languages: Vec<String>,
    pub interpreter_needed: bool,
    pub protected_identity: bool,
    pub reception_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HouseholdData {
    pub id: i32,
    pub label: String,
    pub municipality_code: String,
    pub unit: String,
    pub placement_date: NaiveDate,
    pub expected_reception_date: Option<NaiveDate>,
    /// UTC.
    pub first_contact_at: Option<NaiveDateTime>,
    pub first_contact_channel: Option<String>,
    pub responsible: Option<String>,
    /// The number of other persons in the household; they are not named here.
    pub other_persons: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeData {
    /// `person` or `household`.
    pub record: &'static str,
    pub at: NaiveDateTime,
    pub by: Option<String>,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExitData {
    pub exit_date: NaiveDate,
    pub reason: String,
    pub note: Option<String>,
    pub returned_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActivityData {
    pub type_code: String,
    pub type_name: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub hours_per_week: Option<i32>,
    pub extent_percent: Option<i32>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeclineData {
    pub type_code: String,
    pub type_name: String,
    pub declined_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExemptionData {
    pub reason: String,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeData {
    pub address: String,
    pub landlord: Option<String>,
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
    pub rent_ore: Option<i64>,
    pub notice_date: Option<NaiveDate>,
    pub keys_returned_on: Option<NaiveDate>,
    pub inspection_on: Option<NaiveDate>,
    pub inspection_result: Option<String>,
    pub damages: Vec<DamageData>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DamageData {
    pub damage_date: NaiveDate,
    pub description: String,
    pub cost_ore: i64,
    pub tenant_pays: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskData {
    pub title: String,
    pub due_date: NaiveDate,
    pub responsible: String,
    pub done_on: Option<NaiveDate>,
    /// About this person rather than the whole household.
    pub about_person: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteData {
    pub written_at: NaiveDateTime,
    pub author: Option<String>,
    /// About this person rather than the whole household.
    pub about_person: bool,
    pub text: String,
    pub corrects_note_id: Option<i32>,
    pub id: i32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CostData {
    pub id: i32,
    pub cost_date: NaiveDate,
    pub category: String,
    pub amount_ore: i64,
    pub supplier: String,
    pub receipt_reference: Option<String>,
    pub claim_id: Option<i32>,
    /// For this person rather than the whole household.
    pub for_person: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimData {
    pub id: i32,
    pub claim_type: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub status: String,
    pub submitted_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub granted_ore: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentData {
    pub id: i32,
    pub file_name: String,
    pub title: Option<String>,
    pub format: String,
    pub size_bytes: i32,
    pub sha256: String,
    pub uploaded_at: NaiveDateTime,
    pub uploaded_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviationData {
    pub id: i32,
    pub kind: String,
    pub received_on: NaiveDate,
    pub description: String,
    pub actions: Option<String>,
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccessData {
    pub at: NaiveDateTime,
    /// The user's name; none for the command line or the server itself.
    pub user: Option<String>,
    pub action: String,
    pub record_kind: String,
    pub record_id: Option<String>,
}

/// The extract of a person in the caller's scope; "not found" outside it. A person with
/// protected identity needs the permission to see protected addresses: the extract holds the
/// address. Logged as an export of the person, in the same transaction as the reading.
pub fn person(conn: &mut DbConn, actor: &Actor, scope: &Scope, person_id: i32) -> Result<Extract> {
    let (household_id, code) = scope.person(conn, person_id)?;
    let record = Record::new(RecordKind::Person, person_id).in_municipality(&code);
    logged(conn, actor, Action::Export, &record, |conn| {
        let household = households::get(conn, household_id)?;
        let members = households::persons_of(conn, household_id)?;
        let other_persons = members.len().saturating_sub(1);
        let me = members.into_iter().find(|p| p.person.id == person_id).ok_or(StoreError::NotFound)?;
        if me.person.protected_identity && !scope.protected_addresses {
            return Err(StoreError::invalid("person", etablera_domain::text::Text::new("extract-protected")));
        }
        let p = &me.person;
        let person = PersonData {
            id: p.id,
            reference: p.reference.clone(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            birth_date: p.birth().to_string(),
            personal_number: p.personal_number.clone(),
            dossier_number: p.dossier_number.clone(),
            category: p.category.code().to_owned(),
            languages: p.languages().into_iter().map(str::to_owned).collect(),
            interpreter_needed: p.interpreter_needed,
            protected_identity: p.protected_identity,
            reception_date: p.reception_date,
        };
        let exits = me
            .exits
            .iter()
            .map(|e| ExitData {
                exit_date: e.exit_date,
                reason: e.reason.code().to_owned(),
                note: e.note.clone(),
                returned_on: e.returned_on,
            })
            .collect();
        let mut history: Vec<ChangeData> = Vec::new();
        for (label, kind, id) in
            [("person", RecordKind::Person, person_id), ("household", RecordKind::Household, household_id)]
        {
            history.extend(crate::access::history::of(conn, kind, id)?.into_iter().map(|c| ChangeData {
                record: label,
                at: c.at,
                by: c.by,
                changes: c.changes,
            }));
        }
        history.sort_by_key(|c| c.at);
        let (activities, declines, exemptions) = plans::of_person(conn, person_id)?;
        let catalogue = plans::catalogue(conn)?;
        let type_name =
            |code: &str| catalogue.iter().find(|t| t.code == code).map_or(code.to_owned(), |t| t.name.clone());
        let homes = housing::of_household(conn, household_id)?
            .into_iter()
            .map(|(h, damages)| HomeData {
                address: h.address,
                landlord: h.landlord,
                contract_start: h.contract_start,
                contract_end: h.contract_end,
                rent_ore: h.rent_ore,
                notice_date: h.notice_date,
                keys_returned_on: h.keys_returned_on,
                inspection_on: h.inspection_on,
                inspection_result: h.inspection_result,
                damages: damages
                    .into_iter()
                    .map(|d| DamageData {
                        damage_date: d.damage_date,
                        description: d.description,
                        cost_ore: d.cost_ore,
                        tenant_pays: d.tenant_pays,
                    })
                    .collect(),
            })
            .collect();
        let about_me = |id: Option<i32>| id == Some(person_id);
        let tasks = tasks::of_household(conn, household_id)?
            .into_iter()
            .filter(|t| t.person_id.is_none() || about_me(t.person_id))
            .map(|t| TaskData {
                about_person: about_me(t.person_id),
                title: t.title,
                due_date: t.due_date,
                responsible: t.responsible,
                done_on: t.done_on,
            })
            .collect();
        let notes = notes::of_household(conn, household_id)?
            .into_iter()
            .filter(|n| n.person_id.is_none() || about_me(n.person_id.map(|p| p.get())))
            .map(|n| NoteData {
                id: n.id.get(),
                about_person: n.person_id.is_some(),
                written_at: n.written_at,
                author: n.author,
                text: n.text,
                corrects_note_id: n.corrects_note_id.map(|c| c.get()),
            })
            .collect();
        let cost_rows: Vec<(i32, NaiveDate, String, i64, String, Option<String>, Option<i32>, Option<i32>)> =
            costs::table
                .filter(costs::household_id.eq(household_id))
                .filter(costs::person_id.is_null().or(costs::person_id.eq(person_id)))
                .order((costs::cost_date, costs::id))
                .select((
                    costs::id,
                    costs::cost_date,
                    costs::category,
                    costs::amount_ore,
                    costs::supplier,
                    costs::receipt_reference,
                    costs::claim_id,
                    costs::person_id,
                ))
                .load(conn)?;
        let claim_ids: Vec<i32> = {
            let mut ids: Vec<i32> = cost_rows.iter().filter_map(|c| c.6).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let claims = claims::table
            .filter(claims::id.eq_any(&claim_ids))
            .order(claims::id)
            .select((
                claims::id,
                claims::claim_type,
                claims::period_start,
                claims::period_end,
                claims::status,
                claims::submitted_on,
                claims::decided_on,
                claims::granted_ore,
            ))
            .load::<(i32, String, NaiveDate, NaiveDate, String, Option<NaiveDate>, Option<NaiveDate>, Option<i64>)>(
                conn,
            )?
            .into_iter()
            .map(|c| ClaimData {
                id: c.0,
                claim_type: c.1,
                period_start: c.2,
                period_end: c.3,
                status: c.4,
                submitted_on: c.5,
                decided_on: c.6,
                granted_ore: c.7,
            })
            .collect();
        let cost_ids: Vec<i32> = cost_rows.iter().map(|c| c.0).collect();
        let costs = cost_rows
            .into_iter()
            .map(|c| CostData {
                id: c.0,
                cost_date: c.1,
                category: c.2,
                amount_ore: c.3,
                supplier: c.4,
                receipt_reference: c.5,
                claim_id: c.6,
                for_person: c.7.is_some(),
            })
            .collect();
        let home_ids: Vec<i32> = temporary_housings::table
            .filter(temporary_housings::household_id.eq(household_id))
            .select(temporary_housings::id)
            .load(conn)?;
        let document_rows: Vec<(i32, String, Option<String>, String, i32, String, NaiveDateTime, Option<i32>)> =
            documents::table
                .filter(
                    documents::household_id
                        .eq(household_id)
                        .or(documents::person_id.eq(person_id))
                        .or(documents::housing_id.eq_any(home_ids.iter().map(|i| Some(*i)).collect::<Vec<_>>()))
                        .or(documents::cost_id.eq_any(cost_ids.iter().map(|i| Some(*i)).collect::<Vec<_>>())),
                )
                .order(documents::id)
                .select((
                    documents::id,
                    documents::file_name,
                    documents::title,
                    documents::format,
                    documents::size_bytes,
                    documents::sha256,
                    documents::uploaded_at,
                    documents::uploaded_by,
                ))
                .load(conn)?;
        let deviations = deviations::table
            .filter(deviations::household_id.eq(household_id))
            .order(deviations::id)
            .select((
                deviations::id,
                deviations::kind,
                deviations::received_on,
                deviations::description,
                deviations::actions,
                deviations::closed_on,
            ))
            .load::<(i32, String, NaiveDate, String, Option<String>, Option<NaiveDate>)>(conn)?
            .into_iter()
            .map(|d| DeviationData {
                id: d.0,
                kind: d.1,
                received_on: d.2,
                description: d.3,
                actions: d.4,
                closed_on: d.5,
            })
            .collect();
        let access_rows: Vec<(NaiveDateTime, Option<i32>, String, String, Option<String>)> = access_log::table
            .filter(
                access_log::record_kind
                    .eq(RecordKind::Person.code())
                    .and(access_log::record_id.eq(person_id.to_string()))
                    .or(access_log::record_kind
                        .eq(RecordKind::Household.code())
                        .and(access_log::record_id.eq(household_id.to_string()))),
            )
            .order(access_log::id)
            .select((
                access_log::at,
                access_log::actor_user_id,
                access_log::action,
                access_log::record_kind,
                access_log::record_id,
            ))
            .load(conn)?;
        // Everyone the extract names is staff: their names are read once, together.
        let mut staff: Vec<i32> = [actor.user_id, household.responsible_id]
            .into_iter()
            .chain(document_rows.iter().map(|d| d.7))
            .chain(access_rows.iter().map(|a| a.1))
            .flatten()
            .collect();
        staff.sort_unstable();
        staff.dedup();
        let names = super::users::display_names(conn, &staff)?;
        let name = |id: Option<i32>| id.and_then(|i| names.get(&i).cloned());
        let documents = document_rows
            .into_iter()
            .map(|d| DocumentData {
                id: d.0,
                file_name: d.1,
                title: d.2,
                format: d.3,
                size_bytes: d.4,
                sha256: d.5,
                uploaded_at: d.6,
                uploaded_by: name(d.7),
            })
            .collect();
        let access = access_rows
            .into_iter()
            .map(|(at, user, action, record_kind, record_id)| AccessData {
                at,
                user: name(user),
                action,
                record_kind,
                record_id,
            })
            .collect();
        let (made_by, responsible) = (name(actor.user_id), name(household.responsible_id));
        Ok(Extract {
            format: FORMAT,
            made_at: actor.at,
            made_by,
            person,
            household: HouseholdData {
                id: household.id,
                label: household.label(),
                municipality_code: household.municipality_code.clone(),
                unit: household.unit.clone(),
                placement_date: household.placement_date,
                expected_reception_date: household.expected_reception_date,
                first_contact_at: household.first_contact_at,
                first_contact_channel: household.first_contact_channel.clone(),
                responsible,
                other_persons,
            },
            history,
            exits,
            activities: activities
                .into_iter()
                .map(|a| ActivityData {
                    type_name: type_name(&a.type_code),
                    type_code: a.type_code,
                    start_date: a.start_date,
                    end_date: a.end_date,
                    hours_per_week: a.hours_per_week,
                    extent_percent: a.extent_percent,
                    note: a.note,
                })
                .collect(),
            declines: declines
                .into_iter()
                .map(|d| DeclineData {
                    type_name: type_name(&d.type_code),
                    type_code: d.type_code,
                    declined_on: d.declined_on,
                    reason: d.reason,
                })
                .collect(),
            exemptions: exemptions
                .into_iter()
                .map(|e| ExemptionData {
                    reason: e.reason.code().to_owned(),
                    start_date: e.start_date,
                    end_date: e.end_date,
                    note: e.note,
                })
                .collect(),
            homes,
            tasks,
            notes,
            costs,
            claims,
            documents,
            deviations,
            access,
        })
    })
}
