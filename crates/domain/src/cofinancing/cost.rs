//! What a shared post costs for a number of months: salary, on-costs and overhead.

use std::fmt;
use std::str::FromStr;

use crate::input::{Errors, Invalid};
use crate::money::{Money, div_round};
use crate::text::Text;

/// A percentage to two decimals, kept as hundredths of a percent (48 % = 4 800).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Percent(u32);

impl Percent {
    pub fn from_hundredths(hundredths: u32) -> Percent {
        Percent(hundredths)
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a percentage is a number from 0 to 1000 with at most two decimals")]
pub struct PercentError;

impl PercentError {
    /// What to tell a person, as a phrase (see [`Text::sentence`](crate::text::Text::sentence)).
    pub fn text(&self) -> crate::text::Text {
        crate::text::Text::new("percent-format")
    }
}

impl FromStr for Percent {
    type Err = PercentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().trim_end_matches('%').trim();
        let (whole, fraction) = s.split_once([',', '.']).unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 || whole.len() > 4 {
            return Err(PercentError);
        }
        let value = whole.parse::<u32>().map_err(|_| PercentError)? * 100
            + format!("{fraction:0<2}").parse::<u32>().map_err(|_| PercentError)?;
        if value > 100_000 {
            return Err(PercentError);
        }
        Ok(Percent(value))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 100 {
            0 => write!(f, "{}\u{a0}%", self.0 / 100),
            rest => write!(f, "{},{:02}\u{a0}%", self.0 / 100, rest),
        }
    }
}

/// A post's cost per month: salary plus on-costs (social fees) plus overhead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CostModel {
    pub monthly_salary: Money,
    pub on_cost: Percent,
    /// Overhead per month (premises, equipment), added after the on-costs.
    pub monthly_overhead: Money,
}

impl CostModel {
    /// The cost of `months` months, exact to the öre (halves away from zero).
    pub fn cost(&self, months: u32) -> Money {
        let salary = self.monthly_salary.ore() as i128 * (10_000 + self.on_cost.0 as i128) * months as i128;
        Money::from_ore(div_round(salary, 10_000) as i64) + Money::from_ore(self.monthly_overhead.ore() * months as i64)
    }
}

/// What a post costs in a year: built from its parts, or a total stated in a decision (the
/// 2018 agreement states 763 945 kr for salary and overhead without the parts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostCost {
    Parts(CostModel),
    StatedYearly(Money),
}

impl PostCost {
    /// The cost of `months` months; a stated yearly total is taken pro rata, to the öre.
    pub fn cost(&self, months: u32) -> Money {
        match self {
            PostCost::Parts(model) => model.cost(months),
            PostCost::StatedYearly(yearly) => yearly.mul_div(i64::from(months), 12),
        }
    }

    /// How the cost of `months` months is reached, in figures.
    pub fn arithmetic(&self, months: u32) -> String {
        match self {
            PostCost::Parts(m) => format!(
                "({} × (1 + {}) + {}) × {months} = {}",
                m.monthly_salary,
                m.on_cost,
                m.monthly_overhead,
                self.cost(months)
            ),
            PostCost::StatedYearly(yearly) if months == 12 => yearly.to_string(),
            PostCost::StatedYearly(yearly) => format!("{yearly} × {months} / 12 = {}", self.cost(months)),
        }
    }
}

/// An amount of kronor, 0 or more, as the calculators read it.
fn amount(field: &'static str, text: &str) -> Result<Money, Invalid> {
    let m = crate::input::money(field, text)?;
    if m.ore() < 0 { Err(Invalid::new(field, Text::new("cost-amount-negative"))) } else { Ok(m) }
}

/// The cost calculator as asked: a monthly salary, the on-cost, a monthly overhead and a
/// number of months.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CostModelForm {
    pub monthly_salary_kr: String,
    pub on_cost_percent: String,
    pub overhead_kr: String,
    pub months: String,
}

impl CostModelForm {
    /// The model and the months, every field checked at once.
    pub fn check(&self) -> Result<(CostModel, u32), Vec<Invalid>> {
        let mut errors = Errors::new();
        let monthly_salary = errors.keep(amount("monthly_salary_kr", &self.monthly_salary_kr));
        let on_cost = errors.keep(
            self.on_cost_percent.parse::<Percent>().map_err(|e| Invalid::new("on_cost_percent", e.text().sentence())),
        );
        let monthly_overhead = errors.keep(amount("overhead_kr", &self.overhead_kr));
        let months = errors.keep(
            self.months
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=1200).contains(m))
                .ok_or_else(|| Invalid::new("months", Text::new("cost-bad-months"))),
        );
        errors.finish(|| {
            Some((
                CostModel { monthly_salary: monthly_salary?, on_cost: on_cost?, monthly_overhead: monthly_overhead? },
                months?,
            ))
        })
    }
}

/// A year's cost of the shared post as typed: in parts (salary, on-cost, overhead) or as a
/// stated yearly amount.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PostCostForm {
    pub year: String,
    /// `parts` or `stated`.
    pub kind: String,
    pub monthly_salary_kr: String,
    pub on_cost_percent: String,
    pub overhead_kr: String,
    pub yearly_kr: String,
    pub note: String,
}

/// A year's cost of the post, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPostCost {
    pub year: crate::time::Year,
    pub cost: PostCost,
    pub note: Option<String>,
}

impl PostCostForm {
    pub fn check(&self) -> Result<NewPostCost, Vec<Invalid>> {
        let mut errors = Errors::new();
        let year = errors.keep(
            self.year
                .trim()
                .parse::<crate::time::Year>()
                .map_err(|_| Invalid::new("year", Text::new("invoices-bad-year"))),
        );
        let money = |field: &'static str, text: &str| match Money::parse_kr(text) {
            Ok(m) if m.ore() >= 0 => Ok(m),
            _ => Err(Invalid::new(field, Text::new("post-bad-amount"))),
        };
        let cost = if self.kind.trim() == "stated" {
            errors.keep(money("yearly_kr", &self.yearly_kr)).map(PostCost::StatedYearly)
        } else {
            let salary = errors.keep(money("monthly_salary_kr", &self.monthly_salary_kr));
            let overhead = if self.overhead_kr.trim().is_empty() { "0" } else { &self.overhead_kr };
            let overhead = errors.keep(money("overhead_kr", overhead));
            let percent = errors.keep(
                self.on_cost_percent
                    .parse::<Percent>()
                    .map_err(|e| Invalid::new("on_cost_percent", Text::new("full-stop").with_text("text", e.text()))),
            );
            match (salary, percent, overhead) {
                (Some(monthly_salary), Some(on_cost), Some(monthly_overhead)) => {
                    Some(PostCost::Parts(CostModel { monthly_salary, on_cost, monthly_overhead }))
                }
                _ => None,
            }
        };
        let note = Some(self.note.trim()).filter(|n| !n.is_empty()).map(str::to_owned);
        errors.finish(|| Some(NewPostCost { year: year?, cost: cost?, note }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> CostModel {
        CostModel {
            monthly_salary: Money::from_kr(39_500),
            on_cost: "48".parse().unwrap(),
            monthly_overhead: Money::ZERO,
        }
    }

    #[test]
    fn the_seed_model_for_a_year_a_half_year_and_eighteen_months() {
        assert_eq!(seed().cost(12), Money::from_kr(701_520));
        assert_eq!(seed().cost(6), Money::from_kr(350_760));
        assert_eq!(seed().cost(18), Money::from_kr(1_052_280));
    }

    #[test]
    fn a_stated_yearly_cost_is_taken_pro_rata() {
        let stated = PostCost::StatedYearly(Money::from_kr(763_945));
        assert_eq!(stated.cost(12), Money::from_kr(763_945));
        assert_eq!(stated.cost(6), Money::from_ore(38_197_250));
        assert_eq!(PostCost::Parts(seed()).cost(18), Money::from_kr(1_052_280));
        assert_eq!(
            PostCost::Parts(seed()).arithmetic(12),
            "(39\u{a0}500\u{a0}kr × (1 + 48\u{a0}%) + 0\u{a0}kr) × 12 = 701\u{a0}520\u{a0}kr"
        );
    }

    #[test]
    fn overhead_is_per_month() {
        let model = CostModel { monthly_overhead: Money::from_kr(1_000), ..seed() };
        assert_eq!(model.cost(12), Money::from_kr(713_520));
    }

    #[test]
    fn percentages_parse_and_show_the_swedish_way() {
        assert_eq!("31,42".parse::<Percent>().unwrap().hundredths(), 3_142);
        assert_eq!("48 %".parse::<Percent>().unwrap().to_string(), "48\u{a0}%");
        assert_eq!("31.4".parse::<Percent>().unwrap().to_string(), "31,40\u{a0}%");
        for bad in ["", "-1", "1,234", "fyrtio", "100001"] {
            assert!(bad.parse::<Percent>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_calculators_name_every_wrong_field_at_once() {
        let fields = |errors: Vec<Invalid>| errors.into_iter().map(|e| e.field.into_owned()).collect::<Vec<_>>();
        let bad = CostModelForm { on_cost_percent: "fyrtio".into(), months: "0".into(), ..Default::default() };
        assert_eq!(fields(bad.check().unwrap_err()), ["monthly_salary_kr", "on_cost_percent", "overhead_kr", "months"]);
        let good = CostModelForm {
            monthly_salary_kr: "39 500".into(),
            on_cost_percent: "48".into(),
            overhead_kr: "0".into(),
            months: "18".into(),
        };
        assert_eq!(good.check().unwrap().0.cost(18), Money::from_kr(1_052_280));
        let post = PostCostForm {
            year: "25".into(),
            kind: "parts".into(),
            monthly_salary_kr: "x".into(),
            ..Default::default()
        };
        assert_eq!(fields(post.check().unwrap_err()), ["year", "monthly_salary_kr", "on_cost_percent"]);
        let stated = PostCostForm {
            year: "2025".into(),
            kind: "stated".into(),
            yearly_kr: "700 000".into(),
            ..Default::default()
        };
        assert_eq!(stated.check().unwrap().cost, PostCost::StatedYearly(Money::from_kr(700_000)));
    }
}
