//! Complaints and deviations through the router: registering one with bad input kept, a serious
//! one told to the committee at once (in the application and by e-mail), the committee's page of
//! it without the household, a stale change refused, the closing summaries, and who may do what.

use axum::http::StatusCode;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_store::access::users::Grants;
use etablera_store::schema::{access_log, deviations};

use crate::support::{Browser, TestApp};

const EXAMPLE: &str = include_str!("../../../data/examples/reception.json");

fn with_households(app: &TestApp) -> i32 {
    app.import(EXAMPLE);
    app.household("H1")
}

fn count(app: &TestApp) -> i64 {
    app.db.store.with_conn(|conn| Ok(deviations::table.count().get_result(conn)?)).unwrap()
}

async fn register(app: &TestApp, browser: &Browser, fields: &[(&str, &str)]) -> crate::support::Answer {
    let mut all = vec![("csrf_token", browser.csrf.as_str()), ("municipality", "0117"), ("version", "0")];
    all.extend_from_slice(fields);
    app.post_form("/quality/new", Some(browser), &all).await
}

#[tokio::test]
async fn a_serious_deviation_is_told_to_the_committee_at_once() {
    let (smtp_url, server) = crate::support::fake_smtp().await;
    let mail = etablera_web::MailConfig {
        smtp_url,
        from: "Etablera <etablera@osteraker.test>".into(),
        public_url: Some("https://etablera.osteraker.test".into()),
    };
    let app = TestApp::with_config(etablera_web::WebConfig { mail: Some(mail), ..Default::default() });
    with_households(&app);
    app.add_user("anna", &[Role::CaseWorker]);
    app.add_user("namnd", &[Role::Committee]);
    app.grant("namnd", Grants { email: Some(Some("namnd@osteraker.test".into())), ..Default::default() });
    let anna = app.login("anna").await;
    let today = etablera_store::testing::today().to_string();
    let household_text = "H1".to_owned(); // typed by its reference

    // A bad form: every error named, the input kept, nothing saved.
    let bad = register(
        &app,
        &anna,
        &[
            ("kind", "deviation"),
            ("received_on", "igår"),
            ("channel", ""),
            ("category", "housing"),
            ("severity", "serious"),
            ("household", "INTE-FINNS"),
            ("description", "Nycklarna saknades vid inflyttningen."),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Inget av dina hushåll passar INTE-FINNS."));
    assert!(bad.body.contains("value=\"INTE-FINNS\""), "the typed reference is kept");
    assert!(bad.body.contains("Skriv dagen det kom in som ÅÅÅÅ-MM-DD"), "the message names the date");
    assert!(bad.body.contains("Välj hur det kom in."));
    assert!(bad.body.contains("Skriv en sammanfattning till nämnden"), "a serious one needs it");
    assert!(bad.body.contains("Nycklarna saknades vid inflyttningen.</textarea>"), "the description is kept");
    assert_eq!(count(&app), 0);

    let saved = register(
        &app,
        &anna,
        &[
            ("kind", "deviation"),
            ("received_on", &today),
            ("channel", "internal"),
            ("household", &household_text),
            ("category", "housing"),
            ("severity", "serious"),
            ("description", "Nycklarna saknades vid inflyttningen."),
            ("committee_summary", "En bostad saknade nycklar när ett hushåll flyttade in."),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id: i32 = app.db.store.with_conn(|conn| Ok(deviations::table.select(deviations::id).first(conn)?)).unwrap();
    assert_eq!(saved.location(), format!("/quality/{id}?saved=1"));

    // The e-mail goes at once, not at the next round, and names no household or person.
    let messages = tokio::time::timeout(std::time::Duration::from_secs(10), server).await.unwrap().unwrap();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("To: namnd@osteraker.test"), "{}", messages[0]);
    assert!(messages[0].contains(&format!("https://etablera.osteraker.test/reports/serious/{id}")), "{}", messages[0]);
    assert!(!messages[0].contains("H1") && !messages[0].contains("Testsson"), "{}", messages[0]);

    // The message is marked sent once the server has taken it, just after.
    let mut case = app.get(&format!("/quality/{id}"), Some(&anna)).await;
    for _ in 0..50 {
        if case.body.contains("1 av dem även med e-post") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        case = app.get(&format!("/quality/{id}"), Some(&anna)).await;
    }
    assert!(case.body.contains(&format!("Avvikelse Ä{id}")), "{}", case.body);
    assert!(case.body.contains(": 1 av nämndens ledamöter i Etablera, 1 av dem även med e-post"), "{}", case.body);

    let committee = app.login("namnd").await;
    let start = app.get("/", Some(&committee)).await;
    assert!(start.body.contains(&format!("href=\"/reports/serious/{id}\">Ett allvarligt klagomål eller en allvarlig avvikelse har registrerats (Ä{id})")), "{}", start.body);
    let seen = app.get(&format!("/reports/serious/{id}"), Some(&committee)).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("En bostad saknade nycklar när ett hushåll flyttade in."), "the summary");
    assert!(!seen.body.contains("Nycklarna saknades"), "not the unit's description");
    assert!(
        !seen.body.contains("H1") && !seen.body.contains("/reception/households"),
        "no household for the committee"
    );
    for path in ["/quality", &format!("/quality/{id}"), "/quality/new"] {
        assert_eq!(app.get(path, Some(&committee)).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let logged: i64 = app
        .db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq("notification"))
                .filter(access_log::action.eq("create"))
                .count()
                .get_result(conn)?)
        })
        .unwrap();
    assert_eq!(logged, 1, "the notification is in the access log");
}

#[tokio::test]
async fn a_case_is_handled_and_closed_and_a_stale_page_is_refused() {
    let app = TestApp::new();
    with_households(&app);
    app.add_user("anna", &[Role::CaseWorker]);
    app.add_user("chef", &[Role::UnitManager]);
    let anna = app.login("anna").await;
    let today = etablera_store::testing::today().to_string();
    let fields = [
        ("kind", "complaint"),
        ("received_on", today.as_str()),
        ("channel", "phone"),
        ("category", "treatment"),
        ("severity", "normal"),
        ("description", "Hyresgästen upplevde bemötandet vid besöket som ovänligt."),
    ];
    assert_eq!(register(&app, &anna, &fields).await.status, StatusCode::SEE_OTHER);
    let id: i32 = app.db.store.with_conn(|conn| Ok(deviations::table.select(deviations::id).first(conn)?)).unwrap();

    let boss = app.login("chef").await;
    let mut closing: Vec<(&str, &str)> = vec![("csrf_token", &boss.csrf), ("version", "1"), ("closed_on", &today)];
    closing.extend_from_slice(&fields);
    // Closing needs the actions taken.
    let refused = app.post_form(&format!("/quality/{id}"), Some(&boss), &closing).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Skriv vad som gjorts innan ärendet avslutas."));
    closing.push(("actions", "Samtal med hyresgästen och handläggaren."));
    let closed = app.post_form(&format!("/quality/{id}"), Some(&boss), &closing).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    // The same page sent again is stale: 409, the input kept.
    let stale = app.post_form(&format!("/quality/{id}"), Some(&boss), &closing).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Samtal med hyresgästen och handläggaren.</textarea>"));

    let closed = app.get("/quality?state=closed", Some(&anna)).await;
    assert!(closed.body.contains(&format!("href=\"/quality/{id}\"")), "listed among the closed");
    assert!(closed.body.contains("1–1 av 1"));
    let open = app.get("/quality?state=open", Some(&anna)).await;
    assert!(!open.body.contains(&format!("href=\"/quality/{id}\"")), "not among the open");
    let unknown = app.get("/quality?state=kanske", Some(&anna)).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Filtret känner inte till värdet ”kanske”."));

    let year = &today[..4];
    let summary = app.get(&format!("/reports/closings?year={year}&closing=annual"), Some(&boss)).await;
    assert_eq!(summary.status, StatusCode::OK);
    assert!(summary.body.contains(&format!("Klagomål och avvikelser, helårsbokslut {year}")));
    let treatment = summary.body.split("<th scope=\"row\">Bemötande</th>").nth(1).unwrap();
    let cells: Vec<&str> = treatment
        .split("</tr>")
        .next()
        .unwrap()
        .split("<td class=\"num\">")
        .skip(1)
        .map(|c| c.split("</td>").next().unwrap())
        .collect();
    assert_eq!(cells, ["1", "0", "0", "1", "0"], "one complaint, closed");
    assert!(!summary.body.contains("ovänligt"), "no description in the summary");
    let pdf = app.get(&format!("/reports/closings/summary.pdf?year={year}&closing=annual"), Some(&boss)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));

    let set = app
        .post_form(
            "/reports/closings/interim",
            Some(&boss),
            &[("csrf_token", &boss.csrf), ("municipality", "0117"), ("year", year), ("last_month", "6")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let interim = app.get(&format!("/reports/closings?year={year}"), Some(&boss)).await;
    assert!(interim.body.contains(&format!("Perioden är januari {year} – juni {year}.")), "{}", interim.body);
    let december = app
        .post_form(
            "/reports/closings/interim",
            Some(&boss),
            &[("csrf_token", &boss.csrf), ("municipality", "0117"), ("year", year), ("last_month", "12")],
        )
        .await;
    assert_eq!(december.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(december.body.contains("href=\"#interim-last_month\""), "the month is named");
    assert!(december.body.contains("Välj en månad från januari till november."));
    let interim = app.get(&format!("/reports/closings?year={year}"), Some(&boss)).await;
    assert!(interim.body.contains(&format!("Perioden är januari {year} – juni {year}.")), "nothing changed");
}

#[tokio::test]
async fn a_case_about_another_units_household_is_not_shown() {
    let app = TestApp::new();
    let household = with_households(&app);
    app.add_user("anna", &[Role::CaseWorker]);
    let anna = app.login("anna").await;
    let today = etablera_store::testing::today().to_string();
    let household_text = "H1".to_owned(); // typed by its reference
    let fields = [
        ("kind", "complaint"),
        ("received_on", today.as_str()),
        ("channel", "phone"),
        ("household", household_text.as_str()),
        ("category", "housing"),
        ("severity", "normal"),
        ("description", "Grannar klagar på ljud."),
    ];
    assert_eq!(register(&app, &anna, &fields).await.status, StatusCode::SEE_OTHER);
    let id: i32 = app.db.store.with_conn(|conn| Ok(deviations::table.select(deviations::id).first(conn)?)).unwrap();

    // A case worker of another unit in the same municipality.
    app.add_user("bertil", &[Role::CaseWorker]);
    app.grant("bertil", Grants { unit: Some(Some("Etableringsenheten".into())), ..Default::default() });
    let bertil = app.login("bertil").await;
    assert!(!app.get("/quality", Some(&bertil)).await.body.contains(&format!("/quality/{id}\"")));
    assert_eq!(app.get(&format!("/quality/{id}"), Some(&bertil)).await.status, StatusCode::NOT_FOUND);
    let mut change: Vec<(&str, &str)> = vec![("csrf_token", &bertil.csrf), ("version", "1"), ("household", "")];
    change.extend(fields.iter().filter(|(k, _)| *k != "household"));
    let refused = app.post_form(&format!("/quality/{id}"), Some(&bertil), &change).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "not changed, and the link not lost");
    let mut typed: Vec<(&str, &str)> = vec![("household", "H1")];
    typed.extend(fields.iter().filter(|(k, _)| *k != "household"));
    let unknown = register(&app, &bertil, &typed).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Inget av dina hushåll passar H1."), "another unit's household is not said to exist");
    let linked: Option<i32> =
        app.db.store.with_conn(|conn| Ok(deviations::table.select(deviations::household_id).first(conn)?)).unwrap();
    assert_eq!(linked, Some(household));
}

/// An empty complaint says every error at once, each linked from the summary to its field, and
/// saves nothing.
#[tokio::test]
async fn an_empty_case_names_every_field_at_once() {
    let app = TestApp::new();
    app.add_user("anna", &[Role::CaseWorker]);
    let anna = app.login("anna").await;
    let answer = register(&app, &anna, &[("household", ""), ("received_on", "i förrgår")]).await;
    answer.names_every_field(
        "deviation",
        &[
            ("kind", "Välj om det är ett klagomål eller en avvikelse."),
            ("received_on", "som ÅÅÅÅ-MM-DD"),
            ("channel", "Välj hur det kom in."),
            ("description", "Skriv vad det gäller."),
            ("category", "Välj ett område."),
        ],
    );
    assert!(answer.body.contains("value=\"i förrgår\""), "what was typed is kept");
    assert_eq!(count(&app), 0, "nothing saved");
}

/// The household a case concerns is found as the case list finds it: by a personnummer as well
/// as by its reference; several that match are named, and nothing is saved.
#[tokio::test]
async fn a_cases_household_is_found_by_a_personnummer_and_several_matches_are_named() {
    let app = TestApp::new();
    let household = with_households(&app);
    app.add_user("anna", &[Role::CaseWorker]);
    let anna = app.login("anna").await;
    let today = etablera_store::testing::today().to_string();
    let case = |household: &'static str| {
        vec![
            ("kind", "complaint"),
            ("received_on", today.as_str()),
            ("channel", "letter"),
            ("household", household),
            ("category", "housing"),
            ("severity", "normal"),
            ("description", "Klagomål på bostaden."),
        ]
    };
    let several = register(&app, &anna, &case("H")).await;
    several.names_every_field("deviation", &[("household", "2 hushåll passar: ")]);
    assert!(
        several.body.contains("H2 (Exempel Provsson)") && several.body.contains("H1 (Test Testsson, Prov Testsson)")
    );
    assert_eq!(count(&app), 0);

    let saved = register(&app, &anna, &case("900101-2385")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let linked: Option<i32> =
        app.db.store.with_conn(|conn| Ok(deviations::table.select(deviations::household_id).first(conn)?)).unwrap();
    assert_eq!(linked, Some(household));
}
