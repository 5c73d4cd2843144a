//! What the rules table lacks for a year: a price base amount, a day with no rule in force, a
//! rule whose amount, cap or deadline is not known. Said ahead of time, so that the
//! administrator fills them in before a cost or a reception falls on them; nothing is guessed.

use chrono::NaiveDate;

use super::rules::{CapRule, ClaimType, CostCategory, DeadlineRule, Rule};
use crate::text::Text;

/// One thing missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// The year has no price base amount: the schablon for initial costs, a share of it, cannot
    /// be worked out.
    PriceBase { year: i32 },
    /// From this day no rule of the kind is in force.
    NoRule { claim_type: ClaimType, category: Option<CostCategory>, from: NaiveDate },
    /// The rule (by its id) is in force in the year but its amount, cap or deadline is not known.
    Unknown { rule_id: i32, claim_type: ClaimType, category: Option<CostCategory>, from: NaiveDate },
}

impl Gap {
    pub fn text(&self) -> Text {
        match self {
            Gap::PriceBase { year } => Text::new("gap-price-base").with("year", *year),
            Gap::NoRule { claim_type, category, from } => {
                Text::new("gap-no-rule").with_text("what", subject(*claim_type, *category)).with("from", *from)
            }
            Gap::Unknown { claim_type, category, from, .. } => {
                Text::new("gap-unknown").with_text("what", subject(*claim_type, *category)).with("from", *from)
            }
        }
    }
}

fn subject(claim_type: ClaimType, category: Option<CostCategory>) -> Text {
    match category {
        Some(category) => Text::new("gap-subject-category")
            .with_text("type", Text::new(format!("claim-type-{}", claim_type.code())))
            .with_text("category", Text::new(format!("cost-category-{}", category.code()))),
        None => Text::new(format!("claim-type-{}", claim_type.code())),
    }
}

/// The kinds of rule every day must have: each standard reimbursement, and each category of
/// each claimed type (the columns of form 4497, economic assistance).
fn kinds() -> Vec<(ClaimType, Option<CostCategory>)> {
    let mut kinds = vec![(ClaimType::StandardReimbursement, None), (ClaimType::InitialCostStandard, None)];
    kinds.extend(CostCategory::FORM_4497.iter().map(|c| (ClaimType::InitialCostsResettled, Some(*c))));
    kinds.push((ClaimType::EconomicAssistance, Some(CostCategory::EconomicAssistance)));
    kinds
}

/// Whether the rule says all it must: a standard reimbursement its amount or share, a claimed
/// category its cap and deadline.
fn known(rule: &Rule) -> bool {
    if rule.claim_type.is_standard() {
        rule.amount.is_some() || rule.share.is_some()
    } else {
        rule.cap != CapRule::Missing && rule.deadline != DeadlineRule::Missing
    }
}

/// What is missing in the years `years` (the current and the next, on the pages), in order of
/// year and kind. `price_base_years` are the years that have a price base amount.
pub fn gaps(rules: &[(i32, Rule)], price_base_years: &[i32], years: std::ops::RangeInclusive<i32>) -> Vec<Gap> {
    let mut out = Vec::new();
    for year in years {
        let (Some(first), Some(last)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        else {
            continue;
        };
        if !price_base_years.contains(&year) {
            out.push(Gap::PriceBase { year });
        }
        for (claim_type, category) in kinds() {
            let of_kind: Vec<&(i32, Rule)> =
                rules.iter().filter(|(_, r)| r.claim_type == claim_type && r.category == category).collect();
            // The days a rule may start or stop applying: the year's first, and the day after
            // each rule's last.
            let mut days: Vec<NaiveDate> = std::iter::once(first)
                .chain(of_kind.iter().filter_map(|(_, r)| r.valid_to.and_then(|to| to.succ_opt())))
                .filter(|d| (first..=last).contains(d))
                .collect();
            days.sort();
            days.dedup();
            for day in days {
                if !of_kind.iter().any(|(_, r)| r.in_force_on(day)) {
                    out.push(Gap::NoRule { claim_type, category, from: day });
                }
            }
            for (id, rule) in &of_kind {
                let in_year = rule.valid_from <= last && rule.valid_to.is_none_or(|to| to >= first);
                let unknown = Gap::Unknown { rule_id: *id, claim_type, category, from: rule.valid_from.max(first) };
                if in_year && !known(rule) && !out.contains(&unknown) {
                    out.push(unknown);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::economy::rules::tests::d;
    use crate::economy::rules::{Deadline, Share};
    use crate::money::Money;

    fn standard(from: &str, to: Option<&str>, amount: Option<i64>) -> Rule {
        Rule {
            claim_type: ClaimType::StandardReimbursement,
            category: None,
            valid_from: d(from),
            valid_to: to.map(d),
            cap: CapRule::Uncapped,
            age_from: None,
            age_to: None,
            amount: amount.map(Money::from_kr),
            share: None,
            deadline: DeadlineRule::NoApplication,
        }
    }

    fn complete_claimed() -> Vec<(i32, Rule)> {
        let mut rules: Vec<(i32, Rule)> = CostCategory::FORM_4497
            .iter()
            .map(|c| {
                Rule::for_category(
                    ClaimType::InitialCostsResettled,
                    *c,
                    d("2023-03-01"),
                    None,
                    CapRule::Uncapped,
                    DeadlineRule::Due(Deadline::MonthsAfterReception(12)),
                )
            })
            .chain(std::iter::once(Rule::for_category(
                ClaimType::EconomicAssistance,
                CostCategory::EconomicAssistance,
                d("2010-12-01"),
                None,
                CapRule::Uncapped,
                DeadlineRule::Due(Deadline::MonthsAfterPeriodEnd(12)),
            )))
            .enumerate()
            .map(|(i, r)| (100 + i as i32, r))
            .collect();
        let mut schablon = standard("2024-07-01", None, None);
        schablon.claim_type = ClaimType::InitialCostStandard;
        schablon.share = Some(Share(1745));
        rules.push((200, schablon));
        rules
    }

    #[test]
    fn a_complete_table_lacks_nothing() {
        let mut rules = complete_claimed();
        rules.push((1, standard("2023-01-01", Some("2025-12-31"), Some(165_000))));
        rules.push((2, standard("2026-01-01", None, Some(165_000))));
        assert_eq!(gaps(&rules, &[2025, 2026], 2025..=2026), []);
    }

    #[test]
    fn a_missing_amount_a_day_without_a_rule_and_a_missing_price_base_amount_are_named() {
        let mut rules = complete_claimed();
        rules.push((1, standard("2023-01-01", Some("2026-06-30"), Some(165_000))));
        rules.push((2, standard("2026-09-01", None, None)));
        let found = gaps(&rules, &[2026], 2026..=2027);
        assert_eq!(
            found,
            [
                Gap::NoRule { claim_type: ClaimType::StandardReimbursement, category: None, from: d("2026-07-01") },
                Gap::Unknown {
                    rule_id: 2,
                    claim_type: ClaimType::StandardReimbursement,
                    category: None,
                    from: d("2026-09-01")
                },
                Gap::PriceBase { year: 2027 },
                Gap::Unknown {
                    rule_id: 2,
                    claim_type: ClaimType::StandardReimbursement,
                    category: None,
                    from: d("2027-01-01")
                },
            ]
        );
        assert_eq!(
            found[0].text().swedish(),
            "Schablonersättning: ingen regel gäller från 2026-07-01.",
            "said in Swedish"
        );
    }
}
