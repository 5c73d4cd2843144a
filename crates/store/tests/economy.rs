//! The economy on the database: the shipped rules, costs measured against them and charged to
//! the grant, claims with their rows and steps, the standard amounts to expect, rule edits.

use chrono::NaiveDate;
use diesel::prelude::*;
use etablera_domain::access::Role;
use etablera_domain::economy::claims::{ClaimStatus, Step, StepInput};
use etablera_domain::economy::costs::CostDetails;
use etablera_domain::economy::rules::{Cap, CapRule, ClaimType, CostCategory, Deadline, DeadlineRule, in_force};
use etablera_domain::economy::standard::Expected;
use etablera_domain::ids::{HouseholdId, PersonId};
use etablera_domain::money::Money;
use etablera_domain::reception::person::ExemptionReason;
use etablera_store::StoreError;
use etablera_store::access::Actor;
use etablera_store::access::Scope;
use etablera_store::economy::costs::{self, NewCost, NotReimbursable};
use etablera_store::economy::{claims, grant, rules, standard};
use etablera_store::reception::{exchange, plans};
use etablera_store::schema::{access_log, costs as costs_table, grant_charges, households, persons};
use etablera_store::testing::TestDatabase;

use crate::add_user;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn kr(n: i64) -> Money {
    Money::from_kr(n)
}

/// Imports households, each written in the reception format, into Österåker.
fn import(db: &TestDatabase, households: &[String]) {
    let text = format!(
        r#"{{"format": "etablera-reception/1", "municipality_code": "0117", "households": [{}]}}"#,
        households.join(",")
    );
    db.store
        .with_conn(|conn| {
            Ok(exchange::import(conn, &etablera_store::testing::cli_on(d("2026-11-24")), &text, "Mottagningen"))
        })
        .unwrap()
        .expect("the households import");
}

/// Households imported through the reception format: `(ref, category, reception date, size)`.
fn households_with(db: &TestDatabase, list: &[(&str, &str, &str, usize)]) -> Vec<(i32, Vec<i32>)> {
    let mut serial = 0;
    let households_json: Vec<String> = list
        .iter()
        .map(|(reference, category, reception, size)| {
            let persons: Vec<String> = (0..*size)
                .map(|i| {
                    serial += 1;
                    let birth = if i < 2 { format!("19{}-03-0{}", 80 + i, i + 1) } else { format!("201{i}-05-01") };
                    format!(
                        r#"{{"ref": "{reference}-P{i}", "given_name": "Test{i}", "family_name": "{reference}", "birth_date": "{birth}",
                            "personal_number": null, "dossier_number": "12-{serial:06}", "category": "{category}",
                            "reception_date": "{reception}", "exit_date": null, "activities": [], "declined": []}}"#
                    )
                })
                .collect();
            format!(
                r#"{{"ref": "{reference}", "placement_date": "2022-01-01", "first_contact_at": null, "housing": null, "persons": [{}]}}"#,
                persons.join(",")
            )
        })
        .collect();
    import(db, &households_json);
    db.store
        .with_conn(|conn| {
            let mut out = Vec::new();
            for (reference, ..) in list {
                let id: i32 = households::table
                    .filter(households::reference.eq(*reference))
                    .select(households::id)
                    .first(conn)?;
                let ids: Vec<i32> = persons::table
                    .filter(persons::household_id.eq(id))
                    .order((persons::birth_date, persons::id))
                    .select(persons::id)
                    .load(conn)?;
                out.push((id, ids));
            }
            Ok(out)
        })
        .unwrap()
}

fn finance(db: &TestDatabase) -> (Actor, Scope) {
    let user = add_user(db, "ekonom", &[Role::Finance]);
    (etablera_store::testing::cli().user(user.id), Scope::of(&user))
}

fn cost(household_id: i32, person_id: Option<i32>, date: &str, category: CostCategory, amount: Money) -> NewCost {
    NewCost {
        household_id: HouseholdId::new(household_id),
        person_id: person_id.map(PersonId::new),
        details: CostDetails {
            date: d(date),
            category,
            amount,
            vat: Money::from_ore(amount.ore() / 4),
            supplier: "Leverantören AB".into(),
            receipt_reference: Some("K-1".into()),
            days: None,
        },
    }
}

fn record(db: &TestDatabase, who: &(Actor, Scope), c: NewCost) -> Result<(i32, costs::Assessment), StoreError> {
    db.store.with_conn(|conn| costs::record(conn, &who.0, &who.1, &c))
}

/// Prepares a claim in municipality 0117 for costs dated `from` to `to`.
fn prepare(
    db: &TestDatabase,
    who: &(Actor, Scope),
    claim_type: ClaimType,
    from: &str,
    to: &str,
) -> Result<i32, StoreError> {
    let claim = etablera_domain::economy::claims::NewClaim {
        municipality_code: "0117".into(),
        claim_type,
        period_start: d(from),
        period_end: d(to),
    };
    db.store.with_conn(|conn| claims::prepare(conn, &who.0, &who.1, &claim))
}

/// How many access-log rows record `action` on records of `kind`.
fn logged(db: &TestDatabase, kind: &str, action: &str) -> i64 {
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

fn charges(db: &TestDatabase) -> Vec<(String, i64)> {
    db.store
        .with_conn(|conn| {
            Ok(grant_charges::table
                .order(grant_charges::id)
                .select((grant_charges::category, grant_charges::amount_ore))
                .load(conn)?)
        })
        .unwrap()
}

#[test]
fn the_shipped_rules_hold_the_values_of_the_domain() {
    let db = TestDatabase::new();
    let all: Vec<_> = db.store.with_conn(rules::all).unwrap().into_iter().map(|(_, r)| r).collect();
    let on = d("2024-05-01");
    let rule = |c| in_force(&all, c, on).unwrap();
    assert_eq!(rule(CostCategory::FoodFirstDay).cap, CapRule::Capped(Cap::PerPerson(kr(200))));
    assert_eq!(rule(CostCategory::Clothes).cap, CapRule::Capped(Cap::PerPerson(kr(1500))));
    assert_eq!(
        rule(CostCategory::HomeEquipment).cap,
        CapRule::Capped(Cap::PerHousehold { first: kr(5000), per_extra_member: kr(1000) })
    );
    assert_eq!(rule(CostCategory::Interpreter).cap, CapRule::Uncapped);
    assert_eq!(rule(CostCategory::Clothes).claim_type, ClaimType::InitialCostsResettled);
    let before = in_force(&all, CostCategory::Clothes, d("2023-02-28")).unwrap();
    let after = in_force(&all, CostCategory::Clothes, d("2023-03-01")).unwrap();
    assert_eq!(before.deadline, DeadlineRule::Due(Deadline::MonthsAfterPeriodEnd(12)));
    assert_eq!(after.deadline, DeadlineRule::Due(Deadline::MonthsAfterReception(12)));
    let assistance = in_force(&all, CostCategory::EconomicAssistance, on).unwrap();
    assert_eq!(assistance.deadline, DeadlineRule::Missing, "not known: shown as missing, never invented");
    assert!(in_force(&all, CostCategory::Clothes, d("2010-11-30")).is_none());
    // The price base amounts of 2021–2026, each with the source it was read from.
    let bases = db.store.with_conn(rules::price_base_table).unwrap();
    let amounts: Vec<(i32, Money)> = bases.iter().map(|(y, m, _)| (*y, *m)).collect();
    assert_eq!(
        amounts,
        [
            (2021, kr(47_600)),
            (2022, kr(48_300)),
            (2023, kr(52_500)),
            (2024, kr(57_300)),
            (2025, kr(58_800)),
            (2026, kr(59_200))
        ]
    );
    assert!(bases.iter().all(|(_, _, source)| source.as_deref().is_some_and(|s| !s.is_empty())), "{bases:?}");
    // The schablonersättning: 66 as the age limit until 2025, riktåldern (67) for those
    // received from 2026; and nothing missing for 2025 and 2026.
    let standard = |on: &str, age: u32| {
        all.iter()
            .find(|r| r.claim_type == ClaimType::StandardReimbursement && r.in_force_on(d(on)) && r.covers_age(age))
            .and_then(|r| r.amount)
    };
    assert_eq!((standard("2025-06-01", 65), standard("2025-06-01", 66)), (Some(kr(165_000)), Some(kr(92_600))));
    assert_eq!((standard("2026-06-01", 66), standard("2026-06-01", 67)), (Some(kr(165_000)), Some(kr(92_600))));
    let gaps = db.store.with_conn(|conn| rules::gaps(conn, 2025..=2026)).unwrap();
    let unknown_assistance: Vec<_> = gaps
        .iter()
        .filter(|g| {
            !matches!(g, etablera_domain::economy::gaps::Gap::Unknown { claim_type: ClaimType::EconomicAssistance, .. })
        })
        .collect();
    assert_eq!(
        unknown_assistance,
        Vec::<&etablera_domain::economy::gaps::Gap>::new(),
        "only economic assistance's deadline is not known"
    );
    let next = db.store.with_conn(|conn| rules::gaps(conn, 2027..=2027)).unwrap();
    assert!(next.contains(&etablera_domain::economy::gaps::Gap::PriceBase { year: 2027 }), "{next:?}");
}

#[test]
fn a_cost_is_measured_against_the_cap_and_what_is_over_it_is_charged_to_the_grant() {
    let db = TestDatabase::new();
    let who = finance(&db);
    let list =
        households_with(&db, &[("KVOT5", "resettled", "2024-02-01", 5), ("NY1", "newly_arrived", "2024-02-01", 1)]);
    let (family, people) = &list[0];
    let (first, a) =
        record(&db, &who, cost(*family, None, "2024-02-02", CostCategory::HomeEquipment, kr(6000))).unwrap();
    assert_eq!((a.reimbursable, a.over_cap, a.cap), (kr(6000), Money::ZERO, Some(kr(9000))));
    assert_eq!(a.deadline, Some(d("2025-02-01")), "a year after the reception");
    let (_, b) =
        record(&db, &who, cost(*family, None, "2024-02-05", CostCategory::HomeEquipment, Money::from_ore(350_050)))
            .unwrap();
    assert_eq!((b.reimbursable, b.over_cap, b.already), (kr(3000), Money::from_ore(50_050), kr(6000)));
    let (_, food) = record(&db, &who, cost(*family, None, "2024-02-01", CostCategory::FoodFirstDay, kr(1100))).unwrap();
    assert_eq!((food.reimbursable, food.over_cap), (kr(1000), kr(100)), "200 kr for each of five");
    // Clothes are capped per person: 1 500 kr for one person, however large the family.
    let (_, clothes) =
        record(&db, &who, cost(*family, Some(people[1]), "2024-02-03", CostCategory::Clothes, kr(3000))).unwrap();
    assert_eq!((clothes.reimbursable, clothes.over_cap), (kr(1500), kr(1500)));
    let (newly, _) = &list[1];
    let (_, none) = record(&db, &who, cost(*newly, None, "2024-02-03", CostCategory::Clothes, kr(800))).unwrap();
    assert_eq!(
        (none.reimbursable, none.over_cap, none.reason),
        (Money::ZERO, kr(800), Some(NotReimbursable::NotResettled))
    );
    assert_eq!(
        charges(&db),
        vec![
            ("home_equipment".into(), 50_050),
            ("food_first_day".into(), 10_000),
            ("clothes".into(), 150_000),
            ("clothes".into(), 80_000)
        ]
    );
    let stored: (i64, i64, Option<i32>) = db
        .store
        .with_conn(|conn| {
            Ok(costs_table::table
                .find(first)
                .select((costs_table::reimbursable_ore, costs_table::over_cap_ore, costs_table::claim_id))
                .first(conn)?)
        })
        .unwrap();
    assert_eq!(stored, (600_000, 0, None));
    assert_eq!(logged(&db, "cost", "create"), 5);
}

#[test]
fn costs_on_either_side_of_2023_03_01_get_the_deadline_of_the_rule_a_claim_arrives_under() {
    let db = TestDatabase::new();
    let who = finance(&db);
    let list = households_with(&db, &[("FAM", "resettled", "2023-01-15", 2), ("EARLY", "resettled", "2022-02-01", 2)]);
    let (fam, _) = &list[0];
    let (early, _) = &list[1];
    // Any claim for these arrives from 2023-03-01 on: a year after the reception, whichever day.
    let (_, a) = record(&db, &who, cost(*fam, None, "2023-02-28", CostCategory::Clothes, kr(500))).unwrap();
    let (_, b) = record(&db, &who, cost(*fam, None, "2023-03-01", CostCategory::Clothes, kr(500))).unwrap();
    assert_eq!((a.deadline, b.deadline), (Some(d("2024-01-15")), Some(d("2024-01-15"))));
    // Received 2022-02-01: the cost of 2023-02-28 can be claimed that very day under the old
    // rule (a year from the end of the claim's period); the next day's is already too late.
    let (_, old) = record(&db, &who, cost(*early, None, "2023-02-28", CostCategory::Clothes, kr(500))).unwrap();
    let (_, new) = record(&db, &who, cost(*early, None, "2023-03-01", CostCategory::Clothes, kr(500))).unwrap();
    assert_eq!(old.deadline, Some(d("2023-02-28")));
    assert_eq!(new.deadline, Some(d("2023-02-01")), "passed before the cost was made");
}

#[test]
fn bad_costs_are_refused_and_change_nothing() {
    let db = TestDatabase::new();
    let who = finance(&db);
    let list = households_with(&db, &[("FAM", "resettled", "2024-01-15", 2), ("OTHER", "resettled", "2024-01-15", 1)]);
    let (h, people) = &list[0];
    let (_, others) = &list[1];
    let wrong_person = record(&db, &who, cost(*h, Some(others[0]), "2024-02-01", CostCategory::Clothes, kr(100)));
    assert!(matches!(wrong_person, Err(StoreError::Invalid { field: "person", .. })), "{wrong_person:?}");
    let assistance =
        record(&db, &who, cost(*h, Some(people[0]), "2024-02-01", CostCategory::EconomicAssistance, kr(4000)));
    assert!(matches!(assistance, Err(StoreError::Invalid { field: "person", .. })), "no exemption: {assistance:?}");
    let elsewhere = Scope { municipalities: Some(vec!["0180".into()]), unit: None, protected_addresses: false };
    let outside = db.store.with_conn(|conn| {
        costs::record(conn, &who.0, &elsewhere, &cost(*h, None, "2024-02-01", CostCategory::Clothes, kr(1)))
    });
    assert!(matches!(outside, Err(StoreError::NotFound)));
    let stored: i64 = db.store.with_conn(|conn| Ok(costs_table::table.count().get_result(conn)?)).unwrap();
    assert_eq!(stored, 0);
    assert!(charges(&db).is_empty());
}

#[test]
fn a_claim_gathers_the_unclaimed_costs_and_its_totals_are_the_sum_of_its_rows() {
    let db = TestDatabase::new();
    let who = finance(&db);
    let list =
        households_with(&db, &[("KVOT5", "resettled", "2024-02-01", 5), ("KVOT2", "resettled", "2024-03-01", 2)]);
    let (five, people) = &list[0];
    let (two, _) = &list[1];
    for c in [
        cost(*five, None, "2024-02-02", CostCategory::HomeEquipment, Money::from_ore(950_050)),
        cost(*five, Some(people[0]), "2024-02-01", CostCategory::Clothes, kr(1200)),
        cost(*five, Some(people[3]), "2024-02-01", CostCategory::Clothes, Money::from_ore(99_999)),
        cost(*five, None, "2024-02-01", CostCategory::TravelFromAirport, kr(2400)),
        cost(*two, None, "2024-03-01", CostCategory::FoodFirstDay, kr(380)),
        cost(*two, None, "2024-09-01", CostCategory::Interpreter, kr(900)),
    ] {
        record(&db, &who, c).unwrap();
    }
    let id = prepare(&db, &who, ClaimType::InitialCostsResettled, "2024-01-01", "2024-06-30").unwrap();
    let file = db.store.with_conn(|conn| claims::open(conn, &who.0, &who.1, id)).unwrap();
    assert_eq!(file.rows.len(), 4, "the oldest of the five (household costs), the fourth, and both of the two");
    let row_sum: Money = file.rows.iter().map(|r| r.row.total()).sum();
    assert_eq!(file.total, row_sum);
    assert_eq!(file.total, Money::from_ore(900_000 + 120_000 + 99_999 + 240_000 + 38_000));
    assert_eq!(file.columns[&CostCategory::Clothes], Money::from_ore(219_999));
    assert_eq!(file.claim.deadline, Some(d("2025-02-01")));
    let head = &file.rows[0];
    assert_eq!(head.person.id, people[0]);
    assert_eq!(head.row.amount(CostCategory::HomeEquipment), kr(9000), "the cap, not the receipt");
    // The two's food for the first day (380 kr) is spread within 200 kr per person.
    let food: Vec<Money> = file.rows[2..].iter().map(|r| r.row.amount(CostCategory::FoodFirstDay)).collect();
    assert_eq!(food, [kr(200), kr(180)]);
    // The interpreter in September is outside the period; nothing is left to claim in it.
    let again = prepare(&db, &who, ClaimType::InitialCostsResettled, "2024-01-01", "2024-06-30");
    assert!(matches!(again, Err(StoreError::Invalid { field: "period_start", .. })));
    db.store.with_conn(|conn| claims::export(conn, &who.0, &who.1, id)).unwrap();
    let log: Vec<String> = db
        .store
        .with_conn(|conn| {
            Ok(access_log::table
                .filter(access_log::record_kind.eq("claim"))
                .order(access_log::id)
                .select(access_log::action)
                .load(conn)?)
        })
        .unwrap();
    assert_eq!(log, ["create", "read", "export"]);
}

#[test]
fn a_claim_moves_through_its_steps_and_what_a_decision_does_not_grant_is_charged_to_the_grant() {
    let db = TestDatabase::new();
    let who = finance(&db);
    let list = households_with(&db, &[("KVOT1", "resettled", "2024-02-01", 1)]);
    let (h, _) = &list[0];
    record(&db, &who, cost(*h, None, "2024-02-01", CostCategory::HomeEquipment, kr(5000))).unwrap();
    record(&db, &who, cost(*h, None, "2024-02-01", CostCategory::Clothes, kr(1600))).unwrap();
    let id = prepare(&db, &who, ClaimType::InitialCostsResettled, "2024-02-01", "2024-02-29").unwrap();
    let who = (Actor { at: etablera_store::testing::noon(d("2024-12-01")), ..who.0.clone() }, who.1.clone());
    let step = |step, on: &str, granted: Option<i64>, version| {
        let input = StepInput {
            step,
            on: d(on),
            granted: granted.map(kr),
            reference: granted.map(|_| "MIG 1.2.3-2024-1".to_owned()),
            note: None,
        };
        db.store.with_conn(|conn| claims::step(conn, &who.0, &who.1, id, &input, version))
    };
    step(Step::Submit, "2024-03-10", None, 1).unwrap();
    assert!(matches!(step(Step::Pay, "2024-03-11", None, 2), Err(StoreError::Invalid { field: "step", .. })));
    assert!(matches!(step(Step::Decide, "2024-04-01", Some(6000), 1), Err(StoreError::Stale)));
    step(Step::Decide, "2024-04-01", Some(6000), 2).unwrap();
    step(Step::Appeal, "2024-04-10", None, 3).unwrap();
    step(Step::Decide, "2024-05-01", Some(6500), 4).unwrap();
    step(Step::Pay, "2024-05-20", None, 5).unwrap();
    let file = db.store.with_conn(|conn| claims::open(conn, &who.0, &who.1, id)).unwrap();
    assert_eq!(file.claim.status, ClaimStatus::Paid);
    assert_eq!(file.events.len(), 5);
    // 1 500 kr of the clothes is claimed; 100 kr went to the grant when recorded. The first
    // decision left 500 kr ungranted, the second after the appeal 0 kr.
    assert_eq!(
        charges(&db),
        vec![("clothes".into(), 10_000), ("claim_shortfall".into(), 50_000), ("claim_shortfall".into(), -50_000)]
    );
    db.store
        .with_conn(|conn| {
            let grant = etablera_domain::economy::grant::NewGrant {
                year: etablera_domain::time::Year::new(2024).unwrap(),
                amount: kr(100_000),
                decision: Some("SN 2024-01-24 § 5".into()),
            };
            grant::set(conn, &who.0, "0117", &grant, 0)
        })
        .unwrap();
    let year = db.store.with_conn(|conn| grant::year(conn, "0117", 2024)).unwrap();
    assert_eq!(year.account.charged, kr(100));
    assert_eq!(year.account.balance(), Some(kr(100_000) - kr(100)), "the grant less its charges");
    let totals = db.store.with_conn(|conn| claims::totals(conn, "0117", 2024)).unwrap();
    assert_eq!((totals.claims, totals.claimed, totals.granted, totals.paid), (1, kr(6500), kr(6500), kr(6500)));
}

#[test]
fn economic_assistance_needs_a_period_outside_the_work_principle_and_is_claimed_on_its_own() {
    let db = TestDatabase::new();
    let who = finance(&db);
    let worker = add_user(&db, "handlaggare", &[Role::CaseWorker]);
    let list = households_with(&db, &[("FAM", "newly_arrived", "2024-01-15", 2)]);
    let (h, people) = &list[0];
    let exemption = plans::NewExemption {
        reason: ExemptionReason::Illness,
        start: d("2024-03-01"),
        end: Some(d("2024-06-30")),
        note: None,
    };
    db.store
        .with_conn(|conn| {
            plans::add_exemption(
                conn,
                &etablera_store::testing::cli().user(worker.id),
                &Scope::of(&worker),
                people[1],
                &exemption,
            )
        })
        .unwrap();
    let before = record(&db, &who, cost(*h, Some(people[1]), "2024-02-28", CostCategory::EconomicAssistance, kr(4000)));
    assert!(matches!(before, Err(StoreError::Invalid { field: "person", .. })));
    let (_, a) =
        record(&db, &who, cost(*h, Some(people[1]), "2024-03-25", CostCategory::EconomicAssistance, kr(4000))).unwrap();
    assert_eq!((a.claim_type, a.reimbursable, a.deadline), (Some(ClaimType::EconomicAssistance), kr(4000), None));
    let id = prepare(&db, &who, ClaimType::EconomicAssistance, "2024-01-01", "2024-03-31").unwrap();
    let file = db.store.with_conn(|conn| claims::open(conn, &who.0, &who.1, id)).unwrap();
    assert_eq!(file.rows.len(), 1);
    assert_eq!(file.rows[0].person.id, people[1]);
    assert_eq!(file.total, kr(4000));
}

#[test]
fn an_administrator_changes_a_rule_and_the_row_as_it_was_is_kept() {
    let db = TestDatabase::new();
    let admin = add_user(&db, "admin", &[Role::Admin]);
    let actor = etablera_store::testing::cli().user(admin.id);
    let rows = db.store.with_conn(rules::rows).unwrap();
    let food =
        rows.iter().find(|r| r.category == Some(CostCategory::FoodFirstDay) && r.valid_to.is_none()).unwrap().clone();
    let mut changed = food.clone();
    changed.cap_per_person_ore = Some(25_000);
    db.store.with_conn(|conn| rules::update(conn, &actor, food.id, changed.clone(), 1)).unwrap();
    assert!(matches!(
        db.store.with_conn(|conn| rules::update(conn, &actor, food.id, changed.clone(), 1)),
        Err(StoreError::Stale)
    ));
    let now = db.store.with_conn(|conn| rules::row(conn, food.id)).unwrap();
    assert_eq!((now.revision, now.cap_per_person_ore, now.changed_by), (2, Some(25_000), Some(admin.id)));
    let kept = db.store.with_conn(|conn| rules::revisions(conn, food.id)).unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].snapshot.contains("\"cap_per_person_ore\":20000"), "{}", kept[0].snapshot);
    // A second rule for the same thing on the same days is refused.
    let mut overlapping = food.clone();
    overlapping.valid_from = d("2024-01-01");
    let refused = db.store.with_conn(|conn| rules::add(conn, &actor, overlapping.clone()));
    assert!(matches!(refused, Err(StoreError::Invalid { field: "valid_to", .. })), "{refused:?}");
    assert_eq!(logged(&db, "reimbursement_rule", "update"), 1);
}

#[test]
fn the_standard_amounts_to_expect_follow_the_reception_date_and_age() {
    let db = TestDatabase::new();
    let who = finance(&db);
    households_with(
        &db,
        &[
            ("A", "resettled", "2023-06-01", 1),
            ("B", "resettled", "2024-08-01", 3),
            ("C", "resettled", "2025-02-01", 1),
            ("D", "resettled", "2026-02-01", 1),
        ],
    );
    let everyone = standard::StandardQuery { descending: true, ..Default::default() };
    let (page, totals) = db.store.with_conn(|conn| standard::page(conn, &who.0, &who.1, "0117", &everyone)).unwrap();
    let rows = page.rows;
    let of = |reference: &str| rows.iter().filter(|r| r.household_label == reference).collect::<Vec<_>>();
    assert_eq!(of("A")[0].standard, Expected::Amount(kr(165_000)));
    assert_eq!(of("A")[0].initial, Expected::NoRule, "the initial-cost schablon began 2024-07-01");
    let b = of("B");
    assert_eq!(b[0].initial, Expected::Amount(kr(19_998)), "an adult: 34,90 % of 57 300 kr, in whole kronor");
    assert_eq!(b[2].initial, Expected::Amount(kr(9_999)), "a child: 17,45 %");
    assert_eq!(of("C")[0].standard, Expected::Amount(kr(165_000)), "2025: unchanged");
    assert_eq!(of("C")[0].initial, Expected::Amount(kr(20_521)), "34,90 % of 2025's 58 800 kr");
    assert_eq!(of("D")[0].initial, Expected::Amount(kr(20_661)), "34,90 % of 2026's 59 200 kr");
    assert_eq!(totals.standard, kr(165_000 * 6), "one in 2023, three in 2024, one each in 2025 and 2026");
    assert_eq!(totals.missing, 0);
    // A year whose price base amount is not in the table is shown as missing, never guessed.
    db.store
        .with_conn(|conn| {
            use diesel::prelude::*;
            diesel::delete(etablera_store::schema::price_base_amounts::table.find(2026)).execute(conn)?;
            Ok(())
        })
        .unwrap();
    let (page, totals) = db.store.with_conn(|conn| standard::page(conn, &who.0, &who.1, "0117", &everyone)).unwrap();
    let d_row = page.rows.iter().find(|r| r.household_label == "D").unwrap();
    assert_eq!(d_row.initial, Expected::Missing);
    assert_eq!(totals.missing, 1);
    let searched = standard::StandardQuery { search: Some("b".into()), ..everyone.clone() };
    let (found, again) = db.store.with_conn(|conn| standard::page(conn, &who.0, &who.1, "0117", &searched)).unwrap();
    assert_eq!(found.total, 3, "household B's three persons");
    assert_eq!(again, totals, "the totals are the municipality's, whatever the search");
}

/// The totals are counted in the database by age and reception date; on random persons (29
/// February birthdays, reception on the days the rules change) they are what the domain's rule
/// gives each person, summed over every page.
#[test]
fn the_databases_standard_totals_are_the_rules_for_each_person() {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    let db = TestDatabase::new();
    let who = finance(&db);
    let mut rng = StdRng::seed_from_u64(7);
    let edges = ["2022-12-31", "2023-01-01", "2024-06-30", "2024-07-01", "2024-12-31", "2025-01-01", "2024-02-29"];
    let mut persons = Vec::new();
    for n in 0..400 {
        let reception = if n % 3 == 0 {
            d(edges[rng.gen_range(0..edges.len())])
        } else {
            d("2021-06-01") + chrono::Duration::days(rng.gen_range(0..1700))
        };
        // Around the age limits (19/20, 64/65/66) and on leap days.
        let birth = match n % 4 {
            0 => d("1956-02-29") + chrono::Months::new(12 * rng.gen_range(0..3)),
            1 => {
                reception - chrono::Months::new(12 * rng.gen_range(63..68))
                    + chrono::Duration::days(rng.gen_range(-2..3))
            }
            2 => {
                reception - chrono::Months::new(12 * rng.gen_range(18..22))
                    + chrono::Duration::days(rng.gen_range(-2..3))
            }
            _ => d("1940-01-01") + chrono::Duration::days(rng.gen_range(0..30_000)),
        };
        persons.push(format!(
            r#"{{"ref": "R{n}", "given_name": "Slump", "family_name": "Test{n}", "birth_date": "{birth}",
                "personal_number": null, "dossier_number": null, "category": "newly_arrived",
                "reception_date": "{reception}", "exit_date": null, "activities": [], "declined": []}}"#
        ));
    }
    let households: Vec<String> = persons
        .chunks(4)
        .enumerate()
        .map(|(i, p)| {
            format!(
                r#"{{"ref": "S{i}", "placement_date": "2021-01-01", "first_contact_at": null, "housing": null, "persons": [{}]}}"#,
                p.join(",")
            )
        })
        .collect();
    import(&db, &households);
    // A year without its price base amount, as before an administrator enters it.
    db.store
        .with_conn(|conn| {
            use diesel::prelude::*;
            diesel::delete(etablera_store::schema::price_base_amounts::table.find(2025)).execute(conn)?;
            Ok(())
        })
        .unwrap();
    let (mut standard_sum, mut initial_sum, mut missing, mut seen) = (Money::default(), Money::default(), 0, 0);
    let mut totals = None;
    for page in 1..=9 {
        let q = standard::StandardQuery {
            paging: etablera_store::paging::Paging::new(Some(page), Some(50)),
            ..Default::default()
        };
        let (rows, t) = db.store.with_conn(|conn| standard::page(conn, &who.0, &who.1, "0117", &q)).unwrap();
        totals = Some(t);
        for r in &rows.rows {
            standard_sum = standard_sum + r.standard.amount().unwrap_or_default();
            initial_sum = initial_sum + r.initial.amount().unwrap_or_default();
            missing += u64::from(r.standard == Expected::Missing || r.initial == Expected::Missing);
        }
        seen += rows.rows.len();
    }
    assert_eq!(seen, 400, "every person once over the pages");
    let totals = totals.unwrap();
    assert_eq!((totals.standard, totals.initial, totals.missing), (standard_sum, initial_sum, missing));
    assert!(standard_sum > Money::default() && initial_sum > Money::default() && missing > 0, "all three kinds occur");
}

#[test]
fn a_cost_entered_by_mistake_is_removed_newest_first_with_its_charge() {
    let db = TestDatabase::new();
    let who = finance(&db);
    let list = households_with(&db, &[("KVOT1", "resettled", "2024-02-01", 1)]);
    let (h, _) = &list[0];
    let (first, _) = record(&db, &who, cost(*h, None, "2024-02-01", CostCategory::HomeEquipment, kr(4000))).unwrap();
    let (mistake, m) =
        record(&db, &who, cost(*h, None, "2024-02-02", CostCategory::HomeEquipment, kr(95_000))).unwrap();
    assert_eq!((m.reimbursable, m.over_cap), (kr(1000), kr(94_000)));
    let remove = |id| db.store.with_conn(|conn| costs::remove(conn, &who.0, &who.1, id));
    assert!(matches!(remove(first), Err(StoreError::Invalid { field: "form", .. })), "a later cost counted it");
    remove(mistake).unwrap();
    assert!(charges(&db).is_empty(), "the charge went with it");
    let (_, again) = record(&db, &who, cost(*h, None, "2024-02-02", CostCategory::HomeEquipment, kr(950))).unwrap();
    assert_eq!((again.reimbursable, again.already), (kr(950), kr(4000)), "the cap as if the mistake never was");
    prepare(&db, &who, ClaimType::InitialCostsResettled, "2024-02-01", "2024-02-29").unwrap();
    let claimed = db.store.with_conn(|conn| {
        let newest: i32 = costs_table::table.order(costs_table::id.desc()).select(costs_table::id).first(conn)?;
        costs::remove(conn, &who.0, &who.1, newest)
    });
    assert!(matches!(claimed, Err(StoreError::Invalid { field: "form", .. })), "in a claim: {claimed:?}");
    assert_eq!(logged(&db, "cost", "delete"), 1);
}

#[test]
fn a_deadline_counted_from_the_expected_reception_is_counted_again_when_the_household_arrives() {
    use etablera_store::reception::households as register;
    let db = TestDatabase::new();
    let who = finance(&db);
    let worker = add_user(&db, "handlaggare", &[Role::CaseWorker]);
    let text = r#"{"format": "etablera-reception/1", "municipality_code": "0117", "households": [
      {"ref": "ON-THE-WAY", "placement_date": "2024-02-01", "expected_reception_date": "2024-03-10", "first_contact_at": null, "housing": null, "persons": [
        {"ref": "A", "given_name": "Test", "family_name": "Väntarsson", "birth_date": "1990-01-01", "personal_number": null, "dossier_number": "44-000001", "category": "resettled", "reception_date": null, "exit_date": null, "activities": [], "declined": []}
      ]}]}"#;
    db.store
        .with_conn(|conn| {
            Ok(exchange::import(conn, &etablera_store::testing::cli_on(d("2026-11-24")), text, "Mottagningen"))
        })
        .unwrap()
        .unwrap();
    let h: i32 = db.store.with_conn(|conn| Ok(households::table.select(households::id).first(conn)?)).unwrap();
    let (id, rent) = record(&db, &who, cost(h, None, "2024-03-01", CostCategory::RentBeforeArrival, kr(6000))).unwrap();
    assert_eq!(rent.deadline, Some(d("2025-03-10")), "a year after the expected reception");
    let claim = prepare(&db, &who, ClaimType::InitialCostsResettled, "2024-03-01", "2024-03-31").unwrap();
    db.store
        .with_conn(|conn| {
            register::record_arrival(
                conn,
                &etablera_store::testing::cli().user(worker.id),
                &Scope::of(&worker),
                h,
                d("2024-03-04"),
            )
        })
        .unwrap();
    let deadline: Option<NaiveDate> =
        db.store.with_conn(|conn| Ok(costs_table::table.find(id).select(costs_table::deadline).first(conn)?)).unwrap();
    assert_eq!(deadline, Some(d("2025-03-04")), "a year after the real reception");
    let file = db.store.with_conn(|conn| claims::open(conn, &who.0, &who.1, claim)).unwrap();
    assert_eq!(file.claim.deadline, Some(d("2025-03-04")), "the draft claim follows its cost");
}
