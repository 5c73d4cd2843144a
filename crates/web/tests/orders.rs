//! The committee's order through the router: registered with its duties (bad input explained and
//! kept), its obligations shown as done, due or overdue, an occurrence recorded done, the
//! staffing and the caseload per post, and the committee reading it without changing it.

use axum::http::StatusCode;
use etablera_domain::access::Role;

use crate::support::{Browser, TestApp};

fn order_fields<'a>(browser: &'a Browser, start: &'a str, end: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", browser.csrf.as_str()),
        ("municipality", "0117"),
        ("title", "Beställning av mottagnings- och integrationsarbete"),
        ("registry_number", "SN 2020/14"),
        ("decision", "Socialnämnden 2020-02-18 § 12"),
        ("org_number", "212000-2882"),
        ("start", start),
        ("end", end),
        ("notice_months", "6"),
        ("committee_contact", "Nämndsekreteraren"),
        ("committee_email", "socialnamnden@osteraker.test"),
        ("written_answer", "2020-04-01"),
        ("monthly_report", "15"),
        ("interim_summary", "09-30"),
        ("annual_summary", "01-31"),
        ("activity_plan", "11-30"),
        ("activity_report", "02-28"),
        ("grant_account", "02-28"),
    ]
}

/// Amends the order from the version its page shows.
async fn amend(app: &TestApp, boss: &Browser, from: &str, end: &str) -> crate::support::Answer {
    let page = app.get("/orders", Some(boss)).await;
    let based_on = page.body.split("name=\"based_on\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    app.post_form(
        "/orders/amend",
        Some(boss),
        &[
            ("csrf_token", boss.csrf.as_str()),
            ("based_on", &based_on),
            ("municipality", "0117"),
            ("effective_from", from),
            ("end", end),
            ("notice_months", "3"),
            ("registry_number", "SN 2026/7"),
        ],
    )
    .await
}

#[tokio::test]
async fn the_unit_manager_registers_the_order_and_follows_its_obligations() {
    let app = TestApp::new();
    app.add_user("chef", &[Role::UnitManager]);
    app.add_user("namnd", &[Role::Committee]);
    let boss = app.login("chef").await;

    let none = app.get("/orders", Some(&boss)).await;
    assert!(none.body.contains("Ingen beställning är registrerad för kommunen."));

    // Bad input: each error named, the input kept, nothing saved.
    let mut bad = order_fields(&boss, "2020-03-01", "2024-02-29");
    bad.retain(|(k, _)| *k != "interim_summary" && *k != "org_number");
    bad.push(("interim_summary", "09-31"));
    bad.push(("org_number", "212000-2883"));
    let refused = app.post_form("/orders/new", Some(&boss), &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Datumet finns inte i kalendern."), "{}", refused.body);
    assert!(refused.body.contains("value=\"Nämndsekreteraren\""), "the input is kept");
    assert!(app.get("/orders", Some(&boss)).await.body.contains("Ingen beställning"));

    // Running until further notice from two years back, so that some duties are overdue.
    let today = etablera_store::testing::today();
    let start = (today - chrono::Duration::days(730)).format("%Y-%m-01").to_string();
    let saved = app.post_form("/orders/new", Some(&boss), &order_fields(&boss, &start, "")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get("/orders", Some(&boss)).await;
    assert!(page.body.contains("SN 2020/14"));
    assert!(page.body.contains(&format!("från {start}, tills vidare")));
    assert!(page.body.contains("Nämndsekreteraren, socialnamnden@osteraker.test"));
    let overdue = page.body.matches("class=\"obligation-overdue warn\"").count();
    assert!(overdue > 20, "two years of unsigned monthly reports and the yearly duties: {overdue}");
    assert!(page.body.contains("Ingen bemanning är registrerad."));

    // The written answer, recorded done with its document.
    let obligation =
        page.body.split("name=\"obligation\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let done = app
        .post_form(
            "/orders/fulfil",
            Some(&boss),
            &[
                ("csrf_token", &boss.csrf),
                ("municipality", "0117"),
                ("obligation", &obligation),
                ("period", "start"),
                ("done_on", &today.to_string()),
                ("document", "SN 2020/22"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = app.get("/orders", Some(&boss)).await;
    assert!(page.body.contains("SN 2020/22"));
    let blank = app
        .post_form(
            "/orders/fulfil",
            Some(&boss),
            &[
                ("csrf_token", &boss.csrf),
                ("municipality", "0117"),
                ("obligation", &obligation),
                ("period", "start"),
                ("done_on", "igår"),
                ("document", ""),
            ],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("Skriv dagen det blev klart som ÅÅÅÅ-MM-DD"), "the message names the date");
    assert!(blank.body.contains("Skriv vilket dokument som visar det"), "and the document");

    let staffed = app
        .post_form(
            "/orders/staffing",
            Some(&boss),
            &[("csrf_token", &boss.csrf), ("municipality", "0117"), ("from", &start), ("posts", "2,5")],
        )
        .await;
    assert_eq!(staffed.status, StatusCode::SEE_OTHER, "{}", staffed.body);
    let page = app.get("/orders", Some(&boss)).await;
    assert!(
        page.body
            .contains(&format!("2,5 heltidstjänster från {start}. 0 personer i målgruppen i dag: 0,0 per tjänst.")),
        "{}",
        page.body
    );
    let start_page = app.get("/", Some(&boss)).await;
    assert!(start_page.body.contains("Beställningens åtaganden"));
    assert!(start_page.body.contains("Försenat"));

    // Prolonged to a fixed end with three months' notice, as a new version.
    let end = (today + chrono::Duration::days(365)).to_string();
    let amended = amend(&app, &boss, &today.to_string(), &end).await;
    assert_eq!(amended.status, StatusCode::SEE_OTHER, "{}", amended.body);
    let page = app.get("/orders", Some(&boss)).await;
    assert!(page.body.contains(&format!("{start} – {end}")), "the whole validity, from the first start");
    assert!(page.body.contains("3 månaders uppsägningstid") && page.body.contains("SN 2026/7"));
    let earlier = amend(&app, &boss, &start, &end).await;
    assert_eq!(earlier.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(earlier.body.contains("En ändring måste gälla från ett senare datum än den förra versionen."));

    // The monthly report moves to the 10th; a day that is not one is explained.
    let page = app.get("/orders", Some(&boss)).await;
    let monthly = page
        .body
        .split("action=\"/orders/duties\"")
        .nth(2)
        .and_then(|form| form.split("name=\"obligation\" value=\"").nth(1))
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .unwrap();
    let move_to = |day: &'static str| {
        [
            ("csrf_token", boss.csrf.clone()),
            ("municipality", "0117".into()),
            ("obligation", monthly.clone()),
            ("schedule", day.into()),
        ]
    };
    let refused = app
        .post_form(
            "/orders/duties",
            Some(&boss),
            &move_to("40").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Välj en dag från 1 till 31."));
    let moved = app
        .post_form(
            "/orders/duties",
            Some(&boss),
            &move_to("10").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let page = app.get("/orders", Some(&boss)).await;
    let next_month = (today + chrono::Duration::days(31)).format("%Y-%m").to_string();
    assert!(
        page.body.contains(&format!("{next_month}-10")) || page.body.contains(&format!("{}-10", today.format("%Y-%m"))),
        "due on the 10th now"
    );

    let committee = app.login("namnd").await;
    let read = app.get("/orders", Some(&committee)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("SN 2020/22") && !read.body.contains("action=\"/orders/fulfil\""), "read only");
    let refused = app
        .post_form(
            "/orders/staffing",
            Some(&committee),
            &[("csrf_token", &committee.csrf), ("municipality", "0117"), ("from", &start), ("posts", "9")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

/// An empty order form, and an empty staffing form, say every error at once, each linked from
/// the summary to its field, and save nothing.
#[tokio::test]
async fn an_empty_order_names_every_field_at_once() {
    let app = TestApp::new();
    app.add_user("chef", &[Role::UnitManager]);
    let boss = app.login("chef").await;
    let refused = app
        .post_form(
            "/orders/new",
            Some(&boss),
            &[("csrf_token", &boss.csrf), ("municipality", "0117"), ("title", ""), ("monthly_report", "40")],
        )
        .await;
    refused.names_every_field(
        "order",
        &[("title", "Ge beställningen en rubrik."), ("start", "Skriv startdatumet som ÅÅÅÅ-MM-DD"), ("org_number", "")],
    );
    assert!(refused.body.contains("value=\"40\""), "what was typed is kept");
    assert!(app.get("/orders", Some(&boss)).await.body.contains("Ingen beställning"), "nothing saved");

    let start = (etablera_store::testing::today() - chrono::Duration::days(30)).to_string();
    let saved = app.post_form("/orders/new", Some(&boss), &order_fields(&boss, &start, "")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let refused = app
        .post_form(
            "/orders/staffing",
            Some(&boss),
            &[("csrf_token", &boss.csrf), ("municipality", "0117"), ("from", "i våras"), ("posts", "två")],
        )
        .await;
    refused.names_every_field(
        "staffing",
        &[("from", "Skriv dagen det gäller från som ÅÅÅÅ-MM-DD"), ("posts", "Skriv antalet heltidstjänster")],
    );
    for posts in ["0", "1000,01"] {
        let refused = app
            .post_form(
                "/orders/staffing",
                Some(&boss),
                &[("csrf_token", &boss.csrf), ("municipality", "0117"), ("from", &start), ("posts", posts)],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{posts}");
        assert!(refused.body.contains("href=\"#staffing-posts\""), "{posts}: the posts are named");
    }
    assert!(app.get("/orders", Some(&boss)).await.body.contains("Ingen bemanning är registrerad."), "nothing saved");
}
