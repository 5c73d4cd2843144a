use axum::http::StatusCode;
use etablera_domain::access::Role;
use etablera_store::access::{Actor, Scope};
use etablera_web::WebConfig;

use crate::support::TestApp;

const HOUSEHOLD: &str = r#"{"format": "etablera-reception/1", "municipality_code": "0117", "households": [{
    "ref": "H-LOGG", "placement_date": "2026-09-01",
    "persons": [{"ref": "P1", "given_name": "Amina", "family_name": "Hassan", "birth_date": "1988-04-17",
        "personal_number": null, "dossier_number": null, "category": "resettled", "reception_date": "2026-09-05"}]
}]}"#;

/// An app on 6 December 2026 with a case worker (anna) and a unit manager (chef), and one read
/// to review: Anna opened a household late on a Saturday night in November (22:30 UTC is 23:30
/// here).
fn app_with_a_night_read() -> TestApp {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_opt(11, 0, 0).unwrap();
    let app = TestApp::with_config(WebConfig { clock: etablera_store::Clock::fixed(at), ..Default::default() });
    app.import(HOUSEHOLD);
    let household = app.household("H-LOGG");
    let anna = app.add_user("anna", &[Role::CaseWorker]);
    app.add_user("chef", &[Role::UnitManager]);
    let night = chrono::NaiveDate::from_ymd_opt(2026, 11, 7).unwrap().and_hms_opt(22, 30, 0).unwrap();
    let actor = Actor { user_id: Some(anna.id), at: night, ..Actor::system(night) };
    app.db
        .store
        .with_conn(|conn| etablera_store::reception::case_file::household(conn, &actor, &Scope::of(&anna), household))
        .unwrap();
    app
}

#[tokio::test]
async fn the_unit_manager_reviews_a_month_read_by_read_and_signs_it() {
    let app = app_with_a_night_read();

    let worker = app.login("anna").await;
    assert_eq!(app.get("/audit/reviews", Some(&worker)).await.status, StatusCode::FORBIDDEN);

    let chef = app.login("chef").await;
    let list = app.get("/audit/reviews", Some(&chef)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("value=\"2026-11\""), "last month is offered: {}", list.body);
    let bad = app
        .post_form(
            "/audit/reviews",
            Some(&chef),
            &[("csrf_token", &chef.csrf), ("municipality", "0117"), ("month", "november")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Ange månaden som ÅÅÅÅ-MM"), "{}", bad.body);
    let started = app
        .post_form(
            "/audit/reviews",
            Some(&chef),
            &[("csrf_token", &chef.csrf), ("municipality", "0117"), ("month", "2026-11")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let review = started.location().to_owned();
    let page = app.get(&review, Some(&chef)).await;
    assert!(page.body.contains("Logguppföljning 2026-11, 0117 Österåker"), "{}", page.body);
    assert!(page.body.contains("2026-11-07 23:30") && page.body.contains("Utanför kontorstid"), "{}", page.body);
    let item = page.body.split("id=\"item-").nth(1).unwrap().split('"').next().unwrap().to_owned();

    let early = app
        .post_form(&format!("{review}/sign"), Some(&chef), &[("csrf_token", &chef.csrf), ("summary", "Klart.")])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("1 läsningar är inte granskade än"), "{}", early.body);

    let mark = format!("{review}/items/{item}?visa=ogranskade");
    let empty = app.post_form(&mark, Some(&chef), &[("csrf_token", &chef.csrf), ("comment", " ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Skriv vad granskningen visade"), "{}", empty.body);
    let marked = app
        .post_form(&mark, Some(&chef), &[("csrf_token", &chef.csrf), ("comment", "Jourärende, bekräftat av Anna.")])
        .await;
    assert_eq!(marked.location(), format!("{review}?visa=ogranskade"));
    assert!(app.get(marked.location(), Some(&chef)).await.body.contains("Alla läsningar är granskade."));

    let signed = app
        .post_form(
            &format!("{review}/sign"),
            Some(&chef),
            &[("csrf_token", &chef.csrf), ("summary", "En läsning, i tjänsten.")],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let kept = app.get(signed.location(), Some(&chef)).await;
    assert!(kept.body.contains("Signerad 2026-12-06") && kept.body.contains("Testperson chef"), "{}", kept.body);
    assert!(kept.body.contains("Jourärende, bekräftat av Anna.") && !kept.body.contains("name=\"comment\""));
    let list = app.get("/audit/reviews", Some(&chef)).await;
    assert!(list.body.contains("Signerad 2026-12-06"), "{}", list.body);
}

#[tokio::test]
async fn a_review_refuses_what_is_not_its_own_and_keeps_nothing_of_bad_input() {
    let app = app_with_a_night_read();
    let chef = app.login("chef").await;
    let start = |municipality: &'static str, month: &'static str| {
        let chef = &chef;
        let app = &app;
        async move {
            app.post_form(
                "/audit/reviews",
                Some(chef),
                &[("csrf_token", &chef.csrf), ("municipality", municipality), ("month", month)],
            )
            .await
        }
    };
    // Another municipality's month, a month not yet ended, a form without its token.
    assert_eq!(start("0180", "2026-11").await.status, StatusCode::NOT_FOUND);
    let december = start("0117", "2026-12").await;
    assert_eq!(december.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(december.body.contains("role=\"alert\""), "{}", december.body);
    let forged = app.post_form("/audit/reviews", Some(&chef), &[("municipality", "0117"), ("month", "2026-11")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let review = start("0117", "2026-11").await.location().to_owned();
    let page = app.get(&review, Some(&chef)).await;
    let item = page.body.split("id=\"item-").nth(1).unwrap().split('"').next().unwrap().to_owned();
    // A comment too long is refused and nothing is marked; an item of no review is not found.
    let long = "x".repeat(1001);
    let refused = app
        .post_form(&format!("{review}/items/{item}"), Some(&chef), &[("csrf_token", &chef.csrf), ("comment", &long)])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.get(&review, Some(&chef)).await.body.contains("Ogranskade läsningar: 1"));
    let stray = app
        .post_form(&format!("{review}/items/999999"), Some(&chef), &[("csrf_token", &chef.csrf), ("comment", "Ok.")])
        .await;
    assert_eq!(stray.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/audit/reviews/999999", Some(&chef)).await.status, StatusCode::NOT_FOUND);
    let bad_page = app.get(&format!("{review}?page=abc"), Some(&chef)).await;
    assert!(bad_page.status.is_client_error(), "{}", bad_page.status);
}
