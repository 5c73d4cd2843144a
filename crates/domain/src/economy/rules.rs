//! Applying a dated reimbursement rule to a cost: which rule is in force, how much of the cost
//! Migrationsverket reimburses under its cap, what is over the cap, and the claim's deadline.

use chrono::{Datelike, NaiveDate};

use crate::agreements::calendar::add_months;
use crate::money::Money;

/// The cost categories of Migrationsverket's form 4497 (initial costs for quota refugees).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CostCategory {
    RentBeforeArrival,
    TravelFromAirport,
    /// Travel for the residence-permit card, population registration and the id card.
    TravelForCards,
    Overtime,
    FoodFirstDay,
    Clothes,
    HomeEquipment,
    Interpreter,
    SpecialMeasures,
    Other,
}

impl CostCategory {
    pub const ALL: [CostCategory; 10] = [
        CostCategory::RentBeforeArrival,
        CostCategory::TravelFromAirport,
        CostCategory::TravelForCards,
        CostCategory::Overtime,
        CostCategory::FoodFirstDay,
        CostCategory::Clothes,
        CostCategory::HomeEquipment,
        CostCategory::Interpreter,
        CostCategory::SpecialMeasures,
        CostCategory::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CostCategory::RentBeforeArrival => "rent_before_arrival",
            CostCategory::TravelFromAirport => "travel_from_airport",
            CostCategory::TravelForCards => "travel_for_cards",
            CostCategory::Overtime => "overtime",
            CostCategory::FoodFirstDay => "food_first_day",
            CostCategory::Clothes => "clothes",
            CostCategory::HomeEquipment => "home_equipment",
            CostCategory::Interpreter => "interpreter",
            CostCategory::SpecialMeasures => "special_measures",
            CostCategory::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<CostCategory> {
        CostCategory::ALL.into_iter().find(|c| c.code() == code.trim())
    }
}

/// How much of a cost is reimbursed at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    /// So much for each person in the household.
    PerPerson(Money),
    /// So much for the first person and so much more for each further member.
    PerHousehold { first: Money, per_extra_member: Money },
}

impl Cap {
    /// The cap for a household of `size` persons (at least one).
    pub fn limit(self, size: u32) -> Money {
        let size = i64::from(size.max(1));
        match self {
            Cap::PerPerson(each) => Money::from_ore(each.ore() * size),
            Cap::PerHousehold { first, per_extra_member } => {
                Money::from_ore(first.ore() + per_extra_member.ore() * (size - 1))
            }
        }
    }
}

/// When a claim must have reached Migrationsverket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Within so many months of the day the person was received in the municipality.
    MonthsAfterReception(u32),
    /// Within so many months of the end of the period the claim concerns.
    MonthsAfterPeriodEnd(u32),
    /// Within so many months of the end of the quarter the claim concerns.
    MonthsAfterQuarterEnd(u32),
}

impl Deadline {
    /// The last day. A rule counted from the claim's period needs the period's last day; without
    /// it there is no date yet. A month added to 29 February lands on the 28th.
    pub fn date(self, reception: NaiveDate, period_end: Option<NaiveDate>) -> Option<NaiveDate> {
        match self {
            Deadline::MonthsAfterReception(months) => Some(add_months(reception, months)),
            Deadline::MonthsAfterPeriodEnd(months) => period_end.map(|end| add_months(end, months)),
            Deadline::MonthsAfterQuarterEnd(months) => period_end.map(|end| add_months(quarter_end(end), months)),
        }
    }
}

/// The last day of the quarter `date` lies in.
pub fn quarter_end(date: NaiveDate) -> NaiveDate {
    let last_month = (date.month0() / 3) * 3 + 3;
    let first_of_next = if last_month == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), last_month + 1, 1)
    };
    first_of_next.and_then(|d| d.pred_opt()).expect("dates stay within range")
}

/// One dated row of the rules table: a category's cap and deadline under a claim type.
/// `None` means the value is not known; it is shown as missing, never guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub claim_type: String,
    pub category: CostCategory,
    pub valid_from: NaiveDate,
    /// The last day it applies; open-ended when `None`.
    pub valid_to: Option<NaiveDate>,
    pub cap: Option<Cap>,
    pub deadline: Option<Deadline>,
}

impl Rule {
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// The rule for a category in force on a date.
pub fn in_force(rules: &[Rule], category: CostCategory, date: NaiveDate) -> Option<&Rule> {
    rules.iter().find(|r| r.category == category && r.in_force_on(date))
}

/// A cost measured against its rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reimbursable {
    pub claim_type: String,
    pub reimbursable: Money,
    /// What exceeds the cap: not reclaimable, charged to the annual grant.
    pub over_cap: Money,
    /// The cap for this household; `None` when the rule has no cap or it is not known.
    pub cap: Option<Money>,
    pub deadline: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CostError {
    #[error("beloppet kan inte vara negativt")]
    Negative,
    #[error("ett hushåll har minst en person")]
    EmptyHousehold,
}

/// How much of `amount` (excluding VAT) the rule reimburses for a household of `household_size`
/// received on `reception`; `reimbursable + over_cap == amount`, to the öre.
pub fn reimbursable(
    rule: &Rule,
    amount: Money,
    household_size: u32,
    reception: NaiveDate,
    period_end: Option<NaiveDate>,
) -> Result<Reimbursable, CostError> {
    if amount.ore() < 0 {
        return Err(CostError::Negative);
    }
    if household_size == 0 {
        return Err(CostError::EmptyHousehold);
    }
    let cap = rule.cap.map(|c| c.limit(household_size));
    let covered = cap.map_or(amount.ore(), |c| amount.ore().min(c.ore()));
    Ok(Reimbursable {
        claim_type: rule.claim_type.clone(),
        reimbursable: Money::from_ore(covered),
        over_cap: Money::from_ore(amount.ore() - covered),
        cap,
        deadline: rule.deadline.and_then(|d| d.date(reception, period_end)),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The initial-cost rules as Migrationsverket states them (docs/research): caps, and the
    /// deadline counted from the reception from 2023-03-01, from the claim's period before.
    fn initial_costs() -> Vec<Rule> {
        let rule = |category, from: &str, to: Option<&str>, cap, deadline| Rule {
            claim_type: "initial_costs_resettled".into(),
            category,
            valid_from: d(from),
            valid_to: to.map(d),
            cap,
            deadline: Some(deadline),
        };
        let mut rules = Vec::new();
        for (from, to, deadline) in [
            ("2010-12-01", Some("2023-02-28"), Deadline::MonthsAfterPeriodEnd(12)),
            ("2023-03-01", None, Deadline::MonthsAfterReception(12)),
        ] {
            rules.push(rule(CostCategory::FoodFirstDay, from, to, Some(Cap::PerPerson(Money::from_kr(200))), deadline));
            rules.push(rule(CostCategory::Clothes, from, to, Some(Cap::PerPerson(Money::from_kr(1500))), deadline));
            rules.push(rule(
                CostCategory::HomeEquipment,
                from,
                to,
                Some(Cap::PerHousehold { first: Money::from_kr(5000), per_extra_member: Money::from_kr(1000) }),
                deadline,
            ));
        }
        rules
    }

    #[test]
    fn caps_per_person_and_per_household() {
        let rules = initial_costs();
        let on = d("2024-02-01");
        let food = in_force(&rules, CostCategory::FoodFirstDay, on).unwrap();
        let r = reimbursable(food, Money::from_kr(1100), 5, on, None).unwrap();
        assert_eq!(
            (r.reimbursable, r.over_cap, r.cap),
            (Money::from_kr(1000), Money::from_kr(100), Some(Money::from_kr(1000)))
        );
        let home = in_force(&rules, CostCategory::HomeEquipment, on).unwrap();
        let five = reimbursable(home, Money::from_ore(950_050), 5, on, None).unwrap();
        assert_eq!(five.cap, Some(Money::from_kr(9000)), "5 000 kr and 1 000 kr for each of four more");
        assert_eq!((five.reimbursable, five.over_cap), (Money::from_kr(9000), Money::from_ore(50_050)));
        let one = reimbursable(home, Money::from_kr(4000), 1, on, None).unwrap();
        assert_eq!((one.reimbursable, one.over_cap), (Money::from_kr(4000), Money::ZERO));
    }

    #[test]
    fn the_rule_in_force_on_the_date_gives_the_deadline() {
        let rules = initial_costs();
        let before = in_force(&rules, CostCategory::Clothes, d("2023-02-28")).unwrap();
        let after = in_force(&rules, CostCategory::Clothes, d("2023-03-01")).unwrap();
        assert_ne!(before, after);
        let old = reimbursable(before, Money::from_kr(500), 1, d("2023-02-28"), Some(d("2023-03-31"))).unwrap();
        assert_eq!(old.deadline, Some(d("2024-03-31")), "a year after the end of the claim's period");
        assert_eq!(reimbursable(before, Money::from_kr(500), 1, d("2023-02-28"), None).unwrap().deadline, None);
        let new = reimbursable(after, Money::from_kr(500), 1, d("2023-03-01"), None).unwrap();
        assert_eq!(new.deadline, Some(d("2024-03-01")), "a year after the reception");
        assert!(in_force(&rules, CostCategory::Clothes, d("2010-11-30")).is_none());
        assert!(in_force(&rules, CostCategory::Interpreter, d("2024-01-01")).is_none(), "no rule for it here");
    }

    #[test]
    fn a_year_after_29_february_is_28_february() {
        assert_eq!(Deadline::MonthsAfterReception(12).date(d("2024-02-29"), None), Some(d("2025-02-28")));
        assert_eq!(
            Deadline::MonthsAfterQuarterEnd(6).date(d("2024-02-29"), Some(d("2024-02-10"))),
            Some(d("2024-09-30"))
        );
        assert_eq!(quarter_end(d("2024-11-15")), d("2024-12-31"));
    }

    #[test]
    fn bad_input_is_refused() {
        let rules = initial_costs();
        let food = in_force(&rules, CostCategory::FoodFirstDay, d("2024-01-01")).unwrap();
        assert_eq!(reimbursable(food, Money::from_ore(-1), 1, d("2024-01-01"), None), Err(CostError::Negative));
        assert_eq!(reimbursable(food, Money::from_kr(1), 0, d("2024-01-01"), None), Err(CostError::EmptyHousehold));
    }

    proptest! {
        #[test]
        fn reimbursable_and_over_cap_make_the_amount(ore in 0i64..10_000_000_000, size in 1u32..15, pick in 0usize..3) {
            let rules = initial_costs();
            let category = [CostCategory::FoodFirstDay, CostCategory::Clothes, CostCategory::HomeEquipment][pick];
            let rule = in_force(&rules, category, d("2024-06-01")).unwrap();
            let r = reimbursable(rule, Money::from_ore(ore), size, d("2024-06-01"), None).unwrap();
            prop_assert_eq!(r.reimbursable.ore() + r.over_cap.ore(), ore);
            prop_assert!(r.reimbursable.ore() <= r.cap.unwrap().ore());
            prop_assert!(r.over_cap.ore() >= 0);
        }
    }
}
