//! Vacancies in the shared post, and what each party gets back.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::agreements::vacancy::VacancyForm;
use etablera_domain::money::Money;
use etablera_domain::municipality;
use etablera_store::cofinancing::vacancies;
use serde::Deserialize;

use super::current_post;
use crate::api::Params;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, Submitted, save};
use crate::pages::{PageContext, render_with};

pub struct RefundRow {
    pub municipality: String,
    pub invoice: String,
    pub rule: String,
    pub days: String,
    pub refund: String,
    pub refundable: bool,
}

pub struct VacancyView {
    pub id: i32,
    pub period: String,
    pub note: String,
    pub refunds: Vec<RefundRow>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "cofinancing/vacancies.html")]
struct VacanciesPage {
    ctx: PageContext,
    f: Filled,
    vacancies: Vec<VacancyView>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    recorded: Option<String>,
}

async fn page_with(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    f: Filled,
    notice: Option<String>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post_id = current_post(state, user).await?.map(|p| p.id);
    let notice = if post_id.is_none() { Some(t.get("cofinancing-no-post")) } else { notice };
    let list = state
        .store
        .run(move |conn| {
            let mut out = Vec::new();
            let Some(post_id) = post_id else { return Ok(out) };
            for v in vacancies::list(conn, post_id)? {
                let refunds = vacancies::refunds(conn, post_id, v.period())?;
                out.push((v, refunds));
            }
            Ok(out)
        })
        .await?;
    let status = f.status();
    let page = VacanciesPage {
        f,
        vacancies: list
            .into_iter()
            .map(|(v, refunds)| VacancyView {
                id: v.id,
                period: format!("{} – {} ({} {})", v.start_date, v.end_date, v.period().days(), t.get("vacancy-days")),
                note: v.note.clone().unwrap_or_default(),
                total: refunds.iter().map(|r| r.refund.refund).sum::<Money>().to_string(),
                refunds: refunds
                    .iter()
                    .map(|r| RefundRow {
                        municipality: format!(
                            "{} {}",
                            r.municipality_code,
                            municipality::name_of(&r.municipality_code)
                        ),
                        invoice: format!(
                            "{} ({} – {})",
                            r.invoice.number, r.invoice.period_start, r.invoice.period_end
                        ),
                        rule: match r.threshold_months {
                            Some(m) => t.with("terms-vacancy-threshold", "months", m),
                            None => t.get("terms-vacancy-any"),
                        },
                        days: format!("{} / {}", r.refund.vacancy_days, r.refund.period_days),
                        refund: r.refund.refund.to_string(),
                        refundable: r.refund.refundable,
                    })
                    .collect(),
            })
            .collect(),
        notice,
        ctx: PageContext::new(ctx, t.get("vacancies-title"), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

pub async fn page(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Params(q): Params<PageQuery>,
) -> AppResult<Response> {
    let notice = q.recorded.map(|_| ctx.tr().get("vacancy-recorded"));
    page_with(&state, &ctx, &user, Filled::default(), notice).await
}

pub async fn record(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<VacancyForm>,
) -> AppResult<Response> {
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let actor = ctx.actor();
    let outcome = save(&state, input.check(), move |conn, new| {
        vacancies::record(conn, &actor, post.id, new.period, new.note.as_deref())
    })
    .await;
    match Filled::after("vacancy", fields, outcome)? {
        None => Ok(Redirect::to("/cofinancing/vacancies?recorded=1").into_response()),
        Some(f) => page_with(&state, &ctx, &user, f, None).await,
    }
}
