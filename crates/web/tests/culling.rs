use axum::http::StatusCode;
use etablera_domain::access::Role;
use etablera_web::WebConfig;
use serde_json::json;

use crate::support::TestApp;

/// An app whose clock says 6 December 2026, with one household registered in May 2019 and not
/// written to since, and one registered two years ago.
fn app_with_an_old_record() -> TestApp {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_opt(11, 0, 0).unwrap();
    let app = TestApp::with_config(WebConfig { clock: etablera_store::Clock::fixed(at), ..Default::default() });
    for (reference, on) in [("GAMMAL", "2019-05-02"), ("NY", "2024-11-04")] {
        let file = json!({
            "format": "etablera-reception/1",
            "municipality_code": "0117",
            "households": [{
                "ref": reference,
                "placement_date": on,
                "persons": [{
                    "ref": format!("{reference}-1"), "given_name": "Amina", "family_name": format!("Hassan{reference}"),
                    "birth_date": "1988-04-17", "personal_number": null, "dossier_number": null,
                    "category": "resettled", "reception_date": on
                }]
            }]
        });
        let actor = etablera_store::testing::cli_on(on.parse().unwrap());
        app.db
            .store
            .with_conn(|conn| {
                Ok(etablera_store::reception::exchange::import(conn, &actor, &file.to_string(), "Mottagningen"))
            })
            .unwrap()
            .unwrap();
    }
    app
}

#[tokio::test]
async fn the_administrator_sees_what_is_due_by_number_and_culls_it() {
    let app = app_with_an_old_record();
    let old = app.household("GAMMAL");
    app.add_user("admin", &[Role::Admin]);
    app.add_user("handlaggare", &[Role::CaseWorker]);
    app.add_user("granskare", &[Role::Auditor]);
    let admin = app.login("admin").await;

    let page = app.get("/admin/culling", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Österåker: akter att gallra 1, varav 0 som inte får gallras än."), "{}", page.body);
    assert!(page.body.contains(&format!("<td class=\"num\">{old}</td>")), "{}", page.body);
    assert!(page.body.contains("2019-05-02") && page.body.contains("2024-05-02") && page.body.contains("2025-12-31"));
    assert!(page.body.contains("Försenad"), "due in May 2024, to be culled by the end of 2025");
    assert!(!page.body.contains("Hassan"), "the list names no one");
    assert!(page.body.contains("natt kl. 02:00"));

    let case_worker = app.login("handlaggare").await;
    assert_eq!(app.get("/admin/culling", Some(&case_worker)).await.status, StatusCode::FORBIDDEN);

    // A municipality that is not the administrator's: nothing is culled.
    let elsewhere =
        app.post_form("/admin/culling", Some(&admin), &[("csrf_token", &admin.csrf), ("kommun", "0180")]).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert!(app.get("/admin/culling", Some(&admin)).await.body.contains("akter att gallra 1,"));

    let culled =
        app.post_form("/admin/culling", Some(&admin), &[("csrf_token", &admin.csrf), ("kommun", "0117")]).await;
    assert_eq!(culled.location(), "/admin/culling?kommun=0117&culled=1&persons=1");
    let after = app.get(culled.location(), Some(&admin)).await;
    assert!(after.body.contains("Gallrade hushåll: 1, personer: 1."), "{}", after.body);
    assert!(after.body.contains("Inget att gallra."));

    let auditor = app.login("granskare").await;
    let log = app.get("/audit?action=cull", Some(&auditor)).await;
    assert!(log.body.contains("Gallring"), "{}", log.body);
    let reader = app.login("handlaggare").await;
    let household = app.get(&format!("/reception/households/{old}"), Some(&reader)).await;
    assert!(!household.body.contains("HassanGAMMAL"), "the name is gone");
    assert!(household.body.contains("Akten gallrades 2026-12-06"), "{}", household.body);
    let recent = app.household("NY");
    let kept = app.get(&format!("/reception/households/{recent}"), Some(&reader)).await;
    assert!(kept.body.contains("HassanNY"), "the recent one is kept");
}
