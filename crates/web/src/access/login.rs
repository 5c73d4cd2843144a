use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_store::access::sessions::{self, LoginOutcome};
use serde::Deserialize;

use crate::api::Params;
use crate::app::AppState;
use crate::context::{Credential, RequestContext, Signed};
use crate::error::AppResult;
use crate::pages::{PageContext, render_with};
use crate::security::{self, CsrfForm, LOGIN_CSRF_COOKIE, SESSION_COOKIE};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageContext,
    username: String,
    next: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    logged_out: Option<String>,
}

/// Only a path on this site: never an absolute URL or `//host`, which would send the user away.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn login_page(
    ctx: &RequestContext,
    status: StatusCode,
    username: String,
    next: String,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let page = LoginPage { ctx: PageContext::new(ctx, ctx.tr().get("login-title"), ""), username, next, notice, error };
    render_with(status, &page)
}

pub async fn form(State(state): State<AppState>, mut ctx: RequestContext, Params(q): Params<LoginQuery>) -> Response {
    if ctx.principal.is_some() {
        return Redirect::to("/").into_response();
    }
    let t = ctx.tr();
    let notice = if q.expired.is_some() || ctx.session_expired {
        Some(t.get("login-expired"))
    } else if q.logged_out.is_some() {
        Some(t.get("login-logged-out"))
    } else {
        None
    };
    // A token per visit of the form, in a cookie and in the form: a page on another site can
    // neither read nor set it, so it cannot log a victim in to an account of its choosing.
    let token = ctx.login_csrf.clone().unwrap_or_else(|| etablera_store::access::random_token(32));
    ctx.login_csrf = Some(token.clone());
    let mut response = login_page(&ctx, StatusCode::OK, String::new(), safe_next(q.next.as_deref()), notice, None);
    security::set_cookie(&mut response, security::cookie(LOGIN_CSRF_COOKIE, token, state.config.secure_cookies));
    response
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestContext,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    let t = ctx.tr();
    let next = safe_next(form.next.as_deref());
    if form.username.trim().is_empty() || form.password.is_empty() {
        return Ok(login_page(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.username,
            next,
            None,
            Some(t.get("login-missing")),
        ));
    }
    let actor = ctx.actor();
    let throttle = state.config.throttle;
    let username = form.username.clone();
    let outcome =
        state.store.run(move |conn| sessions::login(conn, &actor, &username, &form.password, &throttle)).await?;
    match outcome {
        LoginOutcome::LoggedIn { token, .. } => {
            let mut response = Redirect::to(&next).into_response();
            let secure = state.config.secure_cookies;
            security::set_cookie(&mut response, security::cookie(SESSION_COOKIE, token, secure));
            security::set_cookie(&mut response, security::removal(LOGIN_CSRF_COOKIE, secure));
            Ok(response)
        }
        LoginOutcome::Refused => {
            Ok(login_page(&ctx, StatusCode::UNAUTHORIZED, form.username, next, None, Some(t.get("login-refused"))))
        }
        LoginOutcome::Throttled => Ok(login_page(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            form.username,
            next,
            None,
            Some(t.get("login-throttled")),
        )),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    CsrfForm(_): CsrfForm<Empty>,
) -> AppResult<Response> {
    if let Some(Credential::Session { id, .. }) = ctx.principal.as_ref().map(|p| p.credential.clone()) {
        let actor = ctx.actor();
        state.store.run(move |conn| sessions::logout(conn, &actor, id)).await?;
    }
    let mut response = Redirect::to("/login?logged_out=1").into_response();
    security::set_cookie(&mut response, security::removal(SESSION_COOKIE, state.config.secure_cookies));
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(super::safe_next(Some("/audit?from=2026-11-01")), "/audit?from=2026-11-01");
        assert_eq!(super::safe_next(Some("https://evil.example/")), "/");
        assert_eq!(super::safe_next(Some("//evil.example/")), "/");
        assert_eq!(super::safe_next(Some("/\\evil.example/")), "/");
        assert_eq!(super::safe_next(None), "/");
    }
}
