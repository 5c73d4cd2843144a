use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_domain::documents::{DocumentFormat, NewDocument, Owner, OwnerKind};
use etablera_domain::ids::HouseholdId;
use etablera_domain::quality::deviations::DeviationForm;
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reception::notes::NewNote;
use etablera_domain::reporting::monthly::{Month, Signature};
use etablera_store::access::Scope;
use etablera_store::access::culling::{self, Culled};
use etablera_store::paging::Paging;
use etablera_store::reception::{exchange, notes};
use etablera_store::reporting::monthly;
use etablera_store::schema::{access_log, case_notes, document_contents, documents, households, persons};
use etablera_store::testing::{TestDatabase, cli_on};
use etablera_store::{documents as stored_documents, quality::deviations};
use serde_json::json;

use crate::add_user;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A personnummer of 12 digits with its Luhn check digit, for the person born on `birth`.
fn personal_number(birth: &str, serial: u32) -> String {
    let short = format!("{}{serial:03}", &birth.replace('-', "")[2..]);
    let sum: u32 = short
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let v = c.to_digit(10).unwrap() * if i % 2 == 0 { 2 } else { 1 };
            v / 10 + v % 10
        })
        .sum();
    format!("{}{short}{}", &birth[..2], (10 - sum % 10) % 10)
}

/// Registers one household with two persons, on `on`, placed and received then, an activity in
/// to the end of that year for its first person.
fn register(db: &TestDatabase, reference: &str, on: &str, serial: u32) -> i32 {
    register_ending(db, reference, on, serial, Some(format!("{}-12-31", &on[..4])))
}

fn register_ending(db: &TestDatabase, reference: &str, on: &str, serial: u32, end: Option<String>) -> i32 {
    let file = json!({
        "format": "etablera-reception/1",
        "municipality_code": "0117",
        "households": [{
            "ref": reference,
            "placement_date": on,
            "persons": [
                {
                    "ref": format!("{reference}-1"), "given_name": "Amina", "family_name": format!("Hassan {reference}"),
                    "birth_date": "1988-04-17", "personal_number": personal_number("1988-04-17", serial),
                    "dossier_number": null, "category": "resettled", "reception_date": on,
                    "activities": [{"type": "sfi", "start": on, "end": end, "hours_per_week": 15}]
                },
                {
                    "ref": format!("{reference}-2"), "given_name": "Omar", "family_name": format!("Hassan {reference}"),
                    "birth_date": "2012-09-03", "personal_number": null, "dossier_number": null,
                    "category": "resettled", "reception_date": on
                }
            ]
        }]
    });
    db.store
        .with_conn(|conn| Ok(exchange::import(conn, &cli_on(d(on)), &file.to_string(), "Mottagningen")))
        .unwrap()
        .unwrap();
    household(db, reference)
}

fn household(db: &TestDatabase, reference: &str) -> i32 {
    db.store
        .with_conn(|conn| {
            Ok(households::table.filter(households::reference.eq(reference)).select(households::id).first(conn)?)
        })
        .unwrap()
}

fn note(db: &TestDatabase, household_id: i32, on: &str) {
    let new = NewNote { text: "Samtal om bostad och skola.".into(), person_id: None, corrects: None };
    db.store.with_conn(|conn| notes::add(conn, &cli_on(d(on)), &Scope::command_line(), household_id, &new)).unwrap();
}

fn names(db: &TestDatabase, household_id: i32) -> Vec<(String, Option<String>, NaiveDate, Option<NaiveDate>)> {
    db.store
        .with_conn(|conn| {
            Ok(persons::table
                .filter(persons::household_id.eq(household_id))
                .order(persons::id)
                .select((persons::family_name, persons::personal_number, persons::birth_date, persons::culled_on))
                .load(conn)?)
        })
        .unwrap()
}

fn count_of(db: &TestDatabase, household_id: i32) -> (i64, i64, i64) {
    db.store
        .with_conn(|conn| {
            let notes = case_notes::table.filter(case_notes::household_id.eq(household_id)).count().get_result(conn)?;
            let docs = documents::table.filter(documents::household_id.eq(household_id)).count().get_result(conn)?;
            let contents = document_contents::table.count().get_result(conn)?;
            Ok((notes, docs, contents))
        })
        .unwrap()
}

#[test]
fn culling_removes_exactly_the_due_records_and_leaves_counts_and_signed_reports_as_they_were() {
    let db = TestDatabase::new();
    // Registered in 2019, last written to in June 2020: due in June 2025.
    let old = register(&db, "GAMMAL", "2019-05-02", 1);
    note(&db, old, "2020-06-01");
    let pdf = NewDocument {
        file_name: "beslut.pdf".into(),
        title: None,
        format: DocumentFormat::Pdf,
        bytes: b"%PDF-1.4 beslut".to_vec(),
    };
    db.store
        .with_conn(|conn| {
            stored_documents::attach(
                conn,
                &cli_on(d("2020-05-01")),
                &Scope::command_line(),
                Owner::new(OwnerKind::Household, old),
                &pdf,
            )
        })
        .unwrap();
    // Registered at the same time, but a note in January 2022: due in January 2027.
    let noted = register(&db, "ANTECKNAD", "2019-05-03", 2);
    note(&db, noted, "2022-01-10");
    // As old, but a complaint about it is still open: due and held back.
    let complained = register(&db, "KLAGOMAL", "2019-05-06", 3);
    let form = DeviationForm {
        kind: "complaint".into(),
        received_on: "2019-06-01".into(),
        channel: "phone".into(),
        description: "Klagomål på boendet.".into(),
        category: "housing".into(),
        severity: "normal".into(),
        actions: None,
        closed_on: None,
        committee_summary: None,
    };
    let deviation = form.check(d("2019-06-01")).unwrap();
    db.store
        .with_conn(|conn| {
            deviations::create(
                conn,
                &cli_on(d("2019-06-01")),
                &Scope::command_line(),
                "0117",
                Some(HouseholdId::new(complained)),
                &deviation,
            )
        })
        .unwrap();
    // Registered two years ago.
    let recent = register(&db, "NY", "2024-11-04", 4);
    // As old, but an activity was never ended: it waits for someone to end it.
    let unended = register_ending(&db, "OAVSLUTAD", "2019-05-07", 5, None);

    // May 2019 signed, as the unit manager did in June 2019.
    let boss = add_user(&db, "chef", &[Role::UnitManager]);
    let may = Month::parse("2019-05").unwrap();
    let signature = Signature { month: may, note: Some("Granskad".into()) };
    db.store
        .with_conn(|conn| {
            monthly::sign(conn, &cli_on(d("2019-06-05")).user(boss.id), "0117", &signature, DayCount::Calendar, None)
        })
        .unwrap();
    let signed = || db.store.with_conn(|conn| monthly::versions(conn, "0117", may)).unwrap();
    let live =
        || db.store.with_conn(|conn| monthly::live(conn, "0117", may, d("2026-12-06"), DayCount::Calendar)).unwrap();
    let (signed_before, live_before) = (signed(), live());
    assert_eq!(live_before.counts.target_group, 8, "the four households of May 2019");

    // What the administrator and `cull --dry-run` see on 6 December 2026.
    let today = d("2026-12-06");
    let admin = cli_on(today);
    let list = db.store.with_conn(|conn| culling::due(conn, &admin, "0117", today, Paging::default())).unwrap();
    let listed: Vec<(i32, i64, NaiveDate, bool)> =
        list.page.rows.iter().map(|r| (r.household_id, r.persons, r.last_entry, r.blockers.is_empty())).collect();
    // The complaint's household was last written to when its SFI ended, on 31 December 2019.
    assert_eq!(
        listed,
        [
            (unended, 2, d("2019-05-07"), false),
            (complained, 2, d("2019-12-31"), false),
            (old, 2, d("2020-06-01"), true)
        ]
    );
    assert_eq!(list.page.rows[0].blockers, [etablera_domain::access::culling::Blocker::ActivityOpen]);
    assert_eq!(list.page.rows[1].blockers, [etablera_domain::access::culling::Blocker::DeviationOpen]);
    assert_eq!((list.page.total, list.blocked), (3, 2));
    let old_row = list.page.rows.iter().find(|r| r.household_id == old).unwrap();
    assert_eq!((old_row.schedule.due_on, old_row.schedule.finish_by), (d("2025-06-01"), d("2026-12-31")));
    assert_eq!(names(&db, old)[0].0, "Hassan GAMMAL", "listing changes nothing");

    let culled = db.store.with_conn(|conn| culling::cull_municipality(conn, &admin, "0117")).unwrap();
    assert_eq!(culled, Culled { households: 1, persons: 2, notes: 1, documents: 1, blocked: 2 });

    // The old household keeps its rows for the counts, without a name or a number.
    assert_eq!(
        names(&db, old),
        [("".to_owned(), None, d("1988-04-17"), Some(today)), ("".to_owned(), None, d("2012-09-03"), Some(today))]
    );
    assert_eq!(count_of(&db, old).0, 0, "notes removed");
    assert_eq!(count_of(&db, old).1, 0, "documents removed");
    assert_eq!(count_of(&db, old).2, 0, "and their contents");
    // The others are as they were.
    for (id, reference) in [(noted, "ANTECKNAD"), (complained, "KLAGOMAL"), (recent, "NY"), (unended, "OAVSLUTAD")] {
        let kept = names(&db, id);
        assert_eq!(kept[0].0, format!("Hassan {reference}"));
        assert!(kept[0].1.is_some() && kept.iter().all(|p| p.3.is_none()));
    }
    assert_eq!(count_of(&db, noted).0, 1);

    // The counts of May 2019 and its signed report are as before.
    assert_eq!(live().figures(), live_before.figures());
    let signed_after = signed();
    assert_eq!(signed_after.len(), 1);
    assert_eq!(
        (&signed_after[0].figures, signed_after[0].signed_at, &signed_after[0].note),
        (&signed_before[0].figures, signed_before[0].signed_at, &signed_before[0].note)
    );

    // The access log names the household and its persons as culled, nothing of what they held.
    let logged: Vec<(String, Option<String>)> = db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::action.eq("cull"))
                .order(access_log::id)
                .select((access_log::record_kind, access_log::record_id))
                .load(conn)?)
        })
        .unwrap();
    assert_eq!(logged.len(), 3);
    assert_eq!(logged[0], ("household".to_owned(), Some(old.to_string())));
    assert!(logged[1..].iter().all(|(kind, _)| kind == "person"));

    // A second round finds nothing more; the held-back one is still counted.
    let again = db.store.with_conn(|conn| culling::cull_municipality(conn, &admin, "0117")).unwrap();
    assert_eq!(again, Culled { blocked: 2, ..Culled::default() });
    // A year on, the noted household falls due too.
    let later = cli_on(d("2027-01-10"));
    let next = db.store.with_conn(|conn| culling::cull_all(conn, &later)).unwrap();
    assert_eq!((next.households, next.blocked), (1, 2));
    assert!(names(&db, noted).iter().all(|p| p.3 == Some(d("2027-01-10"))));
    assert!(names(&db, recent).iter().all(|p| p.3.is_none()));
    assert_eq!(live().figures(), live_before.figures(), "still counted in May 2019");
}
