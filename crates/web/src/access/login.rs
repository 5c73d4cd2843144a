use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use etablera_domain::input::Invalid;
use etablera_domain::text::Text;
use etablera_store::access::sessions::{self, LoginOutcome};
use serde::Deserialize;

use crate::api::Params;
use crate::app::AppState;
use crate::context::{Credential, RequestContext, Signed};
use crate::error::AppResult;
use crate::forms::{Fields, Filled, Submitted};
use crate::pages::{PageContext, render_with};
use crate::security::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageContext,
    f: Filled,
    next: String,
    notice: Option<String>,
    /// The provider's button, when logins go through it.
    sso: Option<String>,
    password_login: bool,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
    logged_out: Option<String>,
}

/// Only a path on this site: never an absolute URL or `//host`, which would send the user away,
/// and nothing a `Location` header cannot carry (a line break, a space, a character outside
/// ASCII, a backslash that browsers read as a slash); anything else goes to the start page.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    const LONGEST: usize = 2048;
    let same_site = |n: &&str| {
        n.len() <= LONGEST
            && n.starts_with('/')
            && !n.starts_with("//")
            && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
            && n.parse::<axum::http::uri::PathAndQuery>().is_ok()
    };
    next.filter(same_site).unwrap_or("/").to_owned()
}

fn login_page(
    state: &AppState,
    ctx: &RequestContext,
    status: StatusCode,
    f: Filled,
    next: String,
    notice: Option<String>,
) -> Response {
    let page = LoginPage {
        ctx: PageContext::new(ctx, ctx.tr().get("login-title"), ""),
        f,
        next,
        notice,
        sso: state.sso.as_ref().map(|s| s.config.label.clone()),
        password_login: state.config.password_login,
    };
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
    let mut response =
        login_page(&state, &ctx, StatusCode::OK, Filled::default(), safe_next(q.next.as_deref()), notice);
    security::set_cookie(&mut response, security::cookie(LOGIN_CSRF_COOKIE, token, state.config.secure_cookies));
    response
}

/// The login form: only a web concern, the session it opens.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: RequestContext,
    Submitted { input, fields }: Submitted<LoginForm>,
) -> AppResult<Response> {
    let next = safe_next(input.next.as_deref());
    if !state.config.password_login {
        let f = Filled::failed("login", fields, vec![Invalid::new("username", Text::new("login-password-off"))]);
        return Ok(login_page(&state, &ctx, StatusCode::FORBIDDEN, f, next, None));
    }
    // One message for the form, at the user name: a refusal never says which of the two was wrong.
    let refused =
        |fields: Fields, message: Text| Filled::failed("login", fields, vec![Invalid::new("username", message)]);
    if input.username.trim().is_empty() || input.password.is_empty() {
        let f = refused(fields, Text::new("login-missing"));
        return Ok(login_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, f, next, None));
    }
    let actor = ctx.actor();
    let throttle = state.config.throttle;
    let LoginForm { username, password, .. } = input;
    let outcome = state.store.run(move |conn| sessions::login(conn, &actor, &username, &password, &throttle)).await?;
    match outcome {
        LoginOutcome::LoggedIn { token, .. } => {
            let mut response = Redirect::to(&next).into_response();
            let secure = state.config.secure_cookies;
            security::set_cookie(&mut response, security::cookie(SESSION_COOKIE, token, secure));
            security::set_cookie(&mut response, security::removal(LOGIN_CSRF_COOKIE, secure));
            Ok(response)
        }
        LoginOutcome::Refused => {
            let f = refused(fields, Text::new("login-refused"));
            Ok(login_page(&state, &ctx, StatusCode::UNAUTHORIZED, f, next, None))
        }
        LoginOutcome::Throttled => Ok(login_page(
            &state,
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            refused(fields, Text::new("login-throttled")),
            next,
            None,
        )),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Signed { ctx, .. }: Signed,
    _: Submitted<serde::de::IgnoredAny>,
) -> AppResult<Response> {
    let mut via_sso = false;
    if let Some(Credential::Session { id, .. }) = ctx.principal.as_ref().map(|p| p.credential.clone()) {
        let actor = ctx.actor();
        via_sso = state.store.run(move |conn| sessions::logout(conn, &actor, id)).await?;
    }
    // A session the provider opened ends there too, where it offers that; it sends the browser
    // back to the login page.
    let provider_logout = match (&state.sso, via_sso) {
        (Some(sso), true) => sso.logout_url().await,
        _ => None,
    };
    let mut response = match provider_logout {
        // A page that goes on, not a redirect: the form's `form-action 'self'` stops a redirect
        // to another site.
        Some(url) => {
            let page = crate::access::sso::ProviderLogout {
                ctx: PageContext::new(&ctx, ctx.tr().get("sso-logout-title"), ""),
                url,
            };
            render_with(StatusCode::OK, &page)
        }
        None => Redirect::to("/login?logged_out=1").into_response(),
    };
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
        for hostile in
            ["/audit\r\nSet-Cookie: x=1", "/a b", "/\tevil", "/åäö", "/\u{0}", &format!("/{}", "a".repeat(3000))]
        {
            assert_eq!(super::safe_next(Some(hostile)), "/", "{hostile:?}");
        }
    }
}
