use axum::http::StatusCode;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_store::access::users::Grants;
use etablera_store::schema::{access_log, households, persons};

use crate::support::TestApp;

const EXAMPLE: &str = include_str!("../../../data/examples/reception.json");

/// The example file, stored for the unit "Mottagningen" (the test users' unit).
fn with_caseload() -> TestApp {
    let app = TestApp::new();
    app.import(EXAMPLE);
    app
}

fn first_ids(app: &TestApp) -> (i32, i32) {
    app.db
        .store
        .with_conn(|conn| {
            let household: i32 = households::table.order(households::id).select(households::id).first(conn)?;
            let person: i32 = persons::table
                .filter(persons::household_id.eq(household))
                .order(persons::id)
                .select(persons::id)
                .first(conn)?;
            Ok((household, person))
        })
        .unwrap()
}

fn person_reads(app: &TestApp, user_id: i32) -> Vec<Option<String>> {
    app.db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq("person"))
                .filter(access_log::action.eq("read"))
                .filter(access_log::actor_user_id.eq(user_id))
                .select(access_log::record_id)
                .load(conn)?)
        })
        .unwrap()
}

#[tokio::test]
async fn a_case_worker_opens_a_household_and_a_person_and_each_view_is_logged() {
    let app = with_caseload();
    let anna = app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let (household, person) = first_ids(&app);
    let list = app.get("/reception", Some(&browser)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Test Testsson"));
    let page = app.get(&format!("/reception/households/{household}"), Some(&browser)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Exempelgatan 1, 184 00 Åkersberga"));
    assert!(page.body.contains("Trasig dörr"));
    let page = app.get(&format!("/reception/persons/{person}"), Some(&browser)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Planerat 15 timmar per vecka av målet 40 timmar"), "SFI 15 hours against 40");
    assert!(page.body.contains("Under heltidsmålet"));
    let api = app.get(&format!("/api/v1/reception/persons/{person}"), Some(&browser)).await;
    assert_eq!(api.json()["target_hours"], 40);
    assert_eq!(person_reads(&app, anna.id), [Some(person.to_string()), Some(person.to_string())], "page and API");
}

#[tokio::test]
async fn another_units_case_worker_gets_not_found_and_the_committee_is_refused() {
    let app = with_caseload();
    app.add_user("olle", &[Role::CaseWorker]);
    app.grant("olle", Grants { unit: Some(Some("Vuxenenheten".into())), ..Default::default() });
    let olle = app.login("olle").await;
    let (household, person) = first_ids(&app);
    assert_eq!(app.get(&format!("/reception/households/{household}"), Some(&olle)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/v1/reception/persons/{person}"), Some(&olle)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!app.get("/reception", Some(&olle)).await.body.contains("Testsson"));

    app.add_user("nils", &[Role::Committee]);
    let committee = app.login("nils").await;
    for path in ["/reception".to_owned(), format!("/reception/persons/{person}"), "/api/v1/reception/households".into()]
    {
        assert_eq!(app.get(&path, Some(&committee)).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn a_placement_with_a_bad_number_is_refused_with_the_field_and_nothing_is_stored() {
    let app = TestApp::new();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let fields = |number: &'static str| {
        vec![
            ("csrf_token", browser.csrf.clone()),
            ("placement_date", "2026-11-01".to_owned()),
            ("given_name", "Amira".to_owned()),
            ("family_name", "Provdotter".to_owned()),
            ("birth_date", "1990-01-01".to_owned()),
            ("personal_number", number.to_owned()),
            ("category", "resettled".to_owned()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        let browser = browser.clone();
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/reception/households/new", Some(&browser), &pairs).await
        }
    };
    let refused = post(fields("19900101-2384")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#placement-personal_number\""), "the summary links to the field");
    assert!(refused.body.contains("value=\"Amira\""), "the input is kept");
    let count: i64 = app.db.store.with_conn(|conn| Ok(households::table.count().get_result(conn)?)).unwrap();
    assert_eq!(count, 0);

    let saved = post(fields("19900101-2385")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(saved.location().starts_with("/reception/households/"));
    let again = post(fields("19900101-2385")).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Det finns redan en person med det person- eller samordningsnumret i kommunen."));
}

#[tokio::test]
async fn an_overdue_first_contact_is_e_mailed_once_without_personal_data() {
    let (smtp_url, server) = crate::support::fake_smtp().await;
    let mail = etablera_web::MailConfig {
        smtp_url,
        from: "Etablera <etablera@osteraker.test>".into(),
        public_url: Some("https://etablera.osteraker.test".into()),
    };
    let app = TestApp::new();
    app.import(EXAMPLE);
    app.add_user("anna", &[Role::CaseWorker]);
    app.grant("anna", Grants { email: Some(Some("anna@osteraker.test".into())), ..Default::default() });
    let state = etablera_web::AppState::new(app.db.store.clone(), etablera_web::WebConfig::default());
    // A household received ten days ago that nobody has contacted.
    let received = etablera_store::testing::today() - chrono::Duration::days(10);
    let person = etablera_domain::reception::person::PersonInput {
        given_name: "Hemlig",
        family_name: "Namnsson",
        birth_date: "1991-02-03",
        category: "resettled",
        reception_date: Some(&received.to_string()),
        ..Default::default()
    }
    .check(received, etablera_store::testing::today())
    .unwrap();
    let household = app
        .db
        .store
        .with_conn(|conn| {
            etablera_store::reception::households::register(
                conn,
                &etablera_store::testing::cli(),
                &etablera_store::access::Scope::command_line(),
                &etablera_store::reception::households::NewHousehold {
                    municipality_code: "0117".into(),
                    unit: Some("Mottagningen".into()),
                    reference: None,
                    placement_date: received,
                    expected_reception_date: None,
                    responsible_id: None,
                },
                &[person],
            )
        })
        .unwrap();
    let mailer = etablera_web::mail::Mailer::new(&mail).unwrap();
    etablera_web::notifications::notify(&state, Some(&mailer)).await.unwrap();
    etablera_web::notifications::notify(&state, Some(&mailer)).await.unwrap();
    drop(mailer);
    let messages = tokio::time::timeout(std::time::Duration::from_secs(10), server).await.unwrap().unwrap();
    assert_eq!(
        messages.len(),
        1,
        "one overdue household (H2 has left the target group); the second round sends nothing"
    );
    let message = &messages[0];
    assert!(message.contains("To: anna@osteraker.test"), "{message}");
    assert!(
        message.contains(&format!("https://etablera.osteraker.test/reception/households/{household}")),
        "{message}"
    );
    assert!(!message.contains("Hemlig") && !message.contains("Namnsson"), "no names in the message: {message}");
}

#[tokio::test]
async fn a_first_contact_saved_on_a_stale_page_is_refused_with_409_and_the_input_kept() {
    let app = with_caseload();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let household = app.household("H2");
    let today = etablera_store::testing::today().to_string();
    let answer = app
        .post_form(
            &format!("/reception/households/{household}/first-contact"),
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("version", "0"),
                ("date", &today),
                ("time", "10:15"),
                ("channel", "Telefon med tolk i arabiska"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(answer.body.contains("Någon annan har ändrat uppgifterna"));
    assert!(answer.body.contains("value=\"Telefon med tolk i arabiska\""), "the input is kept");
}

/// An empty placement form says everything that is missing at once, each message beside its
/// field and in the summary, and which date is meant.
#[tokio::test]
async fn an_empty_placement_names_every_missing_field_at_once() {
    let app = TestApp::new();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let answer = app
        .post_form("/reception/households/new", Some(&browser), &[("csrf_token", &browser.csrf), ("category", "")])
        .await;
    answer.names_every_field(
        "placement",
        &[
            ("placement_date", "Skriv anvisningsdatumet som ÅÅÅÅ-MM-DD"),
            ("given_name", "Skriv förnamnet."),
            ("family_name", "Skriv efternamnet."),
            ("birth_date", "Skriv födelsedatumet som ÅÅÅÅ-MM-DD"),
            ("category", "Välj kategori"),
        ],
    );
    assert_eq!(app.db.store.with_conn(|conn| Ok(households::table.count().get_result::<i64>(conn)?)).unwrap(), 0);
}

/// The person's forms say every error at once, each linked from the summary to its field, and
/// save nothing until all is right.
#[tokio::test]
async fn a_wrong_activity_or_exemption_names_every_field_at_once() {
    let app = with_caseload();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let (_, person) = first_ids(&app);
    let count = |app: &TestApp| {
        app.db
            .store
            .with_conn(|conn| {
                use etablera_store::schema::{activities, work_exemptions};
                let a: i64 = activities::table.filter(activities::person_id.eq(person)).count().get_result(conn)?;
                let e: i64 =
                    work_exemptions::table.filter(work_exemptions::person_id.eq(person)).count().get_result(conn)?;
                Ok((a, e))
            })
            .unwrap()
    };
    let before = count(&app);
    let answer = app
        .post_form(
            &format!("/reception/persons/{person}/activities"),
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("type", "sfi"),
                ("start", ""),
                ("end", "i morgon"),
                ("hours_per_week", "många"),
                ("note", "Kvällskurs"),
            ],
        )
        .await;
    answer.names_every_field(
        "activity",
        &[
            ("start", "Skriv startdatumet som ÅÅÅÅ-MM-DD"),
            ("end", "Skriv slutdatumet som ÅÅÅÅ-MM-DD"),
            ("hours_per_week", "Skriv timmar per vecka som ett heltal, 0–40."),
        ],
    );
    assert!(answer.body.contains("value=\"Kvällskurs\""), "what was typed is kept");
    let answer = app
        .post_form(&format!("/reception/persons/{person}/exemptions"), Some(&browser), &[("csrf_token", &browser.csrf)])
        .await;
    answer.names_every_field(
        "exemption",
        &[("reason", "Välj skäl: sjukdom eller funktionsnedsättning."), ("start", "Skriv startdatumet som ÅÅÅÅ-MM-DD")],
    );
    assert_eq!(count(&app), before, "nothing was saved");
}

fn responsible_of(app: &TestApp, household: i32) -> Option<i32> {
    app.db
        .store
        .with_conn(|conn| {
            Ok(households::table.find(household).select(households::responsible_id).first::<Option<i32>>(conn)?)
        })
        .unwrap()
}

fn version_in(body: &str, action: &str) -> String {
    let form = body.split(&format!("action=\"{action}\"")).nth(1).expect("the form");
    form.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_registering_case_worker_is_responsible_and_the_unit_manager_reassigns() {
    let app = with_caseload();
    let anna = app.add_user("anna", &[Role::CaseWorker]);
    let bo = app.add_user("bo", &[Role::CaseWorker]);
    app.add_user("chef", &[Role::UnitManager]);
    app.add_user("vera", &[Role::CaseWorker]);
    app.grant("vera", Grants { unit: Some(Some("Vuxenenheten".into())), ..Default::default() });
    let anna_browser = app.login("anna").await;
    let today = etablera_store::testing::today().to_string();
    let created = app
        .post_form(
            "/reception/households/new",
            Some(&anna_browser),
            &[
                ("csrf_token", &anna_browser.csrf),
                ("placement_date", &today),
                ("given_name", "Ny"),
                ("family_name", "Anvisad"),
                ("birth_date", "1990-01-01"),
                ("category", "resettled"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let household: i32 =
        created.location().trim_start_matches("/reception/households/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(responsible_of(&app, household), Some(anna.id));
    let page = app.get(&format!("/reception/households/{household}"), Some(&anna_browser)).await;
    assert!(page.body.contains("Ansvarig handläggare</dt><dd>Testperson anna"), "{}", page.body);
    assert!(!page.body.contains("/responsible\""), "a case worker has no form to reassign");
    let mine = app.get("/reception?responsible=mine", Some(&anna_browser)).await;
    assert!(mine.body.contains("Ny Anvisad") && !mine.body.contains("Test Testsson"), "only anna's: {}", mine.body);
    let nobodys = app.get("/reception?responsible=none&show=all", Some(&anna_browser)).await;
    assert!(nobodys.body.contains("Test Testsson") && !nobodys.body.contains("Ny Anvisad"));
    assert_eq!(
        app.get("/reception?responsible=alla", Some(&anna_browser)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let chef = app.login("chef").await;
    let page = app.get(&format!("/reception/households/{household}"), Some(&chef)).await;
    let path = format!("/reception/households/{household}/responsible");
    let version = version_in(&page.body, &path);
    assert!(page.body.contains(&format!("<option value=\"{}\">Testperson bo</option>", bo.id)), "bo may be chosen");
    assert!(!page.body.contains("Testperson vera"), "another unit's case worker is no choice");
    assert!(!page.body.contains(">Testperson chef<"), "nor a unit manager");
    let wrong_unit = app
        .post_form(
            &path,
            Some(&chef),
            &[("csrf_token", &chef.csrf), ("version", &version), ("responsible", &app.user_id("vera").to_string())],
        )
        .await;
    wrong_unit.names_every_field("responsible", &[("responsible", "Välj en aktiv handläggare")]);
    assert_eq!(responsible_of(&app, household), Some(anna.id), "nothing changed");
    let moved = app
        .post_form(
            &path,
            Some(&chef),
            &[("csrf_token", &chef.csrf), ("version", &version), ("responsible", &bo.id.to_string())],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert!(app.get(moved.location(), Some(&chef)).await.body.contains("Ansvarig handläggare är sparad."));
    assert_eq!(responsible_of(&app, household), Some(bo.id));
    let stale = app
        .post_form(&path, Some(&chef), &[("csrf_token", &chef.csrf), ("version", &version), ("responsible", "")])
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "a choice made on an old page is refused");
    assert_eq!(responsible_of(&app, household), Some(bo.id));
    let tampered = app
        .post_form(&path, Some(&chef), &[("csrf_token", &chef.csrf), ("version", &version), ("responsible", "bo")])
        .await;
    assert_eq!(tampered.status, StatusCode::BAD_REQUEST);
    let by_case_worker = app
        .post_form(
            &path,
            Some(&anna_browser),
            &[("csrf_token", &anna_browser.csrf), ("version", "1"), ("responsible", "")],
        )
        .await;
    assert_eq!(by_case_worker.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_plan_shows_the_coming_weeks_and_no_full_time_target_for_a_child() {
    let app = with_caseload();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let (_, person) = first_ids(&app);
    // Work practice of 25 hours a week that begins in three weeks.
    let start = (etablera_store::testing::today() + chrono::Duration::days(21)).to_string();
    let added = app
        .post_form(
            &format!("/reception/persons/{person}/activities"),
            Some(&browser),
            &[("csrf_token", &browser.csrf), ("type", "internship"), ("start", &start), ("hours_per_week", "25")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = app.get(&format!("/reception/persons/{person}"), Some(&browser)).await;
    assert!(page.body.contains("Planerat 15 timmar per vecka av målet 40 timmar"), "today: SFI alone");
    let weeks = page
        .body
        .split("Planen de kommande veckorna")
        .nth(1)
        .expect("the coming weeks")
        .split("</table>")
        .next()
        .unwrap();
    assert!(weeks.contains("<td class=\"num\">15</td>"), "{weeks}");
    assert!(
        weeks.contains("<td class=\"num\">40</td><td class=\"num\">40</td><td>Heltid</td>"),
        "full time once it begins: {weeks}"
    );
    assert!(page.body.contains("name=\"end\" type=\"text\" value=\"\""), "no end date prefilled beside an activity");
    assert!(
        page.body.contains("id=\"exit-exit_date\" name=\"exit_date\" type=\"text\" inputmode=\"numeric\" value=\"\""),
        "nor an exit date"
    );

    // A child: the activities, without a target of 40 hours.
    let household = app.household("H1");
    let added = app
        .post_form(
            &format!("/reception/households/{household}/persons"),
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("given_name", "Liten"),
                ("family_name", "Testsson"),
                ("birth_date", "2019-04-01"),
                ("category", "resettled"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let child: i32 = app
        .db
        .store
        .with_conn(|conn| Ok(persons::table.filter(persons::given_name.eq("Liten")).select(persons::id).first(conn)?))
        .unwrap();
    let page = app.get(&format!("/reception/persons/{child}"), Some(&browser)).await;
    assert!(!page.body.contains("av målet 40"), "{}", page.body);
    assert!(page.body.contains("Planen mot heltid gäller vuxna"));
}

#[tokio::test]
async fn a_person_registered_again_is_warned_of_and_can_be_registered_on_purpose() {
    let app = with_caseload();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let today = etablera_store::testing::today().to_string();
    let place = |given: &'static str, family: &'static str, confirm: bool| {
        let mut fields = vec![
            ("csrf_token", browser.csrf.clone()),
            ("placement_date", today.clone()),
            ("given_name", given.to_owned()),
            ("family_name", family.to_owned()),
            ("birth_date", "1990-01-01".to_owned()),
            ("category", "resettled".to_owned()),
        ];
        if confirm {
            fields.push(("not_a_duplicate", "yes".to_owned()));
        }
        fields
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let browser = &browser;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/reception/households/new", Some(browser), &pairs).await
        }
    };
    // The example's "Test Testsson", born 1990-01-01, typed without care for case and order.
    let warned = send(place("TESTSSON", "test", false)).await;
    warned.names_every_field("placement", &[("not_a_duplicate", "Det finns redan en person med samma namn")]);
    let (_, existing) = first_ids(&app);
    assert!(
        warned
            .body
            .contains(&format!("href=\"/reception/persons/{existing}\">Test Testsson (1990-01-01)</a>, hushåll H1")),
        "{}",
        warned.body
    );
    assert!(warned.body.contains("value=\"TESTSSON\""), "what was typed is kept");
    let households_now =
        || app.db.store.with_conn(|conn| Ok(households::table.count().get_result::<i64>(conn)?)).unwrap();
    assert_eq!(households_now(), 2, "nothing saved");
    let saved = send(place("TESTSSON", "test", true)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "registered on purpose: {}", saved.body);
    assert_eq!(households_now(), 3);

    // Added to a household: the same warning.
    let household = app.household("H2");
    let add = app
        .post_form(
            &format!("/reception/households/{household}/persons"),
            Some(&browser),
            &[
                ("csrf_token", &browser.csrf),
                ("given_name", "Test"),
                ("family_name", "Testsson"),
                ("birth_date", "1990-01-01"),
                ("category", "resettled"),
            ],
        )
        .await;
    add.names_every_field("person", &[("not_a_duplicate", "Det finns redan en person")]);
    assert!(add.body.contains("<details open>"), "the add form stays open with its warning");
}

#[tokio::test]
async fn a_person_is_corrected_with_a_history_and_a_stale_edit_is_refused_with_the_input_kept() {
    let app = with_caseload();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    // "Prov Testsson" has no personnummer yet.
    let person: i32 = app
        .db
        .store
        .with_conn(|conn| Ok(persons::table.filter(persons::given_name.eq("Prov")).select(persons::id).first(conn)?))
        .unwrap();
    let path = format!("/reception/persons/{person}");
    let page = app.get(&path, Some(&browser)).await;
    assert!(page.body.contains("value=\"Prov\""), "the form holds the details as they are");
    let version = page.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let edit = |given: &'static str, number: &'static str, version: &str| {
        vec![
            ("csrf_token", browser.csrf.clone()),
            ("version", version.to_owned()),
            ("given_name", given.to_owned()),
            ("family_name", "Testsson".to_owned()),
            ("birth_date", "1992-06-15".to_owned()),
            ("personal_number", number.to_owned()),
            ("dossier_number", "12-345679".to_owned()),
            ("category", "resettled".to_owned()),
            ("reception_date", "2024-02-01".to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let (app, path, browser) = (&app, format!("{path}/edit"), &browser);
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(&path, Some(browser), &pairs).await
        }
    };
    // Another person's personnummer (Test Testsson's) is refused, and nothing changes.
    let mut fields = edit("Provi", "19900101-2385", &version);
    fields[4].1 = "1990-01-01".into();
    let taken = send(fields).await;
    taken.names_every_field("person-edit", &[("personal_number", "Det finns redan en person")]);
    assert!(taken.body.contains("value=\"Provi\""), "what was typed is kept");

    let saved = send(edit("Provi", "920615-2382", &version)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(saved.location(), Some(&browser)).await;
    assert!(page.body.contains("Personuppgifterna är ändrade."));
    let history = page.body.split("Ändringshistorik").nth(1).expect("a history").split("</table>").next().unwrap();
    assert!(history.contains("<td>Testperson anna</td><td>Förnamn</td><td>Prov</td><td>Provi</td>"), "{history}");
    assert!(history.contains("<td>–</td><td>19920615-2382</td>"), "the number added later: {history}");
    let list = app.get("/reception?show=all&q=9206152382", Some(&browser)).await;
    assert!(list.body.contains("Provi Testsson"), "the new number and name are found");

    let stale = send(edit("Provo", "920615-2382", &version)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("value=\"Provo\""), "the input is kept");
    assert!(stale.body.contains("Någon annan har ändrat uppgifterna"));
    let name: String = app
        .db
        .store
        .with_conn(|conn| Ok(persons::table.find(person).select(persons::given_name).first(conn)?))
        .unwrap();
    assert_eq!(name, "Provi", "the stale edit changed nothing");
    let updates: i64 = app
        .db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq("person"))
                .filter(access_log::action.eq("update"))
                .filter(access_log::record_id.eq(person.to_string()))
                .count()
                .get_result(conn)?)
        })
        .unwrap();
    assert_eq!(updates, 1, "the correction is in the access log");
}

#[tokio::test]
async fn a_placements_dates_are_corrected_with_a_history_and_not_after_a_reception() {
    let app = with_caseload();
    app.add_user("anna", &[Role::CaseWorker]);
    let browser = app.login("anna").await;
    let household = app.household("H1"); // placed 2024-01-10, received 2024-02-01
    let path = format!("/reception/households/{household}");
    let page = app.get(&path, Some(&browser)).await;
    let version = page
        .body
        .split(&format!("action=\"{path}/edit\""))
        .nth(1)
        .unwrap()
        .split("name=\"version\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let edit = |placement: &'static str, version: String| {
        let (app, path, browser) = (&app, format!("{path}/edit"), &browser);
        async move {
            app.post_form(
                &path,
                Some(browser),
                &[
                    ("csrf_token", &browser.csrf),
                    ("version", &version),
                    ("placement_date", placement),
                    ("expected_reception_date", ""),
                ],
            )
            .await
        }
    };
    let late = edit("2024-02-15", version.clone()).await;
    late.names_every_field("placement-edit", &[("placement_date", "togs emot före det datumet")]);
    let saved = edit("2024-01-08", version.clone()).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = app.get(saved.location(), Some(&browser)).await;
    assert!(page.body.contains("Anvisningens datum är ändrade."));
    assert!(page.body.contains("<td>Anvisningsdatum</td><td>2024-01-10</td><td>2024-01-08</td>"), "{}", page.body);
    assert_eq!(edit("2024-01-09", version).await.status, StatusCode::CONFLICT, "an edit of an old copy");
}
