//! The seed's co-financing end to end in the store: invoices per agreement version, Mjölby's
//! withdrawal in 2024, and vacancies under both versions.

use chrono::NaiveDate;
use etablera_domain::cofinancing::invoices::{InvoiceKind, InvoiceStatus};
use etablera_domain::cofinancing::population::PopulationRow;
use etablera_domain::ids::AgreementId;
use etablera_domain::money::Money;
use etablera_domain::time::Year;
use etablera_store::StoreError;
use etablera_store::access::log::Action;
use etablera_store::cofinancing::invoices;
use etablera_store::cofinancing::population::{self, Source};
use etablera_store::cofinancing::seed::{self, Seeded};
use etablera_store::cofinancing::{vacancies, withdrawals};
use etablera_store::testing::TestDatabase;

const POPULATION: &str = include_str!("../../../data/seed/ostergotland-population.csv");
const PRINTED_2016: &str = include_str!("../../../data/seed/seed-table-2016-calculation.csv");

fn column(index: usize) -> Vec<PopulationRow> {
    POPULATION
        .lines()
        .enumerate()
        .skip(1)
        .map(|(i, line)| {
            let f: Vec<&str> = line.split(',').collect();
            PopulationRow {
                line: i + 1,
                code: f[0].parse().unwrap(),
                name: f[1].into(),
                population: f[index].parse().unwrap(),
            }
        })
        .collect()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn y(year: i32) -> Year {
    Year::new(year).unwrap()
}

fn seeded() -> (TestDatabase, Seeded) {
    let db = TestDatabase::new();
    let actor = etablera_store::testing::cli();
    let seeded = db
        .store
        .with_conn(|conn| {
            population::import(conn, &actor, 2015, Source::Seed, None, &column(2))?;
            population::import(conn, &actor, 2017, Source::Seed, None, &column(3))?;
            seed::ostergotland(conn, &actor)
        })
        .unwrap();
    (db, seeded)
}

fn sum(invoices: &[invoices::Invoice]) -> Money {
    invoices.iter().map(|i| i.amount()).sum()
}

#[test]
fn the_2016_agreement_invoices_a_year_and_then_six_months_within_a_krona_of_the_printed_table() {
    let (db, s) = seeded();
    let first = db
        .store
        .with_conn(|conn| invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2016)))
        .unwrap();
    assert_eq!(first.created.len(), 13);
    assert_eq!(sum(&first.created), Money::from_kr(701_520), "exactly the year's cost");
    for line in PRINTED_2016.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let invoice = first.created.iter().find(|i| i.municipality_code == f[0]).unwrap();
        let printed = Money::from_kr(f[5].parse().unwrap());
        assert!((invoice.amount() - printed).ore().abs() <= 100, "{}: {} vs printed {printed}", f[1], invoice.amount());
        assert_eq!((invoice.invoice_date, invoice.due_date()), (d("2016-12-10"), d("2017-01-09")));
    }
    let mjolby = first.created.iter().find(|i| i.municipality_code == "0586").unwrap();
    assert!(mjolby.basis.swedish().contains("5,9496 %"), "{:?}", mjolby.basis);
    assert_eq!(mjolby.number, "2016-0586-1");

    let second = db
        .store
        .with_conn(|conn| invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2017)))
        .unwrap();
    assert_eq!(sum(&second.created), Money::from_kr(350_760), "the remaining six months");
    let again = db
        .store
        .with_conn(|conn| invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2017)))
        .unwrap();
    assert!(again.created.is_empty());
    assert_eq!(again.already, 13);
}

#[test]
fn the_2018_agreement_invoices_the_stated_cost_by_the_2017_population() {
    let (db, s) = seeded();
    let created = db
        .store
        .with_conn(|conn| invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2018)))
        .unwrap()
        .created;
    assert_eq!(created.len(), 13);
    assert_eq!(sum(&created), Money::from_kr(763_945));
    let mjolby = created.iter().find(|i| i.municipality_code == "0586").unwrap();
    assert_eq!(mjolby.amount(), Money::from_kr(45_837), "the exact share; the printed table says 45 841");
    assert_eq!(mjolby.invoice_date, d("2018-12-10"));
    assert_eq!((mjolby.period_start, mjolby.period_end), (d("2018-01-01"), d("2018-12-31")));
}

#[test]
fn generating_without_population_or_cost_is_explained() {
    let (db, s) = seeded();
    let refused =
        db.store.with_conn(|conn| invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2020)));
    assert!(
        matches!(refused, Err(StoreError::Invalid { message, .. }) if message.swedish().contains("ingen folkmängd för 2019"))
    );
    let refused =
        db.store.with_conn(|conn| invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2015)));
    assert!(
        matches!(refused, Err(StoreError::Invalid { message, .. }) if message.swedish().contains("ingen kostnadsmodell för 2015"))
    );
}

fn with_2024_paid(db: &TestDatabase, s: &Seeded, paid: bool) -> invoices::Invoice {
    db.store
        .with_conn(|conn| {
            // The 2017 figures stand in for 2023's in the test.
            population::import(conn, &etablera_store::testing::cli(), 2023, Source::Csv, None, &column(3))?;
            invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2024))?;
            if paid {
                seed::settle(conn, s.post_id, &[y(2024)])?;
            } else {
                let draft = invoices::list(conn, s.post_id, Some(y(2024)))?
                    .into_iter()
                    .find(|i| i.municipality_code == "0586")
                    .unwrap();
                invoices::advance(conn, draft.id, draft.version, InvoiceStatus::Sent, d("2024-12-10"))?;
            }
            Ok(invoices::for_agreement(conn, AgreementId::new(s.agreement("0586")))?.pop().unwrap())
        })
        .unwrap()
}

#[test]
fn mjolby_withdraws_in_2024_and_gets_four_months_back() {
    let (db, s) = seeded();
    let invoice = with_2024_paid(&db, &s, true);
    assert_eq!(invoice.amount(), Money::from_kr(45_837));
    let outcome = db
        .store
        .with_conn(|conn| {
            withdrawals::withdraw(
                conn,
                &etablera_store::testing::cli(),
                s.agreement("0586"),
                d("2024-06-20"),
                Some("KS/2024:165"),
            )
        })
        .unwrap();
    assert_eq!(outcome.end_date, d("2024-08-20"));
    let t = outcome.outcome.unwrap();
    assert_eq!(t.refund_from, Some(d("2024-09-01")));
    // 45 837 × 4 / 12 = 15 279 kr.
    assert_eq!(t.refund, Money::from_kr(15_279));
    let credit = outcome.created.unwrap();
    assert_eq!((credit.kind, credit.amount()), (InvoiceKind::Credit, Money::from_kr(-15_279)));
    assert!(credit.basis.swedish().contains("återbetalning från 2024-09-01"));
    let again = db.store.with_conn(|conn| {
        withdrawals::withdraw(conn, &etablera_store::testing::cli(), s.agreement("0586"), d("2024-07-01"), None)
    });
    assert!(matches!(again, Err(StoreError::Invalid { .. })), "notice is given once");
    // The next year's invoices leave Mjölby out; the others share the whole cost.
    db.store
        .with_conn(|conn| {
            population::import(conn, &etablera_store::testing::cli(), 2024, Source::Csv, None, &column(3))
        })
        .unwrap();
    let next = db
        .store
        .with_conn(|conn| invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2025)))
        .unwrap()
        .created;
    assert_eq!(next.len(), 12);
    assert_eq!(sum(&next), Money::from_kr(763_945));
}

#[test]
fn an_unpaid_period_gets_a_final_invoice_instead() {
    let (db, s) = seeded();
    with_2024_paid(&db, &s, false);
    let outcome = db
        .store
        .with_conn(|conn| {
            withdrawals::withdraw(conn, &etablera_store::testing::cli(), s.agreement("0586"), d("2024-06-20"), None)
        })
        .unwrap();
    let final_invoice = outcome.created.unwrap();
    assert_eq!(final_invoice.kind, InvoiceKind::Final);
    // 45 837 × 8 / 12 = 30 558 kr.
    assert_eq!(final_invoice.amount(), Money::from_kr(30_558));
    let all = db.store.with_conn(|conn| invoices::for_agreement(conn, AgreementId::new(s.agreement("0586")))).unwrap();
    assert!(
        all.iter().any(|i| i.kind == InvoiceKind::Invoice && i.status == InvoiceStatus::Credited),
        "the original gives way"
    );
}

#[test]
fn the_2016_agreement_cannot_be_ended_early() {
    let (db, s) = seeded();
    let refused = db.store.with_conn(|conn| withdrawals::preview(conn, s.agreement("0586"), d("2017-03-01")));
    assert!(matches!(refused, Err(StoreError::Invalid { field: "notice_date", .. })), "the 2016 terms have no notice");
    let allowed = db.store.with_conn(|conn| withdrawals::preview(conn, s.agreement("0586"), d("2019-03-01"))).unwrap();
    assert_eq!(allowed.end_date, d("2019-05-01"), "the 2018 terms: two months");
}

#[test]
fn vacancies_under_each_agreement_version() {
    let (db, s) = seeded();
    db.store
        .with_conn(|conn| {
            invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2016))?;
            invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2018))?;
            seed::settle(conn, s.post_id, &[y(2016), y(2018)])
        })
        .unwrap();
    // Under the 2016 agreement any vacancy is refunded, from the first year's invoice.
    let short_2017 = "2017-03-10:2017-03-24".parse().unwrap();
    let refunds = db.store.with_conn(|conn| vacancies::refunds(conn, s.post_id, short_2017)).unwrap();
    let mjolby = refunds.iter().find(|r| r.municipality_code == "0586").unwrap();
    assert!(mjolby.refund.refundable);
    assert_eq!(mjolby.refund.vacancy_days, 15);
    // 41 738 × 15 / 365 = 1 715,3 → 1 715 kr.
    assert_eq!(mjolby.refund.refund, Money::from_kr(1_715));
    // Under the 2018 agreement only a vacancy longer than a month counts.
    let short_2019 = "2019-03-10:2019-03-24".parse().unwrap();
    let long_2018 = "2018-03-10:2018-05-20".parse().unwrap();
    let none = db.store.with_conn(|conn| vacancies::refunds(conn, s.post_id, short_2019)).unwrap();
    assert!(none.is_empty(), "2019 is not invoiced in this test");
    let refunds = db.store.with_conn(|conn| vacancies::refunds(conn, s.post_id, long_2018)).unwrap();
    let mjolby = refunds.iter().find(|r| r.municipality_code == "0586").unwrap();
    assert_eq!(mjolby.threshold_months, Some(1));
    assert_eq!(mjolby.refund.vacancy_days, 72);
    // 45 837 × 72 / 365 = 9 041,8 → 9 042 kr.
    assert_eq!(mjolby.refund.refund, Money::from_kr(9_042));
    let short_2018 = "2018-06-01:2018-06-20".parse().unwrap();
    let refunds = db.store.with_conn(|conn| vacancies::refunds(conn, s.post_id, short_2018)).unwrap();
    assert!(refunds.iter().all(|r| !r.refund.refundable && r.refund.refund == Money::ZERO));
    let id = db
        .store
        .with_conn(|conn| {
            vacancies::record(conn, &etablera_store::testing::cli(), s.post_id, long_2018, Some("Tjänsten vakant"))
        })
        .unwrap();
    assert!(id > 0);
    let overlap = db.store.with_conn(|conn| {
        vacancies::record(
            conn,
            &etablera_store::testing::cli(),
            s.post_id,
            short_2017.intersection(&short_2017).unwrap(),
            None,
        )
    });
    assert!(overlap.is_ok(), "a vacancy in another year does not overlap");
    let overlap = db.store.with_conn(|conn| {
        vacancies::record(
            conn,
            &etablera_store::testing::cli(),
            s.post_id,
            "2018-05-01:2018-06-01".parse().unwrap(),
            None,
        )
    });
    assert!(matches!(overlap, Err(StoreError::Invalid { .. })));
}

#[test]
fn amendments_are_versions_and_reading_the_contacts_is_logged() {
    let (db, s) = seeded();
    let agreement = db
        .store
        .with_conn(|conn| etablera_store::agreements::get(conn, &etablera_store::testing::cli(), s.agreement("0586")))
        .unwrap();
    assert_eq!(agreement.versions.len(), 2);
    assert_eq!(agreement.versions[0].registry_number.as_deref(), Some("KS/2014:500"));
    assert_eq!(agreement.current().registry_number.as_deref(), Some("OSN/2018:236"));
    assert_eq!(agreement.current().municipality_org_number, "212000-0480");
    assert_eq!(agreement.version_on(d("2017-06-01")).unwrap().version, 1);
    assert_eq!(agreement.current().contacts.len(), 2);
    let stale = etablera_store::agreements::NewVersion {
        effective_from: d("2018-01-01"),
        ..db.store.with_conn(|_| Ok(new_version())).unwrap()
    };
    let amend = |based_on| {
        db.store.with_conn(|conn| {
            etablera_store::agreements::amend(
                conn,
                &etablera_store::testing::cli(),
                s.agreement("0586"),
                based_on,
                &stale,
            )
        })
    };
    assert!(
        matches!(amend(2), Err(StoreError::Invalid { field: "effective_from", .. })),
        "an amendment cannot go back in time"
    );
    assert!(matches!(amend(1), Err(StoreError::Stale)), "an amendment written from version 1 comes too late");
    let log = db
        .store
        .with_conn(|conn| {
            etablera_store::access::log::export(conn, &etablera_store::testing::cli(), &Default::default())
        })
        .unwrap();
    assert!(log.iter().any(|r| r.action == Action::Read
        && r.record_kind == "agreement"
        && r.municipality_code.as_deref() == Some("0586")));
}

fn new_version() -> etablera_store::agreements::NewVersion {
    etablera_store::agreements::NewVersion {
        effective_from: d("2025-01-01"),
        registry_number: None,
        decision: None,
        signed_on: None,
        terms: seed::terms_2018(),
        municipality_org_number: seed::MJOLBY.parse().unwrap(),
        county_org_number: seed::COUNTY_BOARD.parse().unwrap(),
        contacts: vec![],
        note: None,
    }
}

#[test]
fn a_party_that_joins_mid_year_pays_its_share_for_its_months() {
    use etablera_domain::agreements::Validity;
    use etablera_domain::cofinancing::PostCost;
    use etablera_store::cofinancing::posts::{self, NewPost};
    let db = TestDatabase::new();
    let actor = etablera_store::testing::cli();
    let county_board: etablera_domain::identity::OrganisationNumber = seed::COUNTY_BOARD.parse().unwrap();
    let created = db
        .store
        .with_conn(|conn| {
            population::import(conn, &actor, 2017, Source::Seed, None, &column(3))?;
            let post = posts::create(
                conn,
                &etablera_store::testing::cli(),
                &NewPost {
                    name: "Samordnare",
                    county_code: "05",
                    employer_name: "Länsstyrelsen Östergötland",
                    employer_org_number: &county_board,
                    population_year_lag: 1,
                },
            )?;
            posts::set_cost_model(conn, post.id, 2018, &PostCost::StatedYearly(Money::from_kr(120_000)), None)?;
            let version = |start: &str| etablera_store::agreements::NewVersion {
                effective_from: d("2018-01-01"),
                registry_number: None,
                decision: None,
                signed_on: None,
                terms: etablera_domain::agreements::Terms {
                    validity: Validity::UntilFurtherNotice { start: d(start) },
                    ..seed::terms_2018()
                },
                municipality_org_number: seed::MJOLBY.parse().unwrap(),
                county_org_number: county_board.clone(),
                contacts: vec![],
                note: None,
            };
            etablera_store::agreements::create(
                conn,
                &actor,
                post.id,
                &"0586".parse().unwrap(),
                "Mjölby",
                &version("2018-01-01"),
            )?;
            etablera_store::agreements::create(
                conn,
                &actor,
                post.id,
                &"0509".parse().unwrap(),
                "Ödeshög",
                &version("2018-07-01"),
            )?;
            invoices::generate(conn, &etablera_store::testing::cli(), post.id, y(2018))
        })
        .unwrap()
        .created;
    let by = |code: &str| created.iter().find(|i| i.municipality_code == code).unwrap();
    // 120 000 kr by 27 019 and 5 343: 100 188 and 19 812 kr; Ödeshög is in for six months.
    assert_eq!(by("0586").amount(), Money::from_kr(100_188));
    assert_eq!(by("0509").amount(), Money::from_kr(9_906));
    assert_eq!((by("0509").period_start, by("0509").period_end), (d("2018-07-01"), d("2018-12-31")));
    assert!(
        by("0509").basis.swedish().contains("19\u{a0}812\u{a0}kr × 6 / 12 månader = 9\u{a0}906\u{a0}kr"),
        "{:?}",
        by("0509").basis
    );

    // An invoice is sent only once it can be paid: the post's account and address first, then
    // the municipality's invoicing address; a refusal changes nothing.
    let mjolby = by("0586");
    let send = |conn: &mut etablera_store::DbConn| {
        invoices::advance(conn, mjolby.id, mjolby.version, InvoiceStatus::Sent, d("2018-12-10"))
    };
    let refusal = |e: StoreError| match e {
        StoreError::Invalid { message, .. } => message.key.to_string(),
        other => panic!("{other:?}"),
    };
    let first = db.store.with_conn(|conn| send(conn)).unwrap_err();
    assert_eq!(refusal(first), "invoice-refused-no-seller-details");
    db.store
        .with_conn(|conn| {
            let details = etablera_domain::cofinancing::payment::InvoicingForm {
                account_kind: "plusgiro".into(),
                account: "90 20 03-3".into(),
                street: "Box 1".into(),
                postcode: "581 86".into(),
                city: "Linköping".into(),
                ..Default::default()
            }
            .check()
            .unwrap();
            let post = mjolby_post(conn)?;
            posts::set_invoicing(conn, &actor, post, &details)
        })
        .unwrap();
    let second = db.store.with_conn(|conn| send(conn)).unwrap_err();
    assert_eq!(refusal(second), "invoice-refused-no-buyer-address");
    assert_eq!(db.store.with_conn(|conn| invoices::get(conn, mjolby.id)).unwrap().status, InvoiceStatus::Draft);
    db.store
        .with_conn(|conn| {
            let address = etablera_domain::cofinancing::payment::AddressForm {
                street: "Box 47".into(),
                postcode: "595 21".into(),
                city: "Mjölby".into(),
            }
            .check()
            .unwrap();
            etablera_store::agreements::set_invoice_address(conn, &actor, mjolby.agreement_id.get(), &address)
        })
        .unwrap();
    assert_eq!(db.store.with_conn(|conn| send(conn)).unwrap().status, InvoiceStatus::Sent);
}

/// The one post of a database with one.
fn mjolby_post(conn: &mut etablera_store::DbConn) -> etablera_store::Result<i32> {
    Ok(etablera_store::cofinancing::posts::list(conn, None)?[0].id)
}

#[test]
fn two_concurrent_credits_of_one_invoice_give_one_credit_note() {
    let (db, s) = seeded();
    db.store
        .with_conn(|conn| {
            population::import(conn, &etablera_store::testing::cli(), 2023, Source::Csv, None, &column(3))?;
            invoices::generate(conn, &etablera_store::testing::cli(), s.post_id, y(2024))?;
            seed::settle(conn, s.post_id, &[y(2024)])
        })
        .unwrap();
    let paid = db.store.with_conn(|conn| invoices::list(conn, s.post_id, Some(y(2024)))).unwrap();
    assert_eq!(paid.len(), 13);
    for invoice in paid {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let outcomes: Vec<_> = (0..2)
            .map(|n| {
                let (store, barrier, invoice) = (db.store.clone(), barrier.clone(), invoice.clone());
                std::thread::spawn(move || {
                    store.with_conn(|conn| {
                        barrier.wait();
                        invoices::credit(
                            conn,
                            &etablera_store::testing::cli(),
                            invoice.id,
                            invoice.version,
                            d("2025-01-15"),
                            &format!("Skäl {n}"),
                        )
                    })
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "{outcomes:?}");
        assert!(outcomes.iter().any(|o| matches!(o, Err(StoreError::Stale))), "{outcomes:?}");
        let notes: Vec<_> = db
            .store
            .with_conn(|conn| invoices::for_agreement(conn, invoice.agreement_id))
            .unwrap()
            .into_iter()
            .filter(|i| i.credits_invoice_id == Some(invoice.id))
            .collect();
        assert_eq!(notes.len(), 1, "one credit note for {}", invoice.number);
    }
    // Credited in full, it cannot be credited again, whatever version the form carries.
    let credited = db.store.with_conn(|conn| invoices::list(conn, s.post_id, Some(y(2024)))).unwrap();
    let first = credited.iter().find(|i| i.status == InvoiceStatus::Credited).unwrap();
    let again = db.store.with_conn(|conn| {
        invoices::credit(conn, &etablera_store::testing::cli(), first.id, first.version, d("2025-02-01"), "igen")
    });
    assert!(matches!(again, Err(StoreError::Invalid { field: "status", .. })), "{again:?}");
}
