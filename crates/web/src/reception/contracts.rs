//! Temporary housing contracts that end within 90 days, the soonest first: the start page shows
//! the first few, this list all of them, a page at a time.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use etablera_domain::reception::housing::ENDING_SOON_DAYS;
use etablera_store::reception::housing;

use crate::access::scope;
use crate::api::Params;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::listing::{ListParams, Listing, Pager};
use crate::pages::{PageContext, render};

pub struct Row {
    pub date: String,
    pub household_id: i32,
    pub household: String,
}

#[derive(Template)]
#[template(path = "reception/contracts.html")]
struct ContractsPage {
    ctx: PageContext,
    rows: Vec<Row>,
    pager: Pager,
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<ListParams>,
) -> AppResult<Html<String>> {
    let t = ctx.tr();
    let (scope, today, paging) = (scope(&user), ctx.today(), q.paging()?);
    let page =
        state.store.run(move |conn| housing::ending_within(conn, &scope, today, ENDING_SOON_DAYS, paging)).await?;
    let pager = Listing::new("/reception/contracts", "end", false, paging).pager(&t, &page);
    let rows = page
        .rows
        .into_iter()
        .map(|e| Row { date: e.contract_end.to_string(), household_id: e.household_id, household: e.household_label })
        .collect();
    render(&ContractsPage { rows, pager, ctx: PageContext::new(&ctx, t.get("start-contracts-ending"), "/reception") })
}
