//! Every route against every role: a role without the route's permission gets 403, whatever
//! the route. The routes come from the application's own table, so new routes are covered.

use axum::body::Body;
use axum::http::{StatusCode, header};
use etablera_domain::access::Role;
use etablera_web::routes::{self, Guard, RouteSpec};

use crate::support::{Browser, ORIGIN, TestApp};

/// A concrete URL for a route's pattern.
fn concrete(path: &str) -> String {
    path.replace("{id}", "1").replace("{username}", "demo")
}

async fn call(
    app: &TestApp,
    route: &RouteSpec,
    browser: Option<&Browser>,
    token: Option<&str>,
) -> crate::support::Answer {
    let mut request = TestApp::request(route.method.clone(), &concrete(&route.path), browser)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if let Some(b) = browser {
        request = request.header("x-csrf-token", &b.csrf);
    }
    let body = browser.map(|b| format!("csrf_token={}", b.csrf)).unwrap_or_default();
    app.send(request.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn every_role_without_the_permission_gets_403_on_every_route() {
    let app = TestApp::new();
    let mut browsers = Vec::new();
    for role in Role::ALL.iter().copied() {
        let user = app.add_user(role.code().replace('_', "-").as_str(), &[role]);
        let browser = app.login(&user.username).await;
        browsers.push((role, user.clone(), browser, app.api_token(&user)));
    }
    let all = routes::all();
    assert!(all.iter().any(|r| matches!(r.guard, Guard::Needs(_))), "the table has guarded routes");
    let mut checked = 0;
    for route in &all {
        let Guard::Needs(permission) = route.guard else { continue };
        for (role, _, browser, token) in &browsers {
            if role.has(permission) {
                continue;
            }
            let answer = call(&app, route, Some(browser), None).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{} {} as {role}", route.method, route.path);
            if route.is_api() {
                assert_eq!(answer.json()["error"]["code"], "forbidden");
                let by_token = call(&app, route, None, Some(token)).await;
                assert_eq!(
                    by_token.status,
                    StatusCode::FORBIDDEN,
                    "{} {} by token as {role}",
                    route.method,
                    route.path
                );
            } else {
                assert!(answer.body.contains("Du saknar behörighet"), "a clear Swedish 403 page");
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "checked {checked} route and role pairs");
}

#[tokio::test]
async fn roles_with_the_permission_are_let_through() {
    let app = TestApp::new();
    for role in Role::ALL.iter().copied() {
        let user = app.add_user(role.code().replace('_', "-").as_str(), &[role]);
        let browser = app.login(&user.username).await;
        for route in routes::all().iter().filter(|r| r.method == axum::http::Method::GET) {
            let allowed = match route.guard {
                Guard::Public | Guard::SignedIn => true,
                Guard::Needs(p) => role.has(p),
            };
            if !allowed || route.path.contains('{') {
                continue;
            }
            let answer = call(&app, route, Some(&browser), None).await;
            if route.is_api() {
                // Some API routes need parameters: a 422 for their absence is still past the guard.
                assert!(
                    answer.status == StatusCode::OK || answer.status == StatusCode::UNPROCESSABLE_ENTITY,
                    "GET {} as {role}: {} {}",
                    route.path,
                    answer.status,
                    answer.body
                );
                if answer.status == StatusCode::UNPROCESSABLE_ENTITY {
                    assert_eq!(answer.json()["error"]["code"], "invalid");
                }
            } else if route.path.starts_with("/login/sso") {
                // No provider is configured here: there is no such login.
                assert_eq!(answer.status, StatusCode::NOT_FOUND, "GET {} as {role}", route.path);
            } else if route.path == "/login" {
                // The login page sends a signed-in user on to the start page.
                assert_eq!(answer.status, StatusCode::SEE_OTHER, "GET /login as {role}");
            } else {
                // An export needs input (the SIE file's cost centres): explaining what is missing is
                // past the guard too.
                let explained = answer.status == StatusCode::UNPROCESSABLE_ENTITY
                    && route.path.ends_with("/export")
                    && answer.body.contains("error-summary");
                assert!(
                    answer.status == StatusCode::OK || explained,
                    "GET {} as {role}: {} {}",
                    route.path,
                    answer.status,
                    answer.body
                );
            }
        }
    }
}

#[tokio::test]
async fn without_signing_in_pages_lead_to_the_login_and_the_api_answers_401() {
    let app = TestApp::new();
    for route in routes::all().iter().filter(|r| r.guard != Guard::Public) {
        let answer = call(&app, route, None, None).await;
        if route.is_api() {
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{} {}", route.method, route.path);
            assert_eq!(answer.json()["error"]["code"], "unauthenticated");
        } else {
            assert_eq!(answer.status, StatusCode::SEE_OTHER, "{} {}", route.method, route.path);
            assert!(answer.location().starts_with("/login?next="), "{}", answer.location());
        }
    }
}

#[tokio::test]
async fn a_wrong_or_revoked_api_token_is_refused() {
    let app = TestApp::new();
    let answer = app.get_with_token("/api/v1/me", "etb_0000").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let user = app.add_user("tova", &[Role::Auditor]);
    let token = app.api_token(&user);
    let answer = app.get_with_token("/api/v1/me", &token).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["username"], "tova");
    assert_eq!(answer.json()["roles"][0], "auditor");
    // A token is for the API only; pages need a session.
    let page = app.get_with_token("/audit", &token).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
}
