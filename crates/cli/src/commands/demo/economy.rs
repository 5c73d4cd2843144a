//! The demo's economy in Österåker: costs for the quota-refugee households received in the last
//! twenty months but not the last two weeks (some over a cap), a claim per quarter moved as far as the calendar allows, the
//! newest costs not yet claimed (so the finance officer's start page has money at risk), the
//! annual grant for this year and last, and cost centres for the SIE export. Written through the
//! same store functions as the pages; the same day gives the same data.

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use etablera_domain::economy::claims::{NewClaim, Step, StepInput};
use etablera_domain::economy::costs::CostDetails;
use etablera_domain::economy::grant::NewGrant;
use etablera_domain::economy::rules::{ClaimType, CostCategory, quarter_end};
use etablera_domain::ids::HouseholdId;
use etablera_domain::money::Money;
use etablera_domain::reception::person::Category;
use etablera_domain::time::Year;
use etablera_store::access::Actor;
use etablera_store::access::Scope;
use etablera_store::economy::costs::NewCost;
use etablera_store::economy::{accounting, claims, costs, grant};
use etablera_store::schema::persons;
use etablera_store::{DbConn, Result};

use super::reception::Dice;

const SUPPLIERS: [&str; 5] =
    ["Möbelhuset i Åkersberga", "Textilbutiken", "Livsmedelsbutiken", "Taxi Roslagen", "Hemtextil AB"];

pub struct Economy {
    pub costs: usize,
    pub claims: usize,
    pub steps: usize,
    pub grants: usize,
}

fn cost(household_id: i32, date: NaiveDate, category: CostCategory, kr: u64, supplier: &str) -> NewCost {
    let amount = Money::from_kr(kr as i64);
    NewCost {
        household_id: HouseholdId::new(household_id),
        person_id: None,
        details: CostDetails {
            date,
            category,
            amount,
            vat: amount.mul_div(if category == CostCategory::FoodFirstDay { 12 } else { 25 }, 100),
            supplier: supplier.to_owned(),
            receipt_reference: Some(format!("K-{household_id}-{}", category.code())),
            days: None,
        },
    }
}

pub fn run(conn: &mut DbConn, actor: &Actor, municipality: &str) -> Result<Economy> {
    let today = actor.today();
    let scope = Scope::command_line();
    let mut dice = Dice(0x4497_2026);
    let since = today - Duration::days(20 * 30);
    // (household, reception date, resettled persons)
    let rows: Vec<(i32, Option<NaiveDate>, String)> = persons::table
        .filter(persons::municipality_code.eq(municipality))
        .order((persons::household_id, persons::id))
        .select((persons::household_id, persons::reception_date, persons::category))
        .load(conn)?;
    let mut households: Vec<(i32, NaiveDate, u64)> = Vec::new();
    for (household, reception, category) in rows {
        let (Some(reception), Category::Resettled) = (reception, Category::try_from(category)?) else { continue };
        // Costs come in a few weeks after the arrival: the newest households have none yet.
        if reception < since || reception > today - Duration::days(14) {
            continue;
        }
        match households.iter_mut().find(|(h, ..)| *h == household) {
            Some(entry) => entry.2 += 1,
            None => households.push((household, reception, 1)),
        }
    }
    let mut made = Economy { costs: 0, claims: 0, steps: 0, grants: 0 };
    for (household, reception, size) in &households {
        let later = |days: i64| (*reception + Duration::days(days)).min(today);
        let list = [
            cost(*household, *reception, CostCategory::FoodFirstDay, 150 * size + dice.below(150), SUPPLIERS[2]),
            cost(*household, *reception, CostCategory::TravelFromAirport, 600 + dice.below(1800), SUPPLIERS[3]),
            cost(*household, later(2), CostCategory::Clothes, (1100 + dice.below(500)) * size, SUPPLIERS[1]),
            // About one household in three spends over the home-equipment cap.
            cost(
                *household,
                later(3),
                CostCategory::HomeEquipment,
                3500 + 1000 * size + dice.below(2500),
                SUPPLIERS[0],
            ),
        ];
        for c in list {
            costs::record(conn, actor, &scope, &c)?;
            made.costs += 1;
        }
    }
    // A late interpreter invoice for a household received eleven months ago: in no claim, with
    // its deadline within weeks, it is money at risk on the finance officer's start page.
    let late = households.iter().filter(|(_, r, _)| (today - *r).num_days() >= 320).max_by_key(|(_, r, _)| *r);
    if let Some((household, ..)) = late {
        let c = cost(*household, today - Duration::days(12), CostCategory::Interpreter, 2400, "Tolkförmedlingen");
        costs::record(conn, actor, &scope, &c)?;
        made.costs += 1;
    }
    // A claim per quarter, up to the quarter before last; the newest costs wait for theirs.
    if let Some(first) = households.iter().map(|(_, r, _)| *r).min() {
        let mut start =
            NaiveDate::from_ymd_opt(first.year(), first.month0() / 3 * 3 + 1, 1).expect("a quarter's first day");
        let last_claimed = quarter_end(today) - Duration::days(180);
        while quarter_end(start) <= last_claimed {
            let end = quarter_end(start);
            // A quarter without costs has no claim; other errors stop the demo.
            let claim = NewClaim {
                municipality_code: municipality.to_owned(),
                claim_type: ClaimType::InitialCostsResettled,
                period_start: start,
                period_end: end,
            };
            let prepared = match claims::prepare(conn, actor, &scope, &claim) {
                Ok(id) => Some(id),
                Err(etablera_store::StoreError::Invalid { .. }) => None,
                Err(e) => return Err(e),
            };
            if let Some(id) = prepared {
                made.claims += 1;
                let (claimed, _) = claims::claimed(conn, id)?;
                let short = if dice.chance(30) { Money::from_kr(dice.below(900) as i64 + 100) } else { Money::ZERO };
                let steps = [
                    (Step::Submit, end + Duration::days(20 + dice.below(20) as i64), None),
                    (Step::Decide, end + Duration::days(70 + dice.below(30) as i64), Some(claimed - short)),
                    (Step::Pay, end + Duration::days(110 + dice.below(20) as i64), None),
                ];
                for (version, (step, on, granted)) in (1..).zip(steps) {
                    if on > today {
                        break;
                    }
                    let input = StepInput {
                        step,
                        on,
                        granted,
                        reference: granted.map(|_| format!("MIG 1.3.2-{}-{id:04}", on.year())),
                        note: None,
                    };
                    claims::step(conn, actor, &scope, id, &input, version)?;
                    made.steps += 1;
                }
            }
            start = end + Duration::days(1);
        }
    }
    for year in [today.year() - 1, today.year()] {
        let grant = NewGrant {
            year: Year::new(year).expect("this year and the last are years of the work"),
            amount: Money::from_kr(100_000),
            decision: Some("Socialnämnden, anslag till mottagningsenheten".into()),
        };
        grant::set(conn, actor, municipality, &grant, 0)?;
        made.grants += 1;
    }
    // Demo: a made-up organisation number with a valid check digit.
    let org_number = etablera_store::cofinancing::seed::demo_org_number(municipality).to_string();
    let settings = [
        ("cost_centre".to_owned(), "1410".to_owned()),
        ("grant_cost_centre".to_owned(), "1411".to_owned()),
        ("org_number".to_owned(), org_number),
    ];
    accounting::set(conn, actor, municipality, &settings)?;
    Ok(made)
}
