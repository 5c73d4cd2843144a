//! The activity catalogue: the administrator adds types; the ones shipped cannot be removed,
//! since plans and reports refer to them.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::reception::plan::{ActivityType, ActivityTypeForm, Counts};
use etablera_store::reception::plans;

use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::AppResult;
use crate::forms::{Filled, SavedQuery, Submitted, save};
use crate::pages::{PageContext, render_with};

#[derive(Template)]
#[template(path = "reception/activity_types.html")]
struct CataloguePage {
    ctx: PageContext,
    f: Filled,
    notice: Option<String>,
    types: Vec<ActivityType>,
}

impl CataloguePage {
    fn counts_text(&self, counts: &Counts) -> String {
        self.ctx.t.get(match counts {
            Counts::Hours => "activity-counts-hours",
            Counts::Leave => "activity-counts-leave",
        })
    }
}

async fn page(state: &AppState, ctx: &RequestContext, f: Filled, notice: Option<String>) -> AppResult<Response> {
    let types = state.store.run(plans::catalogue).await?;
    let status = f.status();
    let page =
        CataloguePage { f, notice, types, ctx: PageContext::new(ctx, ctx.tr().get("catalogue-title"), "/admin/users") };
    Ok(render_with(status, &page))
}

pub async fn list(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<SavedQuery>,
) -> AppResult<Response> {
    let notice = q.saved.map(|_| ctx.tr().get("catalogue-saved"));
    page(&state, &ctx, Filled::default(), notice).await
}

pub async fn add(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Submitted { input, fields }: Submitted<ActivityTypeForm>,
) -> AppResult<Response> {
    let actor = ctx.actor();
    let outcome = save(&state, input.check(), move |conn, new| plans::add_type(conn, &actor, &new)).await;
    match Filled::after("type", fields, outcome)? {
        None => Ok(Redirect::to("/admin/activity-types?saved=1").into_response()),
        Some(f) => page(&state, &ctx, f, None).await,
    }
}
