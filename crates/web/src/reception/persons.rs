//! A person's file: identity, the individual plan measured against full time, declines,
//! periods when the work principle cannot apply, leaving and returning to the target group.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::documents::{Owner, OwnerKind};
use etablera_domain::ids::{ActivityId, PersonId};
use etablera_domain::input::Invalid;
use etablera_domain::reception::person::{
    ADULT_AGE, ExemptionReason, ExitForm, ExitReason, PersonForm, ReturnForm, age_on,
};
use etablera_domain::reception::plan::{ActivityForm, Counts, DeclineForm, EndActivityForm, ExemptionForm};
use etablera_reports::reception::{PlanDocument, plan_pdf as plan_pdf_file};
use etablera_store::reception::case_file::{self, PersonFile};
use etablera_store::reception::{households, plans};

use crate::access::scope;
use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::documents::{self as attached, DocumentsView};
use crate::error::AppResult;
use crate::forms::{Fields, Filled, SavedQuery, Submitted, save};
use crate::i18n::Tr;
use crate::pages::{PageContext, local_time, pdf_download, render_with};
use crate::security::CsrfMultipart;

pub struct ActivityView {
    pub id: ActivityId,
    pub name: String,
    pub start: String,
    pub end: Option<String>,
    pub extent: String,
    pub note: String,
    pub active: bool,
}

/// How many weeks the plan is shown ahead: about two months, the span a plan is followed up in.
const PLAN_WEEKS: u32 = 9;

#[derive(Template)]
#[template(path = "reception/person.html")]
struct PersonPage {
    ctx: PageContext,
    f: Filled,
    notice: Option<String>,
    id: i32,
    household_id: i32,
    household_label: String,
    facts: Vec<(String, String)>,
    adult: bool,
    measure: String,
    measure_reached: bool,
    leave_percent: u32,
    below_target: bool,
    /// The coming weeks: from (a date), planned hours, target hours, reached.
    weeks: Vec<(String, u32, u32, bool)>,
    activities: Vec<ActivityView>,
    declines: Vec<(String, String, String)>,
    exemptions: Vec<(String, String, String)>,
    exits: Vec<(String, String, String)>,
    exited: bool,
    types: Vec<(String, String, bool)>,
    exit_reasons: Vec<(&'static str, String)>,
    exemption_reasons: Vec<(&'static str, String)>,
    notes: Vec<(String, String, String)>,
    today: String,
    /// The correction form's values and the version it edits.
    edit: super::PersonValues,
    version: i32,
    categories: Vec<(&'static str, String)>,
    /// Each correction: when, by whom, and its changes as (field, before, after) in words.
    history: Vec<(String, String, Vec<(String, String, String)>)>,
    documents: DocumentsView,
}

/// The birth date as recorded and the age it gives: "1990-00-00 (35 år, åldern räknad från
/// 1990-12-31)" when only part of it is known.
fn birth_in_words(t: &Tr, p: &etablera_store::reception::households::Person, today: chrono::NaiveDate) -> String {
    let age = format!("{} {}", age_on(p.birth_date, today), t.get("years"));
    match p.birth_date_known {
        etablera_domain::identity::BirthDateKnown::Day => format!("{} ({age})", p.birth()),
        _ => format!("{} ({age}, {})", p.birth(), t.with("person-age-reckoned", "date", p.birth_date)),
    }
}

/// An activity type's name in the catalogue, or its code when it has none.
fn type_name(file: &PersonFile, code: &str) -> String {
    file.catalogue.iter().find(|t| t.code == code).map_or(code.to_owned(), |t| t.name.clone())
}

/// The person's activities as the plan lists them, in the file's order.
fn activity_views(t: &Tr, file: &PersonFile, today: chrono::NaiveDate) -> Vec<ActivityView> {
    file.activities
        .iter()
        .map(|a| ActivityView {
            id: a.id,
            name: type_name(file, &a.type_code),
            start: a.start_date.to_string(),
            end: a.end_date.map(|d| d.to_string()),
            extent: match (a.hours_per_week, a.extent_percent) {
                (_, Some(p)) => format!("{p} %"),
                (Some(h), None) => t.with("hours-per-week", "hours", h),
                (None, None) => String::new(),
            },
            note: a.note.clone().unwrap_or_default(),
            active: a.planned(&file.catalogue).active_on(today),
        })
        .collect()
}

async fn person_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
    f: Filled,
    notice: Option<String>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, scope) = (ctx.actor(), scope(user));
    let file: PersonFile = state.store.run(move |conn| case_file::person(conn, &actor, &scope, id)).await?;
    let today = ctx.today();
    let p = &file.person.person;
    let (measure, flagged) = file.full_time(today);
    let mut facts = vec![
        (t.get("person-birth-date"), birth_in_words(&t, p, today)),
        (t.get("person-category"), t.get(&format!("category-{}", p.category.code()))),
        (
            t.get("person-personal-number"),
            p.personal_number.as_deref().map(etablera_domain::identity::shown).unwrap_or_else(|| t.get("not-known")),
        ),
        (t.get("person-dossier-number"), p.dossier_number.clone().unwrap_or_else(|| t.get("not-known"))),
        (
            t.get("person-reception-date"),
            p.reception_date.map(|d| d.to_string()).unwrap_or_else(|| t.get("not-received")),
        ),
        (t.get("person-languages"), p.languages().join(", ")),
        (t.get("person-interpreter"), t.get(if p.interpreter_needed { "yes" } else { "no" })),
    ];
    if p.protected_identity {
        facts.push((t.get("person-protected"), t.get("yes")));
    }
    let page = PersonPage {
        documents: DocumentsView::new(
            &t,
            user,
            Owner::new(OwnerKind::Person, id),
            format!("/reception/persons/{id}/documents"),
            &file.documents,
        ),
        id,
        household_id: file.household.id,
        household_label: file.household.label(),
        facts,
        adult: age_on(p.birth_date, today) >= ADULT_AGE,
        measure: t.text(
            "plan-measure",
            &[("planned", measure.planned_hours.to_string()), ("target", measure.target_hours.to_string())],
        ),
        measure_reached: !measure.below_target(),
        leave_percent: measure.leave_percent,
        below_target: flagged,
        weeks: file
            .weeks_ahead(today, PLAN_WEEKS)
            .into_iter()
            .map(|(day, m)| (day.to_string(), m.planned_hours, m.target_hours, !m.below_target()))
            .collect(),
        activities: activity_views(&t, &file, today),
        declines: file
            .declines
            .iter()
            .map(|d| (d.declined_on.to_string(), type_name(&file, &d.type_code), d.reason.clone()))
            .collect(),
        exemptions: file
            .exemptions
            .iter()
            .map(|e| {
                (
                    format!("{} – {}", e.start_date, e.end_date.map(|d| d.to_string()).unwrap_or_default()),
                    t.get(&format!("exemption-{}", e.reason.code())),
                    e.note.clone().unwrap_or_default(),
                )
            })
            .collect(),
        exits: file
            .person
            .exits
            .iter()
            .map(|e| {
                (
                    e.exit_date.to_string(),
                    t.get(&format!("exit-{}", e.reason.code())),
                    e.returned_on.map(|d| t.with("exit-returned", "date", d)).unwrap_or_default(),
                )
            })
            .collect(),
        exited: file.person.current_exit().is_some(),
        types: file.catalogue.iter().map(|t| (t.code.clone(), t.name.clone(), t.counts == Counts::Leave)).collect(),
        exit_reasons: ExitReason::ALL.iter().map(|r| (r.code(), t.get(&format!("exit-{}", r.code())))).collect(),
        exemption_reasons: ExemptionReason::ALL
            .iter()
            .map(|r| (r.code(), t.get(&format!("exemption-{}", r.code()))))
            .collect(),
        notes: file
            .notes
            .iter()
            .map(|n| (local_time(n.written_at), n.author.clone().unwrap_or_default(), n.text.clone()))
            .collect(),
        today: today.to_string(),
        edit: super::PersonValues::of(p),
        version: p.version,
        categories: super::households::categories(&t),
        history: super::history_in_words(&t, &file.history),
        f,
        notice,
        ctx: PageContext::new(ctx, p.name(), "/reception"),
    };
    let status = page.f.status();
    Ok(render_with(status, &page))
}

/// Corrects the person's details, on the version the form was opened at.
pub async fn edit(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<PersonForm>,
) -> AppResult<Response> {
    let version = fields.version()?;
    let (actor, scope) = (ctx.actor(), scope(&user));
    // The reception is checked against the household's placement by the store.
    let outcome = save(&state, input.check(None, ctx.today()), move |conn, person| {
        households::edit_person(conn, &actor, &scope, id, version, &person)
    })
    .await;
    finish(&state, &ctx, &user, id, "person-edit".into(), fields, outcome).await
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Params(q): Params<SavedQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let notice = q.saved.map(|what| {
        attached::saved_notice(&t, &what)
            .unwrap_or_else(|| t.get(if what == "person-edit" { "saved-person-edit" } else { "saved-other" }))
    });
    person_page(&state, &ctx, &user, id, Filled::default(), notice).await
}

async fn finish(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
    form: String,
    fields: Fields,
    outcome: Result<etablera_store::Result<()>, Vec<Invalid>>,
) -> AppResult<Response> {
    let redirect = format!("/reception/persons/{id}?saved={form}");
    match Filled::after(form, fields, outcome)? {
        None => Ok(Redirect::to(&redirect).into_response()),
        Some(filled) => person_page(state, ctx, user, id, filled, None).await,
    }
}

pub async fn add_activity(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<ActivityForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    // The type, and so whether hours or an extent is asked for, is the catalogue's.
    let catalogue = state.store.run(plans::catalogue).await?;
    let outcome = save(&state, input.check(&catalogue), move |conn, activity| {
        plans::add_activity(conn, &actor, &scope, id, activity)
    })
    .await;
    finish(&state, &ctx, &user, id, "activity".into(), fields, outcome).await
}

pub async fn end_activity(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path((id, activity_id)): Path<(PersonId, ActivityId)>,
    Submitted { input, fields }: Submitted<EndActivityForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        save(&state, input.check(), move |conn, end| plans::end_activity(conn, &actor, &scope, activity_id, end)).await;
    finish(&state, &ctx, &user, id.get(), format!("end-activity-{activity_id}"), fields, outcome).await
}

pub async fn add_decline(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<DeclineForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let catalogue = state.store.run(plans::catalogue).await?;
    let outcome = save(&state, input.check(&catalogue), move |conn, decline| {
        plans::add_decline(conn, &actor, &scope, id, &decline)
    })
    .await;
    finish(&state, &ctx, &user, id, "decline".into(), fields, outcome).await
}

pub async fn add_exemption(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<ExemptionForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        save(&state, input.check(), move |conn, new| plans::add_exemption(conn, &actor, &scope, id, &new)).await;
    finish(&state, &ctx, &user, id, "exemption".into(), fields, outcome).await
}

pub async fn exit(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<ExitForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        save(&state, input.check(), move |conn, exit| households::record_exit(conn, &actor, &scope, id, &exit)).await;
    finish(&state, &ctx, &user, id, "exit".into(), fields, outcome).await
}

pub async fn return_to_group(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<ReturnForm>,
) -> AppResult<Response> {
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        save(&state, input.check(), move |conn, date| households::record_return(conn, &actor, &scope, id, date)).await;
    finish(&state, &ctx, &user, id, "return".into(), fields, outcome).await
}

/// Attaches a document to the person's file.
pub async fn attach_document(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let owner = Owner::new(OwnerKind::Person, id);
    match attached::attach(&state, &ctx, &user, owner, form).await? {
        Ok(household_id) => Ok(attached::after_attach(owner, household_id)),
        Err(f) => person_page(&state, &ctx, &user, id, f, None).await,
    }
}

/// The individual plan as a PDF for the person to read and sign: the activities that have not
/// ended, and for an adult the coming weeks against full time. The printout is in the access
/// log as an export of the person.
pub async fn plan_pdf(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, scope) = (ctx.actor(), scope(&user));
    let file: PersonFile = state.store.run(move |conn| case_file::person_export(conn, &actor, &scope, id)).await?;
    let today = ctx.today();
    let p = &file.person.person;
    let adult = age_on(p.birth_date, today) >= ADULT_AGE;
    let (measure, _) = file.full_time(today);
    let mut facts =
        vec![(t.get("plan-document-person"), p.name()), (t.get("person-birth-date"), p.birth().to_string())];
    if let Some(number) = &p.personal_number {
        facts.push((t.get("person-personal-number"), etablera_domain::identity::shown(number)));
    }
    if let Some(number) = &p.dossier_number {
        facts.push((t.get("person-dossier-number"), number.clone()));
    }
    facts.push((t.get("plan-document-household"), file.household.label()));
    facts.push((t.get("plan-document-unit"), file.household.unit.clone()));
    facts.push((t.get("plan-document-date"), today.to_string()));
    let plan = PlanDocument {
        title: t.get("plan-title"),
        facts,
        activities_heading: t.get("plan-document-activities"),
        activities_headers: ["activity-type", "activity-start", "activity-end", "activity-extent", "activity-note"]
            .iter()
            .map(|k| t.get(k))
            .collect(),
        activities: file
            .activities
            .iter()
            .zip(activity_views(&t, &file, today))
            .filter(|(a, _)| a.end_date.is_none_or(|end| end >= today))
            .map(|(_, a)| {
                let end = a.end.clone().unwrap_or_else(|| t.get("activity-ongoing"));
                vec![a.name.clone(), a.start.clone(), end, a.extent.clone(), a.note.clone()]
            })
            .collect(),
        no_activities: t.get("plan-none"),
        weeks_heading: t.get("plan-weeks"),
        measure: if adult {
            t.text(
                "plan-measure",
                &[("planned", measure.planned_hours.to_string()), ("target", measure.target_hours.to_string())],
            )
        } else {
            String::new()
        },
        weeks_headers: ["plan-week-from", "plan-week-planned", "plan-week-target"].iter().map(|k| t.get(k)).collect(),
        weeks: if adult {
            file.weeks_ahead(today, PLAN_WEEKS)
                .into_iter()
                .map(|(day, m)| vec![day.to_string(), m.planned_hours.to_string(), m.target_hours.to_string()])
                .collect()
        } else {
            Vec::new()
        },
        agreement: t.get("plan-document-agreement"),
        signers: vec![t.get("plan-document-signer-person"), t.get("plan-document-signer-case-worker")],
        clarification: t.get("plan-document-clarification"),
        place_and_date: t.get("plan-document-place-date"),
        footer: t.text("plan-document-footer", &[("name", p.name()), ("date", today.to_string())]),
        page_word: t.get("plan-document-page"),
        of_word: t.get("plan-document-of"),
        lang: t.get("plan-document-lang"),
    };
    pdf_download(format!("individuell-plan-{id}.pdf"), move || plan_pdf_file(&plan)).await
}
