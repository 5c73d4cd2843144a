//! `/api/v1/reception`: the case worker's list and files as JSON, for integrations. The same
//! scope and access logging as the pages.

use axum::Json;
use axum::extract::State;

use etablera_domain::reception::first_contact::Status;
use etablera_store::reception::case_file;
use etablera_store::reception::households;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::households::ResponsibleFilter;
use crate::access::scope;
use crate::api::{Params, Path, codes};
use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::listing::{Direction, ListParams};

/// The list's address, as the page takes it: any text, an empty filter meaning every value.
#[derive(Deserialize, Default)]
pub struct HouseholdsQuery {
    pub show: Option<String>,
    pub responsible: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    #[serde(default, deserialize_with = "crate::listing::number")]
    pub page: Option<u32>,
    #[serde(default, deserialize_with = "crate::listing::number")]
    pub per_page: Option<u32>,
}

/// The list's parameters, as the API takes them: each a value its schema names.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct HouseholdsParams {
    /// `active` (the default: someone in the target group or not yet arrived), `uncontacted`
    /// (active, someone arrived, and no first contact yet) or `all` (also households that have
    /// left the group).
    #[param(schema_with = codes::<households::Show>)]
    pub show: Option<households::Show>,
    /// `mine` (the households the user is the responsible case worker of) or `none` (those
    /// nobody is responsible for); anyone's when left out.
    #[param(schema_with = codes::<ResponsibleFilter>)]
    pub responsible: Option<ResponsibleFilter>,
    /// A personnummer or samordningsnummer (any common form), a dossier number, or words of a
    /// person's name (with or without diacritics) or of the household's reference.
    pub q: Option<String>,
    /// `placement` (the default) or `reference`.
    #[param(schema_with = codes::<households::Sort>)]
    pub sort: Option<households::Sort>,
    /// Placement: newest first unless asked.
    #[param(schema_with = codes::<Direction>)]
    pub dir: Option<Direction>,
    /// The page, from 1.
    #[param(minimum = 1)]
    pub page: Option<i32>,
    /// Households a page: 50 unless asked.
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i32>,
}

impl HouseholdsParams {
    fn into_list(self) -> HouseholdsQuery {
        let list = ListParams::from_api(self.page, self.per_page);
        HouseholdsQuery {
            show: self.show.map(|v| v.code().to_owned()),
            responsible: self.responsible.map(|v| v.code().to_owned()),
            q: self.q,
            sort: self.sort.map(|v| v.code().to_owned()),
            dir: self.dir.map(|v| v.code().to_owned()),
            page: list.page,
            per_page: list.per_page,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonSummaryBody {
    pub id: i32,
    pub given_name: String,
    pub family_name: String,
    /// YYYY-MM-DD, with 00 for a month or day that is not known (1990-07-00, 1990-00-00).
    pub birth_date: String,
    pub category: String,
    pub reception_date: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdSummaryBody {
    pub id: i32,
    pub reference: String,
    pub unit: String,
    pub placement_date: String,
    pub reception_date: Option<String>,
    /// not_arrived, waiting, due_today, overdue, made, made_late
    pub first_contact: String,
    pub first_contact_due: Option<String>,
    /// The responsible case worker's user id, if someone is.
    pub responsible_id: Option<i32>,
    pub persons: Vec<PersonSummaryBody>,
}

fn status_code(status: Option<Status>) -> (&'static str, Option<String>) {
    match status {
        None | Some(Status::NotArrived) => ("not_arrived", None),
        Some(Status::Waiting { due }) => ("waiting", Some(due.to_string())),
        Some(Status::DueToday) => ("due_today", None),
        Some(Status::Overdue { due, .. }) => ("overdue", Some(due.to_string())),
        Some(Status::Made { on_time: true }) => ("made", None),
        Some(Status::Made { on_time: false }) => ("made_late", None),
    }
}

fn person_body(p: &households::Person) -> PersonSummaryBody {
    PersonSummaryBody {
        id: p.id,
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        birth_date: p.birth().to_string(),
        category: p.category.code().to_owned(),
        reception_date: p.reception_date.map(|d| d.to_string()),
    }
}

/// A page of the households the caller may see (their municipality and unit); the count of
/// all that match is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/v1/reception/households", tag = "reception", params(HouseholdsParams),
    responses((status = 200, body = Vec<HouseholdSummaryBody>,
        headers(("X-Total-Count" = u64, description = "How many households match, on every page")))))]
pub async fn households_list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<HouseholdsParams>,
) -> AppResult<([(&'static str, String); 1], Json<Vec<HouseholdSummaryBody>>)> {
    let query = super::households::store_query(q.into_list(), user.id)?;
    let (actor, scope, days) = (ctx.actor(), scope(&user), state.config.first_contact_days);
    let page = state.store.run(move |conn| households::list(conn, &actor, &scope, &query, days)).await?;
    let total = page.total.to_string();
    let body = page
        .rows
        .into_iter()
        .map(|s| {
            let (first_contact, due) = status_code(s.first_contact);
            HouseholdSummaryBody {
                id: s.household.id,
                reference: s.household.label(),
                unit: s.household.unit.clone(),
                placement_date: s.household.placement_date.to_string(),
                reception_date: households::reception_date(&s.persons).map(|d| d.to_string()),
                first_contact: first_contact.to_owned(),
                first_contact_due: due,
                responsible_id: s.household.responsible_id,
                persons: s.persons.iter().map(person_body).collect(),
            }
        })
        .collect();
    Ok(([("x-total-count", total)], Json(body)))
}

#[derive(Serialize, ToSchema)]
pub struct ActivityBody {
    #[serde(rename = "type")]
    pub type_code: String,
    pub start: String,
    pub end: Option<String>,
    pub hours_per_week: Option<i32>,
    pub extent_percent: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonBody {
    #[serde(flatten)]
    pub person: PersonSummaryBody,
    pub household_id: i32,
    pub personal_number: Option<String>,
    pub dossier_number: Option<String>,
    pub protected_identity: bool,
    pub exit_date: Option<String>,
    pub activities: Vec<ActivityBody>,
    /// Planned hours per week today, and the target (40 less leave); `below_target` only for
    /// adults in the target group to whom the work principle applies.
    pub planned_hours: u32,
    pub target_hours: u32,
    pub below_target: bool,
}

/// One person's file: identity, plan and the full-time measure today. The reading is logged.
#[utoipa::path(get, path = "/api/v1/reception/persons/{id}", tag = "reception",
    params(("id" = i32, Path, description = "The person's id")),
    responses((status = 200, body = PersonBody)))]
pub async fn person(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Json<PersonBody>> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let file = state.store.run(move |conn| case_file::person(conn, &actor, &scope, id)).await?;
    let (measure, flagged) = file.full_time(ctx.today());
    let p = &file.person.person;
    Ok(Json(PersonBody {
        person: person_body(p),
        household_id: p.household_id,
        personal_number: p.personal_number.clone(),
        dossier_number: p.dossier_number.clone(),
        protected_identity: p.protected_identity,
        exit_date: file.person.current_exit().map(|e| e.exit_date.to_string()),
        activities: file
            .activities
            .iter()
            .map(|a| ActivityBody {
                type_code: a.type_code.clone(),
                start: a.start_date.to_string(),
                end: a.end_date.map(|d| d.to_string()),
                hours_per_week: a.hours_per_week,
                extent_percent: a.extent_percent,
            })
            .collect(),
        planned_hours: measure.planned_hours,
        target_hours: measure.target_hours,
        below_target: flagged,
    }))
}
