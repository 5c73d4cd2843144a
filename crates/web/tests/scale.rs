//! A municipality with more persons than a query may bind variables (SQLite's limit is 32 766):
//! its lists, start page, report and API must answer as for a small one.

use axum::http::StatusCode;
use etablera_domain::access::Role;

use crate::support::TestApp;

/// A plainly synthetic caseload in the reception exchange format: households `part` of
/// `households` households of three (two adults in SFI, a child), received over three years
/// before 2026-11-01; every eighth household has left; the last 25 still wait for their first
/// contact and live in temporary homes whose contracts end within 75 days of today.
fn synthetic_caseload(part: std::ops::Range<usize>, households: usize) -> String {
    use chrono::{Duration, NaiveDate};
    let start = NaiveDate::from_ymd_opt(2023, 11, 1).unwrap();
    let list: Vec<serde_json::Value> = part
        .map(|n| {
            let reception = start + Duration::days((n * 1095 / households) as i64);
            let placement = reception - Duration::days(14);
            let left = (n % 8 == 0).then(|| (reception + Duration::days(200)).to_string());
            let person = |i: usize, born: &str, adult: bool| {
                let sfi = (reception + Duration::days(10)).to_string();
                serde_json::json!({
                    "ref": format!("S{n}P{i}"),
                    "given_name": "Syntet",
                    "family_name": format!("Testsson {n}"),
                    "birth_date": born,
                    "personal_number": null,
                    "dossier_number": null,
                    "category": if n % 3 == 0 { "resettled" } else { "newly_arrived" },
                    "reception_date": reception.to_string(),
                    "exit_date": left,
                    "exit_reason": left.as_ref().map(|_| "moved"),
                    "activities": if adult {
                        serde_json::json!([{ "type": "sfi", "start": sfi, "end": null, "hours_per_week": 15 }])
                    } else {
                        serde_json::json!([])
                    },
                    "declined": [],
                })
            };
            serde_json::json!({
                "ref": format!("S{n}"),
                "placement_date": placement.to_string(),
                "first_contact_at": (n + 25 < households)
                    .then(|| format!("{}T09:00:00+01:00", placement + Duration::days(1))),
                "housing": (n + 25 >= households).then(|| {
                    let end = chrono::Local::now().date_naive() + Duration::days(1 + 3 * (n + 25 - households) as i64);
                    serde_json::json!({
                        "address": format!("Syntetvägen {n}"),
                        "start": placement.to_string(),
                        "end": end.to_string(),
                        "damages": [],
                    })
                }),
                "persons": [person(1, "1985-03-01", true), person(2, "1987-06-15", true), person(3, "2015-09-30", false)],
            })
        })
        .collect();
    serde_json::json!({ "format": "etablera-reception/1", "municipality_code": "0117", "households": list }).to_string()
}

#[tokio::test]
async fn a_municipality_of_forty_thousand_persons_is_listed_counted_and_served() {
    let app = TestApp::new();
    // 13 334 households of three: 40 002 persons in Österåker, in one file.
    const HOUSEHOLDS: usize = 13_334;
    app.import(&synthetic_caseload(0..HOUSEHOLDS, HOUSEHOLDS));
    app.add_user("chef", &[Role::UnitManager]);
    let boss = app.login("chef").await;

    let start = app.get("/", Some(&boss)).await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    // The start page shows the longest waiting first contacts and links to all of them.
    assert!(start.body.contains("Visar 10 av 25."), "{}", start.body);
    assert!(start.body.contains("S13309"), "the earliest received of those waiting");
    assert!(!start.body.contains("S13333"), "the latest is on the list, not the start page");
    assert!(start.body.contains(r#"href="/reception?show=uncontacted&amp;sort=placement&amp;dir=asc""#));
    let waiting = app.get("/reception?show=uncontacted&sort=placement&dir=asc", Some(&boss)).await;
    assert!(waiting.body.contains("1–25 av 25"), "{}", waiting.body);
    let contracts = app.get("/reception/contracts?page=2&per_page=10", Some(&boss)).await;
    assert!(contracts.body.contains("11–20 av 25"), "{}", contracts.body);
    assert!(start.body.contains(r#"href="/reception/contracts""#));
    let unknown = app.get("/reception?show=kanske", Some(&boss)).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Filtret känner inte till värdet ”kanske”."));
    let list = app.get("/reception", Some(&boss)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("S13333"), "the newest household is listed");
    assert!(list.body.contains("1–50 av "), "the first page of 50, with the count: {}", list.body);
    let last = app.get("/reception?show=all&sort=placement&dir=desc&page=267", Some(&boss)).await;
    assert!(last.body.contains("13301–13334 av 13334"), "the last page");
    let found = app.get("/reception?show=all&q=S1234", Some(&boss)).await;
    assert!(found.body.contains("1–11 av 11"), "S1234 and S12340–S12349");

    let report = app.get("/reports/monthly?municipality=0117&month=2026-10", Some(&boss)).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);

    let token = app.api_token(&app.add_user("api", &[Role::UnitManager]));
    let households = app.get_with_token("/api/v1/reception/households?show=all&per_page=500&page=27", &token).await;
    assert_eq!(households.status, StatusCode::OK, "{}", households.body);
    assert_eq!(households.headers["x-total-count"], HOUSEHOLDS.to_string());
    assert_eq!(households.json().as_array().unwrap().len(), HOUSEHOLDS - 26 * 500, "the last page's");
}

#[tokio::test]
async fn when_every_connection_is_busy_the_answer_is_503_with_retry_after_and_then_it_recovers() {
    let pool = etablera_store::PoolSettings { size: 1, wait: std::time::Duration::from_millis(200) };
    let db = etablera_store::testing::TestDatabase::new().with_pool(pool);
    let app = TestApp::with_database(db, etablera_web::WebConfig::default());
    let user = app.add_user("chef", &[Role::UnitManager]);
    let token = app.api_token(&user);
    let boss = app.login("chef").await;

    // Someone holds the only connection for a while: long enough for the two requests below to
    // wait out the pool's 200 ms each even on a slow machine.
    let (taken, held) = std::sync::mpsc::channel();
    let store = app.db.store.clone();
    let holder = std::thread::spawn(move || {
        store.with_conn(|_| {
            taken.send(()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(3000));
            Ok(())
        })
    });
    held.recv().unwrap();
    let api = app.get_with_token("/api/v1/me", &token).await;
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE, "{}", api.body);
    assert_eq!(api.headers["retry-after"], "1");
    assert_eq!(api.json()["error"]["code"], "unavailable");
    let page = app.get("/", Some(&boss)).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.headers["retry-after"], "1");
    assert!(page.body.contains("Etablera är upptaget just nu"), "{}", page.body);
    holder.join().unwrap().unwrap();

    // Free again: the same requests are answered, without a restart.
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status, StatusCode::OK);
    assert_eq!(app.get("/", Some(&boss)).await.status, StatusCode::OK);
}
