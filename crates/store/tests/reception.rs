use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_domain::ids::{NoteId, PersonId};
use etablera_domain::reception::first_contact::{DayCount, Status};
use etablera_domain::reception::housing::{Damage, HousingDetails};
use etablera_domain::reception::person::{ExitReason, NewExit, PersonInput};
use etablera_domain::reception::plan::ActivityInput;
use etablera_domain::reception::tasks::TaskTemplate;
use etablera_store::StoreError;
use etablera_store::access::Scope;
use etablera_store::access::users::{self, Grants};
use etablera_store::paging::Paging;
use etablera_store::reception::exchange::{self, ImportError};
use etablera_store::reception::households::{self, NewHousehold};
use etablera_store::reception::{case_file, housing, notes, notifications, plans};
use etablera_store::schema::access_log;
use etablera_store::testing::TestDatabase;

use crate::add_user;

const EXAMPLE: &str = include_str!("../../../data/examples/reception.json");

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn today() -> NaiveDate {
    d("2026-11-24")
}

fn import(db: &TestDatabase, text: &str) -> Result<exchange::Imported, ImportError> {
    db.store
        .with_conn(|conn| Ok(exchange::import(conn, &etablera_store::testing::cli_on(today()), text, "Mottagningen")))
        .unwrap()
}

fn errors(result: Result<exchange::Imported, ImportError>) -> Vec<String> {
    match result {
        Err(ImportError::Invalid(list)) => list.into_iter().map(|e| e.field.into_owned()).collect(),
        other => panic!("expected errors, got {other:?}"),
    }
}

fn count(db: &TestDatabase, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    db.store
        .with_conn(|conn| Ok(diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result::<N>(conn)?.n))
        .unwrap()
}

fn log_rows(db: &TestDatabase, kind: &str, action: &str) -> Vec<(Option<i32>, Option<String>)> {
    db.store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq(kind))
                .filter(access_log::action.eq(action))
                .select((access_log::actor_user_id, access_log::record_id))
                .load(conn)?)
        })
        .unwrap()
}

#[test]
fn the_issues_format_imports_and_exports_to_the_same_data() {
    let db = TestDatabase::new();
    let imported = import(&db, EXAMPLE).unwrap();
    assert_eq!(
        imported,
        exchange::Imported { households: 2, persons: 3, activities: 4, declines: 1, damages: 1, ..Default::default() }
    );
    // An activity type the administrator added, and a household registered by hand.
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    db.store
        .with_conn(|conn| {
            plans::add_type(
                conn,
                &etablera_store::testing::cli_on(today()),
                &etablera_domain::reception::plan::NewActivityType {
                    code: "yrkessvenska".into(),
                    name: "Yrkessvenska".into(),
                    counts: etablera_domain::reception::plan::Counts::Hours,
                },
            )
        })
        .unwrap();
    let by_hand = register_person(&db, &anna, "2026-10-01", PersonInput { dossier_number: None, ..person_input() });
    let person_id = db
        .store
        .with_conn(|conn| {
            case_file::household(conn, &etablera_store::testing::cli_on(today()), &Scope::command_line(), by_hand)
        })
        .unwrap()
        .persons[0]
        .person
        .id;
    db.store
        .with_conn(|conn| {
            plans::add_activity(
                conn,
                &etablera_store::testing::cli_on(today()),
                &Scope::command_line(),
                person_id,
                ActivityInput {
                    type_code: "yrkessvenska".into(),
                    start: d("2026-10-05"),
                    end: None,
                    hours_per_week: Some(10),
                    extent_percent: None,
                    note: None,
                },
            )
        })
        .unwrap();
    let first =
        db.store.with_conn(|conn| exchange::export(conn, &etablera_store::testing::cli_on(today()), "0117")).unwrap();
    let text = serde_json::to_string_pretty(&first).unwrap();

    let empty = TestDatabase::new();
    import(&empty, &text).unwrap();
    let second = empty
        .store
        .with_conn(|conn| exchange::export(conn, &etablera_store::testing::cli_on(today()), "0117"))
        .unwrap();
    assert_eq!(serde_json::to_value(&first).unwrap(), serde_json::to_value(&second).unwrap());

    let value = serde_json::to_value(&first).unwrap();
    let h1 = &value["households"][0];
    assert_eq!(h1["first_contact_at"], "2024-02-02T10:30:00+01:00");
    assert_eq!(h1["housing"]["damages"][0]["cost_kr"], 1200);
    assert_eq!(h1["persons"][1]["activities"][1]["extent_percent"], 50);
    assert_eq!(value["households"][1]["persons"][0]["exit_date"], "2025-01-31");
    assert_eq!(value["households"][1]["persons"][0]["exit_reason"], "moved");
    assert_eq!(value["households"][2]["ref"], format!("H{by_hand}"));
    assert!(value["activity_types"].as_array().unwrap().iter().any(|t| t["code"] == "yrkessvenska"));
}

#[test]
fn person_refs_name_persons_within_their_household() {
    let db = TestDatabase::new();
    import(&db, EXAMPLE).unwrap();
    let other = EXAMPLE
        .replace("\"ref\": \"H1\"", "\"ref\": \"H11\"")
        .replace("\"ref\": \"H2\"", "\"ref\": \"H12\"")
        .replace("199001012385", "199001022384")
        .replace("1990-01-01", "1990-01-02")
        .replace("12-34567", "13-34567");
    import(&db, &other).unwrap();
    let exported =
        db.store.with_conn(|conn| exchange::export(conn, &etablera_store::testing::cli_on(today()), "0117")).unwrap();
    let empty = TestDatabase::new();
    import(&empty, &serde_json::to_string(&exported).unwrap()).unwrap();
}

#[test]
fn a_file_with_one_bad_row_changes_nothing_and_names_the_row() {
    let db = TestDatabase::new();
    let bad = EXAMPLE.replace("\"hours_per_week\": 40", "\"hours_per_week\": 41");
    assert_eq!(errors(import(&db, &bad)), ["households[1].persons[0].activities[0].hours_per_week"]);
    assert_eq!(count(&db, "households"), 0);
    assert_eq!(count(&db, "persons"), 0);
    assert_eq!(count(&db, "activities"), 0);
}

#[test]
fn a_person_already_stored_is_a_duplicate_and_nothing_of_the_file_is_kept() {
    let db = TestDatabase::new();
    import(&db, EXAMPLE).unwrap();
    let again = EXAMPLE.replace("\"ref\": \"H1\"", "\"ref\": \"H9\"").replace("\"ref\": \"H2\"", "\"ref\": \"H8\"");
    assert_eq!(
        errors(import(&db, &again)),
        ["households[0].persons[0].personal_number", "households[0].persons[1].dossier_number"]
    );
    assert_eq!(count(&db, "households"), 2, "the second file left nothing behind");
    assert_eq!(
        errors(import(&db, EXAMPLE)),
        [
            "households[0].ref",
            "households[0].persons[0].personal_number",
            "households[0].persons[1].dossier_number",
            "households[1].ref"
        ],
        "the same file twice: every clash, the households' and their persons'"
    );
    let mixed = EXAMPLE.replace("\"ref\": \"H1\"", "\"ref\": \"H9\"");
    assert_eq!(
        errors(import(&db, &mixed)),
        ["households[0].persons[0].personal_number", "households[0].persons[1].dossier_number", "households[1].ref"],
        "a new household's persons and a taken household: in the order of the file"
    );
    assert_eq!(count(&db, "households"), 2);
}

#[test]
fn a_person_with_the_name_and_birth_date_of_one_registered_is_imported_and_named_for_a_look() {
    let db = TestDatabase::new();
    import(&db, EXAMPLE).unwrap();
    // Exempel Provsson (H2) again, written with a diacritic, and someone of the same name born
    // a day earlier.
    let file = r#"{"format": "etablera-reception/1", "municipality_code": "0117", "households": [
      {"ref": "H9", "placement_date": "2024-05-01", "first_contact_at": null, "housing": null, "persons": [
        {"ref": "A", "given_name": "Exémpel", "family_name": "Provsson", "birth_date": "1985-11-30", "personal_number": null, "dossier_number": null, "category": "newly_arrived", "reception_date": null, "exit_date": null, "activities": [], "declined": []},
        {"ref": "B", "given_name": "Exempel", "family_name": "Provsson", "birth_date": "1985-11-29", "personal_number": null, "dossier_number": null, "category": "newly_arrived", "reception_date": null, "exit_date": null, "activities": [], "declined": []}
      ]}
    ]}"#;
    let imported = import(&db, file).unwrap();
    assert_eq!(imported.persons, 2, "a warning, not a refusal");
    assert_eq!(imported.namesakes_total, 1, "another birth date is another person");
    assert_eq!(
        imported.namesakes,
        [exchange::Namesake { household: "H9".into(), person: "A".into(), registered_household: "H2".into() }]
    );
    assert_eq!(log_rows(&db, "person", "read").len(), 1, "the registered person named is logged as read");
}

fn contact(at: chrono::NaiveDateTime, channel: &str) -> etablera_domain::reception::first_contact::FirstContact {
    etablera_domain::reception::first_contact::FirstContact { at, channel: channel.into() }
}

fn note(person_id: Option<i32>, text: &str, corrects: Option<NoteId>) -> etablera_domain::reception::notes::NewNote {
    etablera_domain::reception::notes::NewNote { text: text.into(), person_id: person_id.map(PersonId::new), corrects }
}

fn person_input() -> PersonInput<'static> {
    PersonInput {
        given_name: "Ny",
        family_name: "Anvisad",
        birth_date: "1995-05-05",
        personal_number: None,
        dossier_number: Some("98-765432"),
        category: "resettled",
        reception_date: None,
        ..Default::default()
    }
}

fn register(db: &TestDatabase, user: &users::User, placement: &str) -> i32 {
    register_person(db, user, placement, person_input())
}

fn register_person(db: &TestDatabase, user: &users::User, placement: &str, person: PersonInput) -> i32 {
    try_register(db, user, placement, person).unwrap()
}

/// A placement in Danderyd (0117) in the user's own unit, as the user registers it.
fn try_register(
    db: &TestDatabase,
    user: &users::User,
    placement: &str,
    person: PersonInput,
) -> Result<i32, StoreError> {
    let details = person.check(d(placement), today()).unwrap();
    db.store.with_conn(|conn| {
        households::register(
            conn,
            &etablera_store::testing::cli_on(today()).user(user.id),
            &Scope::of(user),
            &NewHousehold {
                municipality_code: "0117".into(),
                unit: None,
                reference: None,
                placement_date: d(placement),
                expected_reception_date: None,
                responsible_id: None,
            },
            &[details],
        )
    })
}

#[test]
fn a_case_worker_sees_their_own_units_households_only_and_every_view_is_logged() {
    let db = TestDatabase::new();
    import(&db, EXAMPLE).unwrap(); // unit Mottagningen
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let other = add_user(&db, "olle", &[Role::CaseWorker]);
    db.store
        .with_conn(|conn| {
            users::change_grants(
                conn,
                &etablera_store::testing::cli_on(today()),
                "olle",
                &Grants { unit: Some(Some("Vuxenenheten".into())), ..Default::default() },
            )
        })
        .unwrap();
    let other = db
        .store
        .with_conn(|conn| users::get(conn, &etablera_store::testing::cli_on(today()), &other.username))
        .unwrap();
    let actor = etablera_store::testing::cli_on(today()).user(anna.id);
    let list = db
        .store
        .with_conn(|conn| {
            households::list(conn, &actor, &Scope::of(&anna), &all(), DayCount::Calendar).map(|page| page.rows)
        })
        .unwrap();
    assert_eq!(list.len(), 2);
    let none = db
        .store
        .with_conn(|conn| {
            households::list(
                conn,
                &etablera_store::testing::cli_on(today()).user(other.id),
                &Scope::of(&other),
                &all(),
                DayCount::Calendar,
            )
            .map(|page| page.rows)
        })
        .unwrap();
    assert!(none.is_empty(), "another unit's households are not shown");

    let household_id = list[0].household.id;
    let person_id = list[0].persons[0].id;
    let refused = db.store.with_conn(|conn| {
        case_file::person(conn, &etablera_store::testing::cli_on(today()).user(other.id), &Scope::of(&other), person_id)
    });
    assert!(matches!(refused, Err(StoreError::NotFound)));

    let file = db.store.with_conn(|conn| case_file::person(conn, &actor, &Scope::of(&anna), person_id)).unwrap();
    assert_eq!(file.person.person.id, person_id);
    db.store.with_conn(|conn| case_file::household(conn, &actor, &Scope::of(&anna), household_id)).unwrap();
    assert_eq!(log_rows(&db, "person", "read"), [(Some(anna.id), Some(person_id.to_string()))]);
    let reads = log_rows(&db, "household", "read");
    assert_eq!(reads.iter().filter(|(actor, _)| *actor == Some(anna.id)).count(), 2, "the list and the household");
    assert_eq!(reads.iter().filter(|(actor, _)| *actor == Some(other.id)).count(), 1, "the other unit's empty list");
}

#[test]
fn a_protected_address_is_hidden_without_the_personal_permission() {
    let db = TestDatabase::new();
    let protected = EXAMPLE.replace("\"category\": \"resettled\",\n          \"reception_date\": \"2024-02-01\", \"exit_date\": null,\n          \"activities\": [ { \"type\": \"sfi\", \"start\": \"2024-02-15\", \"end\": null",
        "\"category\": \"resettled\", \"protected_identity\": true,\n          \"reception_date\": \"2024-02-01\", \"exit_date\": null,\n          \"activities\": [ { \"type\": \"sfi\", \"start\": \"2024-02-15\", \"end\": null");
    assert_ne!(protected, EXAMPLE);
    import(&db, &protected).unwrap();
    let manager = add_user(&db, "maja", &[Role::UnitManager]);
    let id = db
        .store
        .with_conn(|conn| {
            households::list(
                conn,
                &etablera_store::testing::cli_on(today()),
                &Scope::command_line(),
                &all(),
                DayCount::Calendar,
            )
            .map(|page| page.rows)
        })
        .unwrap()
        .into_iter()
        .find(|s| s.household.reference.as_deref() == Some("H1"))
        .unwrap()
        .household
        .id;
    let open = |user: &users::User| {
        db.store
            .with_conn(|conn| {
                case_file::household(
                    conn,
                    &etablera_store::testing::cli_on(today()).user(user.id),
                    &Scope::of(user),
                    id,
                )
            })
            .unwrap()
    };
    let hidden = open(&manager);
    assert!(hidden.address_hidden);
    assert_eq!(hidden.homes[0].0.address, "");
    db.store
        .with_conn(|conn| {
            users::change_grants(
                conn,
                &etablera_store::testing::cli_on(today()),
                "maja",
                &Grants {
                    add_permissions: vec![etablera_domain::access::Permission::ReadProtectedAddress],
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let manager =
        db.store.with_conn(|conn| users::get(conn, &etablera_store::testing::cli_on(today()), "maja")).unwrap();
    let shown = open(&manager);
    assert!(!shown.address_hidden);
    assert_eq!(shown.homes[0].0.address, "Exempelgatan 1, 184 00 Åkersberga");
}

#[test]
fn placement_arrival_first_contact_and_overdue_notifications() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let maja = add_user(&db, "maja", &[Role::UnitManager]);
    let actor = etablera_store::testing::cli_on(today()).user(anna.id);
    let scope = Scope::of(&anna);
    let id = register(&db, &anna, "2026-11-01");
    let arrival = d("2026-11-20");
    db.store.with_conn(|conn| households::record_arrival(conn, &actor, &scope, id, arrival)).unwrap();
    let again = db.store.with_conn(|conn| households::record_arrival(conn, &actor, &scope, id, arrival));
    assert!(matches!(again, Err(StoreError::Invalid { field: "reception_date", .. })));

    let waiting = db
        .store
        .with_conn(|conn| {
            households::awaiting_first_contact(conn, &actor, &scope, DayCount::Calendar, Paging::default())
        })
        .unwrap();
    assert_eq!(waiting.rows[0].first_contact, Some(Status::Overdue { due: d("2026-11-22"), days_late: 2 }));
    let made = db
        .store
        .with_conn(|conn| {
            notifications::notify_overdue(conn, etablera_store::testing::noon(today()), DayCount::Calendar)
        })
        .unwrap();
    assert_eq!(made, 2, "the case worker and the unit manager");
    assert_eq!(
        db.store
            .with_conn(|conn| notifications::notify_overdue(
                conn,
                etablera_store::testing::noon(today()),
                DayCount::Calendar
            ))
            .unwrap(),
        0
    );
    let unread = db.store.with_conn(|conn| etablera_store::notifications::unread(conn, maja.id)).unwrap();
    assert_eq!(unread[0].subject.label(), format!("H{id}"));

    let file = db.store.with_conn(|conn| case_file::household(conn, &actor, &scope, id)).unwrap();
    assert_eq!(file.tasks.len(), 6, "the standard tasks for a household without children");
    let at = d("2026-11-23").and_hms_opt(9, 0, 0).unwrap();
    let stale = db.store.with_conn(|conn| {
        households::record_first_contact(conn, &actor, &scope, id, &contact(at, "Hembesök"), file.household.version - 1)
    });
    assert!(matches!(stale, Err(StoreError::Stale)));
    db.store
        .with_conn(|conn| {
            households::record_first_contact(conn, &actor, &scope, id, &contact(at, "Hembesök"), file.household.version)
        })
        .unwrap();
    let waiting = db
        .store
        .with_conn(|conn| {
            households::awaiting_first_contact(conn, &actor, &scope, DayCount::Calendar, Paging::default())
        })
        .unwrap();
    assert!(waiting.rows.is_empty());
    assert_eq!(waiting.total, 0);
}

#[test]
fn the_start_page_lists_the_longest_waiting_first_contacts_a_page_at_a_time() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let actor = etablera_store::testing::cli_on(today()).user(anna.id);
    let scope = Scope::of(&anna);
    // Placed in this order, received in another: the list follows the reception date.
    let arrivals = [("2026-11-01", "2026-11-21"), ("2026-11-02", "2026-11-10"), ("2026-11-03", "2026-11-23")];
    let person = |dossier| PersonInput { dossier_number: Some(dossier), ..person_input() };
    let mut ids = Vec::new();
    for ((placement, arrival), dossier) in arrivals.into_iter().zip(["11-111111", "22-222222", "33-333333"]) {
        let id = register_person(&db, &anna, placement, person(dossier));
        db.store.with_conn(|conn| households::record_arrival(conn, &actor, &scope, id, d(arrival))).unwrap();
        ids.push(id);
    }
    // Placed but not arrived: no clock runs for it, so it does not wait on the start page.
    register_person(&db, &anna, "2026-11-04", person("44-444444"));
    let first = |page| {
        db.store
            .with_conn(|conn| {
                households::awaiting_first_contact(conn, &actor, &scope, DayCount::Calendar, Paging::new(page, Some(2)))
            })
            .unwrap()
    };
    let page = first(Some(1));
    assert_eq!(page.total, 3);
    let listed: Vec<i32> = page.rows.iter().map(|s| s.household.id).collect();
    assert_eq!(listed, vec![ids[1], ids[0]], "the earliest reception first");
    assert_eq!(page.rows[0].first_contact, Some(Status::Overdue { due: d("2026-11-12"), days_late: 12 }));
    let second: Vec<i32> = first(Some(2)).rows.iter().map(|s| s.household.id).collect();
    assert_eq!(second, vec![ids[2]]);
}

#[test]
fn a_duplicate_registration_is_caught() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    register(&db, &anna, "2026-11-01");
    let twice = try_register(&db, &anna, "2026-11-01", person_input());
    assert!(matches!(twice, Err(StoreError::Invalid { field: "dossier_number", .. })));
    assert_eq!(count(&db, "households"), 1, "nothing of the second placement was kept");
}

#[test]
fn a_number_held_out_of_the_users_sight_is_refused_without_saying_so_and_the_unit_manager_is_told() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let ulla = add_user(&db, "ulla", &[Role::UnitManager]);
    let olle = add_user(&db, "olle", &[Role::CaseWorker]);
    let cli = etablera_store::testing::cli_on(today());
    let vuxen = Grants { unit: Some(Some("Vuxenenheten".into())), ..Default::default() };
    db.store.with_conn(|conn| users::change_grants(conn, &cli, "olle", &vuxen)).unwrap();
    let olle = db.store.with_conn(|conn| users::get(conn, &cli, &olle.username)).unwrap();
    let held = register(&db, &anna, "2026-11-01");
    let attempt = try_register(&db, &olle, "2026-11-01", person_input());
    let Err(StoreError::Invalid { field, message }) = attempt else { panic!("refused: {attempt:?}") };
    assert_eq!(
        (field, message.key.as_ref()),
        ("form", "person-identity-elsewhere"),
        "no field, no word of a duplicate"
    );
    assert_eq!(count(&db, "households"), 1, "nothing of the attempt was kept");
    let told = db.store.with_conn(|conn| etablera_store::notifications::unread(conn, ulla.id)).unwrap();
    assert_eq!(told.len(), 1, "the unit manager of the household that holds the number");
    assert_eq!(told[0].kind, etablera_store::notifications::Kind::IdentityElsewhere);
    assert!(db.store.with_conn(|conn| etablera_store::notifications::unread(conn, anna.id)).unwrap().is_empty());
    assert_eq!(log_rows(&db, "household", "refused"), vec![(Some(olle.id), Some(held.to_string()))]);
    // In the user's own unit the number is named, as before.
    let again = person_input().check(d("2026-11-01"), today()).unwrap();
    let same_unit =
        db.store.with_conn(|conn| households::add_person(conn, &cli.user(anna.id), &Scope::of(&anna), held, &again));
    assert!(matches!(same_unit, Err(StoreError::Invalid { field: "dossier_number", .. })), "{same_unit:?}");
}

#[test]
fn plans_declines_exits_exemptions_housing_and_notes() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let actor = etablera_store::testing::cli_on(today()).user(anna.id);
    let scope = Scope::of(&anna);
    let id = register(&db, &anna, "2026-10-01");
    db.store.with_conn(|conn| households::record_arrival(conn, &actor, &scope, id, d("2026-10-05"))).unwrap();
    let file = db.store.with_conn(|conn| case_file::household(conn, &actor, &scope, id)).unwrap();
    let person_id = file.persons[0].person.id;
    let sfi = ActivityInput {
        type_code: "sfi".into(),
        start: d("2026-10-10"),
        end: None,
        hours_per_week: Some(15),
        extent_percent: None,
        note: None,
    };
    let activity_id =
        db.store.with_conn(|conn| plans::add_activity(conn, &actor, &scope, person_id, sfi.clone())).unwrap();
    let unknown = ActivityInput { type_code: "yoga".into(), ..sfi };
    assert!(matches!(
        db.store.with_conn(|conn| plans::add_activity(conn, &actor, &scope, person_id, unknown)),
        Err(StoreError::Invalid { field: "type", .. })
    ));
    db.store.with_conn(|conn| plans::end_activity(conn, &actor, &scope, activity_id, d("2026-11-10"))).unwrap();
    db.store
        .with_conn(|conn| {
            let decline = etablera_domain::reception::plan::NewDecline {
                type_code: "internship".into(),
                on: d("2026-10-20"),
                reason: "Vill vänta".into(),
            };
            plans::add_decline(conn, &actor, &scope, person_id, &decline)
        })
        .unwrap();
    db.store
        .with_conn(|conn| {
            plans::add_exemption(
                conn,
                &actor,
                &scope,
                person_id,
                &plans::NewExemption {
                    reason: etablera_domain::reception::person::ExemptionReason::Illness,
                    start: d("2026-11-01"),
                    end: None,
                    note: None,
                },
            )
        })
        .unwrap();
    let housing_id = db
        .store
        .with_conn(|conn| {
            housing::add(
                conn,
                &actor,
                &scope,
                id,
                HousingDetails {
                    address: "Provvägen 2".into(),
                    landlord: Some("Kommunens bostadsbolag".into()),
                    contract_start: d("2026-10-01"),
                    contract_end: d("2028-09-30"),
                    rent: None,
                    checklist: vec![],
                },
            )
        })
        .unwrap();
    db.store
        .with_conn(|conn| {
            housing::add_damage(
                conn,
                &actor,
                &scope,
                housing_id,
                Damage {
                    date: d("2026-11-02"),
                    description: "Fläckig matta".into(),
                    cost: etablera_domain::money::Money::from_ore(80_000),
                    tenant_pays: false,
                },
            )
        })
        .unwrap();
    let first = db
        .store
        .with_conn(|conn| notes::add(conn, &actor, &scope, id, &note(Some(person_id), "Samtal om SFI.", None)))
        .unwrap();
    db.store
        .with_conn(|conn| {
            notes::add(
                conn,
                &actor,
                &scope,
                id,
                &note(Some(person_id), "Rättelse: samtalet gällde praktik.", Some(first)),
            )
        })
        .unwrap();
    db.store
        .with_conn(|conn| {
            households::record_exit(
                conn,
                &actor,
                &scope,
                person_id,
                &NewExit { date: d("2026-11-15"), reason: ExitReason::Moved, note: None },
            )
        })
        .unwrap();
    let twice = db.store.with_conn(|conn| {
        households::record_exit(
            conn,
            &actor,
            &scope,
            person_id,
            &NewExit { date: d("2026-11-16"), reason: ExitReason::Moved, note: None },
        )
    });
    assert!(matches!(twice, Err(StoreError::Invalid { field: "exit_date", .. })));
    db.store.with_conn(|conn| households::record_return(conn, &actor, &scope, person_id, d("2026-11-20"))).unwrap();

    let file = db.store.with_conn(|conn| case_file::person(conn, &actor, &scope, person_id)).unwrap();
    assert_eq!(file.activities[0].end_date, Some(d("2026-11-10")));
    assert_eq!(file.declines[0].type_code, "internship");
    assert_eq!(file.exemptions.len(), 1);
    assert_eq!(file.person.exits.len(), 1);
    assert!(file.person.current_exit().is_none(), "back in the target group");
    assert_eq!(file.notes.len(), 2);
    assert_eq!(file.notes[1].corrects_note_id, Some(first), "the correction refers to the note; nothing erased");
    let household = db.store.with_conn(|conn| case_file::household(conn, &actor, &scope, id)).unwrap();
    assert!(household.tasks.iter().any(|t| t.template_code == Some(TaskTemplate::EconomicAssistance)));
    assert_eq!(household.homes[0].1[0].cost_ore, 80_000);
    let ending = db
        .store
        .with_conn(|conn| housing::ending_within(conn, &scope, d("2028-08-01"), 90, Paging::default()))
        .unwrap()
        .rows;
    assert_eq!(ending.len(), 1);
}

#[test]
fn the_two_days_end_at_midnight_in_stockholm_not_in_utc() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let actor = etablera_store::testing::cli_on(today()).user(anna.id);
    let scope = Scope::of(&anna);
    // Received on Thursday 1 February 2024: due by Saturday 3 February, counting every day.
    let received = |placement: &str| {
        let id = register_person(&db, &anna, placement, PersonInput { dossier_number: None, ..person_input() });
        db.store.with_conn(|conn| households::record_arrival(conn, &actor, &scope, id, d("2024-02-01"))).unwrap();
        id
    };
    let status_after = |id: i32, utc: &str| {
        let version =
            db.store.with_conn(|conn| case_file::household(conn, &actor, &scope, id)).unwrap().household.version;
        let at = chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%d %H:%M").unwrap();
        db.store
            .with_conn(|conn| {
                households::record_first_contact(conn, &actor, &scope, id, &contact(at, "Telefon"), version)
            })
            .unwrap();
        db.store
            .with_conn(|conn| households::list(conn, &actor, &scope, &all(), DayCount::Calendar).map(|page| page.rows))
            .unwrap()
            .into_iter()
            .find(|s| s.household.id == id)
            .unwrap()
            .first_contact
    };
    // 22:30 UTC on the 3rd is 23:30 in Stockholm: still the due day.
    assert_eq!(status_after(received("2024-01-20"), "2024-02-03 22:30"), Some(Status::Made { on_time: true }));
    // 23:30 UTC on the 3rd is 00:30 on the 4th in Stockholm: 48 hours and a bit, late.
    let late = received("2024-01-21");
    assert_eq!(status_after(late, "2024-02-03 23:30"), Some(Status::Made { on_time: false }));
    let version =
        db.store.with_conn(|conn| case_file::household(conn, &actor, &scope, late)).unwrap().household.version;
    let again = db.store.with_conn(|conn| {
        households::record_first_contact(
            conn,
            &actor,
            &scope,
            late,
            &contact(d("2024-02-02").and_hms_opt(9, 0, 0).unwrap(), "Telefon"),
            version,
        )
    });
    assert!(matches!(again, Err(StoreError::Invalid { field: "date", .. })), "a recorded contact is not overwritten");
}

#[test]
fn a_home_is_changed_with_its_version_and_moved_out_of() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let actor = etablera_store::testing::cli_on(today()).user(anna.id);
    let scope = Scope::of(&anna);
    let id = register(&db, &anna, "2026-10-01");
    let details = HousingDetails {
        address: "Provvägen 2".into(),
        landlord: Some("Bostadsbolaget".into()),
        contract_start: d("2026-10-01"),
        contract_end: d("2028-09-30"),
        rent: Some(etablera_domain::money::Money::from_kr(6500)),
        checklist: vec![],
    };
    let housing_id = db.store.with_conn(|conn| housing::add(conn, &actor, &scope, id, details.clone())).unwrap();
    let home = |db: &TestDatabase| {
        db.store.with_conn(|conn| case_file::household(conn, &actor, &scope, id)).unwrap().homes[0].0.clone()
    };
    let version = home(&db).version;
    let equipped = HousingDetails {
        landlord: None,
        rent: None,
        checklist: etablera_domain::reception::housing::ChecklistItem::ALL.to_vec(),
        ..details
    };
    db.store.with_conn(|conn| housing::update(conn, &actor, &scope, housing_id, equipped.clone(), version)).unwrap();
    let stale = db.store.with_conn(|conn| housing::update(conn, &actor, &scope, housing_id, equipped.clone(), version));
    assert!(matches!(stale, Err(StoreError::Stale)), "an edit made on an old page is refused");
    let changed = home(&db);
    assert_eq!((changed.landlord.as_deref(), changed.rent_ore), (None, None), "emptied fields are cleared");
    assert_eq!(changed.checklist().len(), 6);

    let move_out = etablera_domain::reception::housing::MoveOut {
        notice_date: Some(d("2028-07-01")),
        keys_returned_on: Some(d("2028-09-30")),
        inspection_on: Some(d("2028-09-30")),
        inspection_result: Some("Godkänd".into()),
    };
    db.store
        .with_conn(|conn| housing::record_move_out(conn, &actor, &scope, housing_id, move_out.clone(), changed.version))
        .unwrap();
    assert_eq!(home(&db).move_out(), move_out);
    let ending = db
        .store
        .with_conn(|conn| housing::ending_within(conn, &scope, d("2028-08-01"), 90, Paging::default()))
        .unwrap()
        .rows;
    assert!(ending.is_empty(), "a home whose keys are returned is not ending any more");
}

/// Every household, on one page.
fn all() -> etablera_store::reception::households::ListQuery {
    etablera_store::reception::households::ListQuery {
        show: etablera_store::reception::households::Show::All,
        ..Default::default()
    }
}

#[test]
fn the_search_finds_a_household_by_number_or_name_in_the_users_scope_only() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let person =
        |given: &'static str, family: &'static str, number: Option<&'static str>, dossier: Option<&'static str>| {
            PersonInput {
                given_name: given,
                family_name: family,
                birth_date: "1985-07-15",
                personal_number: number,
                dossier_number: dossier,
                ..person_input()
            }
        };
    let asa = register_person(&db, &anna, "2026-11-01", person("Åsa", "Öberg-Lindén", Some("19850715-2380"), None));
    let other = register_person(&db, &anna, "2026-11-02", person("Amina", "Hassan", None, Some("12-345678")));
    let search = |user: &users::User, text: &str| -> Vec<i32> {
        let query = households::ListQuery { search: Some(text.into()), ..all() };
        let actor = etablera_store::testing::cli_on(today()).user(user.id);
        db.store
            .with_conn(|conn| households::list(conn, &actor, &Scope::of(user), &query, DayCount::Calendar))
            .unwrap()
            .rows
            .into_iter()
            .map(|s| s.household.id)
            .collect()
    };
    for typed in ["19850715-2380", "198507152380", "850715-2380", "8507152380"] {
        assert_eq!(search(&anna, typed), [asa], "{typed}");
    }
    assert!(search(&anna, "850715-2381").is_empty(), "a wrong check digit finds no one");
    for typed in ["12-345678", "12345678"] {
        assert_eq!(search(&anna, typed), [other], "{typed}");
    }
    for typed in ["oberg", "ÖBERG", "åsa öberg", "Oberg Asa", "linden", "amina hassan", "hassan amina", "HASS"] {
        assert_eq!(search(&anna, typed).len(), 1, "{typed}");
    }
    assert!(search(&anna, "asa hassan").is_empty(), "the words must be in one person's name");

    // Another municipality's case worker finds none of them, by any key.
    add_user(&db, "olle", &[Role::CaseWorker]);
    db.store
        .with_conn(|conn| {
            users::change_grants(
                conn,
                &etablera_store::testing::cli_on(today()),
                "olle",
                &Grants {
                    add_municipalities: vec!["0586".parse().unwrap()],
                    remove_municipalities: vec!["0117".parse().unwrap()],
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let olle = db.store.with_conn(|conn| users::get(conn, &etablera_store::testing::cli(), "olle")).unwrap();
    for typed in ["8507152380", "12345678", "oberg", "amina"] {
        assert!(search(&olle, typed).is_empty(), "{typed}");
    }

    // Names written before the search form was kept are filled in by the migration's step.
    db.store.with_conn(|conn| Ok(diesel::sql_query("UPDATE persons SET search_name = ''").execute(conn)?)).unwrap();
    assert!(search(&anna, "oberg").is_empty());
    assert_eq!(db.store.with_conn(households::fill_search_names).unwrap(), 2);
    assert_eq!(search(&anna, "oberg"), [asa]);
}
