use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use etablera_domain::access::TokenForm;
use etablera_domain::ids::{TokenId, UserId};
use etablera_store::access::tokens::{self, ApiToken};

use crate::api::Path;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, Submitted};
use crate::pages::{PageContext, local_time, render, render_with};

pub struct TokenRow {
    pub id: TokenId,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    ctx: PageContext,
    f: Filled,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
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
        f: Filled::default(),
        tokens: own_tokens(&state, user.id).await?,
        new_token: None,
        ctx: PageContext::new(&ctx, ctx.tr().get("tokens-title"), "/account"),
    };
    render(&page)
}

/// Shows the new token once, on the page the form answers with; it is never stored in plain.
pub async fn create(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Submitted { input, fields }: Submitted<TokenForm>,
) -> AppResult<Response> {
    let mut new_token = None;
    let outcome = match input.check() {
        Ok(name) => {
            let (actor, user_id) = (ctx.actor(), user.id);
            let created = state.store.run(move |conn| tokens::create(conn, &actor, user_id, &name)).await;
            Ok(created.map(|(_, plain)| new_token = Some(plain)))
        }
        Err(errors) => Err(errors),
    };
    // Saved or not, the answer is this page: with the new key shown once, or the form again.
    let f = Filled::after("token", fields, outcome)?.unwrap_or_default();
    let status = f.status();
    let page = TokensPage {
        f,
        tokens: own_tokens(&state, user.id).await?,
        new_token,
        ctx: PageContext::new(&ctx, ctx.tr().get("tokens-title"), "/account"),
    };
    Ok(render_with(status, &page))
}

pub async fn revoke(
    State(state): State<AppState>,
    Signed { ctx, user }: Signed,
    Path(id): Path<TokenId>,
    _: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let actor = ctx.actor();
    // Only the user's own tokens: another user's id is simply not found.
    let user_id = UserId::new(user.id);
    state.store.run(move |conn| tokens::revoke(conn, &actor, user_id, id)).await.map_err(AppError::from)?;
    Ok(Redirect::to("/account/tokens").into_response())
}
