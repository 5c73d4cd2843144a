//! Complaints and deviations at the interim and annual closings: counts per area for the
//! committee, as a page, PDF and XLSX. No description, household or person.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use etablera_domain::access::Permission;
use etablera_domain::quality::summary::{Closing, Counts, InterimForm, Summary};
use etablera_reports::table::{Cell, Heading, Table};
use etablera_store::quality::closings;
use serde::Deserialize;

use super::document::{Counts as Shown, month_name};
use super::sees_exact_counts;
use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, Submitted, save};
use crate::i18n::Tr;
use crate::pages::{PageContext, XLSX, download, municipality, municipality_options, pdf_download, render_with};

#[derive(Debug, Default, Deserialize)]
pub struct ClosingQuery {
    pub municipality: Option<String>,
    pub year: Option<i32>,
    /// `interim` (the default) or `annual`.
    pub closing: Option<String>,
}

#[derive(Template)]
#[template(path = "reporting/closings.html")]
struct ClosingsPage {
    ctx: PageContext,
    f: Filled,
    municipality: String,
    municipalities: Vec<(String, String)>,
    year: i32,
    years: Vec<i32>,
    annual: bool,
    /// The closing's code for the file links.
    closing: &'static str,
    last_month: u32,
    months: Vec<(u32, String)>,
    period: String,
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    total: Vec<String>,
    /// What the counts are, and how small ones are shown.
    note: String,
    manage: bool,
}

struct Chosen {
    code: String,
    year: i32,
    annual: bool,
    last_month: u32,
    summary: Summary,
}

async fn chosen(
    state: &AppState,
    user: &etablera_store::access::users::User,
    q: &ClosingQuery,
    today: NaiveDate,
) -> AppResult<Chosen> {
    let code = municipality(user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let year = q.year.unwrap_or_else(|| today.year());
    if !(2000..=2100).contains(&year) {
        return Err(AppError::NotFound);
    }
    let annual = q.closing.as_deref() == Some("annual");
    let c = code.clone();
    let (last_month, summary) = state
        .store
        .run(move |conn| {
            let last_month = closings::interim_last_month(conn, &c, year)?;
            let closing = if annual { Closing::Annual } else { Closing::Interim { last_month } };
            Ok((last_month, closings::summary(conn, &c, year, closing)?))
        })
        .await?;
    Ok(Chosen { code, year, annual, last_month, summary })
}

fn counts(c: &Counts, shown: Shown) -> Vec<Cell> {
    [c.complaints, c.deviations, c.serious, c.closed, c.open_at_end]
        .iter()
        .map(|n| Cell::count_or_text(shown.show(*n)))
        .collect()
}

fn title(t: &Tr, c: &Chosen) -> String {
    let which = if c.annual { t.get("closings-annual") } else { t.get("closings-interim") };
    t.text("closings-document-title", &[("closing", which), ("year", c.year.to_string())])
}

fn period(t: &Tr, s: &Summary) -> String {
    let from = etablera_domain::reporting::monthly::Month::containing(s.from);
    let to = etablera_domain::reporting::monthly::Month::containing(s.to);
    format!("{} – {}", month_name(t, from), month_name(t, to))
}

fn table(t: &Tr, s: &Summary, shown: Shown) -> Table {
    let headers = [
        "deviation-category",
        "closings-complaints",
        "closings-deviations",
        "closings-serious",
        "closings-closed",
        "closings-open",
    ]
    .iter()
    .map(|k| t.get(k))
    .collect();
    let rows = s
        .rows
        .iter()
        .map(|(category, c)| {
            let mut row = vec![Cell::Text(t.get(&format!("deviation-category-{}", category.code())))];
            row.extend(counts(c, shown));
            row
        })
        .collect();
    let mut totals = vec![Cell::Text(t.get("total"))];
    totals.extend(counts(&s.total, shown));
    Table { headers, text_columns: 1, rows, totals }
}

fn document(t: &Tr, c: &Chosen, shown: Shown) -> (Heading, Table) {
    let facts = vec![
        (t.get("col-municipality"), format!("{} {}", c.code, etablera_domain::municipality::name_of(&c.code))),
        (t.get("closings-period"), period(t, &c.summary)),
    ];
    let note = match shown {
        Shown::Exact => t.get("closings-note"),
        Shown::Public { threshold } => format!(
            "{} {}",
            t.get("closings-note"),
            t.text(
                "report-small-counts",
                &[("threshold", threshold.to_string()), ("max", threshold.saturating_sub(1).to_string())]
            )
        ),
    };
    (Heading { title: title(t, c), facts, note }, table(t, &c.summary, shown))
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: ClosingQuery,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let c = chosen(state, user, &q, ctx.today()).await?;
    let this_year = ctx.today().year();
    let shown = Shown::of(sees_exact_counts(user), state.config.report_threshold);
    let (heading, table) = document(&t, &c, shown);
    let status = f.status();
    let page = ClosingsPage {
        municipalities: municipality_options(user),
        years: (2020..=this_year).rev().collect(),
        months: (1..=11).map(|m| (m, t.get(&format!("month-{m}")))).collect(),
        period: period(&t, &c.summary),
        headers: table.headers,
        rows: table.rows.iter().map(|r| r.iter().map(Cell::shown).collect()).collect(),
        total: table.totals.iter().map(Cell::shown).collect(),
        note: heading.note,
        manage: user.can(Permission::ManageUnit),
        municipality: c.code.clone(),
        year: c.year,
        annual: c.annual,
        closing: if c.annual { "annual" } else { "interim" },
        last_month: c.last_month,
        f,
        ctx: PageContext::new(ctx, heading.title, "/reports"),
    };
    Ok(render_with(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ClosingQuery>,
) -> AppResult<Response> {
    page(&state, &ctx, &user, q, Filled::default()).await
}

/// Sets the year's interim closing month (the unit manager).
pub async fn set_interim(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<InterimForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let checked = input.check();
    let year = checked.as_ref().ok().map(|i| i.year.get());
    let (actor, c) = (ctx.actor(), code.clone());
    let outcome = save(&state, checked, move |conn, interim| closings::set_interim(conn, &actor, &c, &interim)).await;
    match Filled::after("interim", fields, outcome)? {
        None => Ok(Redirect::to(&format!(
            "/reports/closings?municipality={code}&year={}",
            year.map(|y| y.to_string()).unwrap_or_default()
        ))
        .into_response()),
        Some(f) => {
            let q = ClosingQuery { municipality: Some(code), year, closing: None };
            page(&state, &ctx, &user, q, f).await
        }
    }
}

async fn file(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: &ClosingQuery,
) -> AppResult<(Heading, Table, String)> {
    let c = chosen(state, user, q, ctx.today()).await?;
    let shown = Shown::of(sees_exact_counts(user), state.config.report_threshold);
    let (heading, table) = document(&ctx.tr(), &c, shown);
    let name = format!("klagomal-avvikelser-{}-{}-{}", c.code, c.year, if c.annual { "helar" } else { "delar" });
    Ok((heading, table, name))
}

pub async fn pdf(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ClosingQuery>,
) -> AppResult<Response> {
    let (heading, table, name) = file(&state, &ctx, &user, &q).await?;
    let footer = ctx.tr().with("pdf-footer", "title", &heading.title);
    pdf_download(format!("{name}.pdf"), move || etablera_reports::table::pdf(&heading, &table, &footer)).await
}

pub async fn xlsx(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ClosingQuery>,
) -> AppResult<Response> {
    let (heading, table, name) = file(&state, &ctx, &user, &q).await?;
    let body = etablera_reports::table::xlsx(&ctx.tr().get("closing-sheet"), &heading, &table)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX, format!("{name}.xlsx"), body))
}

/// The closing's table as CSV for Swedish Excel.
pub async fn csv(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ClosingQuery>,
) -> AppResult<Response> {
    let (_, table, name) = file(&state, &ctx, &user, &q).await?;
    crate::pages::swedish_csv_download(format!("{name}.csv"), &table)
}
