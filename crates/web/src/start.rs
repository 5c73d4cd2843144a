//! The start page: who you are, what your roles let you do, and your own recent logins.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use etablera_domain::access::{Permission, Role};
use etablera_store::access::log::{self, LogRow};

use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::{PageContext, local_time, render};

pub struct RoleCard {
    pub name: String,
    pub description: String,
    /// Links to the parts of Etablera that are open to this role.
    pub links: Vec<(&'static str, String)>,
}

pub struct LoginEvent {
    pub at: String,
    pub action: String,
    pub address: String,
    pub failed: bool,
}

pub struct DeadlineRow {
    pub date: String,
    pub text: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    ctx: PageContext,
    deadlines: Option<Vec<DeadlineRow>>,
    welcome: String,
    roles: Vec<RoleCard>,
    municipalities: Vec<String>,
    unit: Option<String>,
    logins: Vec<LoginEvent>,
}

fn links_for(role: Role, t: &crate::i18n::Tr) -> Vec<(&'static str, String)> {
    let mut links = Vec::new();
    if role.has(Permission::ManageUsers) {
        links.push(("/admin/users", t.get("nav-users")));
    }
    if role.has(Permission::ManageCofinancing) {
        links.push(("/cofinancing/population", t.get("population-title")));
        links.push(("/cofinancing/apportion", t.get("apportion-title")));
        links.push(("/cofinancing/cost", t.get("cost-title")));
        links.push(("/cofinancing/check", t.get("check-title")));
        links.push(("/cofinancing/agreements", t.get("agreements-title")));
        links.push(("/cofinancing/invoices", t.get("invoices-title")));
        links.push(("/cofinancing/vacancies", t.get("vacancies-title")));
    }
    if role.has(Permission::ReadOwnAgreement) {
        links.push(("/cofinancing/own", t.get("own-title")));
    }
    if role.has(Permission::ReadAccessLog) {
        links.push(("/audit", t.get("nav-audit")));
    }
    links
}

pub async fn page(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Html<String>> {
    let t = ctx.tr();
    let user_id = user.id;
    // One's own account and logins are not logged as reads: nobody else's data is shown.
    let rows: Vec<LogRow> = state.store.run(move |conn| log::recent_logins(conn, user_id, 10)).await?;
    let deadlines = if user.can(Permission::ManageCofinancing) {
        Some(cofinancing_deadlines(&state, &user, &t).await?)
    } else {
        None
    };
    let page = StartPage {
        deadlines,
        welcome: t.with("start-welcome", "name", &user.display_name),
        roles: user
            .roles
            .iter()
            .map(|role| RoleCard {
                name: t.role(role),
                description: t.get(&format!("start-role-{}", role.code())),
                links: links_for(*role, &t),
            })
            .collect(),
        municipalities: user.municipalities.iter().map(|m| format!("{} {}", m.as_str(), m.name())).collect(),
        unit: user.unit.clone(),
        logins: rows
            .into_iter()
            .map(|row| LoginEvent {
                at: local_time(row.at),
                action: t.get(&format!("action-{}", row.action)),
                address: row.client_address.unwrap_or_default(),
                failed: row.action == "login_failed",
            })
            .collect(),
        ctx: PageContext::new(&ctx, t.get("start-title"), "/"),
    };
    render(&page)
}

/// The co-financing dates of the next 120 days, for the regional coordinator.
async fn cofinancing_deadlines(
    state: &AppState,
    user: &etablera_store::access::users::User,
    t: &crate::i18n::Tr,
) -> AppResult<Vec<DeadlineRow>> {
    use etablera_store::cofinancing::deadlines::{self, Deadline};
    let Some(post) = crate::cofinancing::current_post(state, user).await? else { return Ok(Vec::new()) };
    let today = etablera_store::today();
    let list = state.store.run(move |conn| deadlines::upcoming(conn, post.id, today, 120)).await?;
    Ok(list
        .into_iter()
        .map(|d| match d {
            Deadline::InvoicesDue { due, count } => DeadlineRow {
                date: due.to_string(),
                text: t.with("deadline-invoices", "count", count),
                href: format!("/cofinancing/invoices?year={}", chrono::Datelike::year(&due)),
            },
            Deadline::AgreementEnds { date, agreement_id, municipality_code, after_notice } => DeadlineRow {
                date: date.to_string(),
                text: t.text(
                    if after_notice { "deadline-ends-notice" } else { "deadline-ends-term" },
                    &[("municipality", etablera_domain::municipality::name_of(&municipality_code))],
                ),
                href: format!("/cofinancing/agreements/{agreement_id}"),
            },
        })
        .collect())
}
