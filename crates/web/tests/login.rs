use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use etablera_domain::access::Role;

use crate::support::{Browser, PASSWORD, TestApp, csrf_in, short_idle};

#[tokio::test]
async fn login_shows_the_start_page_for_the_role_and_logout_ends_the_session() {
    let app = TestApp::new();
    app.add_user("anna", &[Role::UnitManager]);
    let browser = app.login("anna").await;
    let start = app.get("/", Some(&browser)).await;
    assert!(start.body.contains("Välkommen, Testperson anna"));
    assert!(start.body.contains("Enhetschef"));
    assert!(start.body.contains("0117 Österåker"));
    assert!(start.body.contains("Inloggning"), "the login shows among the recent logins");

    let out = app.post_form("/logout", Some(&browser), &[("csrf_token", &browser.csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login?logged_out=1");
    assert!(out.cookie("etablera_session").is_some_and(|c| c == "etablera_session="), "the cookie is removed");
    let after = app.get("/", Some(&browser)).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "the old cookie no longer works");
}

#[tokio::test]
async fn the_session_cookie_is_httponly_and_samesite_strict() {
    let app = TestApp::new();
    app.add_user("bo", &[Role::Finance]);
    let form = app.get("/login", None).await;
    let login_cookie = form.cookie("etablera_login_csrf").unwrap();
    let csrf = csrf_in(&form.body);
    let answer = app
        .post_form(
            "/login",
            Some(&Browser { cookie: login_cookie, csrf: csrf.clone() }),
            &[("csrf_token", &csrf), ("username", "bo"), ("password", PASSWORD)],
        )
        .await;
    let set_cookie = answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("etablera_session="))
        .unwrap();
    assert!(set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("SameSite=Strict"));
    assert!(!set_cookie.contains("Secure"), "plain HTTP in the test; Secure is set when configured for TLS");
}

#[tokio::test]
async fn wrong_credentials_get_one_generic_message_and_the_form_back() {
    let app = TestApp::new();
    app.add_user("cilla", &[Role::Finance]);
    for (username, password) in [("cilla", "fel lösenord igen"), ("ingen-sadan", PASSWORD)] {
        let form = app.get("/login", None).await;
        let browser = Browser { cookie: form.cookie("etablera_login_csrf").unwrap(), csrf: csrf_in(&form.body) };
        let answer = app
            .post_form(
                "/login",
                Some(&browser),
                &[("csrf_token", &browser.csrf), ("username", username), ("password", password)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.body.contains("Fel användarnamn eller lösenord."));
        assert!(answer.body.contains(&format!("value=\"{username}\"")), "the user name is kept");
        assert!(answer.cookie("etablera_session").is_none());
    }
}

#[tokio::test]
async fn repeated_failures_are_throttled() {
    let app = TestApp::new();
    app.add_user("dan", &[Role::Finance]);
    let form = app.get("/login", None).await;
    let browser = Browser { cookie: form.cookie("etablera_login_csrf").unwrap(), csrf: csrf_in(&form.body) };
    for _ in 0..5 {
        let answer = app
            .post_form(
                "/login",
                Some(&browser),
                &[("csrf_token", &browser.csrf), ("username", "dan"), ("password", "fel fel fel fel")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let answer = app
        .post_form(
            "/login",
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("username", "dan"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(answer.body.contains("För många misslyckade inloggningsförsök"));
}

#[tokio::test]
async fn a_missing_or_forged_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::new();
    app.add_user("eva", &[Role::Finance]);
    let browser = app.login("eva").await;
    let missing = app.post_form("/account/tokens", Some(&browser), &[("name", "Ekonomisystem")]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("Formuläret har gått ut"));
    let forged = app
        .post_form("/account/tokens", Some(&browser), &[("csrf_token", "0123abcd"), ("name", "Ekonomisystem")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let page = app.get("/account/tokens", Some(&browser)).await;
    assert!(page.body.contains("Du har inga API-nycklar."), "nothing was created");

    let logout = app.post_form("/logout", Some(&browser), &[("csrf_token", "forged")]).await;
    assert_eq!(logout.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/", Some(&browser)).await.status, StatusCode::OK, "still signed in");

    let unnamed =
        app.post_form("/account/tokens", Some(&browser), &[("csrf_token", &browser.csrf), ("name", "  ")]).await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.body.contains("Ge nyckeln ett namn"));
    assert!(unnamed.body.contains("Du har inga API-nycklar."), "nothing was created");

    let ok = app
        .post_form("/account/tokens", Some(&browser), &[("csrf_token", &browser.csrf), ("name", "Ekonomisystem")])
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.body.contains("etb_"), "the new key is shown once");
}

#[tokio::test]
async fn a_post_from_another_site_is_refused_even_with_the_token() {
    let app = TestApp::new();
    app.add_user("fia", &[Role::Finance]);
    let browser = app.login("fia").await;
    for origin in [Some("http://evil.example"), None] {
        let mut request = TestApp::request(Method::POST, "/logout", Some(&browser))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(origin) = origin {
            request = request.header(header::ORIGIN, origin);
        }
        let answer = app.send(request.body(Body::from(format!("csrf_token={}", browser.csrf))).unwrap()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "origin {origin:?}");
    }
}

#[tokio::test]
async fn the_login_form_needs_its_own_token() {
    let app = TestApp::new();
    app.add_user("gun", &[Role::Finance]);
    // A login posted from a page that never showed our form has no token cookie.
    let answer =
        app.post_form("/login", None, &[("csrf_token", "x"), ("username", "gun"), ("password", PASSWORD)]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(answer.cookie("etablera_session").is_none());
}

#[tokio::test]
async fn a_stale_session_is_refused() {
    let app = TestApp::with_config(short_idle());
    app.add_user("hugo", &[Role::Auditor]);
    let browser = app.login("hugo").await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let page = app.get("/audit", Some(&browser)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login?expired=1"), "{}", page.location());
    let login = app.get(page.location(), None).await;
    assert!(login.body.contains("Du har varit inaktiv för länge"));
    let api = app.get("/api/v1/me", Some(&browser)).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn login_returns_to_the_page_asked_for_but_never_to_another_site() {
    let app = TestApp::new();
    app.add_user("ines", &[Role::Auditor]);
    for (next, expected) in [
        ("/audit?from=2026-11-01", "/audit?from=2026-11-01"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/audit\r\nSet-Cookie: etablera_session=x", "/"),
        ("/\\evil.example", "/"),
    ] {
        let form = app
            .get(&format!("/login?next={}", serde_urlencoded::to_string([("", next)]).unwrap()[1..].to_owned()), None)
            .await;
        let browser = Browser { cookie: form.cookie("etablera_login_csrf").unwrap(), csrf: csrf_in(&form.body) };
        let answer = app
            .post_form(
                "/login",
                Some(&browser),
                &[("csrf_token", &browser.csrf), ("username", "ines"), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(answer.location(), expected);
    }
}

#[tokio::test]
async fn behind_a_proxy_the_client_address_comes_from_x_forwarded_for() {
    use etablera_store::access::log;
    for (behind_proxy, expected) in [(true, Some("203.0.113.7")), (false, None)] {
        let app = TestApp::with_config(etablera_web::WebConfig { behind_proxy, ..Default::default() });
        app.add_user("jonna", &[Role::Finance]);
        let form = app.get("/login", None).await;
        let browser = Browser { cookie: form.cookie("etablera_login_csrf").unwrap(), csrf: csrf_in(&form.body) };
        let request = TestApp::request(Method::POST, "/login", Some(&browser))
            .header(header::ORIGIN, crate::support::ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", "10.9.9.9, 203.0.113.7")
            .body(Body::from(
                serde_urlencoded::to_string([
                    ("csrf_token", browser.csrf.as_str()),
                    ("username", "jonna"),
                    ("password", PASSWORD),
                ])
                .unwrap(),
            ))
            .unwrap();
        assert_eq!(app.send(request).await.status, StatusCode::SEE_OTHER);
        let filter = log::Filter { action: Some(log::Action::Login), ..Default::default() };
        let rows = app.db.store.with_conn(|conn| log::export(conn, &etablera_store::testing::cli(), &filter)).unwrap();
        // In-process requests have no peer address; the header is only believed behind a proxy.
        assert_eq!(rows[0].client_address.as_deref(), expected, "behind_proxy = {behind_proxy}");
    }
}

#[tokio::test]
async fn the_administrator_lifts_a_lock_from_the_page() {
    let app = TestApp::new();
    app.add_user("admin", &[Role::Admin]);
    app.add_user("ines", &[Role::Auditor]);
    for _ in 0..5 {
        assert!(app.try_login("ines", "fel lösenord här").await.is_err());
    }
    let refused = app.try_login("ines", PASSWORD).await.unwrap_err();
    assert!(refused.body.contains("För många"), "the owner waits: {}", refused.body);
    let admin = app.login("admin").await;
    let page = app.get("/admin/login-locks", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Kontot från adressen") && page.body.contains("<td>ines</td>"), "{}", page.body);
    let hash = page.body.split("name=\"username_hash\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let address = page.body.split("name=\"address\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let lifted = app
        .post_form(
            "/admin/login-locks/clear",
            Some(&admin),
            &[("csrf_token", &admin.csrf), ("username_hash", &hash), ("address", &address)],
        )
        .await;
    assert_eq!(lifted.location(), "/admin/login-locks?cleared=1");
    let page = app.get("/admin/login-locks?cleared=1", Some(&admin)).await;
    assert!(page.body.contains("Spärren är hävd.") && page.body.contains("Inga inloggningar är spärrade nu."));
    assert!(app.try_login("ines", PASSWORD).await.is_ok());
    app.add_user("granskare", &[Role::Auditor]);
    let auditor = app.login("granskare").await;
    let log = app.get("/audit?action=unlock", Some(&auditor)).await;
    assert!(log.body.contains("Spärr hävd"), "lifting a lock is in the access log: {}", log.body);
}
