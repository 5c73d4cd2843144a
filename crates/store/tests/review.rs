use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_domain::access::review::Reason;
use etablera_domain::ids::PersonId;
use etablera_domain::reception::notes::NewNote;
use etablera_domain::reporting::monthly::Month;
use etablera_store::StoreError;
use etablera_store::access::review;
use etablera_store::access::{Actor, Scope};
use etablera_store::paging::Paging;
use etablera_store::reception::{case_file, exchange, notes};
use etablera_store::schema::{access_log, households};
use etablera_store::testing::{TestDatabase, cli_on};
use serde_json::json;

use crate::add_user;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A moment given in Stockholm time.
fn local(s: &str) -> NaiveDateTime {
    etablera_domain::time::from_local(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()).unwrap()
}

fn import(db: &TestDatabase, reference: &str, protected: bool) -> i32 {
    let file = json!({
        "format": "etablera-reception/1",
        "municipality_code": "0117",
        "households": [{
            "ref": reference, "placement_date": "2026-09-01",
            "persons": [{
                "ref": format!("{reference}-1"), "given_name": "Test", "family_name": reference,
                "birth_date": "1990-01-01", "personal_number": null, "dossier_number": null,
                "category": "resettled", "reception_date": "2026-09-05", "protected_identity": protected
            }]
        }]
    });
    db.store
        .with_conn(|conn| Ok(exchange::import(conn, &cli_on(d("2026-10-01")), &file.to_string(), "Mottagningen")))
        .unwrap()
        .unwrap();
    db.store
        .with_conn(|conn| {
            Ok(households::table.filter(households::reference.eq(reference)).select(households::id).first(conn)?)
        })
        .unwrap()
}

#[test]
fn a_month_is_reviewed_read_by_read_and_signed_and_then_kept_as_signed() {
    let db = TestDatabase::new();
    let anna = add_user(&db, "anna", &[Role::CaseWorker]);
    let bert = add_user(&db, "bert", &[Role::Finance]);
    let chef = add_user(&db, "chef", &[Role::UnitManager]);
    let h1 = import(&db, "H-ETT", false);
    let h2 = import(&db, "H-TVA", true);
    let at = |user: i32, when: &str| Actor { user_id: Some(user), at: local(when), ..cli_on(d("2026-11-01")) };
    let everything = Scope { municipalities: Some(vec!["0117".into()]), unit: None, protected_addresses: true };
    let open = |actor: Actor, id: i32| {
        db.store.with_conn(|conn| case_file::household(conn, &actor, &everything, id)).unwrap();
    };
    // Anna writes in H1: she has a relation to it.
    let note = NewNote { text: "Samtal.".into(), person_id: None::<PersonId>, corrects: None };
    db.store.with_conn(|conn| notes::add(conn, &at(anna.id, "2026-10-20 10:00"), &everything, h1, &note)).unwrap();

    open(at(anna.id, "2026-11-03 10:00"), h1); // her case, her unit, office hours: not picked
    open(at(chef.id, "2026-11-03 11:00"), h1); // the unit's manager: not picked
    open(at(bert.id, "2026-11-03 12:00"), h1); // no unit, no relation to the case
    open(at(anna.id, "2026-11-04 10:00"), h2); // protected, and not her case
    open(at(anna.id, "2026-11-07 23:00"), h1); // Saturday night
    open(at(anna.id, "2026-12-01 10:00"), h2); // in December: not in November's review

    let codes = vec!["0117".to_owned()];
    let reviewer = cli_on(d("2026-12-06")).user(chef.id);
    let november = Month::parse("2026-11").unwrap();
    let id = db.store.with_conn(|conn| review::start(conn, &reviewer, &codes, "0117", november)).unwrap();
    let items = |open_only: bool| {
        db.store.with_conn(|conn| review::items(conn, &codes, id, open_only, Paging::default())).unwrap()
    };
    let picked: Vec<(Option<String>, String, Vec<Reason>)> =
        items(false).rows.into_iter().map(|i| (i.reader, i.record_id.unwrap_or_default(), i.reasons)).collect();
    assert_eq!(
        picked,
        [
            (Some("Testperson bert".to_owned()), h1.to_string(), vec![Reason::NoCaseRelation]),
            (Some("Testperson anna".to_owned()), h2.to_string(), vec![Reason::Protected, Reason::NoCaseRelation]),
            (Some("Testperson anna".to_owned()), h1.to_string(), vec![Reason::OutOfHours]),
        ]
    );

    // One review a month; a month that has not ended cannot be reviewed.
    let again = db.store.with_conn(|conn| review::start(conn, &reviewer, &codes, "0117", november));
    assert!(matches!(again, Err(StoreError::Invalid { field: "month", .. })));
    let december = Month::parse("2026-12").unwrap();
    let early = db.store.with_conn(|conn| review::start(conn, &reviewer, &codes, "0117", december));
    assert!(matches!(early, Err(StoreError::Invalid { field: "month", .. })));
    let elsewhere = db.store.with_conn(|conn| review::start(conn, &reviewer, &codes, "0180", november));
    assert!(matches!(elsewhere, Err(StoreError::NotFound)));

    // Not signed while reads are left; a comment is needed for each.
    let sign = |summary: &str| db.store.with_conn(|conn| review::sign(conn, &reviewer, &codes, id, summary));
    assert!(matches!(sign("Inget att anmärka."), Err(StoreError::Invalid { field: "summary", .. })));
    let ids: Vec<i32> = items(true).rows.iter().map(|i| i.id).collect();
    let mark =
        |item: i32, comment: &str| db.store.with_conn(|conn| review::mark(conn, &reviewer, &codes, id, item, comment));
    assert!(matches!(mark(ids[0], "  "), Err(StoreError::Invalid { field: "comment", .. })));
    for item in &ids {
        mark(*item, "Kontrollerat med läsaren: i tjänsten.").unwrap();
    }
    assert_eq!(items(true).total, 0);
    sign("Tre läsningar granskade, alla i tjänsten.").unwrap();

    // Signed, it is kept as it was.
    let kept = db.store.with_conn(|conn| review::get(conn, &reviewer, &codes, id)).unwrap();
    assert_eq!((kept.items, kept.open), (3, 0));
    assert_eq!(kept.signed_by.as_deref(), Some("Testperson chef"));
    assert_eq!(kept.summary.as_deref(), Some("Tre läsningar granskade, alla i tjänsten."));
    assert!(matches!(mark(ids[0], "Ändrat"), Err(StoreError::Invalid { field: "form", .. })));
    assert!(items(false).rows.iter().all(|i| i.comment.as_deref() == Some("Kontrollerat med läsaren: i tjänsten.")));
    let listed = db.store.with_conn(|conn| review::list(conn, &reviewer, &codes)).unwrap();
    assert_eq!(listed.iter().map(|r| r.month.as_str()).collect::<Vec<_>>(), ["2026-11"]);
    let logged: i64 = db
        .store
        .with_conn(|conn| {
            Ok(access_log::table.filter(access_log::record_kind.eq("log_review")).count().get_result(conn)?)
        })
        .unwrap();
    assert!(logged >= 6, "started, each mark, signed, read: {logged}");
}
