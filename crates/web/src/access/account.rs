//! The signed-in user's own account: their details, a new password, and the sign-ins they have
//! open, which they can end.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::access::PasswordChangeForm;
use etablera_store::access::sessions::{self, EndSessions};

use crate::api::{Params, Path};
use crate::app::AppState;
use crate::context::{Credential, RequestContext, Signed};
use crate::error::{AppError, AppResult};
use crate::forms::{Filled, Submitted};
use crate::pages::{PageContext, local_time, render_with};

pub struct SessionRow {
    pub id: i32,
    pub opened: String,
    pub last_seen: String,
    pub address: Option<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    ctx: PageContext,
    f: Filled,
    roles: String,
    municipalities: String,
    sessions: Vec<SessionRow>,
    notice: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct AccountQuery {
    done: Option<String>,
}

/// The session the request came with; an API token has no page of its own to change.
fn session_id(ctx: &RequestContext) -> AppResult<i32> {
    match ctx.principal.as_ref().map(|p| &p.credential) {
        Some(Credential::Session { id, .. }) => Ok(*id),
        _ => Err(AppError::Forbidden),
    }
}

async fn account_page(
    state: &AppState,
    ctx: &RequestContext,
    f: Filled,
    notice: Option<String>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let current = session_id(ctx)?;
    let (actor, limits, at) = (ctx.actor(), state.config.sessions, ctx.at);
    let open = state.store.run(move |conn| sessions::open_sessions(conn, &actor, limits, at)).await?;
    let user = &ctx.principal.as_ref().ok_or(AppError::Unauthenticated)?.user;
    let page = AccountPage {
        roles: user.roles.iter().map(|r| t.role(r)).collect::<Vec<_>>().join(", "),
        municipalities: user.municipalities.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", "),
        sessions: open
            .into_iter()
            .map(|s| SessionRow {
                id: s.id,
                opened: local_time(s.created_at),
                last_seen: local_time(s.last_seen_at),
                address: s.client_address,
                current: s.id == current,
            })
            .collect(),
        notice,
        ctx: PageContext::new(ctx, t.get("account-title"), "/account"),
        f,
    };
    let status = page.f.status();
    Ok(render_with(status, &page))
}

pub async fn page(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<AccountQuery>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let notice = match q.done.as_deref() {
        Some("password") => Some(t.get("account-password-changed")),
        Some("ended") => Some(t.get("account-session-ended")),
        Some("ended-others") => Some(t.get("account-sessions-ended")),
        _ => None,
    };
    account_page(&state, &ctx, Filled::default(), notice).await
}

pub async fn change_password(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Submitted { input, fields }: Submitted<PasswordChangeForm>,
) -> AppResult<Response> {
    let session = session_id(&ctx)?;
    let (actor, throttle) = (ctx.actor(), state.config.throttle);
    let outcome = crate::forms::save(&state, input.check(), move |conn, change| {
        sessions::change_own_password(conn, &actor, session, &change, &throttle)
    })
    .await;
    match Filled::after("password", fields, outcome)? {
        None => Ok(Redirect::to("/account?done=password").into_response()),
        // What was typed in a password field is never sent back to the page.
        Some(f) => account_page(&state, &ctx, f, None).await,
    }
}

pub async fn end_session(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Path(id): Path<i32>,
    _: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let actor = ctx.actor();
    state.store.run(move |conn| sessions::end_own(conn, &actor, EndSessions::One(id))).await?;
    // Ending the session one is using is logging out: the login page follows.
    let target = if Some(id) == session_id(&ctx).ok() { "/login" } else { "/account?done=ended" };
    Ok(Redirect::to(target).into_response())
}

pub async fn end_others(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    _: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let keep = session_id(&ctx)?;
    let actor = ctx.actor();
    state.store.run(move |conn| sessions::end_own(conn, &actor, EndSessions::AllBut(keep))).await?;
    Ok(Redirect::to("/account?done=ended-others").into_response())
}
