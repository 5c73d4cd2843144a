use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_domain::documents::{DocumentFormat, NewDocument, Owner, OwnerKind};
use etablera_domain::economy::claims::NewClaim;
use etablera_domain::economy::costs::CostDetails;
use etablera_domain::economy::rules::{ClaimType, CostCategory};
use etablera_domain::identity::BirthDate;
use etablera_domain::ids::{HouseholdId, PersonId};
use etablera_domain::money::Money;
use etablera_domain::quality::deviations::DeviationForm;
use etablera_domain::reception::notes::NewNote;
use etablera_domain::reception::person::{Category, ExemptionReason, PersonDetails};
use etablera_domain::reception::tasks::NewTask;
use etablera_store::StoreError;
use etablera_store::access::Scope;
use etablera_store::access::extract;
use etablera_store::economy::claims;
use etablera_store::economy::costs::{self, NewCost};
use etablera_store::reception::{case_file, exchange, households, notes, plans, tasks};
use etablera_store::schema::{access_log, persons};
use etablera_store::testing::{TestDatabase, cli_on};
use etablera_store::{documents, quality::deviations};
use serde_json::json;

use crate::add_user;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A household of a quota refugee and her son, with a home and its damage, an activity that
/// ended, a declined offer and an exit, as the reception format carries them.
fn household(db: &TestDatabase) -> (i32, i32, i32) {
    let file = json!({
        "format": "etablera-reception/1",
        "municipality_code": "0117",
        "households": [{
            "ref": "UTDRAG",
            "placement_date": "2026-09-20",
            "first_contact_at": "2026-10-06T09:00:00+02:00",
            "housing": {
                "address": "Provgatan 7, 184 00 Åkersberga", "start": "2026-10-01", "end": "2028-09-30",
                "damages": [{"date": "2026-11-02", "description": "Trasig dörr", "cost_kr": 1200, "tenant_pays": false}]
            },
            "persons": [
                {
                    "ref": "P1", "given_name": "Amina", "family_name": "Hassan", "birth_date": "1988-04-17",
                    "personal_number": null, "dossier_number": "12-345678", "category": "resettled",
                    "reception_date": "2026-10-05", "exit_date": "2026-11-18", "exit_reason": "moved",
                    "activities": [{"type": "sfi", "start": "2026-10-10", "end": "2026-11-10", "hours_per_week": 15}],
                    "declined": [{"type": "internship", "date": "2026-10-20", "reason": "Vill vänta"}]
                },
                {
                    "ref": "P2", "given_name": "Omar", "family_name": "Hassan", "birth_date": "2014-09-03",
                    "personal_number": null, "dossier_number": null, "category": "resettled", "reception_date": "2026-10-05"
                }
            ]
        }]
    });
    db.store
        .with_conn(|conn| Ok(exchange::import(conn, &cli_on(d("2026-11-20")), &file.to_string(), "Mottagningen")))
        .unwrap()
        .unwrap();
    db.store
        .with_conn(|conn| {
            let id: i32 =
                etablera_store::schema::households::table.select(etablera_store::schema::households::id).first(conn)?;
            let amina: i32 = persons::table.filter(persons::reference.eq("P1")).select(persons::id).first(conn)?;
            let omar: i32 = persons::table.filter(persons::reference.eq("P2")).select(persons::id).first(conn)?;
            Ok((id, amina, omar))
        })
        .unwrap()
}

#[test]
fn an_extract_holds_every_kind_of_record_of_the_person_and_who_read_it() {
    let db = TestDatabase::new();
    let (household_id, amina, omar) = household(&db);
    let worker = add_user(&db, "anna", &[Role::CaseWorker]);
    let boss = add_user(&db, "chef", &[Role::UnitManager]);
    let ekonom = add_user(&db, "ekonom", &[Role::Finance]);
    let actor = cli_on(d("2026-11-24")).user(worker.id);
    let scope = Scope::of(&worker);

    // A correction, an exemption, notes about her, about the household and about her son, a
    // task, a cost in a claim, a document, a complaint, and a reading of her file.
    let version: i32 =
        db.store.with_conn(|conn| Ok(persons::table.find(amina).select(persons::version).first(conn)?)).unwrap();
    let corrected = PersonDetails {
        given_name: "Amina".into(),
        family_name: "Hassan Ali".into(),
        birth_date: BirthDate::of(d("1988-04-17")),
        personal_number: None,
        dossier_number: Some("12-345678".parse().unwrap()),
        category: Category::Resettled,
        languages: vec!["arabiska".into()],
        interpreter_needed: true,
        protected_identity: false,
        reception_date: Some(d("2026-10-05")),
    };
    db.store.with_conn(|conn| households::edit_person(conn, &actor, &scope, amina, version, &corrected)).unwrap();
    db.store
        .with_conn(|conn| {
            plans::add_exemption(
                conn,
                &actor,
                &scope,
                amina,
                &plans::NewExemption {
                    reason: ExemptionReason::Illness,
                    start: d("2026-11-11"),
                    end: None,
                    note: None,
                },
            )
        })
        .unwrap();
    for (about, text) in
        [(Some(amina), "Samtal om SFI."), (None, "Hushållet har fått nycklar."), (Some(omar), "Skolstart för Omar.")]
    {
        let note = NewNote { text: text.into(), person_id: about.map(PersonId::new), corrects: None };
        db.store.with_conn(|conn| notes::add(conn, &actor, &scope, household_id, &note)).unwrap();
    }
    let task = NewTask { title: "Boka tid hos Skatteverket".into(), due: d("2026-12-01"), responsible: "Anna".into() };
    db.store.with_conn(|conn| tasks::add(conn, &actor, &scope, household_id, &task)).unwrap();
    let finance = (cli_on(d("2026-11-24")).user(ekonom.id), Scope::of(&ekonom));
    let cost = NewCost {
        household_id: HouseholdId::new(household_id),
        person_id: Some(PersonId::new(amina)),
        details: CostDetails {
            date: d("2026-10-06"),
            category: CostCategory::Clothes,
            amount: Money::from_ore(90_000),
            vat: Money::from_ore(22_500),
            supplier: "Kläder AB".into(),
            receipt_reference: Some("K-17".into()),
            days: None,
        },
    };
    db.store.with_conn(|conn| costs::record(conn, &finance.0, &finance.1, &cost)).unwrap();
    let claim = NewClaim {
        municipality_code: "0117".into(),
        claim_type: ClaimType::InitialCostsResettled,
        period_start: d("2026-10-01"),
        period_end: d("2026-10-31"),
    };
    let claim_id = db.store.with_conn(|conn| claims::prepare(conn, &finance.0, &finance.1, &claim)).unwrap();
    let pdf = NewDocument {
        file_name: "uppehallstillstand.pdf".into(),
        title: Some("Uppehållstillstånd".into()),
        format: DocumentFormat::Pdf,
        bytes: b"%PDF-1.4 tillstand".to_vec(),
    };
    db.store
        .with_conn(|conn| documents::attach(conn, &actor, &scope, Owner::new(OwnerKind::Person, amina), &pdf))
        .unwrap();
    let complaint = DeviationForm {
        kind: "complaint".into(),
        received_on: "2026-11-03".into(),
        channel: "phone".into(),
        description: "Dörren lagades inte i tid.".into(),
        category: "housing".into(),
        severity: "normal".into(),
        actions: None,
        closed_on: None,
        committee_summary: None,
    }
    .check(d("2026-11-24"))
    .unwrap();
    db.store
        .with_conn(|conn| {
            deviations::create(conn, &actor, &scope, "0117", Some(HouseholdId::new(household_id)), &complaint)
        })
        .unwrap();
    db.store.with_conn(|conn| case_file::person(conn, &actor, &scope, amina)).unwrap();

    let manager = cli_on(d("2026-11-25")).user(boss.id);
    let x = db.store.with_conn(|conn| extract::person(conn, &manager, &Scope::of(&boss), amina)).unwrap();
    assert_eq!(x.format, "etablera-registerutdrag/1");
    assert_eq!(x.made_by.as_deref(), Some("Testperson chef"));
    assert_eq!((x.person.family_name.as_str(), x.person.dossier_number.as_deref()), ("Hassan Ali", Some("12-345678")));
    assert_eq!(x.person.languages, ["arabiska"]);
    assert_eq!((x.household.label.as_str(), x.household.other_persons), ("UTDRAG", 1));
    assert_eq!(x.history.len(), 1);
    assert!(x.history[0].changes.iter().any(|c| c.before == "Hassan" && c.after == "Hassan Ali"));
    assert_eq!(
        x.activities.iter().map(|a| (a.type_code.as_str(), a.end_date)).collect::<Vec<_>>(),
        [("sfi", Some(d("2026-11-10")))]
    );
    assert_eq!(
        x.exits.iter().map(|e| (e.exit_date, e.reason.as_str())).collect::<Vec<_>>(),
        [(d("2026-11-18"), "moved")]
    );
    assert_eq!(x.declines.iter().map(|d| d.reason.as_str()).collect::<Vec<_>>(), ["Vill vänta"]);
    assert_eq!(x.exemptions.iter().map(|e| e.reason.as_str()).collect::<Vec<_>>(), ["illness"]);
    assert_eq!(x.homes.len(), 1);
    assert_eq!(x.homes[0].address, "Provgatan 7, 184 00 Åkersberga");
    assert_eq!(x.homes[0].damages.iter().map(|d| d.description.as_str()).collect::<Vec<_>>(), ["Trasig dörr"]);
    assert!(x.tasks.iter().any(|t| t.title == "Boka tid hos Skatteverket"));
    let texts: Vec<&str> = x.notes.iter().map(|n| n.text.as_str()).collect();
    assert!(texts.contains(&"Samtal om SFI.") && texts.contains(&"Hushållet har fått nycklar."));
    assert!(!texts.contains(&"Skolstart för Omar."), "a note about someone else is theirs: {texts:?}");
    assert_eq!(x.costs.iter().map(|c| (c.amount_ore, c.claim_id)).collect::<Vec<_>>(), [(90_000, Some(claim_id))]);
    assert_eq!(x.claims.iter().map(|c| (c.id, c.status.as_str())).collect::<Vec<_>>(), [(claim_id, "draft")]);
    assert_eq!(x.documents.iter().map(|d| d.file_name.as_str()).collect::<Vec<_>>(), ["uppehallstillstand.pdf"]);
    assert_eq!(x.deviations.iter().map(|d| d.description.as_str()).collect::<Vec<_>>(), ["Dörren lagades inte i tid."]);
    let reads: Vec<(Option<&str>, &str, &str)> =
        x.access.iter().map(|a| (a.user.as_deref(), a.action.as_str(), a.record_kind.as_str())).collect();
    assert!(reads.contains(&(Some("Testperson anna"), "read", "person")), "{reads:?}");
    assert!(reads.contains(&(Some("Testperson anna"), "update", "person")), "{reads:?}");
    // Nothing of the son but his count.
    let json = serde_json::to_string(&x).unwrap();
    assert!(!json.contains("Omar"), "{json}");

    // Taking it out is logged as an export of the person.
    let exported: i64 = db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::action.eq("export"))
                .filter(access_log::record_kind.eq("person"))
                .filter(access_log::record_id.eq(amina.to_string()))
                .filter(access_log::actor_user_id.eq(boss.id))
                .count()
                .get_result(conn)?)
        })
        .unwrap();
    assert_eq!(exported, 1);

    // Outside the scope: not found. A protected person: only with the permission for it.
    let elsewhere = Scope { municipalities: Some(vec!["0180".into()]), unit: None, protected_addresses: true };
    assert!(matches!(
        db.store.with_conn(|conn| extract::person(conn, &manager, &elsewhere, amina)),
        Err(StoreError::NotFound)
    ));
    let protected = PersonDetails { protected_identity: true, ..corrected };
    db.store.with_conn(|conn| households::edit_person(conn, &actor, &scope, amina, version + 1, &protected)).unwrap();
    assert!(matches!(
        db.store.with_conn(|conn| extract::person(conn, &manager, &Scope::of(&boss), amina)),
        Err(StoreError::Invalid { field: "person", .. })
    ));
    let allowed = Scope { protected_addresses: true, ..Scope::of(&boss) };
    assert!(db.store.with_conn(|conn| extract::person(conn, &manager, &allowed, amina)).is_ok());
}
