use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use etablera_domain::access::Role;

use crate::support::{Answer, Browser, ORIGIN, TestApp, csrf_in};

const SEED_2016: &str = "code,name,population\n0560,Boxholm,5356\n0562,Finspång,21296\n0513,Kinda,9840\n0580,Linköping,153563\n0586,Mjölby,26639\n0583,Motala,43077\n0581,Norrköping,137985\n0582,Söderköping,14333\n0584,Vadstena,7385\n0563,Valdemarsvik,7749\n0512,Ydre,3665\n0561,Åtvidaberg,11584\n0509,Ödeshög,5272\n";

async fn coordinator(app: &TestApp) -> Browser {
    let user = app.add_user("samordnare", &[Role::RegionalCoordinator]);
    app.db
        .store
        .with_conn(|conn| {
            etablera_store::access::users::change_grants(
                conn,
                &etablera_store::access::Actor::default(),
                &user.username,
                &etablera_store::access::users::Grants {
                    add_municipalities: vec!["0586".parse().unwrap()],
                    remove_municipalities: vec!["0117".parse().unwrap()],
                    ..Default::default()
                },
            )
        })
        .unwrap();
    app.login("samordnare").await
}

async fn upload(app: &TestApp, browser: &Browser, format: &str, year: &str, file_name: &str, content: &[u8]) -> Answer {
    let boundary = "etablera-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("csrf_token", browser.csrf.as_str()), ("format", format), ("year", year)] {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
    body.extend(content);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = TestApp::request(Method::POST, "/cofinancing/population", Some(browser))
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn the_coordinator_imports_a_population_table_and_bad_lines_import_nothing() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let bad = upload(&app, &browser, "csv", "2016", "fel.csv", b"code,name,population\n0586,Mj\xc3\xb6lby,26639\n9999,Ok\xc3\xa4nd,5\n0509,\xc3\x96desh\xc3\xb6g,-3\n").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Rad 3: det finns ingen kommun med koden 9999"), "{}", bad.body);
    assert!(bad.body.contains("Rad 4: folkmängden -3 är negativ"));
    assert!(bad.body.contains("inget har sparats"));
    assert!(app.get("/cofinancing/population", Some(&browser)).await.body.contains("Ingen folkmängd är inläst ännu."));

    let good = upload(&app, &browser, "csv", "2016", "ostergotland.csv", SEED_2016.as_bytes()).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let page = app.get(good.location(), Some(&browser)).await;
    assert!(page.body.contains("13 kommuners folkmängd för 2016 är inläst."));
    assert!(page.body.contains("447\u{a0}744"), "the total is shown");
    assert!(page.body.contains("ostergotland.csv"), "the import is in the history");
}

#[tokio::test]
async fn an_scb_file_in_iso_8859_1_is_read_with_its_year() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let latin1: Vec<u8> = "\"region\",\"2017\"\n\"05 Östergötlands län\",450318\n\"0586 Mjölby\",27019\n\"0509 Ödeshög\",5343\n"
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let answer = upload(&app, &browser, "scb-csv", "", "BE0101.csv", &latin1).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert!(answer.location().contains("year=2017"));
    let page = app.get(answer.location(), Some(&browser)).await;
    assert!(page.body.contains("Ödeshög"));
}

#[tokio::test]
async fn apportionment_is_exact_and_each_amount_is_explained() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    upload(&app, &browser, "csv", "2016", "seed.csv", SEED_2016.as_bytes()).await;
    let page = app.get("/cofinancing/apportion?year=2016&total_kr=701+520&unit=kr", Some(&browser)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("41\u{a0}738\u{a0}kr"), "Mjölby's amount");
    assert!(page.body.contains("Folkmängd 26\u{a0}639 av 447\u{a0}744 = 5,9496 %"));
    assert!(page.body.contains("41\u{a0}737,6699 kr"));
    assert!(page.body.contains("Avrundat uppåt till 41\u{a0}738\u{a0}kr (+0,3300 kr)"));
    assert!(page.body.contains("701\u{a0}520\u{a0}kr</td>"), "the sum is exactly the total");

    let api = app.get("/api/v1/cofinancing/apportionment?year=2016&total_ore=70152000", Some(&browser)).await.json();
    assert_eq!(api["sum_ore"], 70_152_000);
    let mjolby = api["rows"].as_array().unwrap().iter().find(|r| r["code"] == "0586").unwrap().clone();
    assert_eq!(mjolby["amount_ore"], 4_173_800);
    assert_eq!(mjolby["rounded_up"], true);

    let bad = app.get("/cofinancing/apportion?year=2016&total_kr=sjuhundratusen", Some(&browser)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Skriv beloppet i kronor"));
    let missing = app.get("/api/v1/cofinancing/apportionment?year=2030&total_ore=100", Some(&browser)).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.json()["error"]["field"], "year");
}

#[tokio::test]
async fn the_cost_calculator_shows_the_arithmetic() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let page = app.get("/cofinancing/cost?monthly_salary_kr=39500&on_cost_percent=48&overhead_kr=0&months=18", Some(&browser)).await;
    assert!(page.body.contains("Kostnad: 1\u{a0}052\u{a0}280\u{a0}kr"), "{}", page.body);
    assert!(page.body.contains("/cofinancing/apportion?total_kr=1052280"));
    let bad = app.get("/cofinancing/cost?monthly_salary_kr=39500&on_cost_percent=fyrtio&overhead_kr=0&months=0", Some(&browser)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Antalet månader ska vara"));
    assert!(bad.body.contains("Skriv procentsatsen"));
    let api = app.get("/api/v1/cofinancing/cost?monthly_salary_ore=3950000&on_cost_percent=48&months=6", Some(&browser)).await.json();
    assert_eq!(api["total_ore"], 35_076_000);
}

#[tokio::test]
async fn checking_the_2018_table_flags_its_rows() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let form = app.get("/cofinancing/check", Some(&browser)).await;
    let csrf = csrf_in(&form.body);
    let table = "code,name,population,stated_kr\n0560,Boxholm,5453,9244\n0562,Finspång,21577,36597\n0513,Kinda,9882,16732\n0580,Linköping,158520,268938\n0586,Mjölby,27019,45841\n0583,Motala,43549,73881\n0581,Norrköping,133749,226916\n0582,Söderköping,14521,24601\n0584,Vadstena,7421,12606\n0563,Valdemarsvik,7920,13446\n0512,Ydre,3733,6341\n0561,Åtvidaberg,11631,19711\n0509,Ödeshög,5343,9091\n";
    let answer = app.post_form("/cofinancing/check", Some(&browser), &[("csrf_token", &csrf), ("total_kr", "763945"), ("table", table)]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.contains("vilket stämmer med totalen 763\u{a0}945\u{a0}kr"));
    assert!(answer.body.contains("13 av 13 rader avviker"));
    assert!(answer.body.contains("45\u{a0}837\u{a0}kr"), "Mjölby's exact amount");

    let json = serde_json::json!({ "total_ore": 76394500, "rows": [
        { "code": "0586", "population": 27019, "stated_ore": 4584100 },
        { "code": "0509", "population": 5343, "stated_ore": 909100 } ] });
    let request = TestApp::request(Method::POST, "/api/v1/cofinancing/table-check", Some(&browser))
        .header(header::ORIGIN, ORIGIN)
        .header("x-csrf-token", &browser.csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json.to_string()))
        .unwrap();
    let api = app.send(request).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    assert_eq!(api.json()["sum_matches_total"], false);

    let broken = TestApp::request(Method::POST, "/api/v1/cofinancing/table-check", Some(&browser))
        .header(header::ORIGIN, ORIGIN)
        .header("x-csrf-token", &browser.csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"total_ore\": 1"))
        .unwrap();
    let answer = app.send(broken).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.json()["error"]["code"], "invalid");
}
