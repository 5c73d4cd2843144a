//! Documents attached to records through the router: a receipt on a cost, downloaded and its
//! download in the access log; a file that is not a document refused by its bytes with nothing
//! kept; the household's, a home's, a person's, a claim's and a deviation's documents; who may
//! read and remove them; a document goes with its record.

use axum::http::StatusCode;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_store::access::users::Grants;
use etablera_store::schema::{access_log, costs, documents, temporary_housings};

use crate::economy::{add_cost, prepare_march_claim, with_family};
use crate::support::{Browser, TestApp};

/// What a scanner sends: a PDF is known by its first bytes.
const RECEIPT: &[u8] = b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
/// A photo of a receipt taken with a phone: PNG's signature and its first chunk.
const PHOTO: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2,
    0, 0, 0, 0x90, 0x77, 0x53, 0xDE,
];

fn document_count(app: &TestApp) -> i64 {
    app.db.store.with_conn(|conn| Ok(documents::table.count().get_result(conn)?)).unwrap()
}

fn last_document(app: &TestApp) -> i32 {
    app.db
        .store
        .with_conn(|conn| Ok(documents::table.select(documents::id).order(documents::id.desc()).first(conn)?))
        .unwrap()
}

/// The access log's rows about a document: (action, the document's id).
fn document_log(app: &TestApp) -> Vec<(String, Option<String>)> {
    app.db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq("document"))
                .order(access_log::id)
                .select((access_log::action, access_log::record_id))
                .load(conn)?)
        })
        .unwrap()
}

/// A temporary home for the household, through its form; its id.
async fn add_home(app: &TestApp, browser: &Browser, household: i32, address: &str) -> i32 {
    let home = app
        .post_form(
            &format!("/reception/households/{household}/housing"),
            Some(browser),
            &[
                ("csrf_token", &browser.csrf),
                ("address", address),
                ("landlord", "Bostadsbolaget"),
                ("contract_start", "2024-03-01"),
                ("contract_end", "2026-02-28"),
                ("rent", "6 500"),
            ],
        )
        .await;
    assert_eq!(home.status, StatusCode::SEE_OTHER, "{}", home.body);
    app.db
        .store
        .with_conn(|conn| {
            Ok(temporary_housings::table
                .filter(temporary_housings::address.eq(address))
                .select(temporary_housings::id)
                .first(conn)?)
        })
        .unwrap()
}

/// The id of the family's person with this given name.
fn person_named(app: &TestApp, given_name: &str) -> i32 {
    use etablera_store::schema::persons;
    app.db
        .store
        .with_conn(|conn| {
            Ok(persons::table.filter(persons::given_name.eq(given_name)).select(persons::id).first(conn)?)
        })
        .unwrap()
}

async fn finance_with_a_cost() -> (TestApp, Browser, i32) {
    let (app, household) = with_family();
    app.add_user("eva", &[Role::Finance]);
    let eva = app.login("eva").await;
    assert_eq!(add_cost(&app, &eva, household, "home_equipment", "9 500", "save").await.status, StatusCode::SEE_OTHER);
    let cost: i32 = app.db.store.with_conn(|conn| Ok(costs::table.select(costs::id).first(conn)?)).unwrap();
    (app, eva, cost)
}

#[tokio::test]
async fn a_receipt_is_attached_to_a_cost_downloaded_and_the_download_is_in_the_access_log() {
    let (app, eva, cost) = finance_with_a_cost().await;
    let page = app.get(&format!("/economy/costs/{cost}"), Some(&eva)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Möbelhuset AB") && page.body.contains("Inga handlingar är bifogade."), "{}", page.body);

    let sent = app
        .post_file(
            &format!("/economy/costs/{cost}/documents"),
            &eva,
            &[("title", "Kvitto, möbler")],
            ("file", "C:\\Skannat\\kvitto 1001.pdf", RECEIPT),
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), format!("/economy/costs/{cost}?saved=document#document-cost"));
    let page = app.get(sent.location(), Some(&eva)).await;
    assert!(page.body.contains("Handlingen är bifogad."));
    let id = last_document(&app);
    assert!(page.body.contains(&format!("href=\"/documents/{id}\"")), "{}", page.body);
    assert!(
        page.body.contains("Kvitto, möbler") && page.body.contains("kvitto 1001.pdf"),
        "title and the name without the path"
    );

    let download = app.get(&format!("/documents/{id}"), Some(&eva)).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.bytes, RECEIPT, "the bytes as they were sent");
    assert_eq!(download.headers["content-type"], "application/pdf");
    assert_eq!(
        download.headers["content-disposition"],
        "attachment; filename=\"kvitto 1001.pdf\"; filename*=UTF-8''kvitto%201001.pdf"
    );
    assert_eq!(download.headers["cache-control"], "no-store");
    assert_eq!(download.headers["x-content-type-options"], "nosniff");
    let id = id.to_string();
    assert_eq!(document_log(&app), [("create".to_owned(), Some(id.clone())), ("read".to_owned(), Some(id))]);
}

#[tokio::test]
async fn a_file_that_is_not_a_document_is_refused_by_its_bytes_and_nothing_is_kept() {
    let (app, eva, cost) = finance_with_a_cost().await;
    let path = format!("/economy/costs/{cost}/documents");
    let program = app
        .post_file(&path, &eva, &[("title", "Kvitto")], ("file", "kvitto.pdf", b"MZ\x90\x00\x03 this is a program"))
        .await;
    program.names_every_field("document-cost", &[("file", "Filen är inte en PDF, en bild eller ett kontorsdokument.")]);
    assert!(program.body.contains("value=\"Kvitto\""), "the title is kept");

    let big = vec![b'%'; 10 * 1024 * 1024 + 1];
    let too_large = app.post_file(&path, &eva, &[("title", "")], ("file", "stor.pdf", &big)).await;
    too_large.names_every_field("document-cost", &[("file", "Filen är större än 10 MB.")]);

    let long_title = "x".repeat(201);
    let nothing = app.post_file(&path, &eva, &[("title", &long_title)], ("file", "", b"")).await;
    nothing.names_every_field(
        "document-cost",
        &[("file", "Välj en fil att bifoga."), ("title", "Beskrivningen får ha högst 200 tecken.")],
    );
    assert_eq!(document_count(&app), 0);
    assert!(document_log(&app).is_empty());
}

#[tokio::test]
async fn a_household_its_home_a_person_a_claim_and_a_deviation_take_documents() {
    let (app, household) = with_family();
    app.add_user("anna", &[Role::CaseWorker]);
    let anna = app.login("anna").await;
    let housing = add_home(&app, &anna, household, "Storgatan 1").await;
    let person = person_named(&app, "Amal");
    for (path, title, back) in [
        (
            format!("/reception/households/{household}/documents"),
            "Anvisningsbeslut",
            format!("/reception/households/{household}"),
        ),
        (
            format!("/reception/households/{household}/housing/{housing}/documents"),
            "Hyreskontrakt",
            format!("/reception/households/{household}"),
        ),
        (format!("/reception/persons/{person}/documents"), "Undertecknad plan", format!("/reception/persons/{person}")),
    ] {
        let sent = app.post_file(&path, &anna, &[("title", title)], ("file", "skanning.png", PHOTO)).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{path}: {}", sent.body);
        assert!(sent.location().starts_with(&format!("{back}?saved=document#document-")), "{}", sent.location());
        let page = app.get(&back, Some(&anna)).await;
        assert!(page.body.contains(&format!("\">{title}</a>")), "{back} lists {title}");
        assert!(page.body.contains("Bild (PNG)"));
    }
    // The home's contract is listed with the home, not as the household's own.
    let household_page = app.get(&format!("/reception/households/{household}"), Some(&anna)).await.body;
    let home_part = household_page.split(&format!("id=\"document-housing-{housing}\"")).nth(1).unwrap();
    assert!(home_part.split("</section>").next().unwrap().contains(">Hyreskontrakt</a>"));
    assert!(!home_part.split("</section>").next().unwrap().contains(">Anvisningsbeslut</a>"));

    // A case worker cannot attach to a claim or read the economy's documents.
    app.add_user("eva", &[Role::Finance]);
    let eva = app.login("eva").await;
    assert_eq!(add_cost(&app, &eva, household, "clothes", "6 000", "save").await.status, StatusCode::SEE_OTHER);
    let prepared = prepare_march_claim(&app, &eva).await;
    let claim_path = prepared.location().split('?').next().unwrap().to_owned();
    let refused = app
        .post_file(&format!("{claim_path}/documents"), &anna, &[("title", "")], ("file", "beslut.pdf", RECEIPT))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let sent = app
        .post_file(&format!("{claim_path}/documents"), &eva, &[("title", "Beslut")], ("file", "beslut.pdf", RECEIPT))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let decision = last_document(&app);
    assert!(app.get(&claim_path, Some(&eva)).await.body.contains("Beslut"));
    assert_eq!(app.get(&format!("/documents/{decision}"), Some(&anna)).await.status, StatusCode::NOT_FOUND);
    let removal =
        app.post_form(&format!("/documents/{decision}/remove"), Some(&anna), &[("csrf_token", &anna.csrf)]).await;
    assert_eq!(removal.status, StatusCode::NOT_FOUND, "not the case worker's to remove");

    // A deviation's documents.
    let today = etablera_store::testing::today().to_string();
    let saved = app
        .post_form(
            "/quality/new",
            Some(&anna),
            &[
                ("csrf_token", &anna.csrf),
                ("municipality", "0117"),
                ("version", "0"),
                ("kind", "complaint"),
                ("received_on", &today),
                ("channel", "letter"),
                ("household", ""),
                ("category", "housing"),
                ("severity", "normal"),
                ("description", "Klagomål på bostaden."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let case_path = saved.location().split('?').next().unwrap().to_owned();
    let sent = app
        .post_file(&format!("{case_path}/documents"), &anna, &[("title", "Klagomålet")], ("file", "brev.pdf", RECEIPT))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(app.get(&case_path, Some(&anna)).await.body.contains("Klagomålet"));
    assert_eq!(document_count(&app), 5);
}

#[tokio::test]
async fn documents_are_only_for_those_who_may_see_their_record_and_go_with_it() {
    let (app, eva, cost) = finance_with_a_cost().await;
    let sent =
        app.post_file(&format!("/economy/costs/{cost}/documents"), &eva, &[], ("file", "kvitto.pdf", RECEIPT)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let id = last_document(&app);

    // Another municipality's finance officer, and someone who does not see costs: not found.
    app.add_user("olof", &[Role::Finance]);
    app.grant(
        "olof",
        Grants {
            add_municipalities: vec!["0180".parse().unwrap()],
            remove_municipalities: vec!["0117".parse().unwrap()],
            ..Default::default()
        },
    );
    let olof = app.login("olof").await;
    app.add_user("nils", &[Role::Committee]);
    let nils = app.login("nils").await;
    for browser in [&olof, &nils] {
        assert_eq!(app.get(&format!("/documents/{id}"), Some(browser)).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(app.get(&format!("/documents/{id}"), None).await.status, StatusCode::SEE_OTHER, "to the login");
    assert_eq!(document_log(&app).len(), 1, "only the upload: refused downloads read nothing");

    // Removed on purpose: logged, and back to the cost.
    let removed = app.post_form(&format!("/documents/{id}/remove"), Some(&eva), &[("csrf_token", &eva.csrf)]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(removed.location(), format!("/economy/costs/{cost}?saved=document-removed#document-cost"));
    assert_eq!(document_count(&app), 0);
    assert_eq!(document_log(&app).last().unwrap().0, "delete");

    // A document goes with its record: the cost removed, its receipt is gone too.
    app.post_file(&format!("/economy/costs/{cost}/documents"), &eva, &[], ("file", "kvitto.pdf", RECEIPT)).await;
    assert_eq!(document_count(&app), 1);
    let removed =
        app.post_form(&format!("/economy/costs/{cost}/remove"), Some(&eva), &[("csrf_token", &eva.csrf)]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(document_count(&app), 0);
    let contents: i64 = app
        .db
        .store
        .with_conn(|conn| Ok(etablera_store::schema::document_contents::table.count().get_result(conn)?))
        .unwrap();
    assert_eq!(contents, 0, "the bytes too");
}

#[tokio::test]
async fn the_individual_plan_is_printed_for_the_person_to_sign_and_the_printout_is_logged() {
    let (app, _) = with_family();
    app.add_user("anna", &[Role::CaseWorker]);
    let anna = app.login("anna").await;
    let person = person_named(&app, "Amal");
    let today = etablera_store::testing::today().to_string();
    let added = app
        .post_form(
            &format!("/reception/persons/{person}/activities"),
            Some(&anna),
            &[
                ("csrf_token", &anna.csrf),
                ("type", "sfi"),
                ("start", &today),
                ("end", ""),
                ("hours_per_week", "15"),
                ("extent_percent", ""),
                ("note", "Kvällskurs"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = app.get(&format!("/reception/persons/{person}"), Some(&anna)).await;
    assert!(page.body.contains(&format!("href=\"/reception/persons/{person}/plan.pdf\"")));

    let pdf = app.get(&format!("/reception/persons/{person}/plan.pdf"), Some(&anna)).await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let text = crate::support::pdf_text(&pdf.bytes);
    for expected in [
        "Individuell plan",
        "Amal Testsson",
        "19820402-2381",
        "31-000001",
        "Kvällskurs",
        "Planerat 15 timmar per vecka av målet 40 timmar",
        "Den enskildes underskrift",
        "Handläggarens underskrift",
        "Ort och datum",
    ] {
        assert!(text.contains(expected), "{expected:?} in the plan:\n{text}");
    }
    let exported: i64 = app
        .db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::action.eq("export"))
                .filter(access_log::record_kind.eq("person"))
                .filter(access_log::record_id.eq(person.to_string()))
                .count()
                .get_result(conn)?)
        })
        .unwrap();
    assert_eq!(exported, 1);

    // Not for someone who does not read cases.
    app.add_user("eva", &[Role::Finance]);
    let eva = app.login("eva").await;
    assert_eq!(
        app.get(&format!("/reception/persons/{person}/plan.pdf"), Some(&eva)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_homes_contract_is_hidden_with_its_address_when_someone_in_the_household_is_protected() {
    let (app, household) = with_family();
    app.add_user("anna", &[Role::CaseWorker]);
    let anna = app.login("anna").await;
    let housing = add_home(&app, &anna, household, "Skyddade gatan 7").await;
    let path = format!("/reception/households/{household}/housing/{housing}/documents");
    let sent =
        app.post_file(&path, &anna, &[("title", "Kontrakt Skyddade gatan 7")], ("file", "kontrakt.pdf", RECEIPT)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let contract = last_document(&app);
    app.db
        .store
        .with_conn(|conn| {
            use etablera_store::schema::persons;
            diesel::update(persons::table.filter(persons::given_name.eq("Amal")))
                .set(persons::protected_identity.eq(true))
                .execute(conn)?;
            Ok(())
        })
        .unwrap();
    let page = app.get(&format!("/reception/households/{household}"), Some(&anna)).await.body;
    assert!(!page.contains("Skyddade gatan 7"), "neither the address nor the contract's title");
    assert!(!page.contains(&format!("/documents/{contract}")));
    assert_eq!(app.get(&format!("/documents/{contract}"), Some(&anna)).await.status, StatusCode::NOT_FOUND);
    let again = app.post_file(&path, &anna, &[], ("file", "kontrakt.pdf", RECEIPT)).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "nothing is attached to a home whose address is hidden");
}
