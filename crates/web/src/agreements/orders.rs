//! The order's page: its terms, its obligations (done with the document, due, or overdue), the
//! staffing and the caseload per post; the unit manager records what is done and the staffing,
//! and registers the order. The committee reads the same page.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use etablera_domain::access::Permission;
use etablera_domain::agreements::obligations::{DutyKind, Status, default_duties};
use etablera_domain::agreements::order::{FulfilForm, OrderAmendmentForm, OrderForm, RescheduleForm, StaffingForm};
use etablera_domain::agreements::staffing::{per_post_tenths, posts_text, tenths_text};
use etablera_domain::input::Invalid;
use etablera_store::agreements::obligations::{self, MONTHLY_REPORT, Obligation, Standing};
use etablera_store::agreements::orders;
use serde::Deserialize;

use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Fields, Filled, Submitted, save};
use crate::i18n::Tr;
use crate::pages::{PageContext, municipality, municipality_options, render_with};

/// How far ahead the page shows what falls due.
pub const AHEAD_DAYS: i64 = 60;

#[derive(Debug, Default, Deserialize)]
pub struct OrderQuery {
    pub municipality: Option<String>,
    pub saved: Option<String>,
}

/// An occurrence as shown.
pub struct OccurrenceRow {
    pub obligation_id: i32,
    pub duty: String,
    /// The period's key, for the form that records it done.
    pub period_code: String,
    pub period: String,
    pub due: String,
    pub state: String,
    /// `done`, `due` or `overdue`, for the row's look.
    pub class: &'static str,
    /// The document, and a link to it when Etablera has it (a signed monthly report).
    pub document: Option<(String, Option<String>)>,
    /// Whether it can be recorded done here (not the monthly report, which is done by signing).
    pub can_fulfil: bool,
}

/// What to show of one obligation: the last one done, every overdue one, and the next one due.
pub fn shown_rows(t: &Tr, code: &str, obligation: &Obligation, standings: &[Standing]) -> Vec<OccurrenceRow> {
    let mut picked: Vec<&Standing> = Vec::new();
    if let Some(done) = standings.iter().rev().find(|s| matches!(s.status, Status::Done { .. })) {
        picked.push(done);
    }
    picked.extend(standings.iter().filter(|s| matches!(s.status, Status::Overdue { .. })));
    if let Some(next) = standings.iter().find(|s| matches!(s.status, Status::Due { .. })) {
        picked.push(next);
    }
    picked.iter().map(|s| row(t, code, obligation, s)).collect()
}

fn period_text(t: &Tr, period: &str) -> String {
    match etablera_domain::reporting::monthly::Month::parse(period) {
        Some(month) => crate::reporting::document::month_name(t, month),
        None if period == "start" => t.get("order-period-start"),
        None => period.to_owned(),
    }
}

fn row(t: &Tr, code: &str, obligation: &Obligation, s: &Standing) -> OccurrenceRow {
    let (state, class, document) = match &s.status {
        Status::Done { on, document } => {
            let link = (obligation.code == MONTHLY_REPORT)
                .then(|| format!("/reports/signed/{}?municipality={code}&version=1", s.occurrence.period));
            let key = if *on > s.occurrence.due { "order-done-late" } else { "order-done" };
            (t.with(key, "date", on), "done", Some((document.clone(), link)))
        }
        Status::Due { .. } => (t.get("order-due"), "due", None),
        Status::Overdue { days_late, .. } => (t.with("order-overdue", "days", days_late), "overdue", None),
    };
    OccurrenceRow {
        obligation_id: obligation.id,
        duty: t.get(&format!("duty-{}", obligation.code.code())),
        period_code: s.occurrence.period.clone(),
        period: period_text(t, &s.occurrence.period),
        due: s.occurrence.due.to_string(),
        state,
        class,
        document,
        can_fulfil: obligation.code != MONTHLY_REPORT && !matches!(s.status, Status::Done { .. }),
    }
}

/// The staffing and the caseload per post, in words.
pub struct Staffing {
    pub posts: String,
    pub from: String,
    /// The target group today, or "<3" for a reader who sees the public version.
    pub persons: String,
    pub per_post: Option<String>,
}

/// The order's obligations as shown and the staffing, for the order's page and the unit
/// manager's start page.
pub struct OrderStanding {
    pub agreement: etablera_store::agreements::Agreement,
    pub rows: Vec<OccurrenceRow>,
    pub duties: Vec<DutyRow>,
    pub staffing: Option<Staffing>,
}

/// The order as a reader sees it: small counts hidden unless the reader `sees_exact_counts`.
pub async fn load(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    code: &str,
) -> AppResult<Option<OrderStanding>> {
    let t = ctx.tr();
    let shown = crate::reporting::document::Counts::of(
        crate::reporting::sees_exact_counts(user),
        state.config.report_threshold,
    );
    let today = ctx.today();
    let (c, actor) = (code.to_owned(), ctx.actor());
    let found = state
        .store
        .run(move |conn| {
            let Some(order) = orders::current(conn, &c)? else { return Ok(None) };
            let standing = obligations::standing(conn, &order, today, today + Duration::days(AHEAD_DAYS))?;
            let staffing = orders::staffing_on(conn, &c, today)?;
            let in_group = etablera_store::reporting::monthly::in_group_on(conn, &actor, &c, today)?;
            Ok(Some((order, standing, staffing, in_group)))
        })
        .await?;
    Ok(found.map(|(agreement, standing, staffing, in_group)| OrderStanding {
        agreement,
        rows: standing.iter().flat_map(|(o, s)| shown_rows(&t, code, o, s)).collect(),
        duties: standing
            .iter()
            .map(|(o, _)| DutyRow {
                id: o.id,
                name: t.get(&format!("duty-{}", o.code.code())),
                schedule: o.schedule.written(),
                hint: t.get(&format!("duty-hint-{}", o.code.code())),
            })
            .collect(),
        staffing: staffing.map(|(from, hundredths)| {
            let persons = shown.show(in_group);
            // A per-post figure would give a hidden count away.
            let per_post = if persons == in_group.to_string() {
                Some(tenths_text(per_post_tenths(in_group, hundredths)))
            } else {
                None
            };
            Staffing { posts: posts_text(hundredths), from: from.to_string(), persons, per_post }
        }),
    }))
}

#[derive(Template)]
#[template(path = "agreements/order.html")]
struct OrderPage {
    ctx: PageContext,
    f: Filled,
    notice: Option<String>,
    municipality: String,
    municipality_name: String,
    municipalities: Vec<(String, String)>,
    order: Option<OrderView>,
    rows: Vec<OccurrenceRow>,
    duties: Vec<DutyRow>,
    staffing: Option<Staffing>,
    manage: bool,
    today: String,
}

/// The order's terms in words.
pub struct OrderView {
    /// The current version's number, end and notice, as the amendment form starts from them.
    pub version: i32,
    pub end: String,
    pub notice_months: String,
    pub title: String,
    pub registry_number: String,
    pub decision: String,
    pub validity: String,
    pub notice: String,
    pub contacts: Vec<(String, String)>,
}

fn order_view(t: &Tr, a: &etablera_store::agreements::Agreement) -> OrderView {
    let v = a.current();
    let start = a.starts_on();
    OrderView {
        version: v.version,
        end: v.terms.validity.end().map(|e| e.to_string()).unwrap_or_default(),
        notice_months: v.terms.notice_months.map(|m| m.to_string()).unwrap_or_default(),
        title: a.title.clone(),
        registry_number: v.registry_number.clone().unwrap_or_default(),
        decision: v.decision.clone().unwrap_or_default(),
        validity: match a.ends_on() {
            Some(end) => t.text("order-validity", &[("start", start.to_string()), ("end", end.to_string())]),
            None => t.with("order-validity-open", "start", start),
        },
        notice: v.terms.notice_months.map_or(t.get("order-no-notice"), |m| t.with("order-notice", "months", m)),
        contacts: v
            .contacts
            .iter()
            .map(|c| {
                let side = t.get(&format!("order-side-{}", c.side.code()));
                let mut text = c.name.clone();
                if let Some(email) = &c.email {
                    text.push_str(&format!(", {email}"));
                }
                (side, text)
            })
            .collect(),
    }
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: OrderQuery,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let code = municipality(user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let loaded = load(state, ctx, user, &code).await?;
    let status = f.status();
    let (order, rows, duties, staffing) = match loaded {
        Some(o) => (Some(order_view(&t, &o.agreement)), o.rows, o.duties, o.staffing),
        None => (None, Vec::new(), Vec::new(), None),
    };
    let page = OrderPage {
        notice: q.saved.map(|_| t.get("order-saved")),
        municipality_name: etablera_domain::municipality::name_of(&code),
        municipalities: municipality_options(user),
        municipality: code,
        order,
        rows,
        duties,
        staffing,
        manage: user.can(Permission::ManageUnit),
        today: ctx.today().to_string(),
        f,
        ctx: PageContext::new(ctx, t.get("order-title"), "/orders"),
    };
    Ok(render_with(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<OrderQuery>,
) -> AppResult<Response> {
    page(&state, &ctx, &user, q, Filled::default()).await
}

fn back(code: &str) -> Response {
    Redirect::to(&format!("/orders?municipality={code}&saved=1")).into_response()
}

/// After one of the page's forms: back to the page when it was saved, else the page again
/// with that form's input and errors.
async fn answer(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    code: String,
    form: String,
    fields: Fields,
    outcome: Result<Result<(), etablera_store::StoreError>, Vec<Invalid>>,
) -> AppResult<Response> {
    match Filled::after(form, fields, outcome)? {
        None => Ok(back(&code)),
        Some(f) => page(state, ctx, user, OrderQuery { municipality: Some(code), saved: None }, f).await,
    }
}

/// Records an occurrence done, with its document.
pub async fn fulfil(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<FulfilForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    // Each row has its own form; its fields carry the row's key.
    let form = format!("fulfil-{}-{}", input.obligation, input.period);
    let today = ctx.today();
    let outcome = match input.check(today) {
        Ok(done) => {
            let (actor, c, obligation, period) = (ctx.actor(), code.clone(), input.obligation, input.period);
            Ok(state
                .store
                .run(move |conn| {
                    obligations::in_current_order(conn, &c, obligation)?;
                    obligations::fulfil(conn, &actor, obligation, &period, &done)
                })
                .await)
        }
        Err(errors) => Err(errors),
    };
    answer(&state, &ctx, &user, code, form, fields, outcome).await
}

/// Records an amendment of the order (a prolongation, another notice period) as a new version.
pub async fn amend(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<OrderAmendmentForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let (actor, c) = (ctx.actor(), code.clone());
    let outcome = save(&state, input.check(), move |conn, amendment| orders::amend(conn, &actor, &c, &amendment)).await;
    answer(&state, &ctx, &user, code, "amend".into(), fields, outcome).await
}

/// Records the staffing from a date.
pub async fn staffing(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<StaffingForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let (actor, c) = (ctx.actor(), code.clone());
    let outcome = save(&state, input.check(), move |conn, new| orders::record_staffing(conn, &actor, &c, &new)).await;
    answer(&state, &ctx, &user, code, "staffing".into(), fields, outcome).await
}

#[derive(Template)]
#[template(path = "agreements/order_form.html")]
struct OrderFormPage {
    ctx: PageContext,
    f: Filled,
    municipality: String,
    municipalities: Vec<(String, String)>,
    defaults: Fields,
}

/// The form's values before anything is typed: the seed's order and its usual dates.
fn form_defaults(t: &Tr) -> Fields {
    let start = NaiveDate::from_ymd_opt(2020, 3, 1).expect("a date");
    let mut pairs: Vec<(String, String)> = vec![
        ("title".into(), t.get("order-default-title")),
        ("start".into(), start.to_string()),
        ("end".into(), "2024-02-29".into()),
        ("notice_months".into(), "6".into()),
    ];
    for duty in default_duties(start) {
        pairs.push((duty.code.code().into(), duty.schedule.written()));
    }
    Fields(pairs)
}

pub async fn new_form(State(_state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    form_page(&ctx, &user, Filled::default(), None)
}

fn form_page(
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    f: Filled,
    code: Option<String>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let code = code.or_else(|| municipality(user, None)).ok_or(AppError::Forbidden)?;
    let status = f.status();
    let page = OrderFormPage {
        municipalities: municipality_options(user),
        municipality: code,
        defaults: form_defaults(&t),
        f,
        ctx: PageContext::new(ctx, t.get("order-new-title"), "/orders"),
    };
    Ok(render_with(status, &page))
}

/// A duty and its dates, for the form that moves them.
pub struct DutyRow {
    pub id: i32,
    pub name: String,
    pub schedule: String,
    pub hint: String,
}

/// Moves a duty's dates.
pub async fn reschedule(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<RescheduleForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let (obligation, c) = (input.obligation, code.clone());
    // Its kind of schedule gives the shape to read.
    let duty = state.store.run(move |conn| obligations::in_current_order(conn, &c, obligation)).await?;
    let actor = ctx.actor();
    let outcome = save(&state, input.check(duty.schedule), move |conn, schedule| {
        obligations::reschedule(conn, &actor, obligation, schedule)
    })
    .await;
    answer(&state, &ctx, &user, code, format!("duty-{obligation}"), fields, outcome).await
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<OrderForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let parsed_code: etablera_domain::municipality::MunicipalityCode =
        code.parse().map_err(|_| AppError::BadRequest)?;
    let actor = ctx.actor();
    let outcome = save(&state, input.check(), move |conn, new| orders::create(conn, &actor, &parsed_code, &new)).await;
    match Filled::after("order", fields, outcome)? {
        None => Ok(back(&code)),
        Some(f) => form_page(&ctx, &user, f, Some(code)),
    }
}

/// The duties' codes in the form's order (its fields' names), for the template.
pub fn duty_codes() -> Vec<&'static str> {
    DutyKind::ALL.iter().map(|d| d.code()).collect()
}
