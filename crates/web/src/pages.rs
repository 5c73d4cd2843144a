//! What every page shares: the layout's context, rendering, error pages and static files.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use etablera_domain::access::Permission;
use etablera_store::access::users::User;

use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;

pub struct NavLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// What the layout needs: words, the signed-in user, the form token, the menu.
pub struct PageContext {
    pub t: Tr,
    pub title: String,
    pub user: Option<User>,
    pub csrf_token: String,
    pub nav: Vec<NavLink>,
    /// The header's search box, for those who may read cases.
    pub can_search: bool,
}

impl PageContext {
    /// `current` is the menu entry to mark, by its path.
    pub fn new(ctx: &RequestContext, title: String, current: &str) -> PageContext {
        let t = ctx.tr();
        let user = ctx.principal.as_ref().map(|p| p.user.clone());
        let mut nav = Vec::new();
        if let Some(user) = &user {
            let mut link =
                |href: &'static str, key: &str| nav.push(NavLink { href, label: t.get(key), current: href == current });
            link("/", "nav-start");
            if user.can(Permission::ReadCases) {
                link("/reception", "nav-reception");
                link("/quality", "nav-quality");
            }
            if user.can(Permission::ManageEconomy) {
                link("/economy", "nav-economy");
            } else if user.can(Permission::ReadAggregateReports) {
                link("/economy/grant", "grant-title");
            }
            if user.can(Permission::ReadAggregateReports) {
                link("/reports", "reports-title");
                link("/orders", "order-title");
            }
            if user.can(Permission::ManageUsers) {
                link("/admin/users", "nav-users");
            }
            if user.can(Permission::ManageRules) {
                link("/admin/activity-types", "catalogue-title");
                link("/admin/reimbursement-rules", "rules-title");
            }
            if user.can(Permission::CullRecords) {
                link("/admin/culling", "culling-title");
            }
            if user.can(Permission::ManageCofinancing) {
                link("/cofinancing/population", "nav-cofinancing");
            }
            if user.can(Permission::ReadOwnAgreement) {
                link("/cofinancing/own", "own-title");
            }
            if user.can(Permission::ReadAccessLog) {
                link("/audit", "nav-audit");
            }
            if user.can(Permission::ReviewAccessLog) {
                link("/audit/reviews", "review-title");
            }
            link("/account", "nav-account");
        }
        let can_search = user.as_ref().is_some_and(|u| u.can(Permission::ReadCases));
        PageContext { title, user, csrf_token: ctx.csrf_token().unwrap_or_default().to_owned(), nav, t, can_search }
    }

    pub fn lang(&self) -> &'static str {
        self.t.locale.code()
    }
}

pub fn render(template: &impl Template) -> AppResult<Html<String>> {
    template.render().map(Html).map_err(|e| AppError::Internal(format!("template: {e}")))
}

pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    match render(template) {
        Ok(html) => (status, html).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageContext,
    message: String,
}

/// The page for an error: a redirect to the login page when the user must sign in first.
pub fn error_page(ctx: RequestContext, error: &AppError, path: &str) -> Response {
    if matches!(error, AppError::Unauthenticated) {
        let expired = ctx.session_expired;
        let next = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
        let target = if expired { format!("/login?expired=1&{next}") } else { format!("/login?{next}") };
        return Redirect::to(&target).into_response();
    }
    let t = ctx.tr();
    let (title_key, message_key) = error.message_keys();
    let message = match error {
        AppError::Invalid { message, .. } => t.say(message),
        _ => t.with(message_key, "request", &ctx.request_id),
    };
    let page = ErrorPage { ctx: PageContext::new(&ctx, t.get(title_key), ""), message };
    render_with(error.status(), &page)
}

const STYLESHEET: &str = include_str!("../static/app.css");
const HTMX: &str = include_str!("../static/htmx.min.js");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

pub async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", STYLESHEET)
}

/// htmx 2.0.11, BSD Zero-Clause licence (static/htmx.LICENSE).
pub async fn htmx() -> Response {
    asset("text/javascript; charset=utf-8", HTMX)
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const PDF: &str = "application/pdf";

/// A table as CSV for people with Swedish Excel (semicolons, decimal comma, byte-order mark).
pub fn swedish_csv_download(file_name: String, table: &etablera_reports::table::Table) -> AppResult<Response> {
    let body = etablera_reports::table::csv_swedish(table).map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    Ok(download("text/csv; charset=utf-8", file_name, body))
}

/// A PDF to download, typeset off the async workers (Typst takes tens of milliseconds).
pub async fn pdf_download(
    file_name: String,
    typeset: impl FnOnce() -> Result<Vec<u8>, etablera_reports::pdf::PdfError> + Send + 'static,
) -> AppResult<Response> {
    let body = tokio::task::spawn_blocking(typeset)
        .await
        .map_err(|e| AppError::Internal(format!("pdf task: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(PDF, file_name, body))
}

/// A file to download. Not kept in caches: many hold personal data.
pub fn download(content_type: &str, file_name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// Formats a stored UTC instant as Stockholm time for a page.
pub fn local_time(at: chrono::NaiveDateTime) -> String {
    etablera_domain::time::to_local(at).format("%Y-%m-%d %H:%M").to_string()
}

/// The municipality a page is about: the one asked for when it is the user's, else the user's
/// first. `None` for a user with no municipality.
pub fn municipality(user: &User, asked: Option<&str>) -> Option<String> {
    let own: Vec<&str> = user.municipalities.iter().map(|m| m.as_str()).collect();
    asked.filter(|a| own.contains(a)).or(own.first().copied()).map(str::to_owned)
}

/// The user's municipalities as (code, "code name") for a select.
pub fn municipality_options(user: &User) -> Vec<(String, String)> {
    user.municipalities.iter().map(|m| (m.as_str().to_owned(), format!("{} {}", m.as_str(), m.name()))).collect()
}
