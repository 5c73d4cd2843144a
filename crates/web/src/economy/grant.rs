//! The annual grant: its amount, the balance, the account per category and month (XLSX, PDF),
//! and the year's claims in sums. No person is named, so the committee reads it too; only the
//! finance officer sets the grant and sees the individual charges.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use etablera_domain::access::Permission;
use etablera_domain::economy::grant::{ChargeCategory, GrantForm};
use etablera_domain::money::Money;
use etablera_reports::economy::{Heading, grant_sheet};
use etablera_reports::table::Table;
use etablera_store::economy::claims;
use etablera_store::economy::grant::{self, GrantYear};
use serde::Deserialize;

use super::category_name;
use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, Submitted, save};
use crate::i18n::Tr;
use crate::pages::{PageContext, XLSX, download, municipality, municipality_options, pdf_download, render_with};

#[derive(Debug, Default, Deserialize)]
pub struct GrantQuery {
    pub municipality: Option<String>,
    pub year: Option<i32>,
    pub saved: Option<String>,
}

pub struct AccountRow {
    pub category: String,
    pub months: Vec<String>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "economy/grant.html")]
struct GrantPage {
    ctx: PageContext,
    section: &'static str,
    f: Filled,
    notice: Option<String>,
    manage: bool,
    municipality: String,
    municipality_name: String,
    municipalities: Vec<(String, String)>,
    year: i32,
    years: Vec<i32>,
    grant: Option<String>,
    /// The grant as typed in the form: the amount recorded, or the seed's 100 000 kr.
    grant_input: String,
    version: i32,
    decision: String,
    balance: Option<String>,
    overdrawn: bool,
    charged: String,
    rows: Vec<AccountRow>,
    month_totals: Vec<String>,
    charges: Vec<(String, String, String, String)>,
    claims: claims::Totals,
}

fn category_label(t: &Tr, category: ChargeCategory) -> String {
    match category {
        ChargeCategory::Cost(category) => category_name(t, category),
        ChargeCategory::ClaimShortfall => t.get("grant-claim-shortfall"),
    }
}

async fn load(
    state: &AppState,
    code: String,
    year: i32,
    today: NaiveDate,
) -> AppResult<(GrantYear, claims::Totals, Vec<i32>)> {
    Ok(state
        .store
        .run(move |conn| {
            Ok((grant::year(conn, &code, year)?, claims::totals(conn, &code, year)?, grant::years(conn, &code, today)?))
        })
        .await?)
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: GrantQuery,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let code = municipality(user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&ctx.today()));
    let (g, totals, years) = load(state, code.clone(), year, ctx.today()).await?;
    let manage = user.can(Permission::ManageEconomy);
    let a = &g.account;
    let status = f.status();
    let page = GrantPage {
        section: "grant",
        notice: q.saved.map(|_| t.get("grant-saved")),
        manage,
        municipality_name: etablera_domain::municipality::name_of(&code),
        municipalities: municipality_options(user),
        year,
        years,
        grant: a.grant.map(|g| g.to_string()),
        grant_input: a.grant.unwrap_or(Money::from_kr(100_000)).format_number().replace('\u{a0}', " "),
        version: g.version,
        decision: g.decision.clone().unwrap_or_default(),
        balance: a.balance().map(|b| b.to_string()),
        overdrawn: a.balance().is_some_and(|b| b.ore() < 0),
        charged: a.charged.to_string(),
        rows: a
            .by_category
            .iter()
            .map(|(code, months)| AccountRow {
                category: category_label(&t, *code),
                months: months.iter().map(|m| m.format_number()).collect(),
                total: a.category_total(*code).format_number(),
            })
            .collect(),
        month_totals: a.by_month.iter().map(|m| m.format_number()).collect(),
        // The individual charges name costs and claims: for the finance officer only.
        charges: if manage {
            g.charges
                .iter()
                .map(|c| {
                    (
                        c.charged_on.to_string(),
                        category_label(&t, c.category),
                        c.description.clone(),
                        Money::from_ore(c.amount_ore).to_string(),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        claims: totals,
        municipality: code,
        f,
        ctx: PageContext::new(ctx, t.get("grant-title"), if manage { "/economy" } else { "/economy/grant" }),
    };
    Ok(render_with(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<GrantQuery>,
) -> AppResult<Response> {
    page(&state, &ctx, &user, q, Filled::default()).await
}

pub async fn set(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<GrantForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let version = fields.version()?;
    let (actor, c) = (ctx.actor(), code.clone());
    let outcome = save(&state, input.check(), move |conn, grant| grant::set(conn, &actor, &c, &grant, version)).await;
    let year = input.year.trim().parse::<i32>().ok();
    match Filled::after("grant", fields, outcome)? {
        None => Ok(Redirect::to(&format!(
            "/economy/grant?municipality={code}&year={}&saved=1",
            year.map(|y| y.to_string()).unwrap_or_default()
        ))
        .into_response()),
        Some(f) => {
            let q = GrantQuery { municipality: Some(code), year, saved: None };
            page(&state, &ctx, &user, q, f).await
        }
    }
}

async fn document(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: GrantQuery,
) -> AppResult<(Heading, Table, String)> {
    let t = ctx.tr();
    let code = municipality(user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let year = q.year.unwrap_or_else(|| chrono::Datelike::year(&ctx.today()));
    let (g, totals, _) = load(state, code.clone(), year, ctx.today()).await?;
    let a = &g.account;
    let missing = t.get("grant-none");
    let facts = vec![
        (t.get("col-municipality"), format!("{code} {}", etablera_domain::municipality::name_of(&code))),
        (t.get("grant-year"), year.to_string()),
        (t.get("grant-amount"), a.grant.map_or(missing.clone(), |g| g.to_string())),
        (t.get("grant-decision"), g.decision.clone().unwrap_or_default()),
        (t.get("grant-charged"), a.charged.to_string()),
        (t.get("grant-balance"), a.balance().map_or(missing, |b| b.to_string())),
        (t.get("grant-claims-claimed"), totals.claimed.to_string()),
        (t.get("grant-claims-granted"), totals.granted.to_string()),
    ];
    let rows: Vec<(String, [Money; 12])> = a.by_category.iter().map(|(c, m)| (category_label(&t, *c), *m)).collect();
    let heading =
        Heading { title: t.with("grant-document-title", "year", year), facts, note: t.get("grant-document-note") };
    Ok((heading, grant_sheet(&rows, &a.by_month), format!("anslag-{code}-{year}")))
}

pub async fn xlsx(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<GrantQuery>,
) -> AppResult<Response> {
    let (heading, sheet, name) = document(&state, &ctx, &user, q).await?;
    let body = etablera_reports::table::xlsx(&ctx.tr().get("grant-sheet"), &heading, &sheet)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(XLSX, format!("{name}.xlsx"), body))
}

/// The grant's account as CSV for Swedish Excel.
pub async fn csv(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<GrantQuery>,
) -> AppResult<Response> {
    let (_, sheet, name) = document(&state, &ctx, &user, q).await?;
    crate::pages::swedish_csv_download(format!("{name}.csv"), &sheet)
}

pub async fn pdf(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<GrantQuery>,
) -> AppResult<Response> {
    let (heading, sheet, name) = document(&state, &ctx, &user, q).await?;
    let footer = ctx.tr().with("pdf-footer", "title", &heading.title);
    pdf_download(format!("{name}.pdf"), move || etablera_reports::table::pdf(&heading, &sheet, &footer)).await
}
