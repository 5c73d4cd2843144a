//! The standard reimbursements each person should bring in, to check Migrationsverket's
//! payments against: the schablonersättning and the initial-cost schablon.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use etablera_domain::economy::standard::Expected;
use etablera_store::economy::standard;
use serde::Deserialize;

use crate::access::scope;
use crate::api::Params;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::pages::{PageContext, municipality, municipality_options, render};

#[derive(Debug, Default, Deserialize)]
pub struct StandardQuery {
    pub municipality: Option<String>,
}

pub struct ExpectedView {
    pub household_id: i32,
    pub household: String,
    pub name: String,
    pub birth_date: String,
    pub reception_date: String,
    pub age: u32,
    pub standard: String,
    pub initial: String,
    pub missing: bool,
}

#[derive(Template)]
#[template(path = "economy/standard.html")]
struct StandardPage {
    ctx: PageContext,
    section: &'static str,
    municipality: String,
    municipalities: Vec<(String, String)>,
    rows: Vec<ExpectedView>,
    standard_total: String,
    initial_total: String,
    missing: usize,
}

fn text(t: &Tr, e: Expected) -> String {
    match e {
        Expected::Amount(m) => m.to_string(),
        Expected::NoRule => t.get("standard-no-rule"),
        Expected::Missing => t.get("standard-missing"),
    }
}

pub async fn page(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<StandardQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let code = municipality(&user, q.municipality.as_deref()).ok_or(AppError::Forbidden)?;
    let (actor, scope, c) = (ctx.actor(), scope(&user), code.clone());
    let rows = state.store.run(move |conn| standard::list(conn, &actor, &scope, &c)).await?;
    let (standard_total, initial_total, missing) = standard::sums(&rows);
    let page = StandardPage {
        section: "standard",
        municipalities: municipality_options(&user),
        municipality: code,
        standard_total: standard_total.to_string(),
        initial_total: initial_total.to_string(),
        missing,
        rows: rows
            .iter()
            .map(|r| {
                let reception = r.person.reception_date.unwrap_or(r.person.birth_date);
                ExpectedView {
                    household_id: r.person.household_id,
                    household: r.household_label.clone(),
                    name: r.person.name(),
                    birth_date: r.person.birth_date.to_string(),
                    reception_date: reception.to_string(),
                    age: etablera_domain::reception::person::age_on(r.person.birth_date, reception),
                    standard: text(&t, r.standard),
                    initial: text(&t, r.initial),
                    missing: r.standard == Expected::Missing || r.initial == Expected::Missing,
                }
            })
            .collect(),
        ctx: PageContext::new(&ctx, t.get("standard-title"), "/economy"),
    };
    Ok(render(&page)?.into_response())
}
