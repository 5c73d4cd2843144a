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
use crate::listing::{Heading as ColumnHeading, ListParams, Listing, Pager};
use crate::pages::{PageContext, municipality, municipality_options, render};

/// The page's address: the municipality, a search (reference or name), the order and the page.
#[derive(Debug, Default, Deserialize)]
pub struct StandardQuery {
    pub municipality: Option<String>,
    #[serde(flatten)]
    pub list: ListParams,
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
    search: String,
    heading: ColumnHeading,
    pager: Pager,
    standard_total: String,
    initial_total: String,
    missing: u64,
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
    let query = standard::StandardQuery {
        search: q.list.search(),
        descending: q.list.descending(true),
        paging: q.list.paging()?,
    };
    let (actor, scope, c, asked) = (ctx.actor(), scope(&user), code.clone(), query.clone());
    let (rows, totals) = state.store.run(move |conn| standard::page(conn, &actor, &scope, &c, &asked)).await?;
    let search = query.search.unwrap_or_default();
    let listing = Listing::new("/economy/standard", "reception", query.descending, query.paging)
        .keep("municipality", Some(&code))
        .keep("q", Some(&search));
    let page = StandardPage {
        section: "standard",
        municipalities: municipality_options(&user),
        municipality: code,
        standard_total: totals.standard.to_string(),
        initial_total: totals.initial.to_string(),
        missing: totals.missing,
        heading: listing.heading("reception", t.get("person-reception-date"), true),
        pager: listing.pager(&t, &rows),
        search,
        rows: rows
            .rows
            .iter()
            .map(|r| {
                let reception = r.person.reception_date.unwrap_or(r.person.birth_date);
                ExpectedView {
                    household_id: r.person.household_id,
                    household: r.household_label.clone(),
                    name: r.person.name(),
                    birth_date: r.person.birth().to_string(),
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
