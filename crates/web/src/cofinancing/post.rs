//! The shared post itself and its cost per year (the yearly update).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::cofinancing::{CostModel, Percent, PostCost};
use etablera_domain::money::Money;
use etablera_store::cofinancing::posts::{self, Post};
use serde::Deserialize;

use super::calculator::FieldError;
use super::current_post;
use crate::app::AppState;
use crate::context::{RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::pages::{PageContext, render_with};
use crate::security::CsrfForm;

pub struct ModelRow {
    pub year: i32,
    pub yearly: String,
    pub arithmetic: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "cofinancing/post.html")]
struct PostPage {
    ctx: PageContext,
    post: Option<Post>,
    models: Vec<ModelRow>,
    form: CostForm,
    errors: Vec<FieldError>,
}

impl PostPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct CostForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    monthly_salary_kr: String,
    #[serde(default)]
    on_cost_percent: String,
    #[serde(default)]
    overhead_kr: String,
    #[serde(default)]
    yearly_kr: String,
    #[serde(default)]
    note: String,
}

async fn render(
    state: &AppState,
    ctx: &RequestContext,
    user: &etablera_store::access::users::User,
    form: CostForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(state, user).await?;
    let models = match &post {
        Some(p) => {
            let id = p.id;
            state.store.run(move |conn| posts::cost_models(conn, id)).await?
        }
        None => Vec::new(),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = PostPage {
        post,
        models: models
            .into_iter()
            .map(|m| ModelRow {
                year: m.year,
                yearly: m.cost.cost(12).to_string(),
                arithmetic: m.cost.arithmetic(12),
                note: m.note.unwrap_or_default(),
            })
            .collect(),
        form,
        errors,
        ctx: PageContext::new(ctx, t.get("post-title"), "/cofinancing/population"),
    };
    Ok(render_with(status, &page))
}

pub async fn page(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Response> {
    render(&state, &ctx, &user, CostForm { kind: "parts".into(), ..Default::default() }, Vec::new()).await
}

/// Sets a year's cost; it holds for later years until a newer year's cost is set.
pub async fn set_cost(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    CsrfForm(form): CsrfForm<CostForm>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let post = current_post(&state, &user).await?.ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let year = form.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.push(FieldError { field: "year", message: t.get("invoices-bad-year") });
    }
    let money = |text: &str, field: &'static str, errors: &mut Vec<FieldError>| match Money::parse_kr(text) {
        Ok(m) if m.ore() >= 0 => Some(m),
        _ => {
            errors.push(FieldError { field, message: t.get("post-bad-amount") });
            None
        }
    };
    let cost = if form.kind == "stated" {
        money(&form.yearly_kr, "yearly_kr", &mut errors).map(PostCost::StatedYearly)
    } else {
        let salary = money(&form.monthly_salary_kr, "monthly_salary_kr", &mut errors);
        let overhead =
            money(if form.overhead_kr.trim().is_empty() { "0" } else { &form.overhead_kr }, "overhead_kr", &mut errors);
        let percent = form
            .on_cost_percent
            .parse::<Percent>()
            .map_err(|e| {
                let message = t.say(&etablera_domain::text::Text::new("full-stop").with_text("text", e.text()));
                errors.push(FieldError { field: "on_cost_percent", message })
            })
            .ok();
        match (salary, percent, overhead) {
            (Some(monthly_salary), Some(on_cost), Some(monthly_overhead)) => {
                Some(PostCost::Parts(CostModel { monthly_salary, on_cost, monthly_overhead }))
            }
            _ => None,
        }
    };
    let (Some(year), Some(cost)) = (year, cost) else {
        return render(&state, &ctx, &user, form, errors).await;
    };
    let note = Some(form.note.trim().to_owned()).filter(|n| !n.is_empty());
    state.store.run(move |conn| posts::set_cost_model(conn, post.id, year, &cost, note.as_deref())).await?;
    Ok(Redirect::to("/cofinancing/post").into_response())
}
