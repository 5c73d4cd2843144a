//! Checks a printed allocation table against the exact allocation of its own total.

use super::apportion::{ApportionError, Claimant, Unit, apportion};
use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedRow {
    pub code: String,
    pub name: String,
    pub population: u64,
    pub stated: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRow {
    pub code: String,
    pub name: String,
    pub population: u64,
    pub stated: Money,
    pub expected: Money,
    /// Stated minus expected.
    pub difference: Money,
    /// Further from the exact allocation than rounding to whole kronor can explain.
    pub flagged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCheck {
    pub total: Money,
    pub stated_sum: Money,
    pub sum_matches_total: bool,
    pub rows: Vec<CheckedRow>,
}

impl TableCheck {
    pub fn flagged(&self) -> impl Iterator<Item = &CheckedRow> {
        self.rows.iter().filter(|r| r.flagged)
    }
}

/// A printed table to check, as typed: its total and its rows as CSV.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct TableCheckForm {
    pub total_kr: String,
    pub table: String,
}

impl TableCheckForm {
    /// The total and every bad line at once, then the check itself.
    pub fn check(&self) -> Result<TableCheck, Vec<crate::input::Invalid>> {
        use crate::input::{Errors, Invalid};
        let mut errors = Errors::new();
        let total = errors.keep(crate::input::money("total_kr", &self.total_kr).and_then(|m| {
            if m.ore() < 0 {
                Err(Invalid::new("total_kr", crate::text::Text::new("cost-amount-negative")))
            } else {
                Ok(m)
            }
        }));
        let rows = errors.keep_all(super::population::parse_stated_table_csv(&self.table).map_err(|lines| {
            lines.into_iter().map(|e| Invalid::new("table", e.text().capitalised())).collect::<Vec<_>>()
        }));
        let (Some(total), Some(rows)) = (total, rows) else {
            return errors.finish(|| None);
        };
        let stated: Vec<StatedRow> = rows
            .into_iter()
            .map(|r| StatedRow {
                code: r.row.code.to_string(),
                name: r.row.name,
                population: r.row.population,
                stated: r.stated,
            })
            .collect();
        check_table(total, &stated).map_err(|e| vec![Invalid::new("table", e.text())])
    }
}

/// Compares each stated amount with the exact allocation in whole kronor; rows in input order.
pub fn check_table(total: Money, rows: &[StatedRow]) -> Result<TableCheck, ApportionError> {
    let claimants: Vec<Claimant> = rows.iter().map(Claimant::from).collect();
    let expected = apportion(total, Unit::Krona, &claimants)?;
    let checked: Vec<CheckedRow> = rows
        .iter()
        .zip(expected)
        .map(|(row, exact)| {
            let difference = row.stated - exact.amount;
            CheckedRow {
                code: row.code.clone(),
                name: row.name.clone(),
                population: row.population,
                stated: row.stated,
                expected: exact.amount,
                difference,
                flagged: difference.ore().abs() > Unit::Krona.ore(),
            }
        })
        .collect();
    let stated_sum = rows.iter().map(|r| r.stated).sum();
    Ok(TableCheck { total, stated_sum, sum_matches_total: stated_sum == total, rows: checked })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_2018() -> Vec<StatedRow> {
        include_str!("../../../../data/seed/seed-table-2018-costs.csv")
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                StatedRow {
                    code: f[0].into(),
                    name: f[1].into(),
                    population: f[2].parse().unwrap(),
                    stated: Money::from_kr(f[4].parse().unwrap()),
                }
            })
            .collect()
    }

    #[test]
    fn the_2018_table_adds_up_but_does_not_follow_from_its_population_column() {
        let check = check_table(Money::from_kr(763_945), &seed_2018()).unwrap();
        assert!(check.sum_matches_total);
        assert_eq!(check.stated_sum, Money::from_kr(763_945));
        let flagged: Vec<&str> = check.flagged().map(|r| r.name.as_str()).collect();
        assert!(flagged.len() >= 10, "most rows are off: {flagged:?}");
        let worst = check.rows.iter().map(|r| r.difference.ore().abs()).max().unwrap();
        assert!((3_000..=3_400).contains(&worst), "about 33 kr at most, got {worst} öre");
        assert_eq!(check.rows.iter().map(|r| r.expected).sum::<Money>(), Money::from_kr(763_945));
    }

    #[test]
    fn the_2016_table_is_off_by_one_krona_in_its_sum_only() {
        // The printed year column, beside each municipality's population.
        let rows: Vec<StatedRow> = crate::cofinancing::apportion::tests::seed_2016()
            .into_iter()
            .map(|(c, _, year, _)| StatedRow {
                code: c.code,
                name: c.name,
                population: c.population,
                stated: Money::from_kr(year),
            })
            .collect();
        let check = check_table(Money::from_kr(701_520), &rows).unwrap();
        assert!(!check.sum_matches_total);
        assert_eq!(check.stated_sum, Money::from_kr(701_521));
        assert_eq!(check.flagged().count(), 0, "every row is within rounding");
    }
}
