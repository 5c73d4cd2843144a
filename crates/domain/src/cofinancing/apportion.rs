//! The largest remainder method (Hamilton): each party gets its exact quota rounded down, and
//! the units left over go one each to the largest remainders. Ties go to the larger
//! population, then the lower municipality code, so row order never matters.

use crate::money::Money;

/// The rounding unit of the amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Krona,
    Ore,
}

impl Unit {
    pub fn ore(self) -> i64 {
        match self {
            Unit::Krona => 100,
            Unit::Ore => 1,
        }
    }
}

/// A party and its weight.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Claimant {
    pub code: String,
    pub name: String,
    pub population: u64,
}

impl From<&super::population::PopulationRow> for Claimant {
    fn from(row: &super::population::PopulationRow) -> Claimant {
        Claimant { code: row.code.to_string(), name: row.name.clone(), population: row.population }
    }
}

impl From<&super::table_check::StatedRow> for Claimant {
    fn from(row: &super::table_check::StatedRow) -> Claimant {
        Claimant { code: row.code.clone(), name: row.name.clone(), population: row.population }
    }
}

/// A party's amount, with what it takes to explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub code: String,
    pub name: String,
    pub population: u64,
    pub amount: Money,
    /// Σ population of all parties.
    pub total_population: u64,
    pub total: Money,
    pub unit: Unit,
    /// The amount was the quota rounded up (it got one of the leftover units).
    pub rounded_up: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApportionError {
    #[error("no parties to share among")]
    NoParties,
    #[error("the population is zero for every party")]
    NoPopulation,
    #[error("the amount {0} is not whole kronor")]
    NotWholeKronor(Money),
    #[error("the amount is negative")]
    Negative,
    #[error("municipality code {0} appears twice")]
    Duplicate(String),
}

impl ApportionError {
    pub fn text(&self) -> crate::text::Text {
        use crate::text::Text;
        match self {
            ApportionError::NoParties => Text::new("apportion-no-parties"),
            ApportionError::NoPopulation => Text::new("apportion-no-population"),
            ApportionError::NotWholeKronor(amount) => Text::new("apportion-not-whole-kronor").with("amount", amount),
            ApportionError::Negative => Text::new("apportion-negative"),
            ApportionError::Duplicate(code) => Text::new("apportion-duplicate").with("code", code),
        }
    }
}

impl Allocation {
    /// The exact quota in öre as a fraction: total × population / total population.
    fn quota(&self) -> (i128, i128) {
        (self.total.ore() as i128 * self.population as i128, self.total_population as i128)
    }

    /// The share of the population, as a Swedish percentage with four decimals.
    pub fn share_text(&self) -> String {
        decimal_text(self.population as i128 * 100, self.total_population as i128, 4) + " %"
    }

    /// The exact quota in kronor with four decimals, before rounding.
    pub fn quota_text(&self) -> String {
        let (n, d) = self.quota();
        decimal_text(n, d * 100, 4) + " kr"
    }

    /// How much rounding added (positive) or removed, in öre, to four decimals.
    pub fn rounding_text(&self) -> String {
        let (n, d) = self.quota();
        let diff = self.amount.ore() as i128 * d - n;
        let sign = if diff >= 0 { "+" } else { "" };
        format!("{sign}{}", decimal_text(diff, d * 100, 4)) + " kr"
    }
}

/// `n / d` with `places` decimals, truncated, decimal comma, digits grouped by space.
fn decimal_text(n: i128, d: i128, places: u32) -> String {
    let negative = (n < 0) != (d < 0) && n != 0;
    let (n, d) = (n.abs(), d.abs());
    let scale = 10i128.pow(places);
    let scaled = n * scale / d;
    let whole = Money::from_kr((scaled / scale) as i64).format_number();
    let fraction = scaled % scale;
    format!("{}{whole},{fraction:0width$}", if negative { "-" } else { "" }, width = places as usize)
}

/// A total and how it is shared.
pub type Shared = (Money, Vec<Allocation>);

/// The apportionment calculator as asked: the year whose population to share by, the total
/// (worked out once it is sent) and the unit to round to.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApportionForm {
    pub year: Option<i32>,
    #[serde(deserialize_with = "crate::input::sent")]
    pub total_kr: Option<String>,
    /// `kr` or `ore`.
    pub unit: String,
}

impl ApportionForm {
    pub fn unit(&self) -> Unit {
        if self.unit.trim() == "ore" { Unit::Ore } else { Unit::Krona }
    }

    /// The total and its allocation among `figures`, the year's population; `None` when no total
    /// was sent.
    pub fn check(&self, figures: &[Claimant]) -> Option<Result<Shared, Vec<crate::input::Invalid>>> {
        use crate::input::{Errors, Invalid};
        use crate::text::Text;
        let text = self.total_kr.as_deref()?;
        let mut errors = Errors::new();
        let total = errors.keep(crate::input::money("total_kr", text).and_then(|m| {
            if m.ore() < 0 { Err(Invalid::new("total_kr", Text::new("cost-amount-negative"))) } else { Ok(m) }
        }));
        if figures.is_empty() {
            errors.push(Invalid::new("year", Text::new("apportion-no-figures")));
        }
        let Some(total) = total.filter(|_| errors.is_empty()) else {
            return Some(errors.finish(|| None));
        };
        Some(
            apportion(total, self.unit(), figures)
                .map(|allocation| (total, allocation))
                .map_err(|e| vec![Invalid::new("total_kr", e.text())]),
        )
    }
}

/// Splits `total` among the claimants in proportion to population, in whole `unit`s, so that
/// the amounts add up to the total exactly. The result is in the claimants' order.
pub fn apportion(total: Money, unit: Unit, claimants: &[Claimant]) -> Result<Vec<Allocation>, ApportionError> {
    if claimants.is_empty() {
        return Err(ApportionError::NoParties);
    }
    if total.ore() < 0 {
        return Err(ApportionError::Negative);
    }
    if total.ore() % unit.ore() != 0 {
        return Err(ApportionError::NotWholeKronor(total));
    }
    let mut codes: Vec<&str> = claimants.iter().map(|c| c.code.as_str()).collect();
    codes.sort_unstable();
    if let Some(w) = codes.windows(2).find(|w| w[0] == w[1]) {
        return Err(ApportionError::Duplicate(w[0].to_owned()));
    }
    let population: u64 = claimants.iter().map(|c| c.population).sum();
    if population == 0 {
        return Err(ApportionError::NoPopulation);
    }
    let units = (total.ore() / unit.ore()) as i128;
    let p = population as i128;
    let mut floors: Vec<i128> = Vec::with_capacity(claimants.len());
    let mut remainders: Vec<i128> = Vec::with_capacity(claimants.len());
    for c in claimants {
        let numerator = units * c.population as i128;
        floors.push(numerator / p);
        remainders.push(numerator % p);
    }
    let leftover = (units - floors.iter().sum::<i128>()) as usize;
    let mut order: Vec<usize> = (0..claimants.len()).collect();
    order.sort_by(|&a, &b| {
        remainders[b]
            .cmp(&remainders[a])
            .then(claimants[b].population.cmp(&claimants[a].population))
            .then(claimants[a].code.cmp(&claimants[b].code))
    });
    let mut up = vec![false; claimants.len()];
    for &i in order.iter().take(leftover) {
        up[i] = true;
    }
    Ok(claimants
        .iter()
        .enumerate()
        .map(|(i, c)| Allocation {
            code: c.code.clone(),
            name: c.name.clone(),
            population: c.population,
            amount: Money::from_ore(((floors[i] + i128::from(up[i])) * unit.ore() as i128) as i64),
            total_population: population,
            total,
            unit,
            rounded_up: up[i],
        })
        .collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn seed_2016() -> Vec<(Claimant, i64, i64, i64)> {
        include_str!("../../../../data/seed/seed-table-2016-calculation.csv")
            .lines()
            .skip(1)
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                let claimant = Claimant { code: f[0].into(), name: f[1].into(), population: f[2].parse().unwrap() };
                (claimant, f[4].parse().unwrap(), f[5].parse().unwrap(), f[6].parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn the_2016_table_within_one_krona_and_exact_sums() {
        let rows = seed_2016();
        let claimants: Vec<Claimant> = rows.iter().map(|r| r.0.clone()).collect();
        assert_eq!(claimants.iter().map(|c| c.population).sum::<u64>(), 447_744);
        for (total_kr, column) in [(350_760, 1), (701_520, 2), (1_052_280, 3)] {
            let allocation = apportion(Money::from_kr(total_kr), Unit::Krona, &claimants).unwrap();
            assert_eq!(allocation.iter().map(|a| a.amount).sum::<Money>(), Money::from_kr(total_kr));
            for (a, row) in allocation.iter().zip(&rows) {
                let printed = match column {
                    1 => row.1,
                    2 => row.2,
                    _ => row.3,
                };
                let diff = (a.amount.ore() - printed * 100).abs();
                assert!(diff <= 100, "{} {}: {} vs printed {printed}", a.name, total_kr, a.amount);
            }
        }
        // The printed year column adds up to 701 521 kr, one krona too much.
        assert_eq!(rows.iter().map(|r| r.2).sum::<i64>(), 701_521);
    }

    #[test]
    fn explains_each_amount() {
        let claimants = seed_2016().into_iter().map(|r| r.0).collect::<Vec<_>>();
        let allocation = apportion(Money::from_kr(701_520), Unit::Krona, &claimants).unwrap();
        let mjolby = allocation.iter().find(|a| a.code == "0586").unwrap();
        assert_eq!(mjolby.share_text(), "5,9496 %");
        assert_eq!(mjolby.quota_text(), "41\u{a0}737,6699 kr");
        assert_eq!(mjolby.amount, Money::from_kr(41_738));
        assert!(mjolby.rounded_up);
        assert_eq!(mjolby.rounding_text(), "+0,3300 kr");
    }

    #[test]
    fn ties_go_to_larger_population_then_lower_code() {
        let c = |code: &str, population| Claimant { code: code.into(), name: code.into(), population };
        // 1 kr among three equal parties: the lowest code gets it.
        let a = apportion(Money::from_kr(1), Unit::Krona, &[c("0586", 1), c("0509", 1), c("0560", 1)]).unwrap();
        assert_eq!(a.iter().map(|x| x.amount.ore()).collect::<Vec<_>>(), [0, 100, 0]);
        // 3 kr by 1, 2, 3: quotas 0,5, 1 and 1,5; the two halves tie and the larger population
        // wins, though its code is higher.
        let a = apportion(Money::from_kr(3), Unit::Krona, &[c("0001", 1), c("0002", 2), c("0003", 3)]).unwrap();
        assert_eq!(a.iter().map(|x| x.amount.ore()).collect::<Vec<_>>(), [0, 100, 200]);
    }

    #[test]
    fn refuses_what_cannot_be_split() {
        let c = |code: &str, population| Claimant { code: code.into(), name: code.into(), population };
        assert_eq!(apportion(Money::from_kr(1), Unit::Krona, &[]), Err(ApportionError::NoParties));
        assert_eq!(apportion(Money::from_kr(1), Unit::Krona, &[c("0586", 0)]), Err(ApportionError::NoPopulation));
        assert_eq!(
            apportion(Money::from_ore(150), Unit::Krona, &[c("0586", 1)]),
            Err(ApportionError::NotWholeKronor(Money::from_ore(150)))
        );
        assert_eq!(
            apportion(Money::from_kr(1), Unit::Krona, &[c("0586", 1), c("0586", 2)]),
            Err(ApportionError::Duplicate("0586".into()))
        );
        assert_eq!(
            apportion(Money::from_ore(150), Unit::Ore, &[c("0586", 1)]).unwrap()[0].amount,
            Money::from_ore(150)
        );
    }

    fn claimants(max: usize) -> impl Strategy<Value = Vec<Claimant>> {
        prop::collection::vec(0u64..2_000_000, 1..=max).prop_map(|populations| {
            populations
                .into_iter()
                .enumerate()
                .map(|(i, population)| Claimant { code: format!("{i:04}"), name: format!("K{i}"), population })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn sums_exactly_with_floor_or_ceiling_and_ignores_order(
            parties in claimants(300),
            total in 0i64..=10_000_000_000,
            ore in any::<bool>(),
            seed in any::<u64>(),
        ) {
            prop_assume!(parties.iter().map(|c| c.population).sum::<u64>() > 0);
            let unit = if ore { Unit::Ore } else { Unit::Krona };
            let total = Money::from_ore(total - total % unit.ore());
            let allocation = apportion(total, unit, &parties).unwrap();
            prop_assert_eq!(allocation.iter().map(|a| a.amount).sum::<Money>(), total);
            let p: i128 = parties.iter().map(|c| c.population as i128).sum();
            let units = (total.ore() / unit.ore()) as i128;
            for a in &allocation {
                let floor = units * a.population as i128 / p;
                let got = (a.amount.ore() / unit.ore()) as i128;
                prop_assert!(got == floor || got == floor + 1, "{} not floor or ceiling of its quota", a.code);
                prop_assert_eq!(a.amount.ore() % unit.ore(), 0);
            }
            // Any order of the rows gives each party the same amount.
            let mut shuffled = parties.clone();
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            let again = apportion(total, unit, &shuffled).unwrap();
            for a in &again {
                let original = allocation.iter().find(|o| o.code == a.code).unwrap();
                prop_assert_eq!(a.amount, original.amount);
            }
        }
    }
}
