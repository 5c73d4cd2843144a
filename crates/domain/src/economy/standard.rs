//! The standard reimbursements the municipality should receive for a person without applying:
//! the schablonersättning and, from 2024-07-01, the schablon for initial costs. Both follow from
//! the reception date and the person's age on it, so the finance officer can check
//! Migrationsverket's payments against them.

use chrono::{Datelike, NaiveDate};

use super::rules::{ClaimType, Rule};
use crate::money::Money;
use crate::reception::person::age_on;

/// What a person should bring in under one standard reimbursement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Amount(Money),
    /// No rule covers the reception date and age.
    NoRule,
    /// A rule applies but its amount, or the price base amount it is a share of, is not known.
    Missing,
}

impl Expected {
    pub fn amount(self) -> Option<Money> {
        match self {
            Expected::Amount(m) => Some(m),
            Expected::NoRule | Expected::Missing => None,
        }
    }
}

/// The amount of a standard reimbursement for a person born on `birth` and received on
/// `reception`. `price_base` gives the price base amount of a year when it is known.
pub fn expected(
    rules: &[Rule],
    kind: ClaimType,
    birth: NaiveDate,
    reception: NaiveDate,
    price_base: impl Fn(i32) -> Option<Money>,
) -> Expected {
    expected_at_age(rules, kind, age_on(birth, reception), reception, price_base)
}

/// [`expected`] for a person `age` years old (as [`age_on`] counts) on the reception date: what
/// a database that counts persons by age and reception date asks.
pub fn expected_at_age(
    rules: &[Rule],
    kind: ClaimType,
    age: u32,
    reception: NaiveDate,
    price_base: impl Fn(i32) -> Option<Money>,
) -> Expected {
    let Some(rule) = rules.iter().find(|r| r.claim_type == kind && r.in_force_on(reception) && r.covers_age(age))
    else {
        return Expected::NoRule;
    };
    match (rule.amount, rule.share) {
        (Some(amount), _) => Expected::Amount(amount),
        (None, Some(share)) => {
            price_base(reception.year()).map_or(Expected::Missing, |base| Expected::Amount(share.of(base)))
        }
        (None, None) => Expected::Missing,
    }
}

/// The days on which what a person received brings in may change with the rules: every
/// standard rule's first day and the day after its last, sorted, without repeats. Within a year
/// (the price base amount is the year's) and between two of these days, the amounts depend on
/// the age alone.
pub fn boundaries(rules: &[Rule]) -> Vec<NaiveDate> {
    let mut days: Vec<NaiveDate> = rules
        .iter()
        .filter(|r| matches!(r.claim_type, ClaimType::StandardReimbursement | ClaimType::InitialCostStandard))
        .flat_map(|r| [Some(r.valid_from), r.valid_to.and_then(|d| d.succ_opt())])
        .flatten()
        .collect();
    days.sort();
    days.dedup();
    days
}

/// A day of the stretch `segment` between [`boundaries`] (0 before the first) in `year`, for
/// persons received then: any such day gives the same amounts.
pub fn day_of(boundaries: &[NaiveDate], segment: usize, year: i32) -> Option<NaiveDate> {
    let new_year = NaiveDate::from_ymd_opt(year, 1, 1)?;
    Some(match segment.checked_sub(1).and_then(|i| boundaries.get(i)) {
        Some(start) => new_year.max(*start),
        None => new_year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::economy::rules::tests::d;
    use crate::economy::rules::{CapRule, DeadlineRule, Share};

    fn band(
        kind: ClaimType,
        from: &str,
        to: Option<&str>,
        ages: (Option<u32>, Option<u32>),
        kr: Option<i64>,
        share: Option<u32>,
    ) -> Rule {
        Rule {
            claim_type: kind,
            category: None,
            valid_from: d(from),
            valid_to: to.map(d),
            cap: CapRule::Uncapped,
            age_from: ages.0,
            age_to: ages.1,
            amount: kr.map(Money::from_kr),
            share: share.map(Share),
            deadline: DeadlineRule::NoApplication,
        }
    }

    /// The values of DOMAIN.md.
    fn rules() -> Vec<Rule> {
        use ClaimType::*;
        vec![
            band(StandardReimbursement, "2022-01-01", Some("2022-12-31"), (None, Some(64)), Some(151_800), None),
            band(StandardReimbursement, "2022-01-01", Some("2022-12-31"), (Some(65), None), Some(85_200), None),
            band(StandardReimbursement, "2023-01-01", Some("2024-12-31"), (None, Some(65)), Some(165_000), None),
            band(StandardReimbursement, "2023-01-01", Some("2024-12-31"), (Some(66), None), Some(92_600), None),
            band(InitialCostStandard, "2024-07-01", None, (None, Some(19)), None, Some(1745)),
            band(InitialCostStandard, "2024-07-01", None, (Some(20), Some(65)), None, Some(3490)),
            band(InitialCostStandard, "2024-07-01", None, (Some(66), None), None, Some(2182)),
        ]
    }

    fn base(year: i32) -> Option<Money> {
        (year == 2024).then_some(Money::from_kr(57_300))
    }

    #[test]
    fn the_age_limit_moves_from_65_to_66_on_2023_01_01() {
        let rules = rules();
        let birth = d("1957-06-01");
        let on_new_years_eve = expected(&rules, ClaimType::StandardReimbursement, birth, d("2022-12-31"), base);
        assert_eq!(on_new_years_eve, Expected::Amount(Money::from_kr(85_200)), "65 years old: the lower amount");
        let on_new_years_day = expected(&rules, ClaimType::StandardReimbursement, birth, d("2023-01-01"), base);
        assert_eq!(on_new_years_day, Expected::Amount(Money::from_kr(165_000)), "65 is under 66 from 2023");
        let older = expected(&rules, ClaimType::StandardReimbursement, d("1956-06-01"), d("2023-01-01"), base);
        assert_eq!(older, Expected::Amount(Money::from_kr(92_600)));
    }

    #[test]
    fn the_initial_cost_schablon_is_a_share_of_the_price_base_amount() {
        let rules = rules();
        let adult = expected(&rules, ClaimType::InitialCostStandard, d("1990-01-01"), d("2024-08-01"), base);
        assert_eq!(adult, Expected::Amount(Money::from_kr(19_998)), "34,90 % of 57 300 kr, in whole kronor");
        let child = expected(&rules, ClaimType::InitialCostStandard, d("2010-01-01"), d("2024-08-01"), base);
        assert_eq!(child, Expected::Amount(Money::from_kr(9_999)), "17,45 % of 57 300 kr, in whole kronor");
        let before = expected(&rules, ClaimType::InitialCostStandard, d("1990-01-01"), d("2024-06-30"), base);
        assert_eq!(before, Expected::NoRule);
        let unknown_base = expected(&rules, ClaimType::InitialCostStandard, d("1990-01-01"), d("2025-02-01"), base);
        assert_eq!(unknown_base, Expected::Missing, "the 2025 price base amount is not in the table");
        assert_eq!(
            expected(&rules, ClaimType::StandardReimbursement, d("1990-01-01"), d("2021-05-01"), base),
            Expected::NoRule
        );
    }
}
