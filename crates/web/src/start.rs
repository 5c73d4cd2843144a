//! The start page: who you are, what your roles let you do, and your own recent logins.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::NaiveDate;
use etablera_domain::access::{Permission, Role};
use etablera_domain::ids::{NotificationId, UserId};
use etablera_store::access::log::{self, Action, LogRow};

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

/// A household waiting for its first contact.
pub struct WaitingRow {
    pub href: String,
    pub label: String,
    pub names: String,
    pub status: String,
    pub overdue: bool,
}

pub struct NotificationRow {
    pub id: NotificationId,
    pub at: String,
    pub text: String,
    pub href: String,
}

/// The reception work of the day, for case workers and unit managers: the first rows of each
/// list, and how many there are in all when that is more ("10 av 240", with a link to all).
pub struct Casework {
    pub first_contacts: Vec<WaitingRow>,
    pub first_contacts_more: Option<String>,
    pub contracts_ending: Vec<DeadlineRow>,
    pub contracts_ending_more: Option<String>,
}

/// How many rows of each of the day's lists the start page shows.
const START_ROWS: u32 = 10;

/// Money at risk, for the finance officer: claims and costs whose deadline is near or passed.
pub struct MoneyAtRisk {
    pub claims: Vec<RiskRow>,
    pub costs: Vec<RiskRow>,
    pub total: String,
}

pub struct RiskRow {
    pub deadline: String,
    pub passed: bool,
    pub text: String,
    pub amount: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    ctx: PageContext,
    /// The user's unread notifications, whatever the role.
    notifications: Vec<NotificationRow>,
    casework: Option<Casework>,
    /// The order's obligations and staffing, for the unit manager.
    order: Option<crate::agreements::orders::OrderStanding>,
    money: Option<MoneyAtRisk>,
    /// What the reimbursement rules lack for this year and the next, for the finance officer.
    rule_gaps: Vec<String>,
    manage_rules: bool,
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
    if role.has(Permission::ManageRules) {
        links.push(("/admin/activity-types", t.get("catalogue-title")));
    }
    if role.has(Permission::ReviewAccessLog) {
        links.push(("/audit/reviews", t.get("review-title")));
    }
    if role.has(Permission::CullRecords) {
        links.push(("/admin/culling", t.get("culling-title")));
    }
    if role.has(Permission::ReadCases) {
        links.push(("/reception", t.get("reception-title")));
    }
    if role.has(Permission::WriteCases) {
        links.push(("/reception/households/new", t.get("placement-title")));
        links.push(("/quality/new", t.get("deviation-new-title")));
    }
    if role.has(Permission::ReadCases) {
        links.push(("/quality", t.get("quality-title")));
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
    if role.has(Permission::ManageEconomy) {
        links.push(("/economy", t.get("economy-costs-title")));
        links.push(("/economy/claims", t.get("claims-title")));
        links.push(("/economy/standard", t.get("standard-title")));
        links.push(("/economy/sie", t.get("sie-title")));
    }
    if role.has(Permission::ManageUnit) {
        links.push(("/reports/monthly", t.get("report-work-link")));
    }
    if role.has(Permission::ReadAggregateReports) {
        links.push(("/orders", t.get("order-title")));
        links.push(("/reports", t.get("reports-title")));
        links.push(("/reports/closings", t.get("closings-title")));
        links.push(("/economy/grant", t.get("grant-title")));
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
    let (rows, unread) = state
        .store
        .run(move |conn| {
            Ok((log::recent_logins(conn, user_id, 10)?, etablera_store::notifications::unread(conn, user_id)?))
        })
        .await?;
    let rows: Vec<LogRow> = rows;
    let deadlines = if user.can(Permission::ManageCofinancing) {
        Some(cofinancing_deadlines(&state, &user, &t, ctx.today()).await?)
    } else {
        None
    };
    let casework = if user.can(Permission::ReadCases) { Some(casework(&state, &ctx, &user, &t).await?) } else { None };
    let money = if user.can(Permission::ManageEconomy) {
        Some(money_at_risk(&state, &user, &t, ctx.today()).await?)
    } else {
        None
    };
    let rule_gaps = if user.can(Permission::ManageEconomy) || user.can(Permission::ManageRules) {
        crate::economy::rules::gap_texts(&state, &ctx).await?
    } else {
        Vec::new()
    };
    let order = match crate::pages::municipality(&user, None) {
        Some(code) if user.can(Permission::ManageUnit) => {
            crate::agreements::orders::load(&state, &ctx, &user, &code).await?
        }
        _ => None,
    };
    let page = StartPage {
        notifications: unread
            .iter()
            .map(|n| NotificationRow {
                id: n.id,
                at: local_time(n.created_at),
                text: crate::notifications::text(&t, n),
                href: crate::notifications::href(n, Some(&user)),
            })
            .collect(),
        casework,
        order,
        money,
        rule_gaps,
        manage_rules: user.can(Permission::ManageRules),
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
                action: t.get(&format!("action-{}", row.action.code())),
                address: row.client_address.unwrap_or_default(),
                failed: row.action == Action::LoginFailed,
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
    today: NaiveDate,
) -> AppResult<Vec<DeadlineRow>> {
    use etablera_store::cofinancing::deadlines::{self, Deadline};
    let Some(post) = crate::cofinancing::current_post(state, user).await? else { return Ok(Vec::new()) };
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

/// Days ahead that a claim's deadline counts as near.
const DEADLINE_NEAR_DAYS: i64 = 60;

/// Draft claims and unclaimed costs whose deadline is within 60 days or passed, with the amount.
async fn money_at_risk(
    state: &AppState,
    user: &etablera_store::access::users::User,
    t: &crate::i18n::Tr,
    today: NaiveDate,
) -> AppResult<MoneyAtRisk> {
    use etablera_domain::money::Money;
    use etablera_store::economy::deadlines;
    let scope = crate::access::scope(user);
    let (claims, costs) =
        state.store.run(move |conn| deadlines::at_risk(conn, &scope, today, DEADLINE_NEAR_DAYS)).await?;
    let total: Money = claims.iter().map(|c| c.amount).chain(costs.iter().map(|c| c.amount)).sum();
    Ok(MoneyAtRisk {
        claims: claims
            .iter()
            .map(|c| RiskRow {
                deadline: c.deadline.to_string(),
                passed: c.deadline < today,
                text: t.text(
                    "risk-claim",
                    &[("id", c.claim_id.to_string()), ("type", crate::economy::claim_type_name(t, c.claim_type))],
                ),
                amount: c.amount.to_string(),
                href: format!("/economy/claims/{}", c.claim_id),
            })
            .collect(),
        costs: costs
            .iter()
            .map(|c| RiskRow {
                deadline: c.deadline.to_string(),
                passed: c.deadline < today,
                text: t.text("risk-costs", &[("count", c.costs.to_string()), ("household", c.household_label.clone())]),
                amount: c.amount.to_string(),
                href: format!("/economy?unclaimed=on&household={}", c.household_id),
            })
            .collect(),
        total: total.to_string(),
    })
}

/// First contacts waiting, due today or overdue (the longest waiting first); temporary contracts
/// ending within 90 days (the soonest first).
async fn casework(
    state: &AppState,
    ctx: &crate::context::RequestContext,
    user: &etablera_store::access::users::User,
    t: &crate::i18n::Tr,
) -> AppResult<Casework> {
    use etablera_domain::reception::first_contact::Status;
    use etablera_domain::reception::housing::ENDING_SOON_DAYS;
    use etablera_store::paging::Paging;
    use etablera_store::reception::{households, housing};
    let (actor, scope, days, today) =
        (ctx.actor(), crate::access::scope(user), state.config.first_contact_days, ctx.today());
    let first = Paging::new(None, Some(START_ROWS));
    let (waiting, endings) = state
        .store
        .run(move |conn| {
            Ok((
                households::awaiting_first_contact(conn, &actor, &scope, days, first)?,
                housing::ending_within(conn, &scope, today, ENDING_SOON_DAYS, first)?,
            ))
        })
        .await?;
    let more = |shown: usize, total: u64| {
        (total > shown as u64)
            .then(|| t.text("start-more", &[("shown", shown.to_string()), ("total", total.to_string())]))
    };
    let first_contacts_more = more(waiting.rows.len(), waiting.total);
    let contracts_ending_more = more(endings.rows.len(), endings.total);
    Ok(Casework {
        first_contacts: waiting
            .rows
            .into_iter()
            .map(|s| {
                let (status, _) = crate::reception::first_contact_text(t, s.first_contact);
                WaitingRow {
                    href: format!("/reception/households/{}", s.household.id),
                    label: s.household.label(),
                    names: s.persons.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
                    status,
                    overdue: matches!(s.first_contact, Some(Status::Overdue { .. } | Status::DueToday)),
                }
            })
            .collect(),
        first_contacts_more,
        contracts_ending: endings
            .rows
            .into_iter()
            .map(|e| DeadlineRow {
                date: e.contract_end.to_string(),
                text: t.with("housing-contract-ends", "household", &e.household_label),
                href: format!("/reception/households/{}#housing-heading", e.household_id),
            })
            .collect(),
        contracts_ending_more,
    })
}

/// Marks one of the user's own notifications read.
pub async fn mark_read(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    crate::api::Path(id): crate::api::Path<NotificationId>,
    _: crate::forms::Submitted<serde::de::IgnoredAny>,
) -> AppResult<axum::response::Redirect> {
    let (user_id, at) = (UserId::new(user.id), ctx.at);
    state.store.run(move |conn| etablera_store::notifications::mark_read(conn, user_id, id, at)).await?;
    Ok(axum::response::Redirect::to("/"))
}
