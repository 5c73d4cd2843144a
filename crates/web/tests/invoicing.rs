//! Defects found when the co-financing was tried as its users would: one due date in every
//! document, a second agreement for a municipality refused, years out of range and panics
//! answered, a stale amendment keeping what was typed.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use axum::routing::get;
use etablera_domain::access::Role;
use etablera_domain::ids::{AgreementId, InvoiceId};
use etablera_domain::time::Year;
use etablera_web::{AppState, WebConfig, with_middleware};

use crate::support::{TestApp, csrf_in};

const POPULATION: &str = "code,name,population\n0560,Boxholm,5356\n0562,Finspång,21296\n0513,Kinda,9840\n0580,Linköping,153563\n0586,Mjölby,26639\n0583,Motala,43077\n0581,Norrköping,137985\n0582,Söderköping,14333\n0584,Vadstena,7385\n0563,Valdemarsvik,7749\n0512,Ydre,3665\n0561,Åtvidaberg,11584\n0509,Ödeshög,5272\n";

/// The seed's agreements and 2024's invoices, Mjölby's sent on 2024-12-12; a signed-in
/// coordinator of Östergötland and an API token of theirs.
async fn invoiced(app: &TestApp) -> (crate::support::Browser, String, etablera_store::cofinancing::seed::Seeded) {
    use etablera_domain::cofinancing::invoices::InvoiceStatus;
    use etablera_store::access::users;
    use etablera_store::cofinancing::{invoices, population, seed};
    let user = app.add_user("samordnare", &[Role::RegionalCoordinator]);
    let actor = etablera_store::testing::cli();
    let seeded = app
        .db
        .store
        .with_conn(|conn| {
            users::change_grants(
                conn,
                &actor,
                "samordnare",
                &users::Grants {
                    add_municipalities: vec!["0586".parse().unwrap()],
                    remove_municipalities: vec!["0117".parse().unwrap()],
                    ..Default::default()
                },
            )?;
            let figures = etablera_domain::cofinancing::population::parse_population_csv(POPULATION).unwrap();
            population::import(conn, &actor, 2023, population::Source::Seed, None, &figures)?;
            let seeded = seed::ostergotland(conn, &actor)?;
            invoices::generate(conn, &etablera_store::testing::cli(), seeded.post_id, Year::new(2024).unwrap())?;
            let mjolby = invoices::for_agreement(conn, AgreementId::new(seeded.agreement("0586")))?.pop().unwrap();
            invoices::advance(conn, mjolby.id, mjolby.version, InvoiceStatus::Sent, "2024-12-12".parse().unwrap())?;
            Ok(seeded)
        })
        .unwrap();
    let token = app.api_token(&user);
    (app.login("samordnare").await, token, seeded)
}

fn mjolby_invoice_id(app: &TestApp, seeded: &etablera_store::cofinancing::seed::Seeded) -> InvoiceId {
    app.db
        .store
        .with_conn(|conn| {
            etablera_store::cofinancing::invoices::for_agreement(conn, AgreementId::new(seeded.agreement("0586")))
        })
        .unwrap()
        .pop()
        .unwrap()
        .id
}

#[tokio::test]
async fn an_invoice_has_one_due_date_on_the_page_in_the_spreadsheet_the_api_the_pdf_and_the_ubl() {
    let app = TestApp::new();
    let (browser, token, seeded) = invoiced(&app).await;
    let id = mjolby_invoice_id(&app, &seeded);
    // Sent on 12 December (the schedule said 10 December): due 30 days after it was sent.
    let (dated, due) = ("2024-12-12", "2025-01-11");

    let page = app.get(&format!("/cofinancing/invoices/{id}"), Some(&browser)).await;
    assert!(page.body.contains(&format!("<dt>Fakturadatum</dt><dd>{dated}</dd>")), "{}", page.body);
    assert!(page.body.contains(&format!("<dt>Förfaller</dt><dd>{due}</dd>")));
    let list = app.get("/cofinancing/invoices?year=2024", Some(&browser)).await;
    assert!(list.body.contains(&format!("<td class=\"nowrap\">{dated}</td><td class=\"nowrap\">{due}</td>")));

    let api = app.get_with_token("/api/v1/cofinancing/invoices?year=2024", &token).await.json();
    let mjolby = api.as_array().unwrap().iter().find(|i| i["municipality_code"] == "0586").unwrap();
    assert_eq!((mjolby["invoice_date"].as_str(), mjolby["due_date"].as_str()), (Some(dated), Some(due)));

    let ubl = app.get(&format!("/cofinancing/invoices/{id}/ubl.xml"), Some(&browser)).await;
    assert!(ubl.body.contains(&format!("<cbc:IssueDate>{dated}</cbc:IssueDate><cbc:DueDate>{due}</cbc:DueDate>")));
    crate::support::assert_valid_einvoice(&ubl.body);

    let pdf = app.get_bytes(&format!("/cofinancing/invoices/{id}/invoice.pdf"), &browser).await;
    let text = crate::support::pdf_text(&pdf);
    assert!(text.contains(&format!("Fakturadatum      {dated}")) || text.contains(dated), "{text}");
    assert!(text.contains(&format!("Förfallodag       {due}")) || text.contains(due), "{text}");

    let xlsx = app.get_bytes("/cofinancing/invoices/export.xlsx?year=2024", &browser).await;
    let sheet = crate::support::xlsx_strings(&xlsx);
    assert!(sheet.contains(&"Fakturadatum".to_owned()) && sheet.contains(&"Förfallodag".to_owned()));
    // The spreadsheet holds the dates as dates (numbers); the Swedish CSV shows them as written.
    assert!(!sheet.contains(&dated.to_owned()), "a date is not text in the spreadsheet");
    let csv = String::from_utf8(app.get_bytes("/cofinancing/invoices/export.csv?year=2024", &browser).await).unwrap();
    let mjolby = csv.lines().find(|l| l.starts_with("2024-0586-1;")).expect("Mjölby's row");
    assert!(mjolby.contains(&format!(";{dated};{due};45452,00;")), "{mjolby}");
}

#[tokio::test]
async fn a_second_agreement_for_a_municipality_is_refused_and_nothing_answers_500() {
    let app = TestApp::new();
    let (browser, token, seeded) = invoiced(&app).await;
    let form = app.get("/cofinancing/agreements/new", Some(&browser)).await;
    let csrf = csrf_in(&form.body);
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("municipality", "0586"),
        ("title", "Ett andra avtal"),
        ("effective_from", "2025-01-01"),
        ("signed_on", ""),
        ("validity", "until_notice"),
        ("start_date", "2025-01-01"),
        ("notice_months", "2"),
        ("refund_policy", "from-month-after-end"),
        ("vacancy_threshold_months", "1"),
        ("schedule", "yearly"),
        ("due_day", "10"),
        ("due_month", "12"),
        ("municipality_org_number", "212000-0480"),
        ("county_org_number", "202100-2270"),
    ];
    let refused = app.post_form("/cofinancing/agreements/new", Some(&browser), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Kommunen har redan ett avtal om tjänsten"), "{}", refused.body);
    assert!(refused.body.contains("value=\"Ett andra avtal\""), "what was typed comes back");
    let agreements = app.get_with_token("/api/v1/cofinancing/agreements", &token).await.json();
    assert_eq!(agreements.as_array().unwrap().len(), 13, "nothing was saved");

    // After the first agreement has ended, a new one may start.
    let id = seeded.agreement("0586");
    let notice = app
        .post_form(
            &format!("/cofinancing/agreements/{id}/withdraw"),
            Some(&browser),
            &[("csrf_token", &csrf), ("notice_date", "2024-06-20"), ("registry_number", "KS/2024:165")],
        )
        .await;
    assert_eq!(notice.status, StatusCode::SEE_OTHER, "{}", notice.body);
    let mut later = fields.to_vec();
    later.retain(|(k, _)| !matches!(*k, "effective_from" | "start_date"));
    later.extend([("effective_from", "2024-08-21"), ("start_date", "2024-08-21")]);
    let accepted = app.post_form("/cofinancing/agreements/new", Some(&browser), &later).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);

    // Every page about the post still answers.
    for path in [
        format!("/cofinancing/agreements/{id}?notice_date=2024-06-20"),
        "/cofinancing/agreements".to_owned(),
        "/cofinancing/invoices?year=2025".to_owned(),
        "/".to_owned(),
    ] {
        let answer = app.get(&path, Some(&browser)).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
    }
    let preview = app
        .get_with_token(&format!("/api/v1/cofinancing/agreements/{id}/withdrawal?notice_date=2024-07-01"), &token)
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
}

#[tokio::test]
async fn a_year_out_of_range_is_refused_as_bad_input() {
    let app = TestApp::new();
    let (browser, token, _) = invoiced(&app).await;
    let request = TestApp::request(Method::POST, "/api/v1/cofinancing/invoices", None)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"year":262143}"#))
        .unwrap();
    let answer = app.send(request).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    assert_eq!(answer.json()["error"]["code"], "invalid");
    let listed = app.get_with_token("/api/v1/cofinancing/invoices?year=-262144", &token).await;
    assert_eq!(listed.status, StatusCode::UNPROCESSABLE_ENTITY);
    for path in ["/cofinancing/invoices?year=262143", "/cofinancing/invoices/export.xlsx?year=99999"] {
        assert_eq!(app.get(path, Some(&browser)).await.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    }
    let form = app
        .post_form("/cofinancing/invoices", Some(&browser), &[("csrf_token", &browser.csrf), ("year", "262143")])
        .await;
    assert_eq!(form.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form.body.contains("mellan 2000 och 2100"), "{}", form.body);
}

#[tokio::test]
async fn a_panic_in_a_handler_answers_500_with_the_request_id() {
    let db = etablera_store::testing::TestDatabase::new();
    async fn boom() -> &'static str {
        panic!("a test's panic")
    }
    let routes = axum::Router::new().route("/boom", get(boom)).route("/api/v1/boom", get(boom));
    let router = with_middleware(routes, AppState::new(db.store.clone(), WebConfig::default()));
    for path in ["/boom", "/api/v1/boom"] {
        let request = axum::http::Request::builder()
            .uri(path)
            .header(header::HOST, crate::support::HOST)
            .body(Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(router.clone(), request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        let body = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains(&id), "{path}: the answer names request {id}: {body}");
        assert!(!body.contains("a test's panic"), "the cause is logged, not shown");
    }
}

#[tokio::test]
async fn a_stale_amendment_is_refused_with_409_and_keeps_what_was_typed() {
    let app = TestApp::new();
    let (browser, _, seeded) = invoiced(&app).await;
    let id = seeded.agreement("0586");
    let path = format!("/cofinancing/agreements/{id}/versions");
    let form = app.get(&path, Some(&browser)).await;
    let based_on = form.body.split("name=\"based_on\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let amendment = |from: &'static str, note: &'static str| {
        let based_on = based_on.clone();
        let csrf = browser.csrf.clone();
        move || {
            vec![
                ("csrf_token".to_owned(), csrf.clone()),
                ("based_on".to_owned(), based_on.clone()),
                ("effective_from".to_owned(), from.to_owned()),
                ("validity".to_owned(), "until_notice".to_owned()),
                ("start_date".to_owned(), "2018-02-01".to_owned()),
                ("notice_months".to_owned(), "3".to_owned()),
                ("refund_policy".to_owned(), "from-month-after-end".to_owned()),
                ("vacancy_threshold_months".to_owned(), "1".to_owned()),
                ("schedule".to_owned(), "yearly".to_owned()),
                ("due_day".to_owned(), "10".to_owned()),
                ("due_month".to_owned(), "12".to_owned()),
                ("municipality_org_number".to_owned(), "212000-0480".to_owned()),
                ("county_org_number".to_owned(), "202100-2270".to_owned()),
                ("note".to_owned(), note.to_owned()),
            ]
        }
    };
    let first = amendment("2025-01-01", "Första ändringen")();
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(app.post_form(&path, Some(&browser), &first).await.status, StatusCode::SEE_OTHER);
    let second = amendment("2026-01-01", "Andra ändringen, gjord på en gammal sida")();
    let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let stale = app.post_form(&path, Some(&browser), &second).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains("Någon annan har ändrat uppgifterna"), "{}", stale.body);
    assert!(stale.body.contains("Andra ändringen, gjord på en gammal sida"), "the input is kept");
    let page = app.get(&format!("/cofinancing/agreements/{id}"), Some(&browser)).await;
    assert!(!page.body.contains("2026-01-01"), "nothing saved");
}

#[tokio::test]
async fn the_post_s_payment_details_and_the_municipality_s_address_go_onto_every_invoice() {
    let app = TestApp::new();
    let (browser, _, seeded) = invoiced(&app).await;
    let id = mjolby_invoice_id(&app, &seeded);
    let post = app.get("/cofinancing/post", Some(&browser)).await;
    assert!(post.body.contains("<dd>Bankgiro 5050-1055</dd>"), "{}", post.body);

    // Every wrong field at once; nothing changes.
    let bad = app
        .post_form(
            "/cofinancing/post/invoicing",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("account_kind", "iban"),
                ("account", "SE45 5000 0000 0583 9825 7467"),
                ("bic", "ESSE"),
                ("street", ""),
                ("postcode", "12"),
                ("city", "Linköping"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "IBAN-numrets kontrollsiffror stämmer inte.",
        "En BIC har åtta eller elva tecken",
        "Skriv gatuadressen.",
        "Ett postnummer har fem siffror",
    ] {
        assert!(bad.body.contains(message), "{message}: {}", bad.body);
    }
    assert!(bad.body.contains("value=\"SE45 5000 0000 0583 9825 7467\""), "what was typed is kept");
    assert!(app.get("/cofinancing/post", Some(&browser)).await.body.contains("<dd>Bankgiro 5050-1055</dd>"));

    let saved = app
        .post_form(
            "/cofinancing/post/invoicing",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("account_kind", "plusgiro"),
                ("account", "90 20 03-3"),
                ("bic", ""),
                ("street", "Box 2080"),
                ("postcode", "58102"),
                ("city", "Linköping"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let post = app.get("/cofinancing/post", Some(&browser)).await;
    assert!(post.body.contains("<dd>Plusgiro 902003-3</dd>"), "{}", post.body);
    assert!(post.body.contains("<dd>Box 2080, 581 02 Linköping</dd>"));

    let agreement = format!("/cofinancing/agreements/{}", seeded.agreement("0586"));
    let bad = app
        .post_form(
            &format!("{agreement}/address"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("street", "Box 47"), ("postcode", "0595"), ("city", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Ett postnummer har fem siffror") && bad.body.contains("Skriv orten."), "{}", bad.body);
    let saved = app
        .post_form(
            &format!("{agreement}/address"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("street", "Box 47"), ("postcode", "595 21"), ("city", "Mjölby")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(app.get(&agreement, Some(&browser)).await.body.contains("value=\"595 21\""));

    let ubl = app.get(&format!("/cofinancing/invoices/{id}/ubl.xml"), Some(&browser)).await;
    assert!(ubl.body.contains("<cbc:ID>9020033</cbc:ID><cac:FinancialInstitutionBranch><cbc:ID>SE:PLUSGIRO</cbc:ID>"));
    assert!(ubl.body.contains("<cbc:StreetName>Box 47</cbc:StreetName><cbc:CityName>Mjölby</cbc:CityName>"));
    crate::support::assert_valid_einvoice(&ubl.body);
    let page = app.get(&format!("/cofinancing/invoices/{id}"), Some(&browser)).await;
    let reference = ubl.body.split("<cbc:PaymentID>").nth(1).unwrap().split('<').next().unwrap();
    assert!(page.body.contains(&format!("<dd>{reference}</dd>")), "the page shows the OCR reference");
    let pdf =
        crate::support::pdf_text(&app.get_bytes(&format!("/cofinancing/invoices/{id}/invoice.pdf"), &browser).await);
    assert!(
        pdf.contains("Plusgiro 902003-3") && pdf.contains(reference) && pdf.contains("Box 47, 595 21 Mjölby"),
        "{pdf}"
    );
}

/// A line of Bankgirot's BgMax layout: the record type, then each field at its position.
fn bgmax_record(kind: &str, fields: &[(usize, &str)]) -> String {
    let mut line = format!("{kind:<80}");
    for (at, value) in fields {
        line.replace_range(at - 1..at - 1 + value.len(), value);
    }
    line
}

/// A BgMax file to `bankgiro` with one deposit on `day` of the payments (reference, öre).
fn bgmax_file(bankgiro: &str, day: &str, payments: &[(&str, i64)]) -> Vec<u8> {
    let mut lines = vec![
        bgmax_record("01", &[(3, "BGMAX"), (23, "01"), (25, "20261205123000000000"), (45, "P")]),
        bgmax_record("05", &[(3, &format!("{bankgiro:0>10}")), (23, "SEK")]),
    ];
    for (reference, ore) in payments {
        lines.push(bgmax_record("20", &[(3, "0009912346"), (13, reference), (38, &format!("{ore:018}")), (56, "2")]));
        lines.push(bgmax_record("26", &[(3, "Betalare AB")]));
    }
    let sum: i64 = payments.iter().map(|(_, ore)| ore).sum();
    let count = format!("{:08}", payments.len());
    lines.push(bgmax_record("15", &[(38, day), (51, &format!("{sum:018}")), (69, "SEK"), (72, &count)]));
    lines.push(bgmax_record("70", &[(3, &count), (11, "00000000"), (19, "00000000"), (27, "00000001")]));
    (lines.join("\r\n") + "\r\n").into_bytes()
}

#[tokio::test]
async fn a_payment_file_from_bankgirot_marks_the_invoices_it_pays_and_lists_the_rest() {
    use etablera_domain::cofinancing::invoices::InvoiceStatus;
    use etablera_domain::cofinancing::payment::OcrReference;
    let app = TestApp::new();
    let (browser, _, seeded) = invoiced(&app).await;
    let id = mjolby_invoice_id(&app, &seeded);
    let ocr = |number: &str| OcrReference::for_digits(number).unwrap().to_string();
    let upload = |bytes: Vec<u8>| {
        let browser = &browser;
        let app = &app;
        async move { app.post_file("/cofinancing/invoices/payments", browser, &[], ("file", "bgmax.txt", &bytes)).await }
    };
    let form = app.get("/cofinancing/invoices/payments", Some(&browser)).await;
    assert_eq!(form.status, StatusCode::OK);

    // Mjölby pays its sent invoice; Ödeshög pays a draft; someone writes the number by hand.
    let file = bgmax_file(
        "50501055",
        "20241220",
        &[(&ocr("2024-0586-1"), 4_545_200), (&ocr("2024-0509-1"), 899_500), ("FAKTURA 2024-0586-1", 100)],
    );
    let read = upload(file.clone()).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let text = read.body.replace('\u{a0}', " ");
    assert!(text.contains("1 av 3 betalningar markerade fakturor som betalda"), "{text}");
    assert!(text.contains("Faktura 2024-0586-1 markerad som betald."));
    assert!(text.contains("Faktura 2024-0509-1 väntar inte på betalning"));
    assert!(text.contains("Referensen är inte ett giltigt OCR-nummer"));
    let invoice = app.db.store.with_conn(|conn| etablera_store::cofinancing::invoices::get(conn, id)).unwrap();
    assert_eq!((invoice.status, invoice.paid_on), (InvoiceStatus::Paid, Some("2024-12-20".parse().unwrap())));

    // The same file again, a file for another bankgiro, a file that does not add up: refused,
    // nothing changed.
    let again = upload(file).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Filen lästes redan in"), "{}", again.body);
    let other = upload(bgmax_file("9912346", "20241220", &[(&ocr("2024-0509-1"), 899_500)])).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.body.contains("Filen gäller bankgiro 9912346"), "{}", other.body);
    let mut broken = String::from_utf8(bgmax_file("50501055", "20241220", &[(&ocr("2024-0509-1"), 899_500)])).unwrap();
    broken = broken.replace("000000000000899500SEK", "000000000000899501SEK");
    let broken = upload(broken.into_bytes()).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        broken.body.replace('\u{a0}', " ").contains("Rad 5: Insättningens belopp 8 995,01 kr är inte summan"),
        "{}",
        broken.body.replace('\u{a0}', " ")
    );
    let files = app.get("/cofinancing/invoices/payments", Some(&browser)).await;
    assert!(files.body.contains("bgmax.txt"), "the file read is listed");
}
