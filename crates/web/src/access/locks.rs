//! The administrator's view of logins that must wait (the throttle's locks), and lifting one.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use etablera_store::access::throttle::{self, Lock};
use serde::Deserialize;

use crate::api::Params;
use crate::app::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::forms::Submitted;
use crate::pages::{PageContext, local_time, render};

pub struct LockRow {
    pub why: String,
    pub who: String,
    pub address: String,
    pub failures: i64,
    pub last_failure: String,
    pub username_hash: String,
    pub address_value: String,
}

#[derive(Template)]
#[template(path = "login_locks.html")]
struct LocksPage {
    ctx: PageContext,
    locks: Vec<LockRow>,
    window_minutes: u64,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct LocksQuery {
    cleared: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Params(q): Params<LocksQuery>,
) -> AppResult<Html<String>> {
    let t = ctx.tr();
    let (actor, throttle) = (ctx.actor(), state.config.throttle);
    let found = state.store.run(move |conn| throttle::locks(conn, &actor, &throttle)).await?;
    let locks = found
        .into_iter()
        .map(|l| LockRow {
            why: t.get(match l.lock {
                Lock::Pair => "locks-pair",
                Lock::Account => "locks-account",
                Lock::Address => "locks-address",
            }),
            who: match (&l.username, &l.username_hash) {
                (Some(name), _) => name.clone(),
                (None, Some(_)) => t.get("locks-unknown-user"),
                (None, None) => t.get("locks-every-user"),
            },
            address: l.address.clone().unwrap_or_else(|| t.get("locks-every-address")),
            failures: l.failures,
            last_failure: local_time(l.last_failure),
            username_hash: l.username_hash.unwrap_or_default(),
            address_value: l.address.unwrap_or_default(),
        })
        .collect();
    render(&LocksPage {
        locks,
        window_minutes: throttle.window.as_secs() / 60,
        notice: q.cleared.map(|_| t.get("locks-cleared")),
        ctx: PageContext::new(&ctx, t.get("locks-title"), "/admin/users"),
    })
}

#[derive(Deserialize)]
pub struct ClearForm {
    #[serde(default)]
    username_hash: String,
    #[serde(default)]
    address: String,
}

pub async fn clear(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    Submitted { input: form, .. }: Submitted<ClearForm>,
) -> AppResult<Response> {
    let (actor, throttle) = (ctx.actor(), state.config.throttle);
    let hash = Some(form.username_hash).filter(|h| !h.is_empty());
    let address = Some(form.address).filter(|a| !a.is_empty());
    state
        .store
        .run(move |conn| throttle::clear_lock(conn, &actor, &throttle, hash.as_deref(), address.as_deref()))
        .await?;
    Ok(Redirect::to("/admin/login-locks?cleared=1").into_response())
}
