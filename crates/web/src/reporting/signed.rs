//! The signed monthly reports, as the committee reads them: the list, one version with what
//! changed since the one before, and the documents for the committee's papers. The committee
//! sees the public version (small counts hidden); the roles inside the administration see the
//! exact counts and the follow-up.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use etablera_domain::access::Permission;
use etablera_domain::reporting::monthly::Month;
use etablera_reports::table::{Cell, Heading, Table};
use etablera_store::reporting::monthly::{self, Signed as SignedVersion};
use serde::Deserialize;

use super::document::{Counts, Signature, csv_table, document, file_name, month_name};
use super::sees_exact_counts;
use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::listing::{Heading as ColumnHeading, ListParams, Listing, Pager, filter};
use crate::pages::{PageContext, XLSX, download, local_time, municipality, municipality_options, pdf_download, render};

#[derive(Debug, Default, Deserialize)]
pub struct SignedQuery {
    pub municipality: Option<String>,
    pub version: Option<i32>,
}

/// The list's address: the municipality, a year, the order and the page.
#[derive(Debug, Default, Deserialize)]
pub struct SignedListQuery {
    pub municipality: Option<String>,
    pub year: Option<String>,
    #[serde(flatten)]
    pub list: ListParams,
}

pub struct MonthRow {
    pub month: String,
    pub name: String,
    pub version: i32,
    pub signed_at: String,
}

#[derive(Template)]
#[template(path = "reporting/list.html")]
struct ListPage {
    ctx: PageContext,
    municipality: String,
    municipality_name: String,
    municipalities: Vec<(String, String)>,
    months: Vec<MonthRow>,
    year: String,
    heading: ColumnHeading,
    pager: Pager,
    /// The unit manager's link to the month waiting to be signed.
    manage: bool,
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<SignedListQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let code = municipality(&user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let year: Option<i32> = filter("year", q.year.as_deref())?;
    let (descending, paging) = (q.list.descending(true), q.list.paging()?);
    let c = code.clone();
    let signed = state.store.run(move |conn| monthly::signed_months(conn, &c, year, descending, paging)).await?;
    let year = year.map(|y| y.to_string()).unwrap_or_default();
    let listing = Listing::new("/reports", "month", descending, paging)
        .keep("municipality", Some(&code))
        .keep("year", Some(&year));
    let page = ListPage {
        heading: listing.heading("month", t.get("report-month"), true),
        pager: listing.pager(&t, &signed),
        year,
        months: signed
            .rows
            .iter()
            .filter_map(|s| {
                let month = Month::parse(&s.month)?;
                Some(MonthRow {
                    month: s.month.clone(),
                    name: month_name(&t, month),
                    version: s.version,
                    signed_at: local_time(s.signed_at),
                })
            })
            .collect(),
        manage: user.can(Permission::ManageUnit),
        municipality_name: etablera_domain::municipality::name_of(&code),
        municipalities: municipality_options(&user),
        municipality: code,
        ctx: PageContext::new(&ctx, t.get("reports-title"), "/reports"),
    };
    Ok(render(&page)?.into_response())
}

/// The version asked for (the newest when none is), the month's versions, the municipality.
async fn chosen(
    state: &AppState,
    user: &etablera_store::access::users::User,
    month: &str,
    q: &SignedQuery,
) -> AppResult<(String, Month, SignedVersion, Vec<SignedVersion>)> {
    let code = municipality(user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let month = Month::parse(month).ok_or(AppError::NotFound)?;
    let c = code.clone();
    let versions = state.store.run(move |conn| monthly::versions(conn, &c, month)).await?;
    let version = match q.version {
        Some(v) => versions.iter().find(|s| s.version == v),
        None => versions.first(),
    }
    .cloned()
    .ok_or(AppError::NotFound)?;
    Ok((code, month, version, versions))
}

fn signed_document(
    ctx: &RequestContext,
    code: &str,
    month: Month,
    s: &SignedVersion,
    counts: Counts,
) -> (Heading, Table) {
    let signature = Signature {
        version: s.version,
        signed_at: s.signed_at,
        signed_by: s.signed_by.as_deref(),
        changes: &s.changes,
    };
    document(&ctx.tr(), code, month, &s.figures, s.measured_on, counts, Some(signature))
}

#[derive(Template)]
#[template(path = "reporting/signed.html")]
struct SignedPage {
    ctx: PageContext,
    municipality: String,
    month: String,
    version: i32,
    /// The query naming this version, for the file links.
    query: String,
    facts: Vec<(String, String)>,
    rows: Vec<Vec<String>>,
    headers: Vec<String>,
    note: String,
    versions: Vec<(i32, String)>,
    manage: bool,
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(month): Path<String>,
    Params(q): Params<SignedQuery>,
) -> AppResult<Response> {
    let (code, month, s, versions) = chosen(&state, &user, &month, &q).await?;
    let counts = Counts::of(sees_exact_counts(&user), state.config.report_threshold);
    let (heading, table) = signed_document(&ctx, &code, month, &s, counts);
    let page = SignedPage {
        month: month.code(),
        version: s.version,
        query: format!("municipality={code}&version={}", s.version),
        facts: heading.facts,
        rows: table.rows.iter().map(|r| r.iter().map(Cell::shown).collect()).collect(),
        headers: table.headers,
        note: heading.note,
        versions: versions.iter().map(|v| (v.version, local_time(v.signed_at))).collect(),
        manage: user.can(Permission::ManageUnit),
        municipality: code,
        ctx: PageContext::new(&ctx, heading.title, "/reports"),
    };
    Ok(render(&page)?.into_response())
}

async fn file(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    month: &str,
    q: &SignedQuery,
) -> AppResult<(Heading, Table, Counts, SignedVersion, String)> {
    let (code, month, s, _) = chosen(state, user, month, q).await?;
    let counts = Counts::of(sees_exact_counts(user), state.config.report_threshold);
    let (heading, table) = signed_document(ctx, &code, month, &s, counts);
    let name = file_name(&code, month, Some(s.version));
    let (actor, c) = (ctx.actor(), code.clone());
    state.store.run(move |conn| monthly::log_export(conn, &actor, &c, month)).await?;
    Ok((heading, table, counts, s, name))
}

pub async fn pdf(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(month): Path<String>,
    Params(q): Params<SignedQuery>,
) -> AppResult<Response> {
    let (heading, table, _, _, name) = file(&state, &ctx, &user, &month, &q).await?;
    let footer = ctx.tr().with("pdf-footer", "title", &heading.title);
    pdf_download(format!("{name}.pdf"), move || etablera_reports::table::pdf(&heading, &table, &footer)).await
}

pub async fn xlsx(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(month): Path<String>,
    Params(q): Params<SignedQuery>,
) -> AppResult<Response> {
    let (heading, table, _, _, name) = file(&state, &ctx, &user, &month, &q).await?;
    let body = etablera_reports::table::xlsx(&ctx.tr().get("monthly-sheet"), &heading, &table)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX, format!("{name}.xlsx"), body))
}

/// The report as people read it, as CSV for Swedish Excel (the machine CSV is `report.csv`).
pub async fn swedish_csv(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(month): Path<String>,
    Params(q): Params<SignedQuery>,
) -> AppResult<Response> {
    let (_, table, _, _, name) = file(&state, &ctx, &user, &month, &q).await?;
    crate::pages::swedish_csv_download(format!("{name}-sv.csv"), &table)
}

pub async fn csv(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(month): Path<String>,
    Params(q): Params<SignedQuery>,
) -> AppResult<Response> {
    let (_, _, counts, s, name) = file(&state, &ctx, &user, &month, &q).await?;
    let body = etablera_reports::table::csv(&csv_table(&ctx.tr(), &s.figures, counts))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download("text/csv; charset=utf-8", format!("{name}.csv"), body))
}
