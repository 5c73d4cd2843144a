//! The annual grant from the committee to the reception unit: what is charged to it, the
//! balance, and the account at year end per category and month.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::rules::CostCategory;
use crate::code::UnknownCode;
use crate::money::Money;

/// What a charge to the grant is for: a cost of a category (what its rule does not reimburse),
/// or what a claim's decision did not grant. Stored as the category's code or `claim_shortfall`;
/// ordered by that code, as the account lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChargeCategory {
    Cost(CostCategory),
    ClaimShortfall,
}

impl ChargeCategory {
    const CLAIM_SHORTFALL: &'static str = "claim_shortfall";

    pub fn code(self) -> &'static str {
        match self {
            ChargeCategory::Cost(category) => category.code(),
            ChargeCategory::ClaimShortfall => Self::CLAIM_SHORTFALL,
        }
    }

    pub fn from_code(code: &str) -> Option<ChargeCategory> {
        if code == Self::CLAIM_SHORTFALL {
            Some(ChargeCategory::ClaimShortfall)
        } else {
            CostCategory::from_code(code).map(ChargeCategory::Cost)
        }
    }

    /// The cost category, when it is a cost's charge.
    pub fn cost(self) -> Option<CostCategory> {
        match self {
            ChargeCategory::Cost(category) => Some(category),
            ChargeCategory::ClaimShortfall => None,
        }
    }
}

impl TryFrom<String> for ChargeCategory {
    type Error = UnknownCode;

    fn try_from(code: String) -> Result<ChargeCategory, UnknownCode> {
        ChargeCategory::from_code(&code).ok_or(UnknownCode { kind: "ChargeCategory", code })
    }
}

impl Ord for ChargeCategory {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}

impl PartialOrd for ChargeCategory {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One charge to the grant: a cost or the part of it that cannot be reclaimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub on: NaiveDate,
    pub category: ChargeCategory,
    pub amount: Money,
}

/// A year's account: per category, the twelve months; and the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub year: i32,
    pub grant: Option<Money>,
    pub by_category: BTreeMap<ChargeCategory, [Money; 12]>,
    pub by_month: [Money; 12],
    pub charged: Money,
}

impl Account {
    /// What is left of the grant; `None` when no grant is decided for the year.
    pub fn balance(&self) -> Option<Money> {
        self.grant.map(|g| g - self.charged)
    }

    pub fn category_total(&self, category: ChargeCategory) -> Money {
        self.by_category.get(&category).map(|m| m.iter().copied().sum()).unwrap_or_default()
    }
}

/// The account of `year` from its charges (charges of other years are left out).
pub fn account(year: i32, grant: Option<Money>, charges: &[Charge]) -> Account {
    let mut by_category: BTreeMap<ChargeCategory, [Money; 12]> = BTreeMap::new();
    let mut by_month = [Money::ZERO; 12];
    for charge in charges.iter().filter(|c| c.on.year() == year) {
        let month = charge.on.month0() as usize;
        let row = by_category.entry(charge.category).or_insert([Money::ZERO; 12]);
        row[month] = row[month] + charge.amount;
        by_month[month] = by_month[month] + charge.amount;
    }
    let charged = by_month.iter().copied().sum();
    Account { year, grant, by_category, by_month, charged }
}

/// A year's grant as typed by finance: the year, the amount and the committee's decision.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct GrantForm {
    pub municipality: String,
    pub year: String,
    pub amount: String,
    pub decision: String,
}

/// A year's grant, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    pub year: crate::time::Year,
    pub amount: Money,
    pub decision: Option<String>,
}

impl GrantForm {
    pub fn check(&self) -> Result<NewGrant, Vec<crate::input::Invalid>> {
        use crate::input::{Errors, Invalid, money, year};
        let mut errors = Errors::new();
        let year = errors.keep(year("year", &self.year));
        let amount = errors.keep(money("amount", &self.amount).and_then(|m| {
            if m.ore() < 0 { Err(Invalid::new("amount", crate::text::Text::new("grant-negative"))) } else { Ok(m) }
        }));
        let decision = Some(self.decision.trim()).filter(|d| !d.is_empty()).map(str::to_owned);
        errors.finish(|| Some(NewGrant { year: year?, amount: amount?, decision }))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::economy::rules::tests::d;

    #[test]
    fn the_balance_is_the_grant_less_its_charges() {
        let (home, other) =
            (ChargeCategory::Cost(CostCategory::HomeEquipment), ChargeCategory::Cost(CostCategory::Other));
        let charges = vec![
            Charge { on: d("2024-03-01"), category: home, amount: Money::from_ore(50_050) },
            Charge { on: d("2024-03-20"), category: other, amount: Money::from_kr(1200) },
            Charge { on: d("2024-11-02"), category: home, amount: Money::from_kr(300) },
            Charge { on: d("2023-12-31"), category: other, amount: Money::from_kr(9999) },
        ];
        let a = account(2024, Some(Money::from_kr(100_000)), &charges);
        assert_eq!(a.charged, Money::from_ore(50_050 + 120_000 + 30_000));
        assert_eq!(a.balance(), Some(Money::from_ore(10_000_000 - 200_050)));
        assert_eq!(a.by_month[2], Money::from_ore(170_050));
        assert_eq!(a.category_total(home), Money::from_ore(80_050));
        assert_eq!(account(2025, None, &charges).balance(), None);
    }

    proptest! {
        #[test]
        fn months_and_categories_add_up(charges in proptest::collection::vec((1u32..=12, 1u32..=28, 0usize..3, 0i64..1_000_000), 0..50)) {
            let charges: Vec<Charge> = charges
                .into_iter()
                .map(|(m, day, c, ore)| Charge {
                    on: NaiveDate::from_ymd_opt(2024, m, day).unwrap(),
                    category: [
                        ChargeCategory::Cost(CostCategory::Clothes),
                        ChargeCategory::Cost(CostCategory::Other),
                        ChargeCategory::ClaimShortfall,
                    ][c],
                    amount: Money::from_ore(ore),
                })
                .collect();
            let a = account(2024, Some(Money::from_kr(100_000)), &charges);
            let sum: Money = charges.iter().map(|c| c.amount).sum();
            prop_assert_eq!(a.charged, sum);
            prop_assert_eq!(a.by_category.keys().map(|k| a.category_total(*k)).sum::<Money>(), sum);
            prop_assert_eq!(a.balance().unwrap() + a.charged, Money::from_kr(100_000));
        }
    }

    #[test]
    fn charge_categories_are_stored_as_codes_and_listed_by_them() {
        for category in
            CostCategory::ALL.iter().map(|c| ChargeCategory::Cost(*c)).chain([ChargeCategory::ClaimShortfall])
        {
            assert_eq!(ChargeCategory::from_code(category.code()), Some(category));
        }
        assert_eq!(ChargeCategory::ClaimShortfall.code(), "claim_shortfall");
        assert!(ChargeCategory::try_from("yoga".to_owned()).is_err());
        let mut listed = [ChargeCategory::Cost(CostCategory::Other), ChargeCategory::ClaimShortfall];
        listed.sort();
        assert_eq!(listed, [ChargeCategory::ClaimShortfall, ChargeCategory::Cost(CostCategory::Other)]);
    }

    #[test]
    fn a_grant_names_its_year_and_amount() {
        let fields =
            |f: GrantForm| f.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect::<Vec<_>>();
        assert_eq!(fields(GrantForm::default()), ["year", "amount"]);
        assert_eq!(
            fields(GrantForm { year: "1999".into(), amount: "-1".into(), ..Default::default() }),
            ["year", "amount"]
        );
        let ok = GrantForm { year: "2024".into(), amount: "100 000".into(), ..Default::default() }.check().unwrap();
        assert_eq!((ok.year.get(), ok.amount, ok.decision), (2024, Money::from_kr(100_000), None));
    }
}
