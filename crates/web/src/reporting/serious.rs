//! A serious complaint or deviation as the committee is told of it: its kind, area and dates,
//! and the summary written for the committee. Never the description, the actions or the
//! household; only serious ones, only in the reader's municipalities.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use etablera_store::quality::deviations::{self, CommitteeView};

use crate::api::Path;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::{PageContext, render};

#[derive(Template)]
#[template(path = "reporting/serious.html")]
struct SeriousPage {
    ctx: PageContext,
    kind: String,
    category: String,
    severity: String,
    case: CommitteeView,
}

pub async fn show(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<etablera_domain::ids::DeviationId>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let actor = ctx.actor();
    let municipalities: Vec<String> = user.municipalities.iter().map(|m| m.as_str().to_owned()).collect();
    let case = state.store.run(move |conn| deviations::get_serious(conn, &actor, &municipalities, id)).await?;
    let kind = t.get(&format!("deviation-kind-{}", case.kind.code()));
    let title = t.text(
        "deviation-title",
        &[("label", etablera_store::notifications::deviation_label(case.id)), ("kind", kind.clone())],
    );
    let page = SeriousPage {
        kind,
        category: t.get(&format!("deviation-category-{}", case.category.code())),
        severity: t.get(&format!("deviation-severity-{}", case.severity.code())),
        case,
        ctx: PageContext::new(&ctx, title, "/reports"),
    };
    Ok(render(&page)?.into_response())
}
