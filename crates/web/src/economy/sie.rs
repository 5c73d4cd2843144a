//! The month's costs, claims and charges to the grant as SIE 4i vouchers for the municipality's
//! accounting system, and the accounts and cost centres they are booked on.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use etablera_domain::economy::accounting::{AccountsForm, ExportForm};
use etablera_domain::economy::rules::CostCategory;
use etablera_store::economy::accounting as store;
use serde::Deserialize;

use super::category_name;
use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Asked, Filled, Submitted, save};
use crate::i18n::Tr;
use crate::pages::{PageContext, download, render_with};
use crate::pages::{municipality, municipality_options};

#[derive(Debug, Default, Deserialize)]
pub struct SieQuery {
    pub municipality: Option<String>,
    pub month: Option<String>,
    pub saved: Option<String>,
}

#[derive(Template)]
#[template(path = "economy/sie.html")]
struct SiePage {
    ctx: PageContext,
    section: &'static str,
    f: Filled,
    notice: Option<String>,
    municipality: String,
    municipalities: Vec<(String, String)>,
    month: String,
    settings: Vec<(String, String, String)>,
}

/// A setting's label on the page.
fn label(t: &Tr, key: &str) -> String {
    match key.strip_prefix("expense_").and_then(CostCategory::from_code) {
        Some(category) => t.with("sie-expense", "category", category_name(t, category)),
        None => t.get(&format!("sie-{}", key.replace('_', "-"))),
    }
}

fn last_month(today: NaiveDate) -> String {
    let first = today.with_day(1).unwrap_or(today);
    first.pred_opt().unwrap_or(first).format("%Y-%m").to_string()
}

async fn page(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    q: SieQuery,
    f: Filled,
) -> AppResult<Response> {
    let t = ctx.tr();
    let code = municipality(user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let c = code.clone();
    let settings = state.store.run(move |conn| store::settings(conn, &c)).await?;
    let status = f.status();
    let page = SiePage {
        section: "sie",
        notice: q.saved.map(|_| t.get("sie-saved")),
        municipalities: municipality_options(user),
        month: q.month.unwrap_or_else(|| last_month(ctx.today())),
        settings: settings.into_iter().map(|(key, value)| (label(&t, &key), key, value)).collect(),
        municipality: code,
        f,
        ctx: PageContext::new(ctx, t.get("sie-title"), "/economy"),
    };
    Ok(render_with(status, &page))
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<SieQuery>,
) -> AppResult<Response> {
    page(&state, &ctx, &user, q, Filled::default()).await
}

pub async fn save_settings(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<AccountsForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let (actor, c) = (ctx.actor(), code.clone());
    let outcome = save(&state, input.check(), move |conn, values| store::set(conn, &actor, &c, &values)).await;
    match Filled::after("sie", fields, outcome)? {
        None => Ok(Redirect::to(&format!("/economy/sie?municipality={code}&saved=1")).into_response()),
        Some(f) => page(&state, &ctx, &user, SieQuery { municipality: Some(code), ..SieQuery::default() }, f).await,
    }
}

pub async fn export(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Asked { input, fields }: Asked<ExportForm>,
) -> AppResult<Response> {
    let code = municipality(&user, Some(&input.municipality)).ok_or(AppError::Forbidden)?;
    let q = SieQuery { municipality: Some(code.clone()), month: Some(input.month.clone()), saved: None };
    let asked = match input.check(&last_month(ctx.today())) {
        Ok(asked) => asked,
        Err(errors) => return page(&state, &ctx, &user, q, Filled::failed("export", fields, errors)).await,
    };
    let (actor, c, (first, last)) = (ctx.actor(), code.clone(), (asked.first, asked.last));
    let result = state
        .store
        .run(move |conn| Ok((store::month(conn, &actor, &c, first, last), store::settings(conn, &c)?)))
        .await?;
    let (vouchers, settings) = match result {
        (Ok(vouchers), settings) => (vouchers, settings),
        (Err(e), _) => return page(&state, &ctx, &user, q, Filled::from_store("export", fields, e)?).await,
    };
    let company = format!("{} kommun", etablera_domain::municipality::name_of(&code));
    let file = etablera_reports::sie::month_file(&company, ctx.today(), asked.first.year(), &settings, vouchers);
    let body = etablera_reports::sie::sie4i(&file);
    Ok(download("text/plain; charset=IBM437", format!("etablera-{code}-{}.si", asked.month), body))
}
