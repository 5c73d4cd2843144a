//! The monthly report through the router: the unit manager's month with the follow-up and the
//! trend, signing and a later version with its changes, the committee's public version with
//! small counts hidden, the files, and who may do what.

use axum::http::StatusCode;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_domain::reception::plan::ActivityInput;
use etablera_store::access::Scope;
use etablera_store::reception::plans;
use etablera_store::schema::{access_log, persons};

use crate::support::{Browser, TestApp};

const CASELOAD: &str = include_str!("../../../data/examples/monthly-report-caseload.json");

fn with_caseload() -> TestApp {
    let app = TestApp::new();
    app.import(CASELOAD);
    app
}

/// The text of the cell after a row's heading, by the row's id.
fn count_in(html: &str, row_id: &str) -> String {
    let row = html.split(&format!("id=\"{row_id}\"")).nth(1).unwrap_or_else(|| panic!("{row_id} in the page"));
    let cell = row.split("<td class=\"num\">").nth(1).unwrap();
    cell.split("</td>").next().unwrap().trim().to_owned()
}

/// The public table's count beside a figure's name.
fn shown_count(html: &str, name: &str) -> String {
    let row =
        html.split(&format!("<th scope=\"row\">{name}</th>")).nth(1).unwrap_or_else(|| panic!("{name} in the page"));
    row.split("<td class=\"num\">").nth(1).unwrap().split("</td>").next().unwrap().trim().to_owned()
}

/// A hidden field's value on a page.
fn hidden(html: &str, name: &str) -> String {
    let from = html.split(&format!("name=\"{name}\" value=\"")).nth(1).unwrap_or_else(|| panic!("{name} on the page"));
    from.split('"').next().unwrap().replace("&#61;", "=").replace("&#59;", ";")
}

/// Signs the month as the page offers it: with the version and the figures it shows.
async fn sign(app: &TestApp, browser: &Browser, month: &str, note: &str) -> crate::support::Answer {
    let page = app.get(&format!("/reports/monthly?municipality=0117&month={month}"), Some(browser)).await;
    let (version, figures) = if page.status == StatusCode::OK && page.body.contains("name=\"figures\"") {
        (hidden(&page.body, "version"), hidden(&page.body, "figures"))
    } else {
        ("0".to_owned(), String::new())
    };
    app.post_form(
        "/reports/monthly/sign",
        Some(browser),
        &[
            ("csrf_token", &browser.csrf),
            ("municipality", "0117"),
            ("month", month),
            ("note", note),
            ("version", &version),
            ("figures", &figures),
        ],
    )
    .await
}

#[tokio::test]
async fn the_unit_manager_signs_the_month_and_a_correction_makes_a_new_version() {
    let app = with_caseload();
    app.add_user("chef", &[Role::UnitManager]);
    let boss = app.login("chef").await;

    let month = app.get("/reports/monthly?municipality=0117&month=2024-05", Some(&boss)).await;
    assert_eq!(month.status, StatusCode::OK, "{}", month.body);
    assert!(month.body.contains("Månadsrapport: maj 2024 – Österåker"));
    assert_eq!(count_in(&month.body, "figure-target_group"), "6");
    assert_eq!(count_in(&month.body, "figure-housing_damages"), "2");
    assert_eq!(count_in(&month.body, "figure-arrivals"), "2");
    assert_eq!(count_in(&month.body, "figure-contacted_in_time"), "1");
    assert_eq!(count_in(&month.body, "figure-below_full_time"), "2");
    assert_eq!(month.body.matches("<figure class=\"chart\"").count(), 4, "four charts of the trend");
    assert!(month.body.contains("<th scope=\"row\">juni 2023</th>"), "the trend starts eleven months before");
    assert!(month.body.contains("Månaden är inte undertecknad än."));

    let signed = sign(&app, &boss, "2024-05", "Granskad").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location(), "/reports/monthly?municipality=0117&month=2024-05&signed=1");
    let again = sign(&app, &boss, "2024-05", "").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Version 1 är redan undertecknad och ingenting har ändrats sedan dess."));
    // A page opened before someone else signed is refused, its note kept.
    let stale = app
        .post_form(
            "/reports/monthly/sign",
            Some(&boss),
            &[
                ("csrf_token", &boss.csrf),
                ("municipality", "0117"),
                ("month", "2024-05"),
                ("note", "Min kommentar"),
                ("version", "0"),
                ("figures", "x"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Min kommentar</textarea>"));

    // A correction in the casework: the signed version stays; the page shows the difference.
    let p2: i32 = app
        .db
        .store
        .with_conn(|conn| Ok(persons::table.filter(persons::reference.eq("P2")).select(persons::id).first(conn)?))
        .unwrap();
    app.db
        .store
        .with_conn(|conn| {
            plans::add_activity(
                conn,
                &etablera_store::testing::cli(),
                &Scope::command_line(),
                p2,
                ActivityInput {
                    type_code: "sfi".into(),
                    start: "2024-05-02".parse().unwrap(),
                    end: None,
                    hours_per_week: Some(20),
                    extent_percent: None,
                    note: None,
                },
            )
        })
        .unwrap();
    let month = app.get("/reports/monthly?municipality=0117&month=2024-05", Some(&boss)).await;
    assert_eq!(count_in(&month.body, "figure-sfi"), "2");
    assert!(
        month.body.contains("<strong>1</strong> <span class=\"hint\">(skiljer sig)</span>"),
        "the signed count beside"
    );
    let signed_view = app.get("/reports/signed/2024-05?municipality=0117", Some(&boss)).await;
    assert_eq!(shown_count(&signed_view.body, "SFI"), "1", "version 1 is frozen");

    assert_eq!(sign(&app, &boss, "2024-05", "SFI för P2 registrerad i efterhand").await.status, StatusCode::SEE_OTHER);
    let version2 = app.get("/reports/signed/2024-05?municipality=0117", Some(&boss)).await;
    assert!(version2.body.contains("<dd>2 ("), "version 2");
    assert!(version2.body.contains("SFI: 1 → 2; Vuxna med planering under heltid: 2 → 1"), "{}", version2.body);
    assert_eq!(shown_count(&version2.body, "SFI"), "2");
    assert_eq!(shown_count(&version2.body, "Skador i tillfälliga bostäder"), "2", "exact for the unit manager");
    let version1 = app.get("/reports/signed/2024-05?municipality=0117&version=1", Some(&boss)).await;
    assert_eq!(shown_count(&version1.body, "SFI"), "1");

    let logged: i64 = app
        .db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq("monthly_report"))
                .filter(access_log::action.eq("create"))
                .count()
                .get_result(conn)?)
        })
        .unwrap();
    assert_eq!(logged, 2, "each signature is logged");
}

#[tokio::test]
async fn the_committee_reads_the_public_version_and_nothing_else() {
    let app = with_caseload();
    app.add_user("chef", &[Role::UnitManager]);
    app.add_user("namnd", &[Role::Committee]);
    let boss = app.login("chef").await;
    assert_eq!(sign(&app, &boss, "2024-05", "").await.status, StatusCode::SEE_OTHER);

    let committee = app.login("namnd").await;
    let list = app.get("/reports", Some(&committee)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("href=\"/reports/signed/2024-05?municipality=0117\">maj 2024</a>"));
    assert!(!list.body.contains("/reports/monthly"), "no link to the working page");
    let other_year = app.get("/reports?municipality=0117&year=2023", Some(&committee)).await;
    assert!(!other_year.body.contains("maj 2024") && other_year.body.contains("value=\"2023\""), "the year kept");
    assert!(app.get("/reports?year=2024", Some(&committee)).await.body.contains("maj 2024"));
    assert_eq!(app.get("/reports?year=tjugo", Some(&committee)).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let view = app.get("/reports/signed/2024-05?municipality=0117", Some(&committee)).await;
    assert_eq!(view.status, StatusCode::OK);
    assert_eq!(shown_count(&view.body, "Personer i målgruppen"), "6");
    assert_eq!(shown_count(&view.body, "SFI"), "&#60;3");
    assert_eq!(shown_count(&view.body, "Samhällsorientering"), "0");
    assert_eq!(shown_count(&view.body, "Skador i tillfälliga bostäder"), "&#60;3");
    assert!(!view.body.contains("heltid"), "no follow-up for the committee");
    assert!(!view.body.contains("Test P"), "no name");

    let csv = app.get("/reports/signed/2024-05/report.csv?municipality=0117", Some(&committee)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.body.starts_with("code,label,count\ntarget_group,Personer i målgruppen,6\nsfi,SFI,<3\n"),
        "{}",
        csv.body
    );
    let xlsx = app.get("/reports/signed/2024-05/report.xlsx?municipality=0117", Some(&committee)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(xlsx.headers["content-disposition"], "attachment; filename=\"manadsrapport-0117-2024-05-v1.xlsx\"");

    for path in ["/reports/monthly?month=2024-05", "/reception", "/reception/persons/1", "/api/v1/reception/households"]
    {
        assert_eq!(app.get(path, Some(&committee)).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let refused = sign(&app, &committee, "2024-04", "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/reports/signed/2024-04?municipality=0117", Some(&committee)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_month_not_ended_or_not_begun_is_explained() {
    let app = with_caseload();
    app.add_user("chef", &[Role::UnitManager]);
    let boss = app.login("chef").await;
    let today = etablera_store::testing::today();
    let current = today.format("%Y-%m").to_string();
    let page = app.get(&format!("/reports/monthly?month={current}"), Some(&boss)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Månaden är inte slut än. Rapporten kan undertecknas från den"));
    assert!(!page.body.contains("Underteckna månadsrapporten</button>"));
    let refused = sign(&app, &boss, &current, "").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Månaden är inte slut än"));
    assert!(refused.body.contains("href=\"#sign-month\""), "the month is named in the summary");
    let paging = etablera_store::paging::Paging::default();
    let signed = app
        .db
        .store
        .with_conn(|conn| etablera_store::reporting::monthly::signed_months(conn, "0117", None, true, paging))
        .unwrap();
    assert_eq!(signed.total, 0, "nothing signed");
    let future = app.get("/reports/monthly?month=2099-01", Some(&boss)).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.body.contains("Välj en månad som har börjat"));
}

#[tokio::test]
async fn the_server_dates_its_pages_and_signatures_by_its_clock() {
    // 09:30 UTC on 14 March 2026 is 10:30 in Stockholm.
    let at = "2026-03-14T09:30:00".parse().unwrap();
    let app =
        TestApp::with_config(etablera_web::WebConfig { clock: etablera_store::Clock::fixed(at), ..Default::default() });
    app.add_user("chef", &[Role::UnitManager]);
    let boss = app.login("chef").await;

    // The month waiting to be signed is the one before the clock's, not the system's.
    let waiting = app.get("/reports/monthly?municipality=0117", Some(&boss)).await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.body);
    assert!(waiting.body.contains("Månadsrapport: februari 2026"), "{}", waiting.body);
    // March has not ended on the clock's day, though it has by the system's.
    let march = app.get("/reports/monthly?municipality=0117&month=2026-03", Some(&boss)).await;
    assert!(march.body.contains("Månaden är inte slut än. Rapporten kan undertecknas från den 2026-04-01"));
    let april = app.get("/reports/monthly?municipality=0117&month=2026-04", Some(&boss)).await;
    assert_eq!(april.status, StatusCode::UNPROCESSABLE_ENTITY);

    let signed = sign(&app, &boss, "2026-02", "").await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let page = app.get("/reports/monthly?municipality=0117&month=2026-02", Some(&boss)).await;
    assert!(page.body.contains("Undertecknad som version 1 den 2026-03-14 10:30"), "{}", page.body);
    // Every row the server wrote in the access log (the test made the user from the command
    // line) is stamped with the clock's instant.
    let stamped: Vec<chrono::NaiveDateTime> = app
        .db
        .store
        .with_conn(|conn| {
            Ok(access_log::table.filter(access_log::request_id.is_not_null()).select(access_log::at).load(conn)?)
        })
        .unwrap();
    assert!(!stamped.is_empty());
    assert!(stamped.iter().all(|&t| t == at), "{stamped:?}");
}
