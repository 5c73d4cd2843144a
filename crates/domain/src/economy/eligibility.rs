//! Who a cost concerns, as the rules see it: which costs a claim type covers (the initial costs
//! of quota refugees cover quota refugees only), how many persons a household's cap counts, and
//! what the household's earlier costs already took of it. The cost form, `etablera calc
//! reimbursable` and the API all measure a cost with [`measure`].

use chrono::NaiveDate;

use super::rules::{ClaimType, CostCategory, CostError, CostInput, Reimbursable, Rule, assess, in_force};
use crate::money::Money;

/// A household as the caps count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Household {
    pub members: u32,
    /// How many of them are quota refugees.
    pub resettled: u32,
}

/// Whom a cost is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concerns {
    /// The whole household.
    Household,
    /// One person of it.
    Person { resettled: bool },
}

/// Why nothing of a cost is reimbursable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReimbursable {
    /// No rule is in force for the category on the date.
    NoRule,
    /// The claim type is for quota refugees and the cost concerns none.
    NotResettled,
}

/// How many persons the claim type's cap counts: for the initial costs of quota refugees, the
/// quota refugees of the household (a cost of one who is not one is not covered); otherwise
/// everyone.
pub fn counted_size(claim_type: ClaimType, household: Household, concerns: Concerns) -> Result<u32, NotReimbursable> {
    match claim_type {
        ClaimType::InitialCostsResettled => {
            let eligible = match concerns {
                Concerns::Household => household.resettled > 0,
                Concerns::Person { resettled } => resettled,
            };
            if eligible { Ok(household.resettled) } else { Err(NotReimbursable::NotResettled) }
        }
        _ => Ok(household.members),
    }
}

/// What the household's earlier costs (person, reimbursable part) under the same claim type and
/// category took of the cap, and for a cost of one person what that person's took.
pub fn taken(earlier: &[(Option<i32>, Money)], person: Option<i32>) -> (Money, Option<Money>) {
    let household = earlier.iter().map(|(_, amount)| *amount).sum();
    let own = person.map(|p| earlier.iter().filter(|(id, _)| *id == Some(p)).map(|(_, amount)| *amount).sum());
    (household, own)
}

/// A cost's own facts, beside whom it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostFacts {
    /// Excluding VAT.
    pub amount: Money,
    /// The days the cost covers, for a rule capped per day.
    pub days: Option<u32>,
    /// The reception date the deadline counts from.
    pub reception: NaiveDate,
    /// The last day of the period the claim concerns.
    pub period_end: Option<NaiveDate>,
    /// What earlier costs took of the household's cap, and of the person's.
    pub already: Money,
    pub person_already: Option<Money>,
}

/// A cost measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measured {
    Reimbursable { rule: Rule, reimbursable: Reimbursable },
    Not(NotReimbursable),
}

/// Measures a cost dated `on` against the rules: the rule in force that day, whether the cost is
/// one it covers, and how much of it it reimburses.
pub fn measure(
    rules: &[Rule],
    category: CostCategory,
    on: NaiveDate,
    household: Household,
    concerns: Concerns,
    facts: CostFacts,
) -> Result<Measured, CostError> {
    let Some(rule) = in_force(rules, category, on) else { return Ok(Measured::Not(NotReimbursable::NoRule)) };
    let size = match counted_size(rule.claim_type, household, concerns) {
        Ok(size) => size,
        Err(not) => return Ok(Measured::Not(not)),
    };
    let input = CostInput {
        amount: facts.amount,
        // A household with no one to count still has the cap of one.
        household_size: size.max(1),
        days: facts.days,
        reception: facts.reception,
        period_end: facts.period_end,
        already_reimbursable: facts.already,
        person_already: facts.person_already,
    };
    let reimbursable = assess(rules, category, on, input).expect("a rule is in force on the date")?;
    Ok(Measured::Reimbursable { rule: rule.clone(), reimbursable })
}

/// A cost of a household received on `reception`, measured on that day with no earlier costs
/// and the claim's period ending on it: `etablera calc reimbursable` and the API.
pub fn quote(
    rules: &[Rule],
    category: CostCategory,
    amount: Money,
    household: Household,
    reception: NaiveDate,
) -> Result<Measured, CostError> {
    let facts = CostFacts {
        amount,
        days: None,
        reception,
        period_end: Some(reception),
        already: Money::ZERO,
        person_already: None,
    };
    measure(rules, category, reception, household, Concerns::Household, facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::economy::rules::tests::{d, initial_costs};

    #[test]
    fn the_initial_costs_of_quota_refugees_cover_quota_refugees_only() {
        let family = Household { members: 4, resettled: 3 };
        let claim = ClaimType::InitialCostsResettled;
        assert_eq!(counted_size(claim, family, Concerns::Household), Ok(3));
        assert_eq!(counted_size(claim, family, Concerns::Person { resettled: true }), Ok(3));
        assert_eq!(
            counted_size(claim, family, Concerns::Person { resettled: false }),
            Err(NotReimbursable::NotResettled)
        );
        let none = Household { members: 2, resettled: 0 };
        assert_eq!(counted_size(claim, none, Concerns::Household), Err(NotReimbursable::NotResettled));
    }

    #[test]
    fn earlier_costs_take_the_households_cap_and_the_persons() {
        let earlier = [(Some(1), Money::from_kr(500)), (None, Money::from_kr(200)), (Some(2), Money::from_kr(300))];
        assert_eq!(taken(&earlier, Some(1)), (Money::from_kr(1000), Some(Money::from_kr(500))));
        assert_eq!(taken(&earlier, None), (Money::from_kr(1000), None));
    }

    #[test]
    fn a_quote_applies_the_same_eligibility_as_the_cost_form() {
        let rules = initial_costs();
        let mixed = Household { members: 5, resettled: 2 };
        let Ok(Measured::Reimbursable { reimbursable, .. }) =
            quote(&rules, CostCategory::HomeEquipment, Money::from_kr(9000), mixed, d("2024-02-01"))
        else {
            panic!("the rule covers the household's two quota refugees");
        };
        assert_eq!(reimbursable.cap, Some(Money::from_kr(6000)), "5 000 kr and 1 000 kr for the second quota refugee");
        let nobody = Household { members: 5, resettled: 0 };
        assert_eq!(
            quote(&rules, CostCategory::HomeEquipment, Money::from_kr(9000), nobody, d("2024-02-01")),
            Ok(Measured::Not(NotReimbursable::NotResettled))
        );
        assert_eq!(
            quote(&rules, CostCategory::HomeEquipment, Money::from_kr(9000), mixed, d("2000-01-01")),
            Ok(Measured::Not(NotReimbursable::NoRule))
        );
    }
}
