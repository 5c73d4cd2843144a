use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use etablera_domain::access::Role;
use etablera_domain::ids::AgreementId;

use crate::support::{Answer, Browser, ORIGIN, TestApp, csrf_in};

const SEED_2016: &str = "code,name,population\n0560,Boxholm,5356\n0562,Finspång,21296\n0513,Kinda,9840\n0580,Linköping,153563\n0586,Mjölby,26639\n0583,Motala,43077\n0581,Norrköping,137985\n0582,Söderköping,14333\n0584,Vadstena,7385\n0563,Valdemarsvik,7749\n0512,Ydre,3665\n0561,Åtvidaberg,11584\n0509,Ödeshög,5272\n";

/// A user of the role who works with Mjölby (0586) only, signed in.
async fn signed_in_for_mjolby(app: &TestApp, username: &str, role: Role) -> Browser {
    let user = app.add_user(username, &[role]);
    app.grant(
        &user.username,
        etablera_store::access::users::Grants {
            add_municipalities: vec!["0586".parse().unwrap()],
            remove_municipalities: vec!["0117".parse().unwrap()],
            ..Default::default()
        },
    );
    app.login(username).await
}

/// The regional coordinator of Östergötland (the county of Mjölby).
async fn coordinator(app: &TestApp) -> Browser {
    signed_in_for_mjolby(app, "samordnare", Role::RegionalCoordinator).await
}

async fn upload(app: &TestApp, browser: &Browser, format: &str, year: &str, file_name: &str, content: &[u8]) -> Answer {
    let fields = [("format", format), ("year", year)];
    app.post_file("/cofinancing/population", browser, &fields, ("file", file_name, content)).await
}

#[tokio::test]
async fn the_coordinator_imports_a_population_table_and_bad_lines_import_nothing() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let bad = upload(
        &app,
        &browser,
        "csv",
        "2016",
        "fel.csv",
        b"code,name,population\n0586,Mj\xc3\xb6lby,26639\n9999,Ok\xc3\xa4nd,5\n0509,\xc3\x96desh\xc3\xb6g,-3\n",
    )
    .await;
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
    let latin1: Vec<u8> =
        "\"region\",\"2017\"\n\"05 Östergötlands län\",450318\n\"0586 Mjölby\",27019\n\"0509 Ödeshög\",5343\n"
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
    let page = app
        .get("/cofinancing/cost?monthly_salary_kr=39500&on_cost_percent=48&overhead_kr=0&months=18", Some(&browser))
        .await;
    assert!(page.body.contains("Kostnad: 1\u{a0}052\u{a0}280\u{a0}kr"), "{}", page.body);
    assert!(page.body.contains("/cofinancing/apportion?total_kr=1052280"));
    let bad = app
        .get("/cofinancing/cost?monthly_salary_kr=39500&on_cost_percent=fyrtio&overhead_kr=0&months=0", Some(&browser))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Antalet månader ska vara"));
    assert!(bad.body.contains("Skriv procentsatsen"));
    let api = app
        .get("/api/v1/cofinancing/cost?monthly_salary_ore=3950000&on_cost_percent=48&months=6", Some(&browser))
        .await
        .json();
    assert_eq!(api["total_ore"], 35_076_000);
}

#[tokio::test]
async fn checking_the_2018_table_flags_its_rows() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let form = app.get("/cofinancing/check", Some(&browser)).await;
    let csrf = csrf_in(&form.body);
    let table = "code,name,population,stated_kr\n0560,Boxholm,5453,9244\n0562,Finspång,21577,36597\n0513,Kinda,9882,16732\n0580,Linköping,158520,268938\n0586,Mjölby,27019,45841\n0583,Motala,43549,73881\n0581,Norrköping,133749,226916\n0582,Söderköping,14521,24601\n0584,Vadstena,7421,12606\n0563,Valdemarsvik,7920,13446\n0512,Ydre,3733,6341\n0561,Åtvidaberg,11631,19711\n0509,Ödeshög,5343,9091\n";
    let answer = app
        .post_form(
            "/cofinancing/check",
            Some(&browser),
            &[("csrf_token", &csrf), ("total_kr", "763945"), ("table", table)],
        )
        .await;
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

fn seed_ostergotland(app: &TestApp) -> etablera_store::cofinancing::seed::Seeded {
    use etablera_domain::cofinancing::population::parse_population_csv;
    use etablera_store::cofinancing::population::{self, Source};
    let actor = etablera_store::testing::cli();
    let figures = parse_population_csv(SEED_2016).unwrap();
    app.db
        .store
        .with_conn(|conn| {
            population::import(conn, &actor, 2015, Source::Seed, None, &figures)?;
            population::import(conn, &actor, 2023, Source::Seed, None, &figures)?;
            etablera_store::cofinancing::seed::ostergotland(conn, &actor)
        })
        .unwrap()
}

/// Makes the 2024 invoices and marks them sent and paid.
fn invoice_2024_paid(app: &TestApp, seeded: &etablera_store::cofinancing::seed::Seeded) {
    app.db
        .store
        .with_conn(|conn| {
            etablera_store::cofinancing::invoices::generate(
                conn,
                &etablera_store::testing::cli(),
                seeded.post_id,
                etablera_domain::time::Year::new(2024).unwrap(),
            )?;
            etablera_store::cofinancing::seed::settle(
                conn,
                seeded.post_id,
                &[etablera_domain::time::Year::new(2024).unwrap()],
            )
        })
        .unwrap();
}

#[tokio::test]
async fn the_year_s_invoices_are_made_explained_and_exported() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    seed_ostergotland(&app);
    let page = app.get("/cofinancing/invoices?year=2024", Some(&browser)).await;
    assert!(page.body.contains("Inga fakturor för året."));
    let made = app
        .post_form("/cofinancing/invoices", Some(&browser), &[("csrf_token", &browser.csrf), ("year", "2024")])
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let list = app.get(made.location(), Some(&browser)).await;
    assert!(list.body.contains("13 nya fakturor för 2024."));
    assert!(list.body.contains("2024-0586-1"));
    // The 2018 terms invoice the stated 763 945 kr; the 2015 figures stand in for 2023's here.
    assert!(list.body.contains("763\u{a0}945\u{a0}kr</td>"), "the total is the year's cost");
    let paged = app.get("/cofinancing/invoices?year=2024&per_page=5&sort=municipality&dir=desc", Some(&browser)).await;
    assert!(paged.body.contains("1–5 av 13"), "{}", paged.body);
    assert!(paged.body.contains("763\u{a0}945\u{a0}kr</td>"), "the total is every page's, not the page's");
    let next = paged.body.split("rel=\"next\"").next().unwrap().rsplit("href=\"").next().unwrap().to_owned();
    assert!(
        next.contains("sort=municipality&#38;dir=desc&#38;page=2&#38;per_page=5"),
        "the next page keeps the order: {next}"
    );
    let sent = app.get("/cofinancing/invoices?year=2024&status=sent", Some(&browser)).await;
    assert!(sent.body.contains("Inga fakturor för året."), "none sent yet");
    let again = app
        .post_form("/cofinancing/invoices", Some(&browser), &[("csrf_token", &browser.csrf), ("year", "2024")])
        .await;
    assert!(app.get(again.location(), Some(&browser)).await.body.contains("0 nya fakturor"));
    let refused = app
        .post_form("/cofinancing/invoices", Some(&browser), &[("csrf_token", &browser.csrf), ("year", "2030")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("ingen folkmängd för 2029"));

    // Mjölby's invoice: the link just before its number.
    let before = &list.body[..list.body.find("\">2024-0586-1</a>").unwrap()];
    let id = before.rsplit("/cofinancing/invoices/").next().unwrap().to_owned();
    let invoice = app.get(&format!("/cofinancing/invoices/{id}"), Some(&browser)).await;
    assert!(invoice.body.contains("Delas av 13 kommuner efter folkmängd 2023"), "{}", invoice.body);

    let ubl = app.get(&format!("/cofinancing/invoices/{id}/ubl.xml"), Some(&browser)).await;
    assert_eq!(ubl.headers["content-type"], "application/xml; charset=utf-8");
    assert!(ubl.body.contains("<cbc:EndpointID schemeID=\"0007\">2021002270</cbc:EndpointID>"));
    crate::support::assert_valid_einvoice(&ubl.body);

    let pdf = app.get(&format!("/cofinancing/invoices/{id}/invoice.pdf"), Some(&browser)).await;
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));

    let xlsx = app.get("/cofinancing/invoices/export.xlsx?year=2024", Some(&browser)).await;
    assert_eq!(xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

    // Draft → sent → paid, and a stale form is refused.
    let form_version = |body: &str, id: &str| -> String {
        let at = body.find(&format!("/cofinancing/invoices/{id}/status")).unwrap();
        body[at..].split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
    };
    let version = form_version(&list.body, &id);
    let sent = app
        .post_form(
            &format!("/cofinancing/invoices/{id}/status"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("to", "sent"), ("on", "2024-12-10"), ("version", &version)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let stale = app
        .post_form(
            &format!("/cofinancing/invoices/{id}/status"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("to", "paid"), ("on", "2025-01-09"), ("version", &version)],
        )
        .await;
    // The list comes back as it now stands (the row says sent, and offers "paid"), with the
    // refusal beside the row, linked from the summary, and the date typed kept.
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("Någon annan har ändrat uppgifterna"), "{}", stale.body);
    assert!(stale.body.contains(&format!("href=\"#status-{id}-form\"")), "{}", stale.body);
    assert!(stale.body.contains(&format!("id=\"status-{id}-form\"")), "{}", stale.body);
    assert!(stale.body.contains("value=\"2025-01-09\""), "the date typed is kept: {}", stale.body);
    // The row offers the next step from where it now stands, with the version it now has.
    assert_ne!(form_version(&stale.body, &id), version);
    let row = &stale.body[stale.body.find(&format!("/cofinancing/invoices/{id}/status")).unwrap()..];
    assert!(row.split("</form>").next().unwrap().contains("name=\"to\" value=\"paid\""), "{row}");
    let invoice = app
        .db
        .store
        .with_conn(|conn| {
            etablera_store::cofinancing::invoices::get(conn, etablera_domain::ids::InvoiceId::new(id.parse().unwrap()))
        })
        .unwrap();
    assert_eq!(invoice.status, etablera_domain::cofinancing::invoices::InvoiceStatus::Sent, "nothing saved");
}

#[tokio::test]
async fn a_withdrawal_is_previewed_with_its_scenario_then_recorded() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let seeded = seed_ostergotland(&app);
    invoice_2024_paid(&app, &seeded);
    let id = seeded.agreement("0586");
    let page = app.get(&format!("/cofinancing/agreements/{id}"), Some(&browser)).await;
    assert!(page.body.contains("OSN/2018:236") && page.body.contains("KS/2014:500"), "both versions");
    assert!(page.body.contains("212000-0480"));
    let preview = app.get(&format!("/cofinancing/agreements/{id}?notice_date=2024-06-20"), Some(&browser)).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("Avtalet upphör 2024-08-20."));
    assert!(preview.body.contains("Återbetalning från 2024-09-01"));
    assert!(preview.body.contains("× 4 / 12 månader"));
    assert!(preview.body.contains("Om tjänsten fortsätter 2025 utan kommunen"));
    assert!(preview.body.contains("delas av de 12 kommuner som är kvar"));
    let log = app.get(&format!("/cofinancing/agreements/{id}"), Some(&browser)).await;
    assert!(!log.body.contains("Uppsagt"), "a preview saves nothing");

    let bad = app
        .post_form(
            &format!("/cofinancing/agreements/{id}/withdraw"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("notice_date", "20 juni")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let recorded = app
        .post_form(
            &format!("/cofinancing/agreements/{id}/withdraw"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("notice_date", "2024-06-20"), ("registry_number", "KS/2024:165")],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let after = app.get(recorded.location(), Some(&browser)).await;
    assert!(after.body.contains("Uppsägningen är registrerad."));
    assert!(after.body.contains("Uppsagt 2024-06-20, upphör 2024-08-20"));
    assert!(after.body.contains("Kreditnota"));
    assert!(after.body.contains("-15\u{a0}"), "the refund as a credit note");
    assert!(after.body.contains("Återbetalning enligt avtalet: 15\u{a0}"), "the recorded refund is shown");
    assert!(after.body.contains("Beslut: KS/2024:165."));
}

#[tokio::test]
async fn a_vacancy_shows_each_party_s_refund() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let seeded = seed_ostergotland(&app);
    invoice_2024_paid(&app, &seeded);
    let form = app.get("/cofinancing/vacancies", Some(&browser)).await;
    assert!(form.body.contains("Inga vakanser registrerade."));
    let bad = app
        .post_form(
            "/cofinancing/vacancies",
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("start", "2024-05-20"), ("end", "2024-03-10")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("före dess början"));
    let ok = app
        .post_form(
            "/cofinancing/vacancies",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("start", "2024-03-10"),
                ("end", "2024-05-20"),
                ("note", "Samordnaren slutade"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = app.get(ok.location(), Some(&browser)).await;
    assert!(page.body.contains("Vakansen är registrerad."));
    assert!(page.body.contains("72 / 366"), "72 vacant days of the leap year");
    assert!(page.body.contains("Återbetalas om vakansen är längre än 1 månad(er)"));
}

#[tokio::test]
async fn an_agreement_is_registered_and_amended_as_a_new_version() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let county_board: etablera_domain::identity::OrganisationNumber = "202100-2270".parse().unwrap();
    app.db
        .store
        .with_conn(|conn| {
            etablera_store::cofinancing::posts::create(
                conn,
                &etablera_store::testing::cli(),
                &etablera_store::cofinancing::posts::NewPost {
                    name: "Samordnare",
                    county_code: "05",
                    employer_name: "Länsstyrelsen Östergötland",
                    employer_org_number: &county_board,
                    population_year_lag: 1,
                },
            )
        })
        .unwrap();
    let form = app.get("/cofinancing/agreements/new", Some(&browser)).await;
    assert!(form.body.contains("value=\"202100-2270\""), "the county board's number is filled in");
    let mut fields = vec![
        ("csrf_token", browser.csrf.as_str()),
        ("municipality", "0586"),
        ("title", ""),
        ("effective_from", "2018-11-18"),
        ("registry_number", "OSN/2018:236"),
        ("signed_on", "2018-11-18"),
        ("validity", "until_notice"),
        ("start_date", "2018-01-01"),
        ("notice_months", "2"),
        ("refund_policy", "from-month-after-end"),
        ("vacancy_threshold_months", "1"),
        ("schedule", "yearly"),
        ("due_day", "10"),
        ("due_month", "12"),
        ("municipality_org_number", "212000-0481"),
        ("county_org_number", "202100-2270"),
        ("municipality_contact_name", "Demo Kontakt"),
    ];
    let bad = app.post_form("/cofinancing/agreements/new", Some(&browser), &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Kontrollsiffran stämmer inte"), "{}", bad.body);
    assert!(bad.body.contains("value=\"OSN/2018:236\""), "what was typed comes back");
    assert!(!app.get("/cofinancing/agreements", Some(&browser)).await.body.contains("0586 Mjölby"), "nothing saved");

    fields.retain(|(k, _)| *k != "municipality_org_number");
    fields.push(("municipality_org_number", "212000-0480"));
    let saved = app.post_form("/cofinancing/agreements/new", Some(&browser), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(saved.location(), Some(&browser)).await;
    assert!(page.body.contains("Finansiering av integrationssamordnare – Mjölby"));
    assert!(page.body.contains("Version 1, gäller från 2018-11-18"));
    assert!(page.body.contains("Demo Kontakt"));

    let amend_path = format!("{}/versions", saved.location());
    let amend_form = app.get(&amend_path, Some(&browser)).await;
    assert!(amend_form.body.contains("value=\"2018-01-01\""), "the form starts from the version in force");
    let mut amendment: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| !matches!(*k, "municipality" | "title" | "effective_from" | "notice_months"))
        .copied()
        .collect();
    amendment.push(("based_on", "1"));
    amendment.push(("effective_from", "2018-06-01"));
    amendment.push(("notice_months", "3"));
    let stale = app.post_form(&amend_path, Some(&browser), &amendment).await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stale.body.contains("En ändring måste gälla från ett senare datum"));
    amendment.retain(|(k, _)| *k != "effective_from");
    amendment.push(("effective_from", "2020-01-01"));
    let ok = app.post_form(&amend_path, Some(&browser), &amendment).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = app.get(ok.location(), Some(&browser)).await;
    assert!(page.body.contains("Version 2, gäller från 2020-01-01"));
    assert!(
        page.body.contains("3 månaders uppsägningstid") && page.body.contains("2 månaders uppsägningstid"),
        "both versions are kept"
    );
}

#[tokio::test]
async fn the_yearly_cost_is_updated_and_an_invoice_credited() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let seeded = seed_ostergotland(&app);
    let page = app.get("/cofinancing/post", Some(&browser)).await;
    assert!(page.body.contains("701\u{a0}520\u{a0}kr") && page.body.contains("763\u{a0}945\u{a0}kr"), "2016 and 2018");
    let bad = app
        .post_form(
            "/cofinancing/post",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("year", "2025"),
                ("kind", "parts"),
                ("monthly_salary_kr", "fyrtiotusen"),
                ("on_cost_percent", "48"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .post_form(
            "/cofinancing/post",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("year", "2025"),
                ("kind", "parts"),
                ("monthly_salary_kr", "45 000"),
                ("on_cost_percent", "31,42"),
                ("overhead_kr", "5000"),
                ("note", "Uppräkning 2025"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = app.get("/cofinancing/post", Some(&browser)).await;
    // (45 000 × 1,3142 + 5 000) × 12 = 769 668 kr.
    assert!(page.body.contains("769\u{a0}668\u{a0}kr"), "{}", page.body);

    invoice_2024_paid(&app, &seeded);
    let invoice = app
        .db
        .store
        .with_conn(|conn| {
            etablera_store::cofinancing::invoices::for_agreement(conn, AgreementId::new(seeded.agreement("0509")))
        })
        .unwrap()
        .pop()
        .unwrap();
    let path = format!("/cofinancing/invoices/{}", invoice.id);
    let detail = app.get(&path, Some(&browser)).await;
    assert!(detail.body.contains("Kreditera fakturan"));
    let version = invoice.version.to_string();
    let missing = app
        .post_form(
            &format!("{path}/credit"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("version", &version), ("reason", " ")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("Ange varför fakturan krediteras."));
    let credited = app
        .post_form(
            &format!("{path}/credit"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("version", &version), ("reason", "Fel folkmängd")],
        )
        .await;
    assert_eq!(credited.status, StatusCode::SEE_OTHER);
    let note = app.get(credited.location(), Some(&browser)).await;
    assert!(note.body.contains("Kreditnota"));
    assert!(note.body.contains(&format!("Kreditering av faktura {}: Fel folkmängd", invoice.number)));
    let ubl = app.get(&format!("{}/ubl.xml", credited.location()), Some(&browser)).await;
    assert!(ubl.body.contains("<CreditNote "), "a credit note in UBL");
    crate::support::assert_valid_einvoice(&ubl.body);
}

#[tokio::test]
async fn the_api_generates_invoices_and_previews_and_records_a_withdrawal() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    let seeded = seed_ostergotland(&app);
    let user = app
        .db
        .store
        .with_conn(|conn| etablera_store::access::users::get(conn, &etablera_store::testing::cli(), "samordnare"))
        .unwrap();
    let token = app.api_token(&user);
    let post = |path: &str, body: serde_json::Value| {
        TestApp::request(Method::POST, path, None)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let made = app.send(post("/api/v1/cofinancing/invoices", serde_json::json!({ "year": 2024 }))).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let made = made.json();
    assert_eq!(made["created"].as_array().unwrap().len(), 13);
    assert_eq!(
        made["created"].as_array().unwrap().iter().map(|i| i["amount_ore"].as_i64().unwrap()).sum::<i64>(),
        76_394_500
    );
    let listed = app.get_with_token("/api/v1/cofinancing/invoices?year=2024", &token).await.json();
    assert_eq!(listed.as_array().unwrap().len(), 13);
    let agreements = app.get_with_token("/api/v1/cofinancing/agreements", &token).await.json();
    assert_eq!(agreements.as_array().unwrap().len(), 13);
    assert!(agreements[0]["versions"][0]["contacts"].as_array().unwrap().is_empty(), "no contacts in the list");
    let id = seeded.agreement("0586");
    let one = app.get_with_token(&format!("/api/v1/cofinancing/agreements/{id}"), &token).await.json();
    assert_eq!(one["versions"][1]["terms"]["yearly_due"], "12-10");
    assert_eq!(one["versions"][0]["terms"]["instalments"].as_array().unwrap().len(), 2);
    assert!(!one["versions"][1]["contacts"].as_array().unwrap().is_empty());
    let preview = app
        .get_with_token(&format!("/api/v1/cofinancing/agreements/{id}/withdrawal?notice_date=2024-06-20"), &token)
        .await
        .json();
    assert_eq!(preview["end_date"], "2024-08-20");
    assert_eq!(preview["invoice_number"], "2024-0586-1");
    // 45 451 kr (the 2016 calculation figures stand in for 2023 here) × 8 / 12 = 30 301 kr.
    assert_eq!(preview["amount_due_ore"], 3_030_100, "the 2024 draft is unpaid: 8 of 12 months");
    let recorded = app
        .send(post(
            &format!("/api/v1/cofinancing/agreements/{id}/withdrawal"),
            serde_json::json!({ "notice_date": "2024-06-20" }),
        ))
        .await
        .json();
    assert_eq!(recorded["created"]["kind"], "final");
    let twice = app
        .send(post(
            &format!("/api/v1/cofinancing/agreements/{id}/withdrawal"),
            serde_json::json!({ "notice_date": "2024-06-20" }),
        ))
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(twice.json()["error"]["field"], "notice_date");
    let refunds =
        app.get_with_token("/api/v1/cofinancing/vacancy-refunds?start=2024-05-20&end=2024-03-10", &token).await;
    assert_eq!(refunds.status, StatusCode::UNPROCESSABLE_ENTITY);
    let _ = browser;
}

#[tokio::test]
async fn the_agreement_contact_sees_only_their_own_municipality() {
    let app = TestApp::new();
    let seeded = seed_ostergotland(&app);
    invoice_2024_paid(&app, &seeded);
    let browser = signed_in_for_mjolby(&app, "kontakt", Role::AgreementContact).await;
    let page = app.get("/cofinancing/own", Some(&browser)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Finansiering av integrationssamordnare – Mjölby"));
    assert!(page.body.contains("2024-0586-1"));
    assert!(!page.body.contains("2024-0509-1"), "no other municipality's invoices");
    assert_eq!(app.get("/cofinancing/invoices", Some(&browser)).await.status, StatusCode::FORBIDDEN);

    // Their own invoice as PDF and e-invoice, from their page; another municipality's is not found.
    let own = invoice_id(&app, "2024-0586-1");
    let pdf_link = format!("/cofinancing/own/invoices/{own}/invoice.pdf");
    assert!(page.body.contains(&pdf_link), "{}", page.body);
    let pdf = app.get_bytes(&pdf_link, &browser).await;
    assert!(crate::support::pdf_text(&pdf).contains("2024-0586-1"));
    let xml = app.get(&format!("/cofinancing/own/invoices/{own}/ubl.xml"), Some(&browser)).await;
    assert_eq!(xml.status, StatusCode::OK);
    assert!(xml.body.contains("<cbc:ID>2024-0586-1</cbc:ID>"), "{}", xml.body);
    crate::support::assert_valid_einvoice(&xml.body);
    let other = invoice_id(&app, "2024-0509-1");
    let refused = app.get(&format!("/cofinancing/own/invoices/{other}/invoice.pdf"), Some(&browser)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let refused = app.get(&format!("/cofinancing/own/invoices/{other}/ubl.xml"), Some(&browser)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

/// The id of the invoice with this number.
fn invoice_id(app: &TestApp, number: &str) -> i32 {
    use diesel::prelude::*;
    use etablera_store::schema::invoices;
    app.db
        .store
        .with_conn(|conn| Ok(invoices::table.filter(invoices::number.eq(number)).select(invoices::id).first(conn)?))
        .unwrap()
}

/// An empty agreement form says every error at once, each linked from the summary to its field,
/// with what was typed kept and nothing saved; so does a vacancy without its days.
#[tokio::test]
async fn an_empty_agreement_names_every_field_at_once() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    seed_ostergotland(&app);
    let before =
        app.get("/cofinancing/agreements", Some(&browser)).await.body.matches("/cofinancing/agreements/").count();
    let answer = app
        .post_form(
            "/cofinancing/agreements/new",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("municipality", ""),
                ("effective_from", "i höstas"),
                ("validity", "fixed"),
                ("schedule", "yearly"),
                ("due_day", "31"),
                ("due_month", "2"),
                ("registry_number", "OSN/2024:1"),
            ],
        )
        .await;
    answer.names_every_field(
        "agreement",
        &[
            ("municipality", "Välj en av länets kommuner."),
            ("effective_from", "Skriv dagen ändringen gäller från som ÅÅÅÅ-MM-DD"),
            ("start_date", "Skriv startdatumet som ÅÅÅÅ-MM-DD"),
            ("end_date", "Skriv slutdatumet som ÅÅÅÅ-MM-DD"),
            ("due_day", "Ange en dag och månad som finns"),
            ("municipality_org_number", "Ett organisationsnummer har tio siffror"),
            ("county_org_number", "Ett organisationsnummer har tio siffror"),
        ],
    );
    assert!(answer.body.contains("value=\"OSN/2024:1\""), "what was typed is kept");
    let after =
        app.get("/cofinancing/agreements", Some(&browser)).await.body.matches("/cofinancing/agreements/").count();
    assert_eq!(after, before, "nothing saved");

    let answer = app
        .post_form("/cofinancing/vacancies", Some(&browser), &[("csrf_token", &browser.csrf), ("note", "Sjukskriven")])
        .await;
    answer.names_every_field("vacancy", &[("start", "som ÅÅÅÅ-MM-DD"), ("end", "som ÅÅÅÅ-MM-DD")]);
    assert!(answer.body.contains("Inga vakanser registrerade."), "nothing saved");
}

/// The year's invoices are marked sent in one step from the list, all or none.
#[tokio::test]
async fn several_invoices_are_marked_sent_in_one_step_or_none_is() {
    let app = TestApp::new();
    let browser = coordinator(&app).await;
    seed_ostergotland(&app);
    app.post_form("/cofinancing/invoices", Some(&browser), &[("csrf_token", &browser.csrf), ("year", "2024")]).await;
    let list = app.get("/cofinancing/invoices?year=2024&per_page=500", Some(&browser)).await;
    let picked: Vec<String> =
        list.body.split("name=\"picked\" value=\"").skip(1).map(|s| s.split('"').next().unwrap().to_owned()).collect();
    assert_eq!(picked.len(), 13, "every draft can be ticked");
    let bulk = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("csrf_token", browser.csrf.clone())];
        all.extend(fields);
        let app = &app;
        let browser = &browser;
        async move {
            let fields: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/cofinancing/invoices/status?year=2024", Some(browser), &fields).await
        }
    };
    let sent_count = |body: &str| body.matches("<td>Skickad</td>").count();

    // Nothing ticked and no day: both said, nothing changed.
    let empty = bulk(vec![("to", "sent".into()), ("on", "".into())]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Kryssa i de fakturor som ska markeras."), "{}", empty.body);
    // Drafts cannot be paid: refused by the first one's number, none changes.
    let mut paid = vec![("to", "paid".to_owned()), ("on", "2025-01-09".to_owned())];
    paid.extend(picked.iter().take(3).map(|p| ("picked", p.clone())));
    let refused = bulk(paid).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Inget ändrades."), "{}", refused.body);
    assert_eq!(sent_count(&app.get("/cofinancing/invoices?year=2024&per_page=500", Some(&browser)).await.body), 0);

    let mut sent = vec![("to", "sent".to_owned()), ("on", "2024-12-10".to_owned())];
    sent.extend(picked.iter().map(|p| ("picked", p.clone())));
    let done = bulk(sent.clone()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let after = app.get(done.location(), Some(&browser)).await;
    assert!(after.body.contains("Markerade 13 fakturor som skickade."), "{}", after.body);
    assert_eq!(sent_count(&after.body), 13);
    // The same ticks again are stale: someone (this step) moved them on since.
    let stale = bulk(sent).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
}
