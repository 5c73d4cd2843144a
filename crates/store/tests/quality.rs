use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_domain::ids::HouseholdId;
use etablera_domain::quality::deviations::DeviationForm;
use etablera_domain::quality::summary::{Closing, Interim};
use etablera_domain::time::Year;
use etablera_store::StoreError;
use etablera_store::access::Scope;
use etablera_store::notifications::{self, Subject};
use etablera_store::quality::{closings, deviations};
use etablera_store::reception::exchange;
use etablera_store::schema::{access_log, deviations as deviations_table, households};
use etablera_store::testing::TestDatabase;

use crate::add_user;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn form(severity: &str) -> DeviationForm {
    DeviationForm {
        kind: "complaint".into(),
        received_on: "2024-05-03".into(),
        channel: "phone".into(),
        description: "Hyresvärden klagar på att flyttstädningen inte bokades.".into(),
        category: "housing".into(),
        severity: severity.into(),
        actions: None,
        closed_on: None,
        committee_summary: Some("Flyttstädning bokades inte i tid.".into()),
    }
}

fn log_count(db: &TestDatabase, kind: &str, action: &str) -> i64 {
    db.store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq(kind))
                .filter(access_log::action.eq(action))
                .count()
                .get_result(conn)?)
        })
        .unwrap()
}

#[test]
fn a_serious_complaint_notifies_the_committee_once_and_is_logged() {
    let db = TestDatabase::new();
    db.store
        .with_conn(|conn| {
            let example = include_str!("../../../data/examples/reception.json");
            Ok(exchange::import(conn, &etablera_store::testing::cli_on(d("2026-11-24")), example, "Mottagningen"))
        })
        .unwrap()
        .unwrap();
    let household =
        HouseholdId::new(db.store.with_conn(|conn| Ok(households::table.select(households::id).first(conn)?)).unwrap());
    let worker = add_user(&db, "handlaggare", &[Role::CaseWorker]);
    let committee = add_user(&db, "namnd", &[Role::Committee]);
    let boss = add_user(&db, "chef", &[Role::UnitManager]);
    let (actor, scope) = (etablera_store::testing::cli().user(worker.id), Scope::of(&worker));

    let normal = form("normal").check(d("2024-05-10")).unwrap();
    let id =
        db.store.with_conn(|conn| deviations::create(conn, &actor, &scope, "0117", Some(household), &normal)).unwrap();
    assert!(db.store.with_conn(|conn| notifications::unread(conn, committee.id)).unwrap().is_empty());

    // It turns out to be serious: the committee is told when it is changed to serious, once.
    let serious = form("serious").check(d("2024-05-10")).unwrap();
    db.store.with_conn(|conn| deviations::update(conn, &actor, &scope, id, 1, Some(household), &serious)).unwrap();
    let told = db.store.with_conn(|conn| notifications::unread(conn, committee.id)).unwrap();
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].subject, Subject::Deviation { id });
    assert_eq!(told[0].kind, deviations::SERIOUS);
    assert!(db.store.with_conn(|conn| notifications::unread(conn, boss.id)).unwrap().is_empty(), "the committee only");
    assert_eq!(log_count(&db, "notification", "create"), 1);
    let closed = DeviationForm {
        actions: Some("Flyttstädning bokad, hyresvärden kontaktad.".into()),
        closed_on: Some("2024-05-08".into()),
        ..form("serious")
    }
    .check(d("2024-05-10"))
    .unwrap();
    db.store.with_conn(|conn| deviations::update(conn, &actor, &scope, id, 2, Some(household), &closed)).unwrap();
    assert_eq!(db.store.with_conn(|conn| notifications::unread(conn, committee.id)).unwrap().len(), 1, "not again");
    assert_eq!(db.store.with_conn(|conn| deviations::notice(conn, id)).unwrap(), (1, 0));

    // A stale change is refused and changes nothing.
    let stale = db.store.with_conn(|conn| deviations::update(conn, &actor, &scope, id, 2, None, &normal));
    assert!(matches!(stale, Err(StoreError::Stale)));
    let opened = db.store.with_conn(|conn| deviations::get(conn, &actor, &scope, id)).unwrap();
    assert_eq!(opened.deviation.closed_on, Some(d("2024-05-08")));
    assert_eq!(opened.household_label.as_deref(), Some("H1"));
    assert_eq!(log_count(&db, "deviation", "read"), 1);

    // The committee opens it without its household; a normal one is not theirs to open.
    let municipalities = vec!["0117".to_owned()];
    let seen = db
        .store
        .with_conn(|conn| {
            deviations::get_serious(conn, &etablera_store::testing::cli().user(committee.id), &municipalities, id)
        })
        .unwrap();
    assert_eq!(seen.summary.as_deref(), Some("Flyttstädning bokades inte i tid."));
    let other = db.store.with_conn(|conn| deviations::create(conn, &actor, &scope, "0117", None, &normal)).unwrap();
    let refused = db
        .store
        .with_conn(|conn| deviations::get_serious(conn, &etablera_store::testing::cli(), &municipalities, other));
    assert!(matches!(refused, Err(StoreError::NotFound)));
}

#[test]
fn another_municipality_or_a_household_outside_the_scope_is_refused() {
    let db = TestDatabase::new();
    let worker = add_user(&db, "handlaggare", &[Role::CaseWorker]);
    let (actor, scope) = (etablera_store::testing::cli().user(worker.id), Scope::of(&worker));
    let normal = form("normal").check(d("2024-05-10")).unwrap();
    let elsewhere = db.store.with_conn(|conn| deviations::create(conn, &actor, &scope, "0180", None, &normal));
    assert!(matches!(elsewhere, Err(StoreError::NotFound)));
    let unknown = db
        .store
        .with_conn(|conn| deviations::create(conn, &actor, &scope, "0117", Some(HouseholdId::new(999)), &normal));
    assert!(matches!(unknown, Err(StoreError::Invalid { field: "household", .. })));
    let count: i64 = db.store.with_conn(|conn| Ok(deviations_table::table.count().get_result(conn)?)).unwrap();
    assert_eq!(count, 0, "nothing saved");
}

#[test]
fn the_interim_closing_counts_per_area_in_its_period() {
    let db = TestDatabase::new();
    let boss = add_user(&db, "chef", &[Role::UnitManager]);
    let (actor, scope) = (etablera_store::testing::cli().user(boss.id), Scope::of(&boss));
    let today = d("2024-12-01");
    for (received, closed, severity, category) in [
        ("2024-02-01", Some("2024-02-20"), "normal", "housing"),
        ("2024-06-30", None, "serious", "treatment"),
        ("2024-07-01", Some("2024-09-01"), "normal", "treatment"),
    ] {
        let f = DeviationForm {
            received_on: received.into(),
            closed_on: closed.map(str::to_owned),
            actions: closed.map(|_| "Åtgärdat".to_owned()),
            severity: severity.into(),
            category: category.into(),
            ..form("normal")
        };
        let checked = f.check(today).unwrap();
        db.store.with_conn(|conn| deviations::create(conn, &actor, &scope, "0117", None, &checked)).unwrap();
    }
    assert_eq!(db.store.with_conn(|conn| closings::interim_last_month(conn, "0117", 2024)).unwrap(), 8);
    let june = Interim { year: Year::new(2024).unwrap(), last_month: 6 };
    db.store.with_conn(|conn| closings::set_interim(conn, &actor, "0117", &june)).unwrap();
    let last = db.store.with_conn(|conn| closings::interim_last_month(conn, "0117", 2024)).unwrap();
    assert_eq!(last, 6);
    let interim = db
        .store
        .with_conn(|conn| closings::summary(conn, "0117", 2024, Closing::Interim { last_month: last }))
        .unwrap();
    assert_eq!((interim.from, interim.to), (d("2024-01-01"), d("2024-06-30")));
    assert_eq!(
        (interim.total.complaints, interim.total.serious, interim.total.closed, interim.total.open_at_end),
        (2, 1, 1, 1)
    );
    let annual = db.store.with_conn(|conn| closings::summary(conn, "0117", 2024, Closing::Annual)).unwrap();
    assert_eq!((annual.total.complaints, annual.total.closed, annual.total.open_at_end), (3, 2, 1));
}

#[test]
fn the_orders_committee_contact_waits_for_one_e_mail() {
    use etablera_domain::agreements::obligations::default_duties;
    use etablera_store::agreements::orders;
    let db = TestDatabase::new();
    let worker = add_user(&db, "handlaggare", &[Role::CaseWorker]);
    let (actor, scope) = (etablera_store::testing::cli().user(worker.id), Scope::of(&worker));
    let code = "0117".parse().unwrap();
    db.store
        .with_conn(|conn| {
            orders::create(conn, &actor, &code, &crate::orders::order("Beställning", default_duties(d("2020-03-01"))))
        })
        .unwrap();
    let serious = form("serious").check(d("2024-05-10")).unwrap();
    let id = db.store.with_conn(|conn| deviations::create(conn, &actor, &scope, "0117", None, &serious)).unwrap();
    let waiting = db.store.with_conn(deviations::contact_notices).unwrap();
    assert_eq!(waiting.len(), 1, "no committee member, but the order names a contact with an address");
    assert_eq!(waiting[0].deviation_id, id);
    assert_eq!(waiting[0].addresses, ["socialnamnden@osteraker.test"]);
    assert!(
        db.store.with_conn(|conn| deviations::claim_contact_notice(conn, id, etablera_store::testing::now())).unwrap()
    );
    assert!(
        !db.store.with_conn(|conn| deviations::claim_contact_notice(conn, id, etablera_store::testing::now())).unwrap(),
        "claimed once"
    );
    assert!(db.store.with_conn(deviations::contact_notices).unwrap().is_empty());
    assert_eq!(log_count(&db, "contact_notice", "create"), 1);
    let normal = form("normal").check(d("2024-05-10")).unwrap();
    db.store.with_conn(|conn| deviations::create(conn, &actor, &scope, "0117", None, &normal)).unwrap();
    assert!(db.store.with_conn(deviations::contact_notices).unwrap().is_empty(), "only serious ones");
}
