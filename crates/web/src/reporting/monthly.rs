//! The unit manager's month: the report as the casework stands beside the signed version, the
//! follow-up (first contacts, plans below full time), the trend over twelve months, and signing.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::reporting::monthly::{Month, SignForm};
use etablera_domain::reporting::versions::{FOLLOW_UP, find};
use etablera_store::reporting::monthly::{self, Live, Signed as SignedVersion};
use serde::Deserialize;

use super::charts::{BAR_WIDTH, Chart, chart};
use super::document::{Counts, change_lines, figure_name, month_name};
use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, Submitted};
use crate::i18n::{Text, Tr};
use crate::pages::{PageContext, local_time, municipality, municipality_options, render_with};

/// How many months the trend shows.
const TREND: usize = 12;
/// How many months back the month can be chosen.
const CHOOSABLE: usize = 36;

#[derive(Debug, Default, Deserialize)]
pub struct MonthQuery {
    pub municipality: Option<String>,
    pub month: Option<String>,
    pub signed: Option<i32>,
}

pub struct FigureRow {
    pub code: String,
    pub name: String,
    pub count: u32,
    /// The newest signed version's count, when it differs.
    pub signed: Option<u32>,
}

pub struct VersionView {
    pub version: i32,
    pub signed_at: String,
    pub signed_by: String,
    pub note: String,
    pub changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "reporting/monthly.html")]
struct MonthPage {
    ctx: PageContext,
    f: Filled,
    notice: Option<String>,
    municipality: String,
    municipality_name: String,
    municipalities: Vec<(String, String)>,
    month: String,
    month_name: String,
    months: Vec<(String, String)>,
    rows: Vec<FigureRow>,
    follow_up: Vec<FigureRow>,
    measured_on: String,
    /// The newest signed version, when there is one.
    latest: Option<VersionView>,
    versions: Vec<VersionView>,
    /// The first day it can be signed, while the month runs.
    sign_from: Option<String>,
    /// What the page shows, sent back when signing: the newest version and the figures.
    seen_version: i32,
    seen_figures: String,
    charts: Vec<Chart>,
    bar_width: u32,
}

/// The month asked for, or the month before today's: the one waiting to be signed.
fn chosen_month(asked: Option<&str>, today: chrono::NaiveDate) -> Result<Month, AppError> {
    match asked.map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(Month::containing(today).previous()),
        Some(text) => Month::parse(text)
            .filter(|m| m.first <= today)
            .ok_or_else(|| AppError::Invalid { field: "month".into(), message: Text::new("monthly-month-format") }),
    }
}

fn version_view(t: &Tr, s: &SignedVersion) -> VersionView {
    VersionView {
        version: s.version,
        signed_at: local_time(s.signed_at),
        signed_by: s.signed_by.clone().unwrap_or_default(),
        note: s.note.clone().unwrap_or_default(),
        changes: change_lines(t, &s.changes, Counts::Exact),
    }
}

fn charts(t: &Tr, trend: &[Live]) -> Vec<Chart> {
    let months: Vec<Month> = trend.iter().map(|l| l.counts.month).collect();
    let of = |code: &str| trend.iter().map(|l| l.counts.count(code).unwrap_or(0)).collect::<Vec<u32>>();
    let arrivals: Vec<u32> = trend.iter().map(|l| l.follow_up.arrivals).collect();
    let in_time: Vec<u32> = trend.iter().map(|l| l.follow_up.contacted_in_time).collect();
    let group: Vec<u32> = trend.iter().map(|l| l.counts.target_group).collect();
    let below: Vec<u32> = trend.iter().map(|l| l.follow_up.below_full_time).collect();
    vec![
        chart(t, "target-group", figure_name(t, "target_group"), None, &months, &group, None),
        chart(t, "sfi", figure_name(t, "sfi"), None, &months, &of("sfi"), None),
        chart(t, "below-full-time", figure_name(t, "below_full_time"), None, &months, &below, None),
        chart(
            t,
            "first-contacts",
            figure_name(t, "arrivals"),
            Some(figure_name(t, "contacted_in_time")),
            &months,
            &arrivals,
            Some(&in_time),
        ),
    ]
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: MonthQuery,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let today = ctx.today();
    let code = municipality(user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let month = chosen_month(q.month.as_deref(), today)?;
    let (actor, c, days) = (ctx.actor(), code.clone(), state.config.first_contact_days);
    let (trend, versions) = state.store.run(move |conn| monthly::open(conn, &actor, &c, month, days, TREND)).await?;
    let live = trend.last().ok_or_else(|| AppError::Internal("the trend has its month".into()))?;
    let latest = versions.first();
    let row = |code: &str, count: u32| FigureRow {
        code: code.to_owned(),
        name: figure_name(&t, code),
        count,
        signed: latest.and_then(|s| find(&s.figures, code)).filter(|n| *n != count),
    };
    let figures = live.figures();
    let (rows, follow_up): (Vec<_>, Vec<_>) = figures.iter().partition(|f| !FOLLOW_UP.contains(&f.code.as_str()));
    let notice = q.signed.map(|v| t.with("report-signed-notice", "version", v));
    let months =
        Month::containing(today).trailing(CHOOSABLE).into_iter().rev().map(|m| (m.code(), month_name(&t, m))).collect();
    let status = f.status();
    let page = MonthPage {
        notice,
        municipality_name: etablera_domain::municipality::name_of(&code),
        municipalities: municipality_options(user),
        municipality: code,
        month: month.code(),
        month_name: month_name(&t, month),
        months,
        rows: rows.iter().map(|f| row(&f.code, f.count)).collect(),
        follow_up: follow_up.iter().map(|f| row(&f.code, f.count)).collect(),
        measured_on: live.follow_up.measured_on.to_string(),
        latest: latest.map(|s| version_view(&t, s)),
        versions: versions.iter().map(|s| version_view(&t, s)).collect(),
        sign_from: (!month.has_ended(today)).then(|| month.signable_from().to_string()),
        seen_version: latest.map_or(0, |s| s.version),
        seen_figures: etablera_domain::reporting::versions::fingerprint(&figures),
        charts: charts(&t, &trend),
        bar_width: BAR_WIDTH,
        f,
        ctx: PageContext::new(ctx, t.get("report-title"), "/reports"),
    };
    Ok(render_with(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<MonthQuery>,
) -> AppResult<Response> {
    page(&state, &ctx, &user, q, Filled::default()).await
}

pub async fn sign(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<SignForm>,
) -> AppResult<Response> {
    let today = ctx.today();
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let month = chosen_month(Some(&input.month), today)?;
    let seen = monthly::Seen { version: fields.version()?, figures: input.figures.clone() };
    let (actor, c, days) = (ctx.actor(), code.clone(), state.config.first_contact_days);
    let outcome = match input.check(month, today) {
        Ok(signature) => {
            Ok(state.store.run(move |conn| monthly::sign(conn, &actor, &c, &signature, days, Some(&seen))).await)
        }
        Err(errors) => Err(errors),
    };
    let version = outcome.as_ref().ok().and_then(|r| r.as_ref().ok()).copied();
    match Filled::after("sign", fields, outcome.map(|r| r.map(|_| ())))? {
        None => Ok(Redirect::to(&format!(
            "/reports/monthly?municipality={code}&month={}&signed={}",
            month.code(),
            version.unwrap_or_default()
        ))
        .into_response()),
        Some(f) => {
            let q = MonthQuery { municipality: Some(code), month: Some(month.code()), signed: None };
            page(&state, &ctx, &user, q, f).await
        }
    }
}
