//! A cost as entered: what it must hold before it is measured against its rule and recorded.

use chrono::NaiveDate;

use super::rules::CostCategory;
use crate::input::{Invalid, optional_text, required_text};
use crate::money::Money;
use crate::text::Text;

/// A cost as the finance officer types it; amounts are text until checked.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CostForm {
    pub date: String,
    pub category: String,
    pub amount: String,
    pub vat: String,
    pub supplier: String,
    pub receipt_reference: String,
    pub days: String,
}

/// A checked cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostDetails {
    pub date: NaiveDate,
    pub category: CostCategory,
    /// Excluding VAT.
    pub amount: Money,
    pub vat: Money,
    pub supplier: String,
    pub receipt_reference: Option<String>,
    pub days: Option<u32>,
}

fn money(field: &'static str, text: &str, required: bool) -> Result<Money, Invalid> {
    let text = text.trim();
    if text.is_empty() && !required {
        return Ok(Money::ZERO);
    }
    let amount = Money::parse_kr(text).map_err(|_| Invalid::new(field, Text::new("cost-amount-format")))?;
    if amount.ore() < 0 {
        return Err(Invalid::new(field, Text::new("cost-amount-negative")));
    }
    Ok(amount)
}

impl CostForm {
    /// Every field's error at once; `today` bounds the date.
    pub fn check(&self, today: NaiveDate) -> Result<CostDetails, Vec<Invalid>> {
        let date = crate::input::date("date", &self.date)
            .and_then(|d| if d > today { Err(Invalid::new("date", Text::new("cost-date-future"))) } else { Ok(d) });
        let category = CostCategory::from_code(self.category.trim())
            .ok_or_else(|| Invalid::new("category", Text::new("cost-category-needed")));
        let amount = money("amount", &self.amount, true).and_then(|a| {
            if a.ore() == 0 { Err(Invalid::new("amount", Text::new("cost-amount-zero"))) } else { Ok(a) }
        });
        let vat = money("vat", &self.vat, false).and_then(|vat| match &amount {
            // The highest Swedish rate is 25 % of the amount without VAT; more is a typing mistake
            // (the VAT typed as the amount, or the amount typed with its VAT).
            Ok(a) if vat.ore() * 4 > a.ore() + 3 => Err(Invalid::new("vat", Text::new("cost-vat-too-large"))),
            _ => Ok(vat),
        });
        let supplier = required_text("supplier", &self.supplier, 200, Text::new("what-supplier"));
        let receipt =
            optional_text("receipt_reference", Some(&self.receipt_reference), 100, Text::new("what-receipt-reference"));
        let days = match Some(self.days.trim()).filter(|d| !d.is_empty()) {
            None => Ok(None),
            Some(d) => d
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=366).contains(n))
                .map(Some)
                .ok_or_else(|| Invalid::new("days", Text::new("cost-days-format"))),
        };
        match (date, category, amount, vat, supplier, receipt, days) {
            (Ok(date), Ok(category), Ok(amount), Ok(vat), Ok(supplier), Ok(receipt_reference), Ok(days)) => {
                Ok(CostDetails { date, category, amount, vat, supplier, receipt_reference, days })
            }
            (a, b, c, d, e, f, g) => {
                Err([a.err(), b.err(), c.err(), d.err(), e.err(), f.err(), g.err()].into_iter().flatten().collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::economy::rules::tests::d;

    #[test]
    fn a_good_cost_is_checked_and_a_bad_one_names_every_field() {
        let form = CostForm {
            date: "2024-03-01".into(),
            category: "home_equipment".into(),
            amount: "9 500,50".into(),
            vat: "2 375".into(),
            supplier: " Möbelhuset ".into(),
            receipt_reference: "K-17".into(),
            days: "".into(),
        };
        let cost = form.check(d("2024-06-01")).unwrap();
        assert_eq!(
            (cost.amount, cost.vat, cost.supplier.as_str()),
            (Money::from_ore(950_050), Money::from_kr(2375), "Möbelhuset")
        );
        let bad = CostForm {
            date: "2024-13-01".into(),
            category: "cars".into(),
            amount: "-5".into(),
            vat: "x".into(),
            supplier: "".into(),
            receipt_reference: "".into(),
            days: "0".into(),
        };
        let fields: Vec<_> =
            bad.check(d("2024-06-01")).unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["date", "category", "amount", "vat", "supplier", "days"]);
        let future = CostForm { date: "2024-06-02".into(), ..form.clone() };
        assert_eq!(future.check(d("2024-06-01")).unwrap_err()[0].field, "date");
    }

    #[test]
    fn a_cost_of_nothing_or_with_more_vat_than_any_rate_gives_is_refused() {
        let form = |amount: &str, vat: &str| CostForm {
            date: "2024-03-01".into(),
            category: "home_equipment".into(),
            amount: amount.into(),
            vat: vat.into(),
            supplier: "Möbelhuset".into(),
            ..Default::default()
        };
        let fields = |f: CostForm| -> Vec<String> {
            f.check(d("2024-06-01")).err().unwrap_or_default().into_iter().map(|e| e.field.into_owned()).collect()
        };
        assert_eq!(fields(form("0", "")), ["amount"]);
        assert_eq!(fields(form("100", "125")), ["vat"], "VAT larger than the amount");
        assert_eq!(fields(form("100", "25,01")), ["vat"], "more than 25 %");
        assert!(fields(form("100", "25")).is_empty(), "25 % is the highest rate");
        assert!(fields(form("99,99", "25")).is_empty(), "25 % rounded up is allowed");
    }
}
