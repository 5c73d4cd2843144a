//! A national caseload for trying Etablera at scale: every one of the 290 municipalities with
//! households placed over four years, sized by a stand-in for population, through the same
//! import as real files, and the economy (costs and claims for quota refugees) through the same
//! store functions as the pages. Plainly synthetic: invented names, valid check digits, the same
//! count gives the same data.
//!
//! The reference data has no national population table, so sizes follow a stand-in: the four
//! largest municipalities take about their share of Sweden's population (Stockholm 8 %, Göteborg
//! 5.5 %, Malmö 3.5 %, Uppsala 2.3 %), and the others share the rest by a weight drawn from the
//! municipality's code, between 1 and 30. What matters for trying the software is the spread:
//! one municipality of Stockholm's size beside many small ones.

use chrono::NaiveDate;
use etablera_domain::municipality;
use etablera_store::Store;
use etablera_store::access::Actor;
use indicatif::{ProgressBar, ProgressStyle};

use super::reception::{Dice, Place, generate};

/// The largest municipalities' shares of the persons, in per mille.
const LARGEST: [(&str, u64); 4] = [("0180", 80), ("1480", 55), ("1280", 35), ("0380", 23)];

/// Persons a household, on average, in the generated caseload (one or two adults, up to three
/// children).
const PERSONS_PER_HOUSEHOLD: u64 = 3;

/// Each municipality's households for `persons` persons in the country.
pub fn sizes(persons: u64) -> Vec<(&'static str, usize)> {
    let all = municipality::all();
    let weight = |code: &str| -> u64 {
        let mut dice = Dice(0x5ca1e ^ code.parse::<u64>().unwrap_or(1) * 0x9e37_79b9);
        dice.next();
        // Log-uniform between 1 and 30, in thousandths.
        let exponent = dice.below(1000) as f64 / 1000.0;
        (1000.0 * 30f64.powf(exponent)) as u64
    };
    let largest: u64 = LARGEST.iter().map(|(_, share)| share).sum();
    let others: u64 = all.iter().filter(|m| !LARGEST.iter().any(|(c, _)| *c == m.code)).map(|m| weight(m.code)).sum();
    all.iter()
        .map(|m| {
            let share_of_persons = match LARGEST.iter().find(|(c, _)| *c == m.code) {
                Some((_, per_mille)) => persons * per_mille / 1000,
                None => persons * (1000 - largest) / 1000 * weight(m.code) / others,
            };
            (m.code, (share_of_persons / PERSONS_PER_HOUSEHOLD).max(1) as usize)
        })
        .collect()
}

/// What the national caseload made.
pub struct National {
    pub municipalities: usize,
    pub households: usize,
    pub persons: usize,
    pub activities: usize,
    pub costs: usize,
}

/// Imports a caseload of about `persons` persons over every municipality, with a progress bar.
pub fn run(store: &Store, actor: &Actor, persons: u64) -> anyhow::Result<National> {
    let today: NaiveDate = actor.today();
    let sizes = sizes(persons);
    let bar = ProgressBar::new(sizes.iter().map(|(_, n)| *n as u64).sum());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} hushåll, {msg} ({elapsed}, kvar {eta})")
            .expect("a fixed template")
            .progress_chars("█▌ "),
    );
    let mut made = National { municipalities: 0, households: 0, persons: 0, activities: 0, costs: 0 };
    for (code, households) in sizes {
        let m = municipality::by_code(code).expect("the built-in list");
        bar.set_message(m.name);
        let place = Place {
            municipality_code: code,
            town: m.name,
            prefix: "N",
            seed: 0x2026_0000 ^ code.parse::<u64>().unwrap_or(0),
            months: 48,
            demo_cases: false,
            serial_base: 500,
            dossier_base: 90,
        };
        let file = serde_json::to_string(&generate(today, &place, households))?;
        let imported = store
            .with_conn(|conn| {
                Ok(etablera_store::reception::exchange::import(conn, actor, &file, super::super::import::DEFAULT_UNIT))
            })?
            .map_err(|e| anyhow::anyhow!("the national caseload of {code} did not import: {e:?}"))?;
        // Österåker has the demo's economy already (its grant and cost centres are set once).
        let costs = if code == super::DEMO_MUNICIPALITY {
            0
        } else {
            store.with_conn(|conn| super::economy::run(conn, actor, code))?.costs
        };
        made.municipalities += 1;
        made.households += imported.households;
        made.persons += imported.persons;
        made.activities += imported.activities;
        made.costs += costs;
        bar.inc(households as u64);
    }
    bar.finish_and_clear();
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_municipality_has_a_share_and_stockholm_the_largest() {
        let sizes = sizes(300_000);
        assert_eq!(sizes.len(), 290);
        assert!(sizes.iter().all(|(_, n)| *n >= 1));
        let total: usize = sizes.iter().map(|(_, n)| n).sum();
        assert!((95_000..=100_000).contains(&total), "about 300 000 persons in households of three: {total}");
        let stockholm = sizes.iter().find(|(c, _)| *c == "0180").unwrap().1;
        assert_eq!(stockholm, 8_000, "24 000 persons");
        assert!(sizes.iter().all(|(_, n)| *n <= stockholm));
    }
}
