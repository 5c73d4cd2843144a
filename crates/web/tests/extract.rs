use axum::http::StatusCode;
use etablera_domain::access::Role;

use crate::support::{TestApp, pdf_text};

const HOUSEHOLD: &str = r#"{"format": "etablera-reception/1", "municipality_code": "0117", "households": [{
    "ref": "UTDRAG", "placement_date": "2026-09-20",
    "housing": {"address": "Provgatan 7, 184 00 Åkersberga", "start": "2026-10-01", "end": "2028-09-30"},
    "persons": [{"ref": "P1", "given_name": "Amina", "family_name": "Hassan", "birth_date": "1988-04-17",
        "personal_number": null, "dossier_number": "12-345678", "category": "resettled", "reception_date": "2026-10-05",
        "activities": [{"type": "sfi", "start": "2026-10-10", "end": null, "hours_per_week": 15}]}]
}]}"#;

#[tokio::test]
async fn the_unit_manager_takes_out_a_register_extract_as_pdf_and_json() {
    let app = TestApp::new();
    app.import(HOUSEHOLD);
    app.add_user("chef", &[Role::UnitManager]);
    app.add_user("anna", &[Role::CaseWorker]);
    let person: i32 = {
        use diesel::prelude::*;
        use etablera_store::schema::persons;
        app.db
            .store
            .with_conn(|conn| Ok(persons::table.filter(persons::reference.eq("P1")).select(persons::id).first(conn)?))
            .unwrap()
    };
    let worker = app.login("anna").await;
    let page = app.get(&format!("/reception/persons/{person}"), Some(&worker)).await;
    assert!(!page.body.contains("extract.pdf"), "a case worker is not offered it");
    let refused = app.get(&format!("/reception/persons/{person}/extract.json"), Some(&worker)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let boss = app.login("chef").await;
    let page = app.get(&format!("/reception/persons/{person}"), Some(&boss)).await;
    assert!(page.body.contains(&format!("/reception/persons/{person}/extract.pdf")), "{}", page.body);

    let json = app.get(&format!("/reception/persons/{person}/extract.json"), Some(&boss)).await;
    assert_eq!(json.status, StatusCode::OK);
    let x = json.json();
    assert_eq!(x["format"], "etablera-registerutdrag/1");
    assert_eq!(x["person"]["dossier_number"], "12-345678");
    assert_eq!(x["homes"][0]["address"], "Provgatan 7, 184 00 Åkersberga");
    assert_eq!(x["activities"][0]["type_code"], "sfi");
    let reads = x["access"].as_array().unwrap();
    assert!(reads.iter().any(|r| r["user"] == "Testperson anna" && r["action"] == "read"), "{reads:?}");

    let pdf = app.get_bytes(&format!("/reception/persons/{person}/extract.pdf"), &boss).await;
    if let Ok(path) = std::env::var("EXTRACT_PDF_OUT") {
        std::fs::write(path, &pdf).unwrap();
    }
    let text = pdf_text(&pdf);
    for expected in [
        "Registerutdrag för Amina Hassan",
        "12-345678",
        "Provgatan 7",
        "Aktiviteter",
        "Vem som har läst eller ändrat uppgifterna",
        "Testperson anna",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    let missing = app.get("/reception/persons/999999/extract.pdf", Some(&boss)).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
