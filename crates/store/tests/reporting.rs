use chrono::NaiveDate;
use etablera_domain::access::Role;
use etablera_domain::reception::first_contact::DayCount;
use etablera_domain::reception::plan::ActivityInput;
use etablera_domain::reporting::monthly::{Month, Signature};
use etablera_domain::reporting::versions::{Change, find};
use etablera_store::StoreError;
use etablera_store::access::Actor;
use etablera_store::access::Scope;
use etablera_store::reception::{exchange, plans};
use etablera_store::reporting::monthly::{self, Live};
use etablera_store::testing::TestDatabase;

use crate::add_user;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn today() -> NaiveDate {
    d("2026-11-24")
}

fn may() -> Month {
    Month::parse("2024-05").unwrap()
}

/// A caseload around May 2024 (F = 1 May, L = 31 May) with something at each edge; the file
/// says what.
const CASELOAD: &str = include_str!("../../../data/examples/monthly-report-caseload.json");

fn with_caseload() -> TestDatabase {
    let db = TestDatabase::new();
    db.store
        .with_conn(|conn| {
            Ok(exchange::import(conn, &etablera_store::testing::cli_on(today()), CASELOAD, "Mottagningen"))
        })
        .unwrap()
        .unwrap();
    db
}

fn live(db: &TestDatabase, month: Month) -> Live {
    db.store.with_conn(|conn| monthly::live(conn, "0117", month, today(), DayCount::Calendar)).unwrap()
}

#[test]
fn every_row_follows_the_definitions_at_the_months_edges() {
    let db = with_caseload();
    let report = live(&db, may());
    let c = &report.counts;
    assert_eq!(c.target_group, 6, "P1–P5 and P8: not P6 who left before F, nor P7 received after L");
    let rows: Vec<(&str, u32)> = c.rows.iter().map(|r| (r.code, r.count)).collect();
    assert_eq!(
        rows,
        [
            ("sfi", 1),                  // P1, whose SFI ends on F; P4's starts after L
            ("civic_orientation", 0),    // P2's ended the day before F
            ("extra_job", 0),            //
            ("new_start_job", 1),        // P4
            ("job_track", 0),            // P6 left before F
            ("permanent_employment", 1), // P5, who left on F
            ("internship", 1),           // P1, starting on L
            ("declined", 1),             // P1 in May; P2's was in April; P6 is not in the group
            ("other", 1),                // P2's studies
            ("housing_damages", 2),      // on F and on L
        ]
    );
    let f = &report.follow_up;
    assert_eq!((f.arrivals, f.contacted_in_time), (2, 1), "H2 contacted the next day; H5 not at all");
    assert_eq!(f.measured_on, d("2024-05-31"));
    assert_eq!(f.below_full_time, 2, "P2 (20 h) and P8 (none); P1 and P4 full, P3 a child, P5 left");

    let june = live(&db, Month::parse("2024-06").unwrap());
    assert_eq!(june.counts.target_group, 6, "P7 received, P5 left in May");
    assert_eq!(june.counts.count("sfi"), Some(2), "P4 and P7 from 1 June");
    assert_eq!(june.counts.count("housing_damages"), Some(1));

    let trend = db
        .store
        .with_conn(|conn| {
            monthly::trend(conn, "0117", Month::parse("2024-06").unwrap(), today(), DayCount::Calendar, 12)
        })
        .unwrap();
    assert_eq!(trend.len(), 12);
    assert_eq!(trend[0].counts.month.code(), "2023-07");
    assert_eq!(trend[10].counts, report.counts, "the trend's May is the month's report");
    assert_eq!(trend[0].counts.target_group, 2, "P5 and P6 in July 2023");
}

#[test]
fn a_signed_report_stays_as_signed_and_a_new_version_says_what_changed() {
    let db = with_caseload();
    let boss = add_user(&db, "chef", &[Role::UnitManager]);
    let actor = etablera_store::testing::cli_on(today()).user(boss.id);
    let sign = |note: Option<&str>| {
        let signature = Signature { month: may(), note: note.map(str::to_owned) };
        db.store.with_conn(|conn| monthly::sign(conn, &actor, "0117", &signature, DayCount::Calendar, None))
    };
    assert_eq!(sign(Some("Granskad")).unwrap(), 1);
    assert!(
        matches!(sign(None), Err(StoreError::Invalid { field: "month", .. })),
        "nothing changed: no second version"
    );

    // A correction afterwards: P2 had SFI in May after all.
    let p2 = db
        .store
        .with_conn(|conn| {
            use diesel::prelude::*;
            use etablera_store::schema::persons;
            Ok(persons::table.filter(persons::reference.eq("P2")).select(persons::id).first::<i32>(conn)?)
        })
        .unwrap();
    db.store
        .with_conn(|conn| {
            plans::add_activity(
                conn,
                &actor,
                &Scope::command_line(),
                p2,
                ActivityInput {
                    type_code: "sfi".into(),
                    start: d("2024-05-02"),
                    end: None,
                    hours_per_week: Some(20),
                    extent_percent: None,
                    note: None,
                },
            )
        })
        .unwrap();
    assert_eq!(live(&db, may()).counts.count("sfi"), Some(2));

    let signed = db.store.with_conn(|conn| monthly::versions(conn, "0117", may())).unwrap();
    assert_eq!(signed.len(), 1);
    assert_eq!(find(&signed[0].figures, "sfi"), Some(1), "the signed version is frozen");
    assert_eq!(signed[0].signed_by.as_deref(), Some("Testperson chef"));
    assert_eq!(signed[0].note.as_deref(), Some("Granskad"));

    assert_eq!(sign(None).unwrap(), 2);
    let signed = db.store.with_conn(|conn| monthly::versions(conn, "0117", may())).unwrap();
    assert_eq!(signed.iter().map(|s| s.version).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(
        signed[0].changes,
        [
            Change { code: "sfi".into(), before: Some(1), after: Some(2) },
            Change { code: "below_full_time".into(), before: Some(2), after: Some(1) },
        ]
    );
    assert!(signed[1].changes.is_empty());
    let paging = etablera_store::paging::Paging::default();
    let months = db.store.with_conn(|conn| monthly::signed_months(conn, "0117", None, true, paging)).unwrap();
    assert_eq!((months.total, months.rows.len()), (1, 1), "one month, its newest version");
    assert_eq!((months.rows[0].month.as_str(), months.rows[0].version), ("2024-05", 2));
    let other_year = db.store.with_conn(|conn| monthly::signed_months(conn, "0117", Some(2023), true, paging)).unwrap();
    assert_eq!(other_year.total, 0);
}

#[test]
fn a_person_out_of_the_group_for_a_while_is_not_counted_then() {
    use etablera_domain::reception::person::{ExitReason, NewExit};
    use etablera_store::reception::households;
    let db = with_caseload();
    let p1 = db
        .store
        .with_conn(|conn| {
            use diesel::prelude::*;
            use etablera_store::schema::persons;
            Ok(persons::table.filter(persons::reference.eq("P1")).select(persons::id).first::<i32>(conn)?)
        })
        .unwrap();
    let (actor, scope) = (etablera_store::testing::cli_on(today()), Scope::command_line());
    db.store
        .with_conn(|conn| {
            households::record_exit(
                conn,
                &actor,
                &scope,
                p1,
                &NewExit { date: d("2024-03-10"), reason: ExitReason::Moved, note: None },
            )
        })
        .unwrap();
    db.store.with_conn(|conn| households::record_return(conn, &actor, &scope, p1, d("2024-08-01"))).unwrap();
    let may = live(&db, may());
    assert_eq!(may.counts.target_group, 5, "P1 was out all of May, though back since");
    assert_eq!(may.counts.count("sfi"), Some(0), "nor do P1's activities count");
    assert_eq!(may.counts.count("declined"), Some(0));
    let august = live(&db, Month::parse("2024-08").unwrap());
    assert_eq!(august.counts.target_group, 6, "P1 back on 1 August, with P2–P4, P7, P8; P5 and P6 gone");
    let march = live(&db, Month::parse("2024-03").unwrap());
    assert_eq!(march.counts.target_group, 5, "P1 left on the 10th: in the group part of March");
}

/// The list of households, the caseload per post and the month all say the same about a person
/// on the day they leave (their last day in the group) and the day after.
#[test]
fn the_day_of_leaving_is_the_last_day_in_the_group_everywhere() {
    use etablera_domain::reception::person::{ExitReason, NewExit};
    use etablera_store::reception::households;
    let db = with_caseload();
    let (actor, scope) = (etablera_store::testing::cli_on(today()), Scope::command_line());
    let (p1, household) = db
        .store
        .with_conn(|conn| {
            use diesel::prelude::*;
            use etablera_store::schema::persons;
            Ok(persons::table
                .filter(persons::reference.eq("P1"))
                .select((persons::id, persons::household_id))
                .first::<(i32, i32)>(conn)?)
        })
        .unwrap();
    let day = d("2026-11-10");
    db.store
        .with_conn(|conn| {
            households::record_exit(
                conn,
                &actor,
                &scope,
                p1,
                &NewExit { date: day, reason: ExitReason::Moved, note: None },
            )
        })
        .unwrap();
    let in_group = |on: NaiveDate| db.store.with_conn(|conn| monthly::in_group_on(conn, &actor, "0117", on)).unwrap();
    let active = |on: NaiveDate| {
        db.store
            .with_conn(|conn| {
                households::list(
                    conn,
                    &Actor { at: etablera_store::testing::noon(on), ..actor.clone() },
                    &scope,
                    &all(),
                    DayCount::Calendar,
                )
                .map(|page| page.rows)
            })
            .unwrap()
            .into_iter()
            .find(|s| s.household.id == household)
            .unwrap()
            .active
    };
    let next = day.succ_opt().unwrap();
    assert_eq!(in_group(day), in_group(next) + 1, "counted on the day of leaving, not the day after");
    assert_eq!(active(day), active(next) + 1, "the household list agrees");
    let november = Month::parse("2026-11").unwrap();
    let december = Month::parse("2026-12").unwrap();
    let (in_november, in_december) = (live(&db, november).counts.target_group, live(&db, december).counts.target_group);
    assert_eq!(in_november, in_group(day), "in the group some day of November: the month counts P1");
    assert_eq!(in_december + 1, in_november, "out all of December");
}

/// A caseload of random households around 2023–2025, with what the exchange format cannot carry
/// (returns after an exit, periods exempt from the work principle) added afterwards, in the
/// order a seed gives; the same seed gives the same caseload.
fn random_caseload(seed: u64) -> TestDatabase {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use serde_json::json;

    let mut rng = StdRng::seed_from_u64(seed);
    let start = d("2023-01-01");
    let day = |rng: &mut StdRng, from: NaiveDate, span: i64| from + chrono::Duration::days(rng.gen_range(0..span));
    let types = [
        "sfi",
        "civic_orientation",
        "internship",
        "extra_job",
        "new_start_job",
        "job_track",
        "permanent_employment",
        "studies",
        "other",
    ];
    let leaves = ["parental_leave", "sick_leave"];
    let mut households = Vec::new();
    for h in 0..80 {
        let placement = day(&mut rng, start, 900);
        let mut persons = Vec::new();
        for p in 0..rng.gen_range(1..5) {
            let birth = day(&mut rng, d("1960-01-01"), 365 * 64).min(placement);
            let reception = (rng.gen_range(0..10) > 0).then(|| day(&mut rng, placement.max(birth), 30));
            let exit = reception.filter(|_| rng.gen_bool(0.3)).map(|r| day(&mut rng, r, 500));
            let mut activities = Vec::new();
            for _ in 0..rng.gen_range(0..5) {
                let from = day(&mut rng, reception.unwrap_or(placement), 400);
                let end = rng.gen_bool(0.6).then(|| day(&mut rng, from, 200));
                if rng.gen_bool(0.15) {
                    let kind = leaves[rng.gen_range(0..leaves.len())];
                    activities.push(
                        json!({"type": kind, "start": from, "end": end, "extent_percent": rng.gen_range(1..=100)}),
                    );
                } else {
                    let kind = types[rng.gen_range(0..types.len())];
                    activities.push(
                        json!({"type": kind, "start": from, "end": end, "hours_per_week": rng.gen_range(0..=40)}),
                    );
                }
            }
            let declined: Vec<_> = (0..rng.gen_range(0..3))
                .map(|_| json!({"type": "internship", "date": day(&mut rng, placement, 600), "reason": "Slumpad"}))
                .collect();
            persons.push(json!({
                "ref": format!("P{p}"), "given_name": "Slump", "family_name": format!("H{h}P{p}"),
                "birth_date": birth, "personal_number": null, "dossier_number": null, "category": "resettled",
                "reception_date": reception, "exit_date": exit, "exit_reason": exit.map(|_| "moved"),
                "activities": activities, "declined": declined,
            }));
        }
        let first_received = persons.iter().filter_map(|p| p["reception_date"].as_str()).min().map(|s| d(s));
        let contact = first_received
            .filter(|_| rng.gen_bool(0.8))
            .map(|r| format!("{}T{:02}:30:00+01:00", day(&mut rng, r.max(placement), 5), rng.gen_range(0..24)));
        let damages: Vec<_> = (0..rng.gen_range(0..3))
            .map(|_| json!({"date": day(&mut rng, placement, 700), "description": "Skada", "cost_kr": 100, "tenant_pays": false}))
            .collect();
        households.push(json!({
            "ref": format!("H{h}"), "placement_date": placement, "first_contact_at": contact,
            "housing": {"address": "Slumpgatan 1", "start": placement, "damages": damages},
            "persons": persons,
        }));
    }
    let file = json!({"format": "etablera-reception/1", "municipality_code": "0117", "households": households});
    let db = TestDatabase::new();
    let cli = etablera_store::testing::cli_on(d("2025-12-31"));
    db.store.with_conn(|conn| Ok(exchange::import(conn, &cli, &file.to_string(), "Mottagningen"))).unwrap().unwrap();
    db.store
        .with_conn(|conn| {
            use diesel::prelude::*;
            use etablera_store::schema::{person_exits, persons, work_exemptions};
            let exits: Vec<(i32, NaiveDate)> = person_exits::table
                .select((person_exits::id, person_exits::exit_date))
                .order(person_exits::id)
                .load(conn)?;
            for (id, left) in exits {
                if !rng.gen_bool(0.4) {
                    continue;
                }
                diesel::update(person_exits::table.find(id))
                    .set(person_exits::returned_on.eq(day(&mut rng, left, 200)))
                    .execute(conn)?;
            }
            let ids: Vec<i32> = persons::table.select(persons::id).order(persons::id).load(conn)?;
            for id in ids {
                if !rng.gen_bool(0.2) {
                    continue;
                }
                let from = day(&mut rng, start, 900);
                let end = rng.gen_bool(0.5).then(|| day(&mut rng, from, 120));
                diesel::insert_into(work_exemptions::table)
                    .values((
                        work_exemptions::person_id.eq(id),
                        work_exemptions::reason.eq("illness"),
                        work_exemptions::start_date.eq(from),
                        work_exemptions::end_date.eq(end),
                        work_exemptions::recorded_at.eq(etablera_store::testing::now()),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        })
        .unwrap();
    db
}

#[test]
fn the_databases_counts_are_the_domains_on_random_casework() {
    use etablera_store::reporting::reference;
    for seed in [1, 2, 3] {
        let db = random_caseload(seed);
        // Today inside a month, so that the running month is measured on today.
        let today = d("2025-08-14");
        let mut month = Month::parse("2023-01").unwrap();
        let mut seen = std::collections::BTreeSet::new();
        while month.first <= d("2025-12-01") {
            for days in [DayCount::Calendar, DayCount::Working] {
                let (sql, memory) = db
                    .store
                    .with_conn(|conn| {
                        Ok((
                            monthly::live(conn, "0117", month, today, days)?,
                            reference::live(conn, "0117", month, today, days)?,
                        ))
                    })
                    .unwrap();
                assert_eq!(sql.counts, memory.counts, "seed {seed}, {}", month.code());
                assert_eq!(sql.follow_up, memory.follow_up, "seed {seed}, {} ({days:?})", month.code());
                seen.extend(sql.counts.rows.iter().filter(|r| r.count > 0).map(|r| r.code));
                if sql.follow_up.below_full_time > 0 && sql.follow_up.contacted_in_time < sql.follow_up.arrivals {
                    seen.insert("follow_up");
                }
            }
            month = Month::containing(month.last.succ_opt().unwrap());
        }
        assert_eq!(seen.len(), 11, "seed {seed}: the caseload exercises every row and the follow-up ({seen:?})");
    }
}

#[test]
fn a_kept_month_is_counted_again_after_each_kind_of_casework_write() {
    use diesel::prelude::*;
    use etablera_domain::money::Money;
    use etablera_domain::reception::housing::Damage;
    use etablera_domain::reception::person::{ExemptionReason, ExitReason, NewExit};
    use etablera_domain::reception::plan::{NewDecline, NewExemption};
    use etablera_store::reception::{households, housing};
    use etablera_store::reporting::reference;
    use etablera_store::schema::{kept_counts, person_exits, persons, temporary_housings};

    let db = random_caseload(7);
    let (actor, scope) = (etablera_store::testing::cli_on(d("2025-08-14")), Scope::command_line());
    let june = Month::parse("2025-06").unwrap();
    let same_as_counted_in_memory = |after: &str| {
        let trend = db
            .store
            .with_conn(|conn| monthly::trend(conn, "0117", june, actor.today(), DayCount::Calendar, 12))
            .unwrap();
        for live in &trend {
            let month = live.counts.month;
            let memory = db
                .store
                .with_conn(|conn| reference::live(conn, "0117", month, actor.today(), DayCount::Calendar))
                .unwrap();
            assert_eq!(
                (&live.counts, &live.follow_up),
                (&memory.counts, &memory.follow_up),
                "{after}: {}",
                month.code()
            );
        }
        // The list's count, kept within one municipality, against the same count made afresh
        // (the command line's scope is not kept).
        let one = Scope { municipalities: Some(vec!["0117".into()]), ..Scope::command_line() };
        let count = |scope: &Scope| {
            let query = etablera_store::reception::households::ListQuery::default();
            db.store
                .with_conn(|conn| {
                    etablera_store::reception::households::list(conn, &actor, scope, &query, DayCount::Calendar)
                })
                .unwrap()
                .total
        };
        assert_eq!(count(&one), count(&Scope::command_line()), "{after}: the households in the group");
        let in_group = db.store.with_conn(|conn| monthly::in_group_on(conn, &actor, "0117", actor.today())).unwrap();
        let afresh = db
            .store
            .with_conn(|conn| {
                etablera_store::reporting::counts::target_group(conn, "0117", actor.today(), actor.today())
            })
            .unwrap();
        assert_eq!(in_group, afresh, "{after}: the target group today");
        trend
    };
    let before = same_as_counted_in_memory("first view");
    let keys: Vec<String> =
        db.store.with_conn(|conn| Ok(kept_counts::table.select(kept_counts::kept_key).load(conn)?)).unwrap();
    let kept = keys.len();
    assert_eq!(kept, 12 + 2, "the year's months, the list's count and the target group today are kept");
    assert_eq!(
        same_as_counted_in_memory("read back").iter().map(|l| l.figures()).collect::<Vec<_>>(),
        before.iter().map(|l| l.figures()).collect::<Vec<_>>()
    );

    // A person in the group in June, and the newest home.
    let (person, home) = db
        .store
        .with_conn(|conn| {
            let person: i32 = persons::table
                .filter(persons::reception_date.le(d("2025-05-01")))
                .filter(persons::birth_date.le(d("2000-01-01")))
                .filter(diesel::dsl::not(diesel::dsl::exists(
                    person_exits::table.filter(person_exits::person_id.eq(persons::id)),
                )))
                .order(persons::id)
                .select(persons::id)
                .first(conn)?;
            let home: i32 =
                temporary_housings::table.select(temporary_housings::id).order(temporary_housings::id).first(conn)?;
            Ok((person, home))
        })
        .unwrap();
    let write = |what: &str, f: &dyn Fn(&mut etablera_store::DbConn) -> etablera_store::Result<()>| {
        db.store.with_conn(f).unwrap_or_else(|e| panic!("{what}: {e}"));
        same_as_counted_in_memory(what);
    };
    write("an activity", &|conn| {
        let input = ActivityInput {
            type_code: "job_track".into(),
            start: d("2025-06-10"),
            end: None,
            hours_per_week: Some(40),
            extent_percent: None,
            note: None,
        };
        plans::add_activity(conn, &actor, &scope, person, input).map(|_| ())
    });
    write("a decline", &|conn| {
        let decline = NewDecline { type_code: "internship".into(), on: d("2025-06-11"), reason: "Nej".into() };
        plans::add_decline(conn, &actor, &scope, person, &decline).map(|_| ())
    });
    write("an exemption", &|conn| {
        let exemption =
            NewExemption { reason: ExemptionReason::Illness, start: d("2025-06-01"), end: None, note: None };
        plans::add_exemption(conn, &actor, &scope, person, &exemption).map(|_| ())
    });
    write("a damage", &|conn| {
        let damage =
            Damage {
                date: d("2025-06-12"), description: "Dörr".into(), cost: Money::from_kr(100), tenant_pays: false
            };
        housing::add_damage(conn, &actor, &scope, home.into(), damage).map(|_| ())
    });
    write("an exit", &|conn| {
        let exit = NewExit { date: d("2025-05-15"), reason: ExitReason::Moved, note: None };
        households::record_exit(conn, &actor, &scope, person, &exit)
    });
    write("a return", &|conn| households::record_return(conn, &actor, &scope, person, d("2025-06-20")));
    let after = same_as_counted_in_memory("at the end");
    assert_ne!(
        after.iter().map(|l| l.figures()).collect::<Vec<_>>(),
        before.iter().map(|l| l.figures()).collect::<Vec<_>>(),
        "the writes changed the year's figures"
    );
}

/// Every household, on one page.
fn all() -> etablera_store::reception::households::ListQuery {
    etablera_store::reception::households::ListQuery {
        show: etablera_store::reception::households::Show::All,
        ..Default::default()
    }
}

#[test]
fn the_lists_active_households_are_those_with_someone_in_the_target_group_that_day() {
    use etablera_store::paging::Paging;
    use etablera_store::reception::households::{self, ListQuery, Show, Sort};
    let db = random_caseload(11);
    let scope = Scope::command_line();
    let ids = |on: NaiveDate, query: ListQuery| {
        let actor = etablera_store::testing::cli_on(on);
        let page =
            db.store.with_conn(|conn| households::list(conn, &actor, &scope, &query, DayCount::Calendar)).unwrap();
        assert_eq!(page.total as usize, page.rows.len(), "one page holds them all");
        page.rows
    };
    let one_page = Paging::new(None, Some(500));
    let mut some_inactive = false;
    for on in ["2023-03-01", "2024-01-15", "2024-09-30", "2025-06-01"].map(d) {
        let all = ids(on, ListQuery { show: Show::All, paging: one_page, ..Default::default() });
        let mut by_rule: Vec<i32> = all.iter().filter(|s| s.active > 0).map(|s| s.household.id).collect();
        let mut shown: Vec<i32> = ids(on, ListQuery { show: Show::Active, paging: one_page, ..Default::default() })
            .iter()
            .map(|s| s.household.id)
            .collect();
        by_rule.sort();
        shown.sort();
        assert_eq!(shown, by_rule, "{on}");
        assert!(!shown.is_empty(), "{on}: some active");
        some_inactive |= shown.len() < all.len();
    }
    assert!(some_inactive, "households leave the list as their persons leave the group");

    // Pages of 7 in reference order make up the whole list, each household once.
    let on = d("2025-06-01");
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let query = ListQuery {
            show: Show::All,
            sort: Sort::Reference,
            descending: false,
            paging: Paging::new(Some(page), Some(7)),
            ..Default::default()
        };
        let rows = db
            .store
            .with_conn(|conn| {
                households::list(conn, &etablera_store::testing::cli_on(on), &scope, &query, DayCount::Calendar)
            })
            .unwrap();
        assert_eq!(rows.total, 80);
        if rows.rows.is_empty() {
            break;
        }
        seen.extend(rows.rows.into_iter().map(|s| s.household.reference.unwrap()));
        page += 1;
    }
    assert_eq!(page, 13, "80 in pages of 7: 12 pages");
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "in reference order, each once");

    // A search on a name (any case) or a reference; wildcards are taken literally.
    let search = |text: &str| {
        let query = ListQuery { show: Show::All, search: Some(text.into()), paging: one_page, ..Default::default() };
        db.store
            .with_conn(|conn| {
                households::list(conn, &etablera_store::testing::cli_on(on), &scope, &query, DayCount::Calendar)
            })
            .unwrap()
    };
    let found = search("h17p0");
    assert_eq!(found.rows.iter().map(|s| s.household.reference.clone().unwrap()).collect::<Vec<_>>(), ["H17"]);
    assert_eq!(search("H4").total, 1 + 10, "H4 and H40–H49");
    assert_eq!(search("%").total, 0, "a % is a character, not a wildcard");
}
