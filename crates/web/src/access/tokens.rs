use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use etablera_store::access::tokens::{self, ApiToken};
use serde::Deserialize;

use crate::api::Path;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::pages::{PageContext, local_time, render, render_with};
use crate::security::CsrfForm;

pub struct TokenRow {
    pub id: i32,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    ctx: PageContext,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    name: String,
    error: Option<String>,
}

fn rows(tokens: Vec<ApiToken>) -> Vec<TokenRow> {
    tokens
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            created: local_time(t.created_at),
            last_used: t.last_used_at.map(local_time),
            revoked: t.revoked_at.is_some(),
        })
        .collect()
}

async fn own_tokens(state: &AppState, user_id: i32) -> AppResult<Vec<TokenRow>> {
    Ok(rows(state.store.run(move |conn| tokens::list(conn, user_id)).await?))
}

pub async fn page(State(state): State<AppState>, Signed { ctx, user }: Signed) -> AppResult<Html<String>> {
    let page = TokensPage {
        tokens: own_tokens(&state, user.id).await?,
        new_token: None,
        name: String::new(),
        error: None,
        ctx: PageContext::new(&ctx, ctx.tr().get("tokens-title"), "/account/tokens"),
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct NewToken {
    #[serde(default)]
    name: String,
}

/// Shows the new token once, on the page the form answers with; it is never stored in plain.
pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    CsrfForm(form): CsrfForm<NewToken>,
) -> AppResult<Response> {
    let actor = ctx.actor();
    let name = form.name.clone();
    let user_id = user.id;
    let created = state.store.run(move |conn| tokens::create(conn, &actor, user_id, &name)).await;
    let (status, new_token, error, name) = match created {
        Ok((_, plain)) => (StatusCode::OK, Some(plain), None, String::new()),
        Err(etablera_store::StoreError::Invalid { message, .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, None, Some(ctx.tr().say(&message)), form.name)
        }
        Err(e) => return Err(e.into()),
    };
    let page = TokensPage {
        tokens: own_tokens(&state, user.id).await?,
        new_token,
        name,
        error,
        ctx: PageContext::new(&ctx, ctx.tr().get("tokens-title"), "/account/tokens"),
    };
    Ok(render_with(status, &page))
}

pub async fn revoke(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<i32>,
    CsrfForm(_): CsrfForm<super::login::Empty>,
) -> AppResult<Response> {
    let actor = ctx.actor();
    // Only the user's own tokens: another user's id is simply not found.
    state.store.run(move |conn| tokens::revoke(conn, &actor, user.id, id)).await.map_err(AppError::from)?;
    Ok(Redirect::to("/account/tokens").into_response())
}
