use chrono::NaiveDate;
use etablera_domain::access::Role;
use etablera_domain::agreements::obligations::{Duty, Schedule, Status, default_duties};
use etablera_domain::agreements::order::{Fulfilment, NewOrder, NewStaffing};
use etablera_domain::agreements::{InvoiceSchedule, RefundPolicy, Side, Terms, Validity};
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reporting::monthly::{Month, Signature};
use etablera_store::StoreError;
use etablera_store::access::Actor;
use etablera_store::agreements::{self, Contact, NewVersion, obligations, orders};
use etablera_store::reporting::monthly;
use etablera_store::testing::TestDatabase;

use crate::add_user;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The seed's order: from 2020-03-01 for four years, six months' notice.
pub fn seed_order() -> NewVersion {
    NewVersion {
        effective_from: d("2020-03-01"),
        registry_number: Some("SN 2020/14".into()),
        decision: Some("Socialnämnden 2020-02-18 § 12".into()),
        signed_on: Some(d("2020-02-20")),
        terms: Terms {
            validity: Validity::FixedTerm { start: d("2020-03-01"), end: d("2024-02-29") },
            notice_months: Some(6),
            refund_policy: RefundPolicy::None,
            vacancy_threshold_months: None,
            schedule: InvoiceSchedule::None,
        },
        municipality_org_number: "212000-2882".parse().unwrap(),
        county_org_number: "212000-2882".parse().unwrap(),
        contacts: vec![Contact {
            side: Side::Committee,
            name: "Nämndsekreteraren".into(),
            title: Some("Socialnämndens sekreterare".into()),
            email: Some("socialnamnden@osteraker.test".into()),
            phone: None,
        }],
        note: None,
    }
}

/// An order as the registration form gives it, with the seed's first version.
pub fn order(title: &str, duties: Vec<Duty>) -> NewOrder {
    NewOrder { title: title.to_owned(), first: seed_order(), duties }
}

fn done(on: &str, document: &str) -> Fulfilment {
    Fulfilment { done_on: d(on), document: document.to_owned() }
}

#[test]
fn the_orders_obligations_stand_done_due_or_overdue() {
    let db = TestDatabase::new();
    let boss = add_user(&db, "chef", &[Role::UnitManager]);
    let actor = etablera_store::testing::cli().user(boss.id);
    let code = "0117".parse().unwrap();
    let id = db
        .store
        .with_conn(|conn| {
            orders::create(
                conn,
                &actor,
                &code,
                &order("Beställning mottagning och integration", default_duties(d("2020-03-01"))),
            )
        })
        .unwrap();
    let order = db.store.with_conn(|conn| orders::current(conn, "0117")).unwrap().expect("the order");
    assert_eq!(order.id, id);
    assert_eq!(order.post_id, None);
    assert_eq!(order.ends_on(), Some(d("2024-02-29")));
    assert!(
        db.store.with_conn(|conn| agreements::for_municipality(conn, "0117")).unwrap().is_empty(),
        "not a co-financing agreement"
    );

    // May 2024 is after the order ended; April 2023 is within it. Signing April fulfils its report.
    db.store
        .with_conn(|conn| {
            monthly::sign(
                conn,
                &Actor { at: etablera_store::testing::noon(d("2023-05-10")), ..actor.clone() },
                "0117",
                &Signature { month: Month::parse("2023-04").unwrap(), note: None },
                DayCount::Calendar,
                None,
            )
        })
        .unwrap();
    let today = d("2023-05-20");
    let actor = Actor { at: etablera_store::testing::noon(today), ..actor };
    let standing = db
        .store
        .with_conn(|conn| obligations::standing(conn, &order, today, today + chrono::Duration::days(60)))
        .unwrap();
    let codes: Vec<&str> = standing.iter().map(|(o, _)| o.code.code()).collect();
    assert_eq!(
        codes,
        [
            "written_answer",
            "monthly_report",
            "interim_summary",
            "annual_summary",
            "activity_plan",
            "activity_report",
            "grant_account"
        ]
    );
    let monthly_report = &standing[1].1;
    let april = monthly_report.iter().find(|s| s.occurrence.period == "2023-04").unwrap();
    assert!(matches!(april.status, Status::Done { .. }), "signed: {:?}", april.status);
    let march = monthly_report.iter().find(|s| s.occurrence.period == "2023-03").unwrap();
    assert_eq!(march.status, Status::Overdue { due: d("2023-04-15"), days_late: 35 });
    let may = monthly_report.iter().find(|s| s.occurrence.period == "2023-05").unwrap();
    assert_eq!(may.status, Status::Due { due: d("2023-06-15") });

    let (grant, _) = &standing[6];
    db.store
        .with_conn(|conn| obligations::fulfil(conn, &actor, grant.id, "2022", &done("2023-02-27", "Dnr SN 2023/31")))
        .unwrap();
    let again = db
        .store
        .with_conn(|conn| obligations::fulfil(conn, &actor, grant.id, "2022", &done("2023-02-27", "Dnr SN 2023/31")));
    assert!(matches!(again, Err(StoreError::Invalid { field: "period", .. })), "done once");
    let unknown =
        db.store.with_conn(|conn| obligations::fulfil(conn, &actor, grant.id, "2019", &done("2023-02-27", "x")));
    assert!(matches!(unknown, Err(StoreError::Invalid { field: "period", .. })), "before the order");
    let (report, _) = &standing[1];
    let by_hand =
        db.store.with_conn(|conn| obligations::fulfil(conn, &actor, report.id, "2023-03", &done("2023-05-01", "x")));
    assert!(
        matches!(by_hand, Err(StoreError::Invalid { field: "period", .. })),
        "the monthly report is done by signing"
    );
    let standing = db.store.with_conn(|conn| obligations::standing(conn, &order, today, today)).unwrap();
    let grant_2022 = standing[6].1.iter().find(|s| s.occurrence.period == "2022").unwrap();
    assert_eq!(grant_2022.status, Status::Done { on: d("2023-02-27"), document: "Dnr SN 2023/31".into() });
    let grant_2021 = standing[6].1.iter().find(|s| s.occurrence.period == "2021").unwrap();
    assert!(matches!(grant_2021.status, Status::Overdue { .. }));
}

#[test]
fn an_order_with_an_impossible_schedule_is_refused_and_staffing_is_dated() {
    let db = TestDatabase::new();
    let actor = etablera_store::testing::cli();
    let code = "0117".parse().unwrap();
    let mut duties = default_duties(d("2020-03-01"));
    duties[2].schedule = Schedule::Yearly { month: 2, day: 30, next_year: false };
    let refused = db.store.with_conn(|conn| orders::create(conn, &actor, &code, &order("Beställning", duties)));
    assert!(matches!(refused, Err(StoreError::Invalid { field: "interim_summary", .. })));
    assert!(db.store.with_conn(|conn| orders::current(conn, "0117")).unwrap().is_none(), "nothing saved");

    let staffing = |from: &str, hundredths: u32, note: Option<&str>| NewStaffing {
        from: d(from),
        hundredths,
        note: note.map(str::to_owned),
    };
    db.store
        .with_conn(|conn| {
            orders::record_staffing(conn, &actor, "0117", &staffing("2020-03-01", 250, Some("Enligt beställningen")))
        })
        .unwrap();
    db.store
        .with_conn(|conn| orders::record_staffing(conn, &actor, "0117", &staffing("2025-01-01", 300, None)))
        .unwrap();
    assert_eq!(
        db.store.with_conn(|conn| orders::staffing_on(conn, "0117", d("2024-06-01"))).unwrap(),
        Some((d("2020-03-01"), 250))
    );
    assert_eq!(
        db.store.with_conn(|conn| orders::staffing_on(conn, "0117", d("2025-06-01"))).unwrap(),
        Some((d("2025-01-01"), 300))
    );
    assert_eq!(db.store.with_conn(|conn| orders::staffing_on(conn, "0117", d("2019-06-01"))).unwrap(), None);
}
