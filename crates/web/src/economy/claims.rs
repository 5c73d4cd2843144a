//! Claims to Migrationsverket: prepared from the costs not yet claimed, shown and exported as
//! form 4497's table, and moved through submission, decision and payment.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::documents::{Owner, OwnerKind};
use etablera_domain::economy::claims::{ClaimForm, ClaimStatus, Step, StepForm};
use etablera_domain::economy::rules::{ClaimType, CostCategory};
use etablera_domain::money::Money;
use etablera_reports::economy::{ClaimLine, Heading, claim_sheet};
use etablera_store::economy::claims::{self, ClaimFile, ClaimSort};

use super::api::ClaimsQuery;
use super::{category_name, claim_type_name};
use crate::access::scope;
use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::documents::{self as attached, DocumentsView};
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, SavedQuery, Submitted, save};
use crate::i18n::Tr;
use crate::listing::{Heading as ColumnHeading, Listing, Pager};
use crate::pages::{PageContext, XLSX, download, municipality_options, pdf_download, render_with};
use crate::security::CsrfMultipart;

pub struct ClaimListRow {
    pub id: i32,
    pub claim_type: String,
    pub municipality: String,
    pub period: String,
    pub status: String,
    pub deadline: String,
    pub claimed: String,
    pub granted: String,
    pub costs: i64,
}

#[derive(Template)]
#[template(path = "economy/claims.html")]
struct ClaimsPage {
    ctx: PageContext,
    section: &'static str,
    f: Filled,
    rows: Vec<ClaimListRow>,
    statuses: Vec<(&'static str, String)>,
    status_filter: String,
    type_filter: String,
    headings: Vec<ColumnHeading>,
    pager: Pager,
    types: Vec<(&'static str, String)>,
    municipalities: Vec<(String, String)>,
    period_start: String,
    period_end: String,
}

pub fn status_name(t: &Tr, status: ClaimStatus) -> String {
    t.get(&format!("claim-status-{}", status.code()))
}

async fn list_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: &ClaimsQuery,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (scope, query) = (scope(user), q.store()?);
    let asked = query.clone();
    let list = state.store.run(move |conn| claims::page(conn, &scope, &asked)).await?;
    let sort = if query.sort == ClaimSort::Deadline { "deadline" } else { "number" };
    let (status_filter, type_filter) =
        (query.status.map(|s| s.code()).unwrap_or_default(), query.claim_type.map(|c| c.code()).unwrap_or_default());
    let listing = Listing::new("/economy/claims", sort, query.descending, query.paging)
        .keep("status", Some(status_filter))
        .keep("claim_type", Some(type_filter));
    let today = ctx.today();
    let status = f.status();
    let page = ClaimsPage {
        section: "claims",
        f,
        statuses: ClaimStatus::ALL.iter().map(|s| (s.code(), status_name(&t, *s))).collect(),
        status_filter: status_filter.to_owned(),
        type_filter: type_filter.to_owned(),
        headings: vec![
            listing.heading("number", t.get("claim-col"), true),
            listing.heading("deadline", t.get("claim-deadline"), false),
        ],
        pager: listing.pager(&t, &list),
        rows: list
            .rows
            .into_iter()
            .map(|l| ClaimListRow {
                id: l.claim.id,
                claim_type: claim_type_name(&t, l.claim.claim_type),
                municipality: etablera_domain::municipality::name_of(&l.claim.municipality_code),
                period: format!("{} – {}", l.claim.period_start, l.claim.period_end),
                status: status_name(&t, l.claim.status),
                deadline: l.claim.deadline.map(|d| d.to_string()).unwrap_or_default(),
                claimed: l.claimed.to_string(),
                granted: l.claim.granted_ore.map(|g| Money::from_ore(g).to_string()).unwrap_or_default(),
                costs: l.costs,
            })
            .collect(),
        types: ClaimType::CLAIMED.iter().map(|c| (c.code(), claim_type_name(&t, *c))).collect(),
        municipalities: municipality_options(user),
        period_start: chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        period_end: today.to_string(),
        ctx: PageContext::new(ctx, t.get("claims-title"), "/economy"),
    };
    Ok(render_with(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ClaimsQuery>,
) -> AppResult<Response> {
    list_page(&state, &ctx, &user, &q, Filled::default()).await
}

pub async fn prepare(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<ClaimForm>,
) -> AppResult<Response> {
    let outcome = match input.check(crate::pages::municipality(&user, Some(&input.municipality))) {
        Ok(claim) => {
            let (actor, scope) = (ctx.actor(), scope(&user));
            match state.store.run(move |conn| claims::prepare(conn, &actor, &scope, &claim)).await {
                Ok(id) => return Ok(Redirect::to(&format!("/economy/claims/{id}?saved=prepared")).into_response()),
                Err(e) => Ok(Err(e)),
            }
        }
        Err(errors) => Err(errors),
    };
    match Filled::after("prepare", fields, outcome)? {
        None => Ok(Redirect::to("/economy/claims").into_response()),
        Some(f) => list_page(&state, &ctx, &user, &ClaimsQuery::default(), f).await,
    }
}

pub struct RowView {
    /// Neither a dossier number nor a personnummer: Migrationsverket cannot try the row.
    pub unidentified: bool,
    pub name: String,
    pub dossier_number: String,
    pub personal_number: String,
    pub reception_date: String,
    pub period: String,
    pub amounts: Vec<String>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "economy/claim.html")]
struct ClaimPage {
    ctx: PageContext,
    documents: DocumentsView,
    section: &'static str,
    f: Filled,
    notice: Option<String>,
    id: i32,
    version: i32,
    facts: Vec<(String, String)>,
    columns: Vec<String>,
    rows: Vec<RowView>,
    /// The persons of rows without a dossier number or a personnummer (id, name).
    unidentified: Vec<(i32, String)>,
    totals: Vec<String>,
    total: String,
    steps: Vec<(&'static str, String)>,
    events: Vec<(String, String, String)>,
    is_draft: bool,
    /// A decision is among the next steps: its amount and reference fields are shown.
    can_decide: bool,
    today: String,
}

/// The amount columns of a claim of this type, in the form's order.
pub fn columns_of(claim_type: Option<ClaimType>) -> Vec<CostCategory> {
    match claim_type {
        Some(ClaimType::EconomicAssistance) => vec![CostCategory::EconomicAssistance],
        _ => CostCategory::FORM_4497.to_vec(),
    }
}

fn facts(t: &Tr, file: &ClaimFile) -> Vec<(String, String)> {
    let c = &file.claim;
    let mut facts = vec![
        (t.get("claim-type"), claim_type_name(t, c.claim_type)),
        (
            t.get("col-municipality"),
            format!("{} {}", c.municipality_code, etablera_domain::municipality::name_of(&c.municipality_code)),
        ),
        (t.get("col-period"), format!("{} – {}", c.period_start, c.period_end)),
        (t.get("col-status"), status_name(t, c.status)),
        (t.get("claim-deadline"), c.deadline.map(|d| d.to_string()).unwrap_or_else(|| t.get("cost-deadline-missing"))),
        (t.get("claim-claimed"), file.total.to_string()),
    ];
    if let Some(d) = c.submitted_on {
        facts.push((t.get("claim-submitted-on"), d.to_string()));
    }
    if let (Some(d), Some(g)) = (c.decided_on, c.granted_ore) {
        facts.push((t.get("claim-decided-on"), d.to_string()));
        facts.push((t.get("claim-granted"), Money::from_ore(g).to_string()));
        facts.push((t.get("claim-reference"), c.decision_reference.clone().unwrap_or_default()));
        if let Some(short) = file.shortfall().filter(|s| s.ore() > 0) {
            facts.push((t.get("claim-shortfall"), short.to_string()));
        }
    }
    if let Some(d) = c.paid_on {
        facts.push((t.get("claim-paid-on"), d.to_string()));
    }
    facts
}

async fn claim_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
    f: Filled,
    notice: Option<String>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, scope) = (ctx.actor(), scope(user));
    let file = state.store.run(move |conn| claims::open(conn, &actor, &scope, id)).await?;
    // On screen only the columns with an amount: the form's fifteen do not fit a page, and the
    // amounts would hide beyond its edge. The files keep every column of the form.
    let columns: Vec<CostCategory> = columns_of(Some(file.claim.claim_type))
        .into_iter()
        .filter(|c| file.columns.get(c).is_some_and(|m| m.ore() != 0))
        .collect();
    let status = f.status();
    let page = ClaimPage {
        documents: DocumentsView::new(
            &t,
            user,
            Owner::new(OwnerKind::Claim, id),
            format!("/economy/claims/{id}/documents"),
            &file.documents,
        ),
        section: "claims",
        id,
        version: file.claim.version,
        facts: facts(&t, &file),
        columns: columns.iter().map(|c| category_name(&t, *c)).collect(),
        rows: file
            .rows
            .iter()
            .map(|r| RowView {
                unidentified: r.person.dossier_number.is_none() && r.person.personal_number.is_none(),
                name: r.person.name(),
                dossier_number: r.person.dossier_number.clone().unwrap_or_default(),
                personal_number: r
                    .person
                    .personal_number
                    .as_deref()
                    .map(etablera_domain::identity::shown)
                    .unwrap_or_default(),
                reception_date: r.person.reception_date.map(|d| d.to_string()).unwrap_or_default(),
                period: format!("{} – {}", r.row.first_date, r.row.last_date),
                amounts: columns.iter().map(|c| r.row.amount(*c).format_number()).collect(),
                total: r.row.total().format_number(),
            })
            .collect(),
        unidentified: file
            .rows
            .iter()
            .filter(|r| r.person.dossier_number.is_none() && r.person.personal_number.is_none())
            .map(|r| (r.person.id, r.person.name()))
            .collect(),
        totals: columns.iter().map(|c| file.columns.get(c).copied().unwrap_or_default().format_number()).collect(),
        total: file.total.format_number(),
        steps: file
            .claim
            .status
            .next_steps()
            .iter()
            .map(|s| (s.code(), t.get(&format!("claim-step-{}", s.code()))))
            .collect(),
        events: file
            .events
            .iter()
            .map(|e| {
                let mut what = t.get(&format!("claim-step-{}", e.step.code()));
                if let Some(g) = e.granted_ore {
                    what.push_str(&format!(": {}", Money::from_ore(g)));
                }
                let detail =
                    [e.reference.clone(), e.note.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                (e.on_date.to_string(), what, detail)
            })
            .collect(),
        is_draft: file.claim.status == ClaimStatus::Draft,
        can_decide: file.claim.status.next_steps().contains(&Step::Decide),
        today: ctx.today().to_string(),
        f,
        notice,
        ctx: PageContext::new(ctx, t.with("claim-number", "id", id), "/economy"),
    };
    Ok(render_with(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Params(q): Params<SavedQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let notice = q.saved.map(|s| {
        attached::saved_notice(&t, &s)
            .unwrap_or_else(|| t.get(&format!("claim-saved-{}", if s == "prepared" { "prepared" } else { "step" })))
    });
    claim_page(&state, &ctx, &user, id, Filled::default(), notice).await
}

pub async fn step(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { input, fields }: Submitted<StepForm>,
) -> AppResult<Response> {
    let version = fields.version()?;
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome =
        save(&state, input.check(), move |conn, input| claims::step(conn, &actor, &scope, id, &input, version)).await;
    match Filled::after("step", fields, outcome)? {
        None => Ok(Redirect::to(&format!("/economy/claims/{id}?saved=step")).into_response()),
        Some(f) => claim_page(&state, &ctx, &user, id, f, None).await,
    }
}

pub async fn discard(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    Submitted { fields, .. }: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let version = fields.version()?;
    let (actor, scope) = (ctx.actor(), scope(&user));
    let outcome = Ok(state.store.run(move |conn| claims::discard(conn, &actor, &scope, id, version)).await);
    match Filled::after("discard", fields, outcome)? {
        None => Ok(Redirect::to("/economy/claims").into_response()),
        Some(f) => claim_page(&state, &ctx, &user, id, f, None).await,
    }
}

/// The claim's document: heading and form 4497's table. The export is logged.
async fn document(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: i32,
) -> AppResult<(Heading, etablera_reports::table::Table)> {
    let t = ctx.tr();
    let (actor, scope) = (ctx.actor(), scope(user));
    let file = state.store.run(move |conn| claims::export(conn, &actor, &scope, id)).await?;
    let columns = columns_of(Some(file.claim.claim_type));
    let lines: Vec<ClaimLine> = file
        .rows
        .iter()
        .map(|r| ClaimLine {
            dossier_number: r.person.dossier_number.clone().unwrap_or_default(),
            personal_number: r
                .person
                .personal_number
                .as_deref()
                .map(etablera_domain::identity::shown)
                .unwrap_or_default(),
            reception_date: r.person.reception_date,
            period: (r.row.first_date, r.row.last_date),
            amounts: columns.iter().map(|c| r.row.amount(*c)).collect(),
        })
        .collect();
    let names: Vec<String> = columns.iter().map(|c| category_name(&t, *c)).collect();
    let title = match file.claim.claim_type {
        ClaimType::EconomicAssistance => t.get("claim-document-assistance"),
        _ => t.get("claim-document-4497"),
    };
    let heading = Heading { title, facts: facts(&t, &file), note: t.get("claim-document-note") };
    Ok((heading, claim_sheet(&names, &lines)))
}

pub async fn xlsx(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let (heading, sheet) = document(&state, &ctx, &user, id).await?;
    let body = etablera_reports::table::xlsx(&ctx.tr().get("claim-sheet"), &heading, &sheet)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX, format!("ansokan-{id}.xlsx"), body))
}

/// The claim's table as CSV for Swedish Excel.
pub async fn csv(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let (_, sheet) = document(&state, &ctx, &user, id).await?;
    crate::pages::swedish_csv_download(format!("ansokan-{id}.csv"), &sheet)
}

pub async fn pdf(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let (heading, sheet) = document(&state, &ctx, &user, id).await?;
    let footer = ctx.tr().with("claim-pdf-footer", "id", id);
    pdf_download(format!("ansokan-{id}.pdf"), move || etablera_reports::table::pdf(&heading, &sheet, &footer)).await
}

/// Attaches a document to the claim (the decision, the letter that sent it).
pub async fn attach_document(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    form: CsrfMultipart,
) -> AppResult<Response> {
    let owner = Owner::new(OwnerKind::Claim, id);
    match attached::attach(&state, &ctx, &user, owner, form).await? {
        Ok(household_id) => Ok(attached::after_attach(owner, household_id)),
        Err(f) => claim_page(&state, &ctx, &user, id, f, None).await,
    }
}
