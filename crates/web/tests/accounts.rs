//! Users administer themselves: their own password and sign-ins; the administrator edits users
//! and sets a forgotten password, in the web.

use axum::http::StatusCode;
use etablera_domain::access::Role;

use crate::support::{PASSWORD, TestApp, csrf_in};

const NEW_PASSWORD: &str = "en helt annan lång fras";

#[tokio::test]
async fn a_user_changes_their_own_password_with_the_current_one() {
    let app = TestApp::new();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let elsewhere = app.login("anna").await;
    let page = app.get("/account", Some(&browser)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Byt lösenord"));
    assert_eq!(page.body.matches("Den här inloggningen").count(), 1, "{}", page.body);
    assert_eq!(page.body.matches(">Avsluta<").count(), 1, "the other sign-in can be ended");

    let wrong = app
        .post_form(
            "/account/password",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("current_password", "fel lösenord här"),
                ("new_password", NEW_PASSWORD),
                ("repeat_password", NEW_PASSWORD),
            ],
        )
        .await;
    wrong.names_every_field("password", &[("current_password", "Det nuvarande lösenordet stämmer inte.")]);
    assert!(!wrong.body.contains("fel lösenord här"), "a typed password is never sent back");
    let mixed = app
        .post_form(
            "/account/password",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("current_password", ""),
                ("new_password", "kort"),
                ("repeat_password", "annat"),
            ],
        )
        .await;
    mixed.names_every_field(
        "password",
        &[
            ("current_password", "Skriv ditt nuvarande lösenord."),
            ("new_password", "minst 12 tecken"),
            ("repeat_password", "Lösenorden är inte lika."),
        ],
    );
    assert!(app.try_login("anna", NEW_PASSWORD).await.is_err(), "nothing changed");

    let changed = app
        .post_form(
            "/account/password",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("repeat_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let after = app.get(changed.location(), Some(&browser)).await;
    assert!(after.body.contains("Ditt lösenord är bytt."), "the session that changed it goes on");
    assert_eq!(app.get("/", Some(&elsewhere)).await.status, StatusCode::SEE_OTHER, "the other sign-in ended");
    assert!(app.try_login("anna", PASSWORD).await.is_err(), "the old password no longer works");
    app.try_login("anna", NEW_PASSWORD).await.unwrap_or_else(|a| panic!("the new one does: {}", a.body));
}

#[tokio::test]
async fn wrong_current_passwords_count_as_failed_logins() {
    let app = TestApp::new();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let mut last = None;
    for _ in 0..6 {
        last = Some(
            app.post_form(
                "/account/password",
                Some(&browser),
                &[
                    ("csrf_token", &browser.csrf),
                    ("current_password", "gissning nummer ett"),
                    ("new_password", NEW_PASSWORD),
                    ("repeat_password", NEW_PASSWORD),
                ],
            )
            .await,
        );
    }
    let last = last.unwrap();
    last.names_every_field("password", &[("current_password", "För många felaktiga försök.")]);
    let refused = app.try_login("anna", PASSWORD).await.expect_err("the account waits, as after failed logins");
    assert!(refused.body.contains("För många"), "{}", refused.body);
}

#[tokio::test]
async fn a_user_ends_their_other_sign_ins() {
    let app = TestApp::new();
    app.add_user("anna", &[Role::Committee]);
    let browser = app.login("anna").await;
    let second = app.login("anna").await;
    let third = app.login("anna").await;
    let page = app.get("/account", Some(&browser)).await;
    let other_id = other_session(&page.body);
    let ended = app
        .post_form(&format!("/account/sessions/{other_id}/end"), Some(&browser), &[("csrf_token", &browser.csrf)])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    let open_after_one = [
        app.get("/", Some(&second)).await.status == StatusCode::OK,
        app.get("/", Some(&third)).await.status == StatusCode::OK,
    ];
    assert_eq!(open_after_one.iter().filter(|open| **open).count(), 1, "exactly one other sign-in ended");

    let others = app.post_form("/account/sessions/end-others", Some(&browser), &[("csrf_token", &browser.csrf)]).await;
    assert_eq!(others.status, StatusCode::SEE_OTHER);
    assert!(app.get(others.location(), Some(&browser)).await.body.contains("Dina andra inloggningar är avslutade."));
    assert_eq!(app.get("/", Some(&second)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/", Some(&third)).await.status, StatusCode::SEE_OTHER);

    // Someone else's session is not found, and stays open.
    app.add_user("bo", &[Role::Committee]);
    let bo = app.login("bo").await;
    let bo_elsewhere = app.login("bo").await;
    let bo_other = other_session(&app.get("/account", Some(&bo)).await.body);
    let foreign = app
        .post_form(&format!("/account/sessions/{bo_other}/end"), Some(&browser), &[("csrf_token", &browser.csrf)])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/", Some(&bo_elsewhere)).await.status, StatusCode::OK);
}

/// The id of the first sign-in on an account page that can be ended (not the page's own).
fn other_session(page: &str) -> String {
    page.split("action=\"/account/sessions/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("another sign-in with its end button")
        .to_owned()
}

#[tokio::test]
async fn the_admin_changes_a_users_roles_in_the_web() {
    let app = TestApp::new();
    app.add_user("admin", &[Role::Admin]);
    app.add_user("jan", &[Role::Committee]);
    let admin = app.login("admin").await;
    let list = app.get("/admin/users", Some(&admin)).await;
    assert!(list.body.contains("href=\"/admin/users/jan\""), "each user links to their page");
    let form = app.get("/admin/users/jan", Some(&admin)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Ändra användaren jan"));
    assert!(form.body.contains("value=\"committee\" checked"), "the roles held are ticked");
    let version = form.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let csrf = csrf_in(&form.body);

    let bad = app
        .post_form(
            "/admin/users/jan",
            Some(&admin),
            &[
                ("csrf_token", &csrf),
                ("version", &version),
                ("display_name", ""),
                ("roles", "case_worker"),
                ("municipalities", "0117, 12"),
                ("email", "jan@"),
            ],
        )
        .await;
    bad.names_every_field(
        "user",
        &[
            ("display_name", "Skriv användarens namn"),
            ("municipalities", "Okänd kommunkod: 12"),
            ("unit", "En handläggare måste höra till en enhet."),
            ("email", ""),
        ],
    );
    assert!(bad.body.contains("value=\"0117, 12\""), "what was typed is kept");

    let good = app
        .post_form(
            "/admin/users/jan",
            Some(&admin),
            &[
                ("csrf_token", &csrf),
                ("version", &version),
                ("display_name", "Jan Handläggare"),
                ("roles", "case_worker"),
                ("roles", "unit_manager"),
                ("municipalities", "0117, 0586"),
                ("unit", "Mottagningen"),
                ("email", "jan@kommun.se"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let list = app.get(good.location(), Some(&admin)).await;
    assert!(list.body.contains("Ändringarna för jan är sparade."));
    assert!(list.body.contains("Jan Handläggare"));
    assert!(list.body.contains("Mottagningshandläggare, Enhetschef"), "{}", list.body);
    assert!(!list.body.contains("Socialnämnden (beställare)"), "the role taken away is gone");
    let jan = app.login("jan").await;
    assert!(app.get("/reception", Some(&jan)).await.status.is_success(), "the new role's pages open");

    let stale = app
        .post_form(
            "/admin/users/jan",
            Some(&admin),
            &[("csrf_token", &csrf), ("version", &version), ("display_name", "Jan Gammal"), ("roles", "committee")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "an edit of an old copy is refused");
    assert!(stale.body.contains("value=\"Jan Gammal\""), "with what was typed kept");
    assert!(app.get("/admin/users", Some(&admin)).await.body.contains("Jan Handläggare"), "and nothing changed");

    app.add_user("revisor", &[Role::Auditor]);
    let audit = app.get("/audit", Some(&app.login("revisor").await)).await;
    for action in ["Behörighet tilldelad", "Behörighet återkallad", "Ändring"] {
        assert!(audit.body.contains(action), "{action} is in the access log: {}", audit.body);
    }
    // Records are named in words, and filtered by a choice of them, not by internal codes.
    let jan_id = app.user_id("jan");
    assert!(audit.body.contains(&format!("<td>Användare {jan_id}</td>")), "{}", audit.body);
    assert!(audit.body.contains("<option value=\"user\">Användare</option>"));
    let revisor = app.login("revisor").await;
    let users_only = app.get("/audit?kind=user", Some(&revisor)).await;
    assert!(users_only.body.contains("<option value=\"user\" selected>"));
    assert!(!users_only.body.contains("<td>Åtkomstloggen"), "only rows about users");
    let bogus = app.get("/audit?kind=hushall", Some(&revisor)).await;
    assert_eq!(bogus.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bogus.body.contains("Välj ett slags post i listan."));
}

#[tokio::test]
async fn an_admin_cannot_take_away_their_own_right_to_manage_users() {
    let app = TestApp::new();
    app.add_user("admin", &[Role::Admin]);
    let admin = app.login("admin").await;
    let form = app.get("/admin/users/admin", Some(&admin)).await;
    let version = form.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let demoted = app
        .post_form(
            "/admin/users/admin",
            Some(&admin),
            &[("csrf_token", &admin.csrf), ("version", &version), ("display_name", "Admin"), ("roles", "committee")],
        )
        .await;
    demoted.names_every_field("user", &[("roles", "Du kan inte ta bort din egen behörighet")]);
    assert!(app.get("/admin/users", Some(&admin)).await.status.is_success(), "still an administrator");
}

#[tokio::test]
async fn the_admin_sets_a_forgotten_password_and_the_users_sessions_end() {
    let app = TestApp::new();
    app.add_user("admin", &[Role::Admin]);
    app.add_user("jan", &[Role::Committee]);
    let admin = app.login("admin").await;
    let jan = app.login("jan").await;
    let short = app
        .post_form("/admin/users/jan/password", Some(&admin), &[("csrf_token", &admin.csrf), ("password", "kort")])
        .await;
    short.names_every_field("reset", &[("password", "minst 12 tecken")]);
    assert_eq!(app.get("/", Some(&jan)).await.status, StatusCode::OK, "nothing changed");

    let reset = app
        .post_form(
            "/admin/users/jan/password",
            Some(&admin),
            &[("csrf_token", &admin.csrf), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert!(app.get(reset.location(), Some(&admin)).await.body.contains("jan har fått ett nytt lösenord"));
    assert_eq!(app.get("/", Some(&jan)).await.status, StatusCode::SEE_OTHER, "jan is signed out");
    assert!(app.try_login("jan", PASSWORD).await.is_err());
    app.try_login("jan", NEW_PASSWORD).await.unwrap_or_else(|a| panic!("{}", a.body));
    let missing = app
        .post_form(
            "/admin/users/nobody/password",
            Some(&admin),
            &[("csrf_token", &admin.csrf), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// The administrator sets a user's login id at the identity provider on the user's page; one
/// login id belongs to one user.
#[tokio::test]
async fn the_admin_sets_a_login_id_at_the_provider_and_one_id_is_one_users() {
    let app = TestApp::new();
    app.add_user("admin", &[Role::Admin]);
    app.add_user("jan", &[Role::Committee]);
    app.add_user("kim", &[Role::Committee]);
    let admin = app.login("admin").await;
    let save = |who: &'static str, sso_id: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let form = app.get(&format!("/admin/users/{who}"), Some(admin)).await;
            assert!(form.body.contains("Inloggnings-id hos identitetsleverantören"));
            let version =
                form.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            let fields = [
                ("csrf_token", csrf_in(&form.body)),
                ("version", version),
                ("display_name", format!("Person {who}")),
                ("roles", "committee".to_owned()),
                ("sso_id", sso_id.to_owned()),
            ];
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&format!("/admin/users/{who}"), Some(admin), &pairs).await
        }
    };
    assert_eq!(save("jan", " 6f1c-oid ").await.status, StatusCode::SEE_OTHER);
    let jan = app.get("/admin/users/jan", Some(&admin)).await;
    assert!(jan.body.contains("value=\"6f1c-oid\""), "kept, trimmed");
    let taken = save("kim", "6f1c-oid").await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("En annan användare har redan det inloggnings-id:t"), "{}", taken.body);
    assert_eq!(save("jan", "").await.status, StatusCode::SEE_OTHER, "cleared");
    assert_eq!(save("kim", "6f1c-oid").await.status, StatusCode::SEE_OTHER, "free again");
}
