//! Complaints and deviations on the web: the unit's list, the form that registers one and the
//! page where it is handled and closed. A serious one is told to the committee at once (in the
//! application, and e-mailed now when mail is set up); the committee's page of it lives with
//! the reports.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use etablera_domain::access::Permission;
use etablera_domain::documents::{Owner, OwnerKind};
use etablera_domain::ids::{DeviationId, HouseholdId};
use etablera_domain::input::Invalid;
use etablera_domain::quality::deviations::{Category, Channel, Deviation, DeviationForm, Kind, Severity};
use etablera_store::documents;
use etablera_store::quality::deviations::{self, DeviationQuery, DeviationRow, Listed};
use serde::Deserialize;

use crate::access::scope;
use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::documents::DocumentsView;
use crate::error::{AppError, AppResult};
use crate::forms::{Fields, Filled, Submitted};
use crate::i18n::{Text, Tr};
use crate::listing::{Heading as ColumnHeading, ListParams, Listing, Pager, filter};
use crate::pages::{PageContext, local_time, municipality, municipality_options, render, render_with};

/// The choices of a form: (code, words).
pub struct Choices {
    pub kinds: Vec<(&'static str, String)>,
    pub channels: Vec<(&'static str, String)>,
    pub categories: Vec<(&'static str, String)>,
    pub severities: Vec<(&'static str, String)>,
}

impl Choices {
    fn new(t: &Tr) -> Choices {
        Choices {
            kinds: Kind::ALL.iter().map(|k| (k.code(), t.get(&format!("deviation-kind-{}", k.code())))).collect(),
            channels: Channel::ALL
                .iter()
                .map(|c| (c.code(), t.get(&format!("deviation-channel-{}", c.code()))))
                .collect(),
            categories: Category::ALL
                .iter()
                .map(|c| (c.code(), t.get(&format!("deviation-category-{}", c.code()))))
                .collect(),
            severities: Severity::ALL
                .iter()
                .map(|s| (s.code(), t.get(&format!("deviation-severity-{}", s.code()))))
                .collect(),
        }
    }
}

/// A row of the list, or the case as opened, in words.
pub struct DeviationView {
    pub id: DeviationId,
    pub label: String,
    pub kind: String,
    pub received_on: String,
    pub channel: String,
    pub category: String,
    pub severity: String,
    pub serious: bool,
    pub household: Option<(i32, String)>,
    pub description: String,
    pub actions: String,
    pub closed_on: String,
    /// When the committee was told, in words.
    pub notified: Option<String>,
}

pub fn view(t: &Tr, d: &DeviationRow, household: Option<(i32, String)>) -> DeviationView {
    DeviationView {
        id: d.id,
        label: d.label(),
        kind: t.get(&format!("deviation-kind-{}", d.kind.code())),
        received_on: d.received_on.to_string(),
        channel: t.get(&format!("deviation-channel-{}", d.channel.code())),
        category: t.get(&format!("deviation-category-{}", d.category.code())),
        severity: t.get(&format!("deviation-severity-{}", d.severity.code())),
        serious: d.serious(),
        household,
        description: d.description.clone(),
        actions: d.actions.clone().unwrap_or_default(),
        closed_on: d.closed_on.map(|c| c.to_string()).unwrap_or_default(),
        notified: d.committee_notified_at.map(local_time),
    }
}

fn listed_view(t: &Tr, l: &Listed) -> DeviationView {
    let household = l.deviation.household_id.zip(l.household_label.clone());
    view(t, &l.deviation, household)
}

/// The list's `state` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseState {
    Open,
    Closed,
}

impl std::str::FromStr for CaseState {
    type Err = ();

    fn from_str(s: &str) -> Result<CaseState, ()> {
        match s {
            "open" => Ok(CaseState::Open),
            "closed" => Ok(CaseState::Closed),
            _ => Err(()),
        }
    }
}

/// The list's address: the municipality, the filters, the order and the page.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub municipality: Option<String>,
    /// `open`, `closed`, or empty for both.
    pub state: Option<String>,
    pub kind: Option<String>,
    pub severity: Option<String>,
    #[serde(flatten)]
    pub list: ListParams,
}

#[derive(Template)]
#[template(path = "quality/list.html")]
struct ListPage {
    ctx: PageContext,
    municipality: String,
    municipalities: Vec<(String, String)>,
    rows: Vec<DeviationView>,
    choices: Choices,
    state: &'static str,
    kind: &'static str,
    severity: &'static str,
    heading: ColumnHeading,
    pager: Pager,
    can_write: bool,
    /// The closings' summaries are the reports' (unit managers, not case workers).
    can_read_reports: bool,
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ListQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let code = municipality(&user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let open = filter::<CaseState>("state", q.state.as_deref())?.map(|s| s == CaseState::Open);
    let query = DeviationQuery {
        open,
        kind: filter("kind", q.kind.as_deref())?,
        severity: filter("severity", q.severity.as_deref())?,
        descending: q.list.descending(true),
        paging: q.list.paging()?,
    };
    let (actor, s, c, asked) = (ctx.actor(), scope(&user), code.clone(), query.clone());
    let list = state.store.run(move |conn| deviations::page(conn, &actor, &s, &c, &asked)).await?;
    let state_code = match open {
        None => "",
        Some(true) => "open",
        Some(false) => "closed",
    };
    let (kind, severity) =
        (query.kind.map(|k| k.code()).unwrap_or_default(), query.severity.map(|s| s.code()).unwrap_or_default());
    let listing = Listing::new("/quality", "received", query.descending, query.paging)
        .keep("municipality", Some(&code))
        .keep("state", Some(state_code))
        .keep("kind", Some(kind))
        .keep("severity", Some(severity));
    let page = ListPage {
        heading: listing.heading("received", t.get("deviation-received-on"), true),
        pager: listing.pager(&t, &list),
        rows: list.rows.iter().map(|l| listed_view(&t, l)).collect(),
        choices: Choices::new(&t),
        state: state_code,
        kind,
        severity,
        can_write: user.can(Permission::WriteCases),
        can_read_reports: user.can(Permission::ReadAggregateReports),
        municipalities: municipality_options(&user),
        municipality: code,
        ctx: PageContext::new(&ctx, t.get("quality-title"), "/quality"),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "quality/deviation.html")]
struct DeviationPage {
    ctx: PageContext,
    /// An existing case's documents.
    documents: Option<DocumentsView>,
    f: Filled,
    notice: Option<String>,
    /// The case when it exists; `None` on the form for a new one.
    case: Option<DeviationView>,
    version: i32,
    /// The committee members told, and how many of them by e-mail.
    told: (usize, usize),
    choices: Choices,
    municipality: String,
    municipalities: Vec<(String, String)>,
    /// The form's values when not sent back: the case's, or today's date for a new one.
    defaults: Fields,
    can_write: bool,
}

/// The case's values as the form's fields; the household by the label it is typed as.
fn defaults_of(case: Option<&Listed>, today: NaiveDate) -> Fields {
    let Some(Listed { deviation: d, household_label }) = case else {
        return Fields(vec![
            ("received_on".into(), today.to_string()),
            ("severity".into(), Severity::Normal.code().into()),
            ("kind".into(), Kind::Complaint.code().into()),
        ]);
    };
    Fields(vec![
        ("kind".into(), d.kind.code().into()),
        ("received_on".into(), d.received_on.to_string()),
        ("channel".into(), d.channel.code().into()),
        ("household".into(), household_label.clone().unwrap_or_default()),
        ("category".into(), d.category.code().into()),
        ("severity".into(), d.severity.code().into()),
        ("description".into(), d.description.clone()),
        ("actions".into(), d.actions.clone().unwrap_or_default()),
        ("closed_on".into(), d.closed_on.map(|c| c.to_string()).unwrap_or_default()),
        ("committee_summary".into(), d.committee_summary.clone().unwrap_or_default()),
    ])
}

/// The case `id`'s page, or the form for a new case (for the municipality `chosen`, when the
/// user chose one of theirs).
async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    id: Option<DeviationId>,
    chosen: Option<String>,
    f: Filled,
    notice: Option<String>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let (actor, s) = (ctx.actor(), scope(user));
    let (case, told, attached) = state
        .store
        .run(move |conn| {
            let case = id.map(|id| deviations::get(conn, &actor, &s, id)).transpose()?;
            let (told, attached) = match &case {
                Some(c) => (
                    deviations::notice(conn, c.deviation.id)?,
                    documents::of(conn, Owner::new(OwnerKind::Deviation, c.deviation.id.get()))?,
                ),
                None => ((0, 0), Vec::new()),
            };
            Ok((case, told, attached))
        })
        .await?;
    let code = match &case {
        Some(c) => c.deviation.municipality_code.clone(),
        None => municipality(user, chosen.as_deref()).ok_or(AppError::Forbidden)?,
    };
    let title = match &case {
        Some(c) => t.text(
            "deviation-title",
            &[("label", c.deviation.label()), ("kind", t.get(&format!("deviation-kind-{}", c.deviation.kind.code())))],
        ),
        None => t.get("deviation-new-title"),
    };
    let status = f.status();
    let page = DeviationPage {
        documents: case.as_ref().map(|c| {
            let id = c.deviation.id.get();
            DocumentsView::new(
                &t,
                user,
                Owner::new(OwnerKind::Deviation, id),
                format!("/quality/{id}/documents"),
                &attached,
            )
        }),
        notice,
        version: case.as_ref().map_or(0, |c| c.deviation.version),
        defaults: defaults_of(case.as_ref(), ctx.today()),
        case: case.as_ref().map(|c| listed_view(&t, c)),
        told,
        choices: Choices::new(&t),
        municipalities: municipality_options(user),
        municipality: code,
        can_write: user.can(Permission::WriteCases),
        f,
        ctx: PageContext::new(ctx, title, "/quality"),
    };
    Ok(render_with(status, &page))
}

pub async fn new_form(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    page(&state, &ctx, &user, None, None, Filled::default(), None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    pub saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<DeviationId>,
    Params(q): Params<ShowQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let notice = q.saved.map(|s| crate::documents::saved_notice(&t, &s).unwrap_or_else(|| t.get("deviation-saved")));
    page(&state, &ctx, &user, Some(id), None, Filled::default(), notice).await
}

/// The case's form as sent: the municipality and household chosen beside the case as typed.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeviationSubmission {
    municipality: String,
    /// A household of the user's by its reference (or H and its number), a name, a personnummer
    /// or a dossier number, or empty for none.
    household: String,
    #[serde(flatten)]
    case: DeviationForm,
}

/// The household typed names among the user's (its reference, or what the case list's search
/// finds: a name, a personnummer, a dossier number), or none when nothing was typed.
async fn household_named(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    typed: &str,
) -> AppResult<Result<Option<HouseholdId>, Invalid>> {
    let typed = typed.trim().to_owned();
    if typed.is_empty() {
        return Ok(Ok(None));
    }
    use crate::reception::{Picked, pick_household};
    Ok(match pick_household(state, ctx, user, &typed).await? {
        Picked::One(id) => Ok(Some(HouseholdId::new(id))),
        Picked::NoneFound => {
            Err(Invalid::new("household", Text::new("deviation-household-unknown").with("reference", typed)))
        }
        Picked::Several { total, matches } => {
            let named: Vec<String> =
                matches.into_iter().map(|(_, label, names)| format!("{label} ({names})")).collect();
            Err(Invalid::new(
                "household",
                Text::new("deviation-household-several").with("count", total).with("households", named.join("; ")),
            ))
        }
    })
}

/// The case as checked and the household as found, or every error of the two at once.
fn checked(
    case: Result<Deviation, Vec<Invalid>>,
    household: Result<Option<HouseholdId>, Invalid>,
) -> Result<(Deviation, Option<HouseholdId>), Vec<Invalid>> {
    match (case, household) {
        (Ok(d), Ok(h)) => Ok((d, h)),
        (case, household) => Err(case.err().unwrap_or_default().into_iter().chain(household.err()).collect()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<DeviationSubmission>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let household = household_named(&state, &ctx, &user, &input.household).await?;
    let outcome = match checked(input.case.check(ctx.today()), household) {
        Ok((d, household)) => {
            let (actor, s, c) = (ctx.actor(), scope(&user), code.clone());
            let serious = d.severity == Severity::Serious;
            let result = state.store.run(move |conn| deviations::create(conn, &actor, &s, &c, household, &d)).await;
            if serious && result.is_ok() {
                crate::notifications::send_now(&state);
            }
            Ok(result)
        }
        Err(errors) => Err(errors),
    };
    let id = outcome.as_ref().ok().and_then(|r| r.as_ref().ok()).copied();
    match Filled::after("deviation", fields, outcome.map(|r| r.map(|_| ())))? {
        None => Ok(Redirect::to(&format!("/quality/{}?saved=1", id.map_or(0, DeviationId::get))).into_response()),
        Some(f) => page(&state, &ctx, &user, None, Some(code), f, None).await,
    }
}

pub async fn update(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<DeviationId>,
    Submitted { input, fields }: Submitted<DeviationSubmission>,
) -> AppResult<Response> {
    let version = fields.version()?;
    let household = household_named(&state, &ctx, &user, &input.household).await?;
    let outcome = match checked(input.case.check(ctx.today()), household) {
        Ok((d, household)) => {
            let (actor, s) = (ctx.actor(), scope(&user));
            let serious = d.severity == Severity::Serious;
            let result =
                state.store.run(move |conn| deviations::update(conn, &actor, &s, id, version, household, &d)).await;
            if serious && result.is_ok() {
                crate::notifications::send_now(&state);
            }
            Ok(result)
        }
        Err(errors) => Err(errors),
    };
    match Filled::after("deviation", fields, outcome)? {
        None => Ok(Redirect::to(&format!("/quality/{id}?saved=1")).into_response()),
        Some(f) => page(&state, &ctx, &user, Some(id), None, f, None).await,
    }
}

/// Attaches a document to the case (the complaint as it came in, a reply).
pub async fn attach_document(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<DeviationId>,
    form: crate::security::CsrfMultipart,
) -> AppResult<Response> {
    let owner = Owner::new(OwnerKind::Deviation, id.get());
    match crate::documents::attach(&state, &ctx, &user, owner, form).await? {
        Ok(household_id) => Ok(crate::documents::after_attach(owner, household_id)),
        Err(f) => page(&state, &ctx, &user, Some(id), None, f, None).await,
    }
}
