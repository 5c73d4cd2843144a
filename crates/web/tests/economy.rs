//! The economy through the router: a cost entered with its cap warning, bad input kept and
//! nothing saved, a claim prepared, opened, exported and decided, the grant, and who may see what.

use axum::http::StatusCode;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_store::access::users::Grants;
use etablera_store::schema::{access_log, costs, households};

use crate::support::{Browser, TestApp, csrf_in};

/// A quota-refugee household of five received in March 2024, as the reception format has it.
pub(crate) const FAMILY: &str = r#"{"format": "etablera-reception/1", "municipality_code": "0117", "households": [
  {"ref": "KVOT-5", "placement_date": "2024-02-15", "first_contact_at": null, "housing": null, "persons": [
    {"ref": "A", "given_name": "Amal", "family_name": "Testsson", "birth_date": "1982-04-02", "personal_number": "198204022381", "dossier_number": "31-000001", "category": "resettled", "reception_date": "2024-03-01", "exit_date": null, "activities": [], "declined": []},
    {"ref": "B", "given_name": "Bashir", "family_name": "Testsson", "birth_date": "1983-09-12", "personal_number": null, "dossier_number": "31-000002", "category": "resettled", "reception_date": "2024-03-01", "exit_date": null, "activities": [], "declined": []},
    {"ref": "C", "given_name": "Cala", "family_name": "Testsson", "birth_date": "2012-01-20", "personal_number": null, "dossier_number": "31-000003", "category": "resettled", "reception_date": "2024-03-01", "exit_date": null, "activities": [], "declined": []},
    {"ref": "D", "given_name": "Dalia", "family_name": "Testsson", "birth_date": "2015-06-30", "personal_number": null, "dossier_number": "31-000004", "category": "resettled", "reception_date": "2024-03-01", "exit_date": null, "activities": [], "declined": []},
    {"ref": "E", "given_name": "Elias", "family_name": "Testsson", "birth_date": "2019-11-11", "personal_number": null, "dossier_number": "31-000005", "category": "resettled", "reception_date": "2024-03-01", "exit_date": null, "activities": [], "declined": []}
  ]}
]}"#;

pub(crate) fn with_family() -> (TestApp, i32) {
    let app = TestApp::new();
    app.import(FAMILY);
    let id = app.db.store.with_conn(|conn| Ok(households::table.select(households::id).first(conn)?)).unwrap();
    (app, id)
}

fn cost_count(app: &TestApp) -> i64 {
    app.db.store.with_conn(|conn| Ok(costs::table.count().get_result(conn)?)).unwrap()
}

/// Prepares the claim of initial costs for March 2024, as the finance officer's form does.
pub(crate) async fn prepare_march_claim(app: &TestApp, browser: &Browser) -> crate::support::Answer {
    let prepared = app
        .post_form(
            "/economy/claims",
            Some(browser),
            &[
                ("csrf_token", &browser.csrf),
                ("claim_type", "initial_costs_resettled"),
                ("period_start", "2024-03-01"),
                ("period_end", "2024-03-31"),
            ],
        )
        .await;
    assert_eq!(prepared.status, StatusCode::SEE_OTHER, "{}", prepared.body);
    prepared
}

pub(crate) async fn add_cost(
    app: &TestApp,
    browser: &Browser,
    household: i32,
    category: &str,
    amount: &str,
    action: &str,
) -> crate::support::Answer {
    let household = household.to_string();
    app.post_form(
        "/economy/costs/new",
        Some(browser),
        &[
            ("csrf_token", &browser.csrf),
            ("household", &household),
            ("person", ""),
            ("category", category),
            ("date", "2024-03-02"),
            ("amount", amount),
            ("vat", "200"),
            ("supplier", "Möbelhuset AB"),
            ("receipt_reference", "K-1001"),
            ("days", ""),
            ("action", action),
        ],
    )
    .await
}

#[tokio::test]
async fn home_equipment_over_the_cap_is_warned_of_as_it_is_entered_and_saved_with_the_rest_to_the_grant() {
    let (app, household) = with_family();
    app.add_user("eva", &[Role::Finance]);
    let browser = app.login("eva").await;
    let form = app.get(&format!("/economy/costs/new?household={household}"), Some(&browser)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Amal Testsson"), "the persons to choose from");
    let preview = add_cost(&app, &browser, household, "home_equipment", "9 500", "preview").await;
    assert_eq!(preview.status, StatusCode::OK);
    let text = preview.body.replace('\u{a0}', " ");
    assert!(text.contains("500 kr är över taket för hemutrustning (9 000 kr för hushållet"), "{text}");
    assert!(text.contains("Initiala kostnader för kvotflyktingar"));
    assert!(text.contains("2025-03-01"), "the deadline, a year after the reception");
    assert_eq!(cost_count(&app), 0, "a preview saves nothing");
    let fragment = app
        .post_form(
            "/economy/costs/preview",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("household", &household.to_string()),
                ("category", "home_equipment"),
                ("date", "2024-03-02"),
                ("amount", "9500"),
                ("supplier", "Möbelhuset AB"),
            ],
        )
        .await;
    assert!(fragment.body.replace('\u{a0}', " ").contains("9 000 kr"), "{}", fragment.body);
    assert!(!fragment.body.contains("<html"), "only the fragment");
    let saved = add_cost(&app, &browser, household, "home_equipment", "9 500", "save").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = app.get(saved.location(), Some(&browser)).await;
    assert!(
        after.body.replace('\u{a0}', " ").contains("Ersättningsbart: 9 000 kr; över taket: 500 kr"),
        "{}",
        after.body
    );
    let grant = app.get("/economy/grant?year=2024", Some(&browser)).await;
    assert!(grant.body.replace('\u{a0}', " ").contains("Kostnad 1: över taket"), "the charge is listed for finance");
}

#[tokio::test]
async fn a_bad_cost_is_explained_in_swedish_keeps_the_input_and_saves_nothing() {
    let (app, household) = with_family();
    app.add_user("eva", &[Role::Finance]);
    let browser = app.login("eva").await;
    let answer = add_cost(&app, &browser, household, "home_equipment", "nio tusen", "save").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("Skriv beloppet i kronor"));
    assert!(answer.body.contains("value=\"nio tusen\""), "the input is kept");
    assert!(answer.body.contains("value=\"Möbelhuset AB\""));
    assert_eq!(cost_count(&app), 0);
}

#[tokio::test]
async fn a_claim_is_prepared_opened_exported_and_decided_and_every_look_at_it_is_logged() {
    let (app, household) = with_family();
    let eva = app.add_user("eva", &[Role::Finance]);
    let browser = app.login("eva").await;
    for (category, amount) in [("home_equipment", "9 500"), ("food_first_day", "1 000"), ("clothes", "6 000")] {
        assert_eq!(add_cost(&app, &browser, household, category, amount, "save").await.status, StatusCode::SEE_OTHER);
    }
    let prepared = prepare_march_claim(&app, &browser).await;
    let claim_path = prepared.location().split('?').next().unwrap().to_owned();
    let page = app.get(prepared.location(), Some(&browser)).await;
    let text = page.body.replace('\u{a0}', " ");
    assert!(text.contains("31-000001") && text.contains("19820402-2381"), "dossier and personnummer for the claim");
    assert!(text.contains("16 000"), "9 000 + 1 000 + 6 000 claimed: {text}");
    assert!(!text.contains("saknar både dossiernummer"), "every row has its numbers: nothing to flag");
    let xlsx = app.get(&format!("{claim_path}/claim.xlsx"), Some(&browser)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let pdf = app.get(&format!("{claim_path}/claim.pdf"), Some(&browser)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
    let version =
        |body: &str| body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let step = |fields: Vec<(&'static str, String)>| {
        let mut pairs = vec![("csrf_token", browser.csrf.clone())];
        pairs.extend(fields);
        pairs
    };
    let v = version(&page.body);
    let submit = step(vec![("version", v.clone()), ("step", "submit".into()), ("on", "2024-04-02".into())]);
    let submit: Vec<(&str, &str)> = submit.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&format!("{claim_path}/steps"), Some(&browser), &submit).await.status,
        StatusCode::SEE_OTHER
    );
    let stale = app.post_form(&format!("{claim_path}/steps"), Some(&browser), &submit).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "the page was opened before the claim was submitted");
    let page = app.get(&claim_path, Some(&browser)).await;
    let v = version(&page.body);
    let no_amount = step(vec![
        ("version", v.clone()),
        ("step", "decide".into()),
        ("on", "2024-05-02".into()),
        ("reference", "MIG-1".into()),
    ]);
    let no_amount: Vec<(&str, &str)> = no_amount.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post_form(&format!("{claim_path}/steps"), Some(&browser), &no_amount).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Ange beviljat belopp"));
    let decide = step(vec![
        ("version", v),
        ("step", "decide".into()),
        ("on", "2024-05-02".into()),
        ("granted", "15 000".into()),
        ("reference", "MIG-1".into()),
    ]);
    let decide: Vec<(&str, &str)> = decide.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&format!("{claim_path}/steps"), Some(&browser), &decide).await.status,
        StatusCode::SEE_OTHER
    );
    let grant = app.get("/economy/grant?year=2024", Some(&browser)).await;
    let text = grant.body.replace('\u{a0}', " ");
    assert!(text.contains("Ej beviljat av Migrationsverket"), "{text}");
    // The list filters by status in the database; the API says how many match.
    let link = format!("href=\"{claim_path}\"");
    let decided = app.get("/economy/claims?status=decided&sort=deadline&dir=asc", Some(&browser)).await;
    assert!(decided.body.contains(&link) && decided.body.contains("1–1 av 1"), "{}", decided.body);
    assert!(!app.get("/economy/claims?status=draft", Some(&browser)).await.body.contains(&link));
    let unknown = app.get("/economy/claims?status=kanske", Some(&browser)).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let token = app.api_token(&eva);
    let api = app.get_with_token("/api/v1/economy/claims?status=decided&per_page=1", &token).await;
    assert_eq!(api.headers["x-total-count"], "1");
    assert_eq!(api.json()[0]["status"], "decided");
    let none = app.get_with_token("/api/v1/economy/claims?claim_type=economic_assistance", &token).await;
    assert_eq!((none.headers["x-total-count"].to_str().unwrap(), none.json().as_array().unwrap().len()), ("0", 0));
    let claim_log: Vec<String> = app
        .db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq("claim"))
                .filter(access_log::actor_user_id.eq(eva.id))
                .order(access_log::id)
                .select(access_log::action)
                .load(conn)?)
        })
        .unwrap();
    assert_eq!(&claim_log[..5], ["create", "read", "export", "export", "update"], "{claim_log:?}");
}

#[tokio::test]
async fn the_committee_sees_the_grants_totals_and_nothing_that_names_a_person() {
    let (app, household) = with_family();
    app.add_user("eva", &[Role::Finance]);
    app.add_user("nils", &[Role::Committee]);
    let finance = app.login("eva").await;
    add_cost(&app, &finance, household, "home_equipment", "9 500", "save").await;
    let grant = app
        .post_form(
            "/economy/grant",
            Some(&finance),
            &[
                ("csrf_token", &finance.csrf),
                ("municipality", "0117"),
                ("year", "2024"),
                ("amount", "100 000"),
                ("decision", "SN § 12"),
            ],
        )
        .await;
    assert_eq!(grant.status, StatusCode::SEE_OTHER);
    let committee = app.login("nils").await;
    let page = app.get("/economy/grant?year=2024", Some(&committee)).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.body.replace('\u{a0}', " ");
    assert!(text.contains("100 000 kr") && text.contains("99 500 kr"), "the grant and the balance: {text}");
    assert!(!text.contains("KVOT-5") && !text.contains("Kostnad 1") && !text.contains("Testsson"));
    assert!(!page.body.contains("method=\"post\" action=\"/economy/grant\""), "no form to set the grant");
    for path in ["/economy", "/economy/claims", "/economy/standard", "/api/v1/economy/claims"] {
        assert_eq!(app.get(path, Some(&committee)).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let pdf = app.get("/economy/grant.pdf?year=2024", Some(&committee)).await;
    assert_eq!(pdf.status, StatusCode::OK);
    let set = app
        .post_form(
            "/economy/grant",
            Some(&committee),
            &[("csrf_token", &committee.csrf), ("year", "2024"), ("amount", "1")],
        )
        .await;
    assert_eq!(set.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_administrator_edits_a_rule_and_a_bad_edit_is_explained() {
    let app = TestApp::new();
    app.add_user("adam", &[Role::Admin]);
    let browser = app.login("adam").await;
    let list = app.get("/admin/reimbursement-rules", Some(&browser)).await;
    assert_eq!(list.status, StatusCode::OK);
    let text = list.body.replace('\u{a0}', " ");
    assert!(text.contains("5 000 kr för hushållet och 1 000 kr per ytterligare familjemedlem"));
    assert!(text.contains("34,90 % av prisbasbeloppet"));
    assert!(text.contains("saknas"), "unknown values are shown as missing");
    let id = list.body.split("/admin/reimbursement-rules/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form = app.get(&format!("/admin/reimbursement-rules/{id}"), Some(&browser)).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = csrf_in(&form.body);
    let bad = app
        .post_form(
            &format!("/admin/reimbursement-rules/{id}"),
            Some(&browser),
            &[
                ("csrf_token", &csrf),
                ("revision", "1"),
                ("covers", "x"),
                ("valid_from", "2024-01-01"),
                ("valid_to", "2023-01-01"),
                ("cap_kind", "none"),
                ("deadline_kind", "months_after_reception"),
                ("deadline_months", "12"),
                ("source", "test"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Giltig till kan inte vara före giltig från"), "{}", bad.body);
}

/// The API measures a cost as the cost form does: the initial costs of quota refugees count the
/// household's quota refugees only, and cover nothing for a household with none.
#[tokio::test]
async fn the_api_quotes_with_the_same_eligibility_as_the_cost_form() {
    let app = TestApp::new();
    let eva = app.add_user("eva", &[Role::Finance]);
    let token = app.api_token(&eva);
    let quote = |resettled: &str| {
        format!(
            "/api/v1/economy/reimbursable?category=home_equipment&amount_ore=950000&household_size=5{resettled}&reception_date=2024-03-01"
        )
    };
    let all = app.get_with_token(&quote(""), &token).await.json();
    assert_eq!(all["cap_ore"], 900_000, "5 000 kr and 1 000 kr for each of four more");
    let two = app.get_with_token(&quote("&resettled=2"), &token).await.json();
    assert_eq!((two["cap_ore"].as_i64(), two["reimbursable_ore"].as_i64()), (Some(600_000), Some(600_000)));
    let none = app.get_with_token(&quote("&resettled=0"), &token).await.json();
    assert_eq!(none["not_reimbursable"], "not_resettled");
    assert_eq!((none["reimbursable_ore"].as_i64(), none["over_cap_ore"].as_i64()), (Some(0), Some(950_000)));
    let too_many = app.get_with_token(&quote("&resettled=6"), &token).await;
    assert_eq!(too_many.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_many.json()["error"]["field"], "resettled");
}

/// A rule's refusal is said in the reader's language: the API answers in English when the
/// client asks for it, with the same message in Swedish otherwise.
#[tokio::test]
async fn the_apis_refusal_is_in_the_language_asked_for() {
    let app = TestApp::new();
    let eva = app.add_user("eva", &[Role::Finance]);
    let token = app.api_token(&eva);
    let path = "/api/v1/economy/reimbursable?category=home_equipment&amount_ore=950000&household_size=1&resettled=2&reception_date=2024-03-01";
    let swedish = app.get_with_token(path, &token).await;
    assert_eq!(swedish.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(swedish.json()["error"]["field"], "resettled");
    assert_eq!(swedish.json()["error"]["message"], "Fler kvotflyktingar än personer i hushållet.");
    let request = TestApp::request(axum::http::Method::GET, path, None)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header("accept-language", "en-GB,en;q=0.8")
        .body(axum::body::Body::empty())
        .unwrap();
    let english = app.send(request).await;
    assert_eq!(english.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(english.json()["error"]["message"], "More quota refugees than persons in the household.");
}

/// An empty cost and an empty claim say every error at once, each linked from the summary to its
/// field, and save nothing.
#[tokio::test]
async fn an_empty_cost_or_claim_names_every_field_at_once() {
    let (app, household) = with_family();
    app.add_user("eva", &[Role::Finance]);
    let browser = app.login("eva").await;
    let household = household.to_string();
    let answer = app
        .post_form(
            "/economy/costs/new",
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("household", &household), ("person", ""), ("action", "save")],
        )
        .await;
    answer.names_every_field(
        "cost",
        &[
            ("date", "Skriv datumet som ÅÅÅÅ-MM-DD"),
            ("category", "Välj"),
            ("amount", "Skriv beloppet i kronor"),
            ("supplier", "Skriv leverantören."),
        ],
    );
    assert_eq!(cost_count(&app), 0, "nothing saved");
    let answer = app
        .post_form(
            "/economy/claims",
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("claim_type", ""), ("period_start", "mars"), ("period_end", "")],
        )
        .await;
    answer.names_every_field(
        "prepare",
        &[
            ("claim_type", "Välj ansökningstyp."),
            ("period_start", "Skriv periodens första dag som ÅÅÅÅ-MM-DD"),
            ("period_end", "Skriv periodens sista dag som ÅÅÅÅ-MM-DD"),
        ],
    );
    let claims: i64 =
        app.db.store.with_conn(|conn| Ok(etablera_store::schema::claims::table.count().get_result(conn)?)).unwrap();
    assert_eq!(claims, 0, "no claim prepared");
}

/// The month's SIE file is asked for by GET: a month that is not one is explained beside its
/// field, and a good one gives the file.
#[tokio::test]
async fn the_sie_export_explains_a_wrong_month() {
    let app = TestApp::new();
    app.add_user("eva", &[Role::Finance]);
    let browser = app.login("eva").await;
    let wrong = app.get("/economy/sie/export?municipality=0117&month=2024-13", Some(&browser)).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("href=\"#export-month\""), "{}", wrong.body);
    assert!(wrong.body.contains("value=\"2024-13\""), "what was typed is kept");
    let set = |values: &[(&str, &str)]| {
        let values: Vec<(String, String)> = values.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        app.db
            .store
            .with_conn(|conn| {
                etablera_store::economy::accounting::set(conn, &etablera_store::testing::cli(), "0117", &values)
            })
            .unwrap();
    };
    set(&[("cost_centre", "1410"), ("grant_cost_centre", "1411")]);
    let no_number = app.get("/economy/sie/export?municipality=0117&month=2024-03", Some(&browser)).await;
    assert_eq!(no_number.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_number.body.contains("id=\"export-org_number\""), "said at the export: {}", no_number.body);
    assert!(no_number.body.contains("Ange kommunens organisationsnummer"));
    set(&[("org_number", "212000-2817")]);
    let file = app.get("/economy/sie/export?municipality=0117&month=2024-03", Some(&browser)).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert!(file.headers["content-disposition"].to_str().unwrap().contains("etablera-0117-2024-03.si"));
}

#[tokio::test]
async fn the_cost_list_is_paged_searched_and_summed_over_every_page_and_a_household_is_found_by_reference() {
    let (app, household) = with_family();
    app.add_user("ekonom", &[Role::Finance]);
    let browser = app.login("ekonom").await;
    for category in ["home_equipment", "food_first_day", "interpreter"] {
        let saved = add_cost(&app, &browser, household, category, "1 000", "save").await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    }
    let first = app.get("/economy?per_page=2", Some(&browser)).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.contains("1–2 av 3"), "{}", first.body);
    let sum = app.db.store.with_conn(|conn| Ok(costs::table.select(costs::amount_ore).load::<i64>(conn)?)).unwrap();
    let total = etablera_domain::money::Money::from_ore(sum.iter().sum()).to_string();
    assert!(first.body.contains(&total), "the sum of all three, not the page's two: {total}");
    assert!(first.body.contains("page=2"), "a link to the next page");
    let second = app.get("/economy?per_page=2&page=2", Some(&browser)).await;
    assert!(second.body.contains("3–3 av 3"), "{}", second.body);
    assert_eq!(second.body.matches("/remove\"").count(), 1, "each is its category's newest: removable");

    let none = app.get("/economy?q=NOPE", Some(&browser)).await;
    assert!(none.body.contains("Inga rader"), "{}", none.body);
    let found = app.get("/economy?q=kvot", Some(&browser)).await;
    assert!(found.body.contains("1–3 av 3"), "a part of the reference, in any case");
    // A finance officer of another unit sees none of them, nor their sum.
    app.add_user("annan", &[Role::Finance]);
    app.grant("annan", Grants { unit: Some(Some("Etableringsenheten".into())), ..Default::default() });
    let other = app.login("annan").await;
    let theirs = app.get("/economy", Some(&other)).await;
    assert!(theirs.body.contains("Inga rader på den här sidan (0 totalt)"), "{}", theirs.body);
    assert!(!theirs.body.contains(&total));

    let chosen = app.get("/economy/costs/new?reference=KVOT-5", Some(&browser)).await;
    assert!(chosen.body.contains("Ny kostnad för KVOT-5"), "{}", chosen.body);
    let unknown = app.get("/economy/costs/new?reference=KVOT-6", Some(&browser)).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("Det finns inget hushåll med referensen KVOT-6"));
    assert!(unknown.body.contains("id=\"household-reference-error\""), "beside the field");
}

#[tokio::test]
async fn a_claim_row_without_a_dossier_number_or_personnummer_is_flagged_before_submission() {
    let app = TestApp::new();
    app.import(&FAMILY.replace(r#""dossier_number": "31-000005""#, r#""dossier_number": null"#));
    let household = app.household("KVOT-5");
    app.add_user("eva", &[Role::Finance]);
    let browser = app.login("eva").await;
    let elias: i32 = app
        .db
        .store
        .with_conn(|conn| {
            use etablera_store::schema::persons;
            Ok(persons::table.filter(persons::given_name.eq("Elias")).select(persons::id).first(conn)?)
        })
        .unwrap();
    let (household_text, elias_text) = (household.to_string(), elias.to_string());
    let saved = app
        .post_form(
            "/economy/costs/new",
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("household", &household_text),
                ("person", &elias_text),
                ("category", "clothes"),
                ("date", "2024-03-02"),
                ("amount", "1 000"),
                ("supplier", "Kläder AB"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let prepared = prepare_march_claim(&app, &browser).await;
    let page = app.get(prepared.location(), Some(&browser)).await;
    assert!(page.body.contains("1 av ansökans rader saknar både dossiernummer och personnummer"), "{}", page.body);
    assert!(page.body.contains(&format!("<a href=\"/reception/persons/{elias}\">Elias Testsson</a>")));
    assert!(page.body.contains("<tr class=\"warn\"><th scope=\"row\">Elias Testsson</th><td colspan=\"2\">Dossiernummer och personnummer saknas</td>"));
}

#[tokio::test]
async fn a_household_for_a_new_cost_is_found_by_a_name_or_a_personnummer() {
    let (app, _) = with_family();
    app.add_user("eva", &[Role::Finance]);
    let browser = app.login("eva").await;
    for typed in ["19820402-2381", "bashir testsson", "31-000003"] {
        let query = serde_urlencoded::to_string([("reference", typed)]).unwrap();
        let form = app.get(&format!("/economy/costs/new?{query}"), Some(&browser)).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.body.contains("Ny kostnad för KVOT-5"), "{typed}: {}", form.body);
    }
    let none = app.get("/economy/costs/new?reference=Ingen+S%C3%A5dan", Some(&browser)).await;
    assert!(none.body.contains("Det finns inget hushåll med referensen Ingen Sådan bland dina hushåll."));
}

/// A quota family whose mother's samordningsnummer leaves her month and day unknown (00, 60),
/// and a son born in December 2008 on a day nobody knows.
const UNKNOWN_DATES: &str = r#"{"format": "etablera-reception/1", "municipality_code": "0117", "households": [
  {"ref": "KVOT-00", "placement_date": "2024-02-15", "first_contact_at": null, "housing": null, "persons": [
    {"ref": "A", "given_name": "Hawa", "family_name": "Okänd", "birth_date": "1990-00-00", "personal_number": "199000602384", "dossier_number": "31-000100", "category": "resettled", "reception_date": "2024-03-01", "exit_date": null, "activities": [], "declined": []},
    {"ref": "B", "given_name": "Idris", "family_name": "Okänd", "birth_date": "2008-12-00", "personal_number": "20081260-2415", "dossier_number": null, "category": "resettled", "reception_date": "2024-03-01", "exit_date": null, "activities": [], "declined": []}
  ]}
]}"#;

#[tokio::test]
async fn a_samordningsnummer_with_month_00_is_registered_shown_as_written_aged_by_its_last_possible_day_and_claimed() {
    let app = TestApp::new();
    app.import(UNKNOWN_DATES);
    let household = app.household("KVOT-00");
    app.add_user("anna", &[Role::CaseWorker]);
    let anna = app.login("anna").await;
    let page = app.get(&format!("/reception/households/{household}"), Some(&anna)).await;
    assert!(page.body.contains("1990-00-00") && page.body.contains("2008-12-00"), "{}", page.body);
    let persons: Vec<(i32, String)> = app
        .db
        .store
        .with_conn(|conn| {
            use etablera_store::schema::persons;
            Ok(persons::table.select((persons::id, persons::given_name)).order(persons::id).load(conn)?)
        })
        .unwrap();
    let son = persons.iter().find(|(_, name)| name == "Idris").unwrap().0;
    let son_page = app.get(&format!("/reception/persons/{son}"), Some(&anna)).await.body;
    // Born some day in December 2008: not certainly 18 until 31 December 2026.
    let today = etablera_store::testing::today();
    let expected_age = if today >= chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap() { 18 } else { 17 };
    assert!(son_page.contains(&format!("2008-12-00 ({expected_age} år, åldern räknad från 2008-12-31)")), "{son_page}");

    // The API says it as recorded.
    let token = app.api_token(&app.add_user("api", &[Role::CaseWorker]));
    let api = app.get_with_token("/api/v1/reception/households?q=KVOT-00", &token).await;
    assert!(api.body.contains("\"birth_date\":\"1990-00-00\""), "{}", api.body);

    // Claimed with her samordningsnummer as Skatteverket wrote it.
    app.add_user("eva", &[Role::Finance]);
    let eva = app.login("eva").await;
    assert_eq!(add_cost(&app, &eva, household, "clothes", "3 000", "save").await.status, StatusCode::SEE_OTHER);
    let prepared = prepare_march_claim(&app, &eva).await;
    let claim = app.get(prepared.location(), Some(&eva)).await.body;
    assert!(claim.contains("19900060-2384"), "{claim}");
    let claim_path = prepared.location().split('?').next().unwrap().to_owned();
    let xlsx = app.get_bytes(&format!("{claim_path}/claim.xlsx"), &eva).await;
    assert!(crate::support::xlsx_strings(&xlsx).iter().any(|s| s == "19900060-2384"));

    // A birth date that contradicts the number is refused; 00 for a month with a known day too.
    let bad = app
        .post_form(
            &format!("/reception/households/{household}/persons"),
            Some(&anna),
            &[
                ("csrf_token", &anna.csrf),
                ("given_name", "Sara"),
                ("family_name", "Okänd"),
                ("birth_date", "2010-00-14"),
                ("personal_number", ""),
                ("dossier_number", ""),
                ("category", "resettled"),
            ],
        )
        .await;
    bad.names_every_field("person", &[("birth_date", "Skriv 00 för en dag eller en månad och dag som inte är känd")]);
}

/// The rules table says ahead of time what it lacks for this year and the next; the finance
/// officer is warned on the start page; a price base amount is entered with its source.
#[tokio::test]
async fn missing_rules_are_named_for_this_year_and_the_next_until_they_are_filled_in() {
    let app = TestApp::new();
    app.add_user("eva", &[Role::Finance]);
    app.add_user("admin", &[Role::Admin]);
    let next = chrono::Datelike::year(&etablera_store::testing::today()) + 1;
    let admin = app.login("admin").await;
    let page = app.get("/admin/reimbursement-rules", Some(&admin)).await;
    let missing = format!("Prisbasbeloppet för {next} saknas");
    assert!(page.body.contains(&missing), "{}", page.body);
    assert!(page.body.contains("Förordning (2025:872) om prisbasbelopp för år 2026"), "the source is shown");
    let finance = app.login("eva").await;
    let start = app.get("/", Some(&finance)).await;
    assert!(start.body.contains("Regler som saknas") && start.body.contains(&missing), "{}", start.body);

    let year = next.to_string();
    let refused = app
        .post_form(
            "/admin/price-base-amounts",
            Some(&admin),
            &[("csrf_token", &admin.csrf), ("year", &year), ("amount", "60 000"), ("source", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Skriv källan."), "{}", refused.body);
    let saved = app
        .post_form(
            "/admin/price-base-amounts",
            Some(&admin),
            &[
                ("csrf_token", &admin.csrf),
                ("year", &year),
                ("amount", "60 000"),
                ("source", "Test: förordning om prisbasbelopp"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = app.get("/admin/reimbursement-rules", Some(&admin)).await;
    assert!(!page.body.contains(&missing) && page.body.contains("Test: förordning om prisbasbelopp"));
    assert!(!app.get("/", Some(&finance)).await.body.contains(&missing));
}
