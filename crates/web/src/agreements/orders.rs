//! The order's page: its terms, its obligations (done with the document, due, or overdue), the
//! staffing and the caseload per post; the unit manager records what is done and the staffing,
//! and registers the order. The committee reads the same page.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use etablera_domain::access::Permission;
use etablera_domain::agreements::obligations::{DUTIES, Duty, Schedule, Status, default_duties};
use etablera_domain::agreements::staffing::{parse_posts, per_post_tenths, posts_text, tenths_text};
use etablera_domain::agreements::{InvoiceSchedule, RefundPolicy, Terms, Validity};
use etablera_domain::input::Invalid;
use etablera_store::agreements::obligations::{self, MONTHLY_REPORT, Obligation, Standing};
use etablera_store::agreements::{Contact, NewVersion, orders};
use serde::Deserialize;

use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Fields, Filled};
use crate::i18n::Tr;
use crate::pages::{PageContext, municipality, municipality_options, render_with};
use crate::security::CsrfForm;
use etablera_domain::text::Text;

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
        duty: t.get(&format!("duty-{}", obligation.code)),
        period_code: s.occurrence.period.clone(),
        period: period_text(t, &s.occurrence.period),
        due: s.occurrence.due.to_string(),
        state,
        class,
        document,
        can_fulfil: obligation.code != MONTHLY_REPORT && class != "done",
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
    let today = etablera_store::today();
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
                name: t.get(&format!("duty-{}", o.code)),
                schedule: schedule_text(o.schedule),
                hint: t.get(&format!("duty-hint-{}", o.code)),
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
                let side = t.get(&format!("order-side-{}", c.side));
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
        today: etablera_store::today().to_string(),
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

/// The notice period as typed: empty, or 0 to 120 months.
fn notice_months(fields: &Fields) -> Result<Option<u32>, Invalid> {
    match fields.opt("notice_months").map(str::parse::<u32>) {
        None => Ok(None),
        Some(Ok(m)) if m <= 120 => Ok(Some(m)),
        Some(_) => Err(Invalid::new("notice_months", Text::new("order-notice-months-format"))),
    }
}

/// Records an occurrence done, with its document.
pub async fn fulfil(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let fields = Fields(pairs);
    let code = municipality(&user, fields.opt("municipality")).ok_or(AppError::Forbidden)?;
    let obligation: i32 = fields.get("obligation").parse().map_err(|_| AppError::BadRequest)?;
    // Each row has its own form; its fields carry the row's key.
    let form = format!("fulfil-{obligation}-{}", fields.get("period"));
    let outcome = match fields.date("done_on") {
        Ok(done_on) => {
            let (actor, period, document) =
                (ctx.actor(), fields.get("period").to_owned(), fields.get("document").to_owned());
            let today = etablera_store::today();
            let c = code.clone();
            Ok(state
                .store
                .run(move |conn| {
                    obligations::in_current_order(conn, &c, obligation)?;
                    obligations::fulfil(conn, &actor, obligation, &period, done_on, &document, today)
                })
                .await)
        }
        Err(e) => Err(vec![e]),
    };
    answer(&state, &ctx, &user, code, form, fields, outcome).await
}

/// Records an amendment of the order (a prolongation, another notice period) as a new version.
pub async fn amend(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let fields = Fields(pairs);
    let code = municipality(&user, fields.opt("municipality")).ok_or(AppError::Forbidden)?;
    let mut errors = Vec::new();
    let effective_from = fields.date("effective_from").map_err(|e| errors.push(e)).ok();
    let end = fields.optional_date("end").map_err(|e| errors.push(e)).ok().flatten();
    let notice_months = notice_months(&fields).map_err(|e| errors.push(e)).ok().flatten();
    let outcome = match effective_from {
        Some(effective_from) if errors.is_empty() => {
            let amendment = orders::Amendment {
                based_on: fields.get("based_on").parse().unwrap_or(0),
                effective_from,
                registry_number: fields.opt("registry_number").map(str::to_owned),
                decision: fields.opt("decision").map(str::to_owned),
                end,
                notice_months,
            };
            let (actor, c) = (ctx.actor(), code.clone());
            Ok(state.store.run(move |conn| orders::amend(conn, &actor, &c, &amendment).map(|_| ())).await)
        }
        _ => Err(errors),
    };
    answer(&state, &ctx, &user, code, "amend".into(), fields, outcome).await
}

/// Records the staffing from a date.
pub async fn staffing(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let fields = Fields(pairs);
    let code = municipality(&user, fields.opt("municipality")).ok_or(AppError::Forbidden)?;
    let from = fields.date("from");
    let posts = parse_posts(fields.get("posts")).ok_or_else(|| Invalid::new("posts", Text::new("order-posts-format")));
    let outcome = match (from, posts) {
        (Ok(from), Ok(posts)) => {
            let (actor, c, note) = (ctx.actor(), code.clone(), fields.opt("note").map(str::to_owned));
            Ok(state
                .store
                .run(move |conn| orders::record_staffing(conn, &actor, &c, from, posts, note.as_deref()))
                .await)
        }
        (a, b) => Err([a.err(), b.err()].into_iter().flatten().collect()),
    };
    answer(&state, &ctx, &user, code, "staffing".into(), fields, outcome).await
}

#[derive(Template)]
#[template(path = "agreements/order_form.html")]
struct OrderForm {
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
        pairs.push((duty.code.into(), schedule_text(duty.schedule)));
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
    let page = OrderForm {
        municipalities: municipality_options(user),
        municipality: code,
        defaults: form_defaults(&t),
        f,
        ctx: PageContext::new(ctx, t.get("order-new-title"), "/orders"),
    };
    Ok(render_with(status, &page))
}

/// The duties as typed: a date for the written answer, a day for the monthly report, month and
/// day (`09-30`) for the yearly ones; the closings' and reports' years as the defaults have them.
fn read_duties(fields: &Fields, start: NaiveDate) -> Result<Vec<Duty>, Vec<Invalid>> {
    let mut errors = Vec::new();
    let mut duties = Vec::new();
    for duty in default_duties(start) {
        match read_schedule(duty.code, fields.get(duty.code), duty.schedule) {
            Ok(schedule) => duties.push(Duty { code: duty.code, schedule }),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(duties) } else { Err(errors) }
}

/// A duty's dates as typed, in the shape of `like` (a date for once, a day of the month after
/// for monthly, `MM-DD` for yearly, the year after when `like` is).
fn read_schedule(field: &'static str, text: &str, like: Schedule) -> Result<Schedule, Invalid> {
    match like {
        Schedule::Once { .. } => etablera_domain::input::date(field, text).map(|due| Schedule::Once { due }),
        Schedule::Monthly { .. } => text
            .trim()
            .parse::<u32>()
            .map(|day| Schedule::Monthly { day })
            .map_err(|_| Invalid::new(field, Text::new("schedule-day-format"))),
        Schedule::Yearly { next_year, .. } => {
            let parsed =
                text.trim().split_once('-').and_then(|(m, d)| Some((m.parse::<u32>().ok()?, d.parse::<u32>().ok()?)));
            parsed
                .map(|(month, day)| Schedule::Yearly { month, day, next_year })
                .ok_or_else(|| Invalid::new(field, Text::new("schedule-month-day-format")))
        }
    }
    .and_then(|s| s.check().map(|_| s).map_err(|m| Invalid::new(field, m)))
}

/// A schedule as the form writes it.
fn schedule_text(schedule: Schedule) -> String {
    match schedule {
        Schedule::Once { due } => due.to_string(),
        Schedule::Monthly { day } => day.to_string(),
        Schedule::Yearly { month, day, .. } => format!("{month:02}-{day:02}"),
    }
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
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let fields = Fields(pairs);
    let code = municipality(&user, fields.opt("municipality")).ok_or(AppError::Forbidden)?;
    let obligation: i32 = fields.get("obligation").parse().map_err(|_| AppError::BadRequest)?;
    let form = format!("duty-{obligation}");
    let (actor, c, text) = (ctx.actor(), code.clone(), fields.get("schedule").to_owned());
    let outcome = state
        .store
        .run(move |conn| {
            // Its kind of schedule gives the shape to read.
            let duty = obligations::in_current_order(conn, &c, obligation)?;
            let schedule = read_schedule("schedule", &text, duty.schedule)
                .map_err(|e| etablera_store::StoreError::invalid("schedule", e.message))?;
            obligations::reschedule(conn, &actor, obligation, schedule)
        })
        .await;
    answer(&state, &ctx, &user, code, form, fields, Ok(outcome)).await
}

fn optional(fields: &Fields, name: &str) -> Option<String> {
    fields.opt(name).map(str::to_owned)
}

fn read_order(fields: &Fields) -> Result<(String, NewVersion, Vec<Duty>), Vec<Invalid>> {
    let mut errors = Vec::new();
    let title = fields.get("title").trim().to_owned();
    if title.is_empty() {
        errors.push(Invalid::new("title", Text::new("order-title-needed")));
    }
    let start = fields.date("start").map_err(|e| errors.push(e)).ok();
    let end = fields.optional_date("end").map_err(|e| errors.push(e)).ok().flatten();
    let notice = notice_months(fields).map_err(|e| errors.push(e)).ok().flatten();
    let org = fields.get("org_number").parse::<etablera_domain::identity::OrganisationNumber>();
    if let Err(e) = &org {
        errors.push(Invalid::new("org_number", e.text().sentence()));
    }
    let signed_on = fields.optional_date("signed_on").map_err(|e| errors.push(e)).ok().flatten();
    let duties = match start {
        Some(start) => read_duties(fields, start).map_err(|mut e| errors.append(&mut e)).ok(),
        None => None,
    };
    let contacts =
        [("committee", "committee_contact", "committee_email"), ("executor", "executor_contact", "executor_email")]
            .iter()
            .filter_map(|(side, name, email)| {
                let name = fields.opt(name)?;
                Some(Contact {
                    side: (*side).into(),
                    name: name.to_owned(),
                    title: None,
                    email: optional(fields, email),
                    phone: None,
                })
            })
            .collect();
    match (start, org, duties) {
        (Some(start), Ok(org), Some(duties)) if errors.is_empty() => {
            let validity = match end {
                Some(end) => Validity::FixedTerm { start, end },
                None => Validity::UntilFurtherNotice { start },
            };
            let version = NewVersion {
                effective_from: start,
                registry_number: optional(fields, "registry_number"),
                decision: optional(fields, "decision"),
                signed_on,
                terms: Terms {
                    validity,
                    notice_months: notice,
                    refund_policy: RefundPolicy::None,
                    vacancy_threshold_months: None,
                    schedule: InvoiceSchedule::None,
                },
                municipality_org_number: org.clone(),
                county_org_number: org,
                contacts,
                note: None,
            };
            Ok((title, version, duties))
        }
        _ => Err(errors),
    }
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let fields = Fields(pairs);
    let code = municipality(&user, fields.opt("municipality")).ok_or(AppError::Forbidden)?;
    let parsed_code: etablera_domain::municipality::MunicipalityCode =
        code.parse().map_err(|_| AppError::BadRequest)?;
    let outcome = match read_order(&fields) {
        Ok((title, version, duties)) => {
            let actor = ctx.actor();
            Ok(state
                .store
                .run(move |conn| orders::create(conn, &actor, &parsed_code, &title, &version, &duties).map(|_| ()))
                .await)
        }
        Err(errors) => Err(errors),
    };
    match Filled::after("order", fields, outcome)? {
        None => Ok(back(&code)),
        Some(f) => form_page(&ctx, &user, f, Some(code)),
    }
}

/// The duties' codes in the form's order, for the template.
pub fn duty_codes() -> &'static [&'static str] {
    &DUTIES
}
