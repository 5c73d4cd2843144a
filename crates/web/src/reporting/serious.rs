//! A serious complaint or deviation as the committee is told of it: what happened and what was
//! done, without the household. Only serious ones, only in the reader's municipalities.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use etablera_store::quality::deviations;

use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::{PageContext, render};
use crate::quality::{DeviationView, view};

#[derive(Template)]
#[template(path = "reporting/serious.html")]
struct SeriousPage {
    ctx: PageContext,
    case: DeviationView,
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let actor = ctx.actor();
    let municipalities: Vec<String> = user.municipalities.iter().map(|m| m.as_str().to_owned()).collect();
    let row = state.store.run(move |conn| deviations::get_serious(conn, &actor, &municipalities, id)).await?;
    let case = view(&t, &row, None);
    let title = t.text("deviation-title", &[("label", case.label.clone()), ("kind", case.kind.clone())]);
    let page = SeriousPage { case, ctx: PageContext::new(&ctx, title, "/reports") };
    Ok(render(&page)?.into_response())
}
