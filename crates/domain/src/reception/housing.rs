//! Temporary housing: the contract (two years by default), the checklist that the home is
//! equipped to sleep and eat in before arrival, damages, and moving out.

use chrono::NaiveDate;

use crate::agreements::calendar::add_months;
use crate::input::{Errors, Invalid, date, optional_date, required_text};
use crate::money::Money;
use crate::text::Text;

/// Temporary housing is for the first two years.
pub const DEFAULT_CONTRACT_MONTHS: u32 = 24;

/// Contracts ending within this many days show on the start pages.
pub const ENDING_SOON_DAYS: i64 = 90;

/// The default contract end: two years from the start, the day before the same date.
pub fn default_contract_end(start: NaiveDate) -> NaiveDate {
    add_months(start, DEFAULT_CONTRACT_MONTHS).pred_opt().expect("dates stay within range")
}

crate::coded! {
    /// What must be in the home before the household arrives ("sova och äta").
    pub enum ChecklistItem {
        Beds = "beds",
        Bedding = "bedding",
        Table = "table",
        Chairs = "chairs",
        Cooking = "cooking",
        Food = "food",
    }
}

/// A temporary home's contract, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HousingDetails {
    pub address: String,
    pub landlord: Option<String>,
    pub contract_start: NaiveDate,
    pub contract_end: NaiveDate,
    /// Monthly rent.
    pub rent: Option<Money>,
    pub checklist: Vec<ChecklistItem>,
}

impl HousingDetails {
    pub fn check(self) -> Result<HousingDetails, Invalid> {
        let address = required_text("address", &self.address, 200, Text::new("what-address"))?;
        let landlord =
            crate::input::optional_text("landlord", self.landlord.as_deref(), 200, Text::new("what-landlord"))?;
        if self.contract_end < self.contract_start {
            return Err(Invalid::new("contract_end", Text::new("housing-end-before-start")));
        }
        if self.rent.is_some_and(|r| r.ore() < 0) {
            return Err(Invalid::new("rent", Text::new("housing-rent-negative")));
        }
        Ok(HousingDetails { address, landlord, ..self })
    }

    pub fn equipped(&self) -> bool {
        equipped(&self.checklist)
    }
}

/// Whether everything on the checklist is in place: the home is ready to sleep and eat in.
pub fn equipped(checklist: &[ChecklistItem]) -> bool {
    ChecklistItem::ALL.iter().all(|item| checklist.contains(item))
}

/// Damage to a temporary home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub date: NaiveDate,
    pub description: String,
    pub cost: Money,
    pub tenant_pays: bool,
}

impl Damage {
    pub fn check(self, contract_start: NaiveDate) -> Result<Damage, Invalid> {
        let description = required_text("description", &self.description, 500, Text::new("what-damage"))?;
        if self.cost.ore() < 0 {
            return Err(Invalid::new("cost", Text::new("damage-cost-negative")));
        }
        if self.date < contract_start {
            return Err(Invalid::new("date", Text::new("damage-before-contract")));
        }
        Ok(Damage { description, ..self })
    }
}

/// The move-out routine: notice, key handover, booking and result of the inspection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoveOut {
    pub notice_date: Option<NaiveDate>,
    pub keys_returned_on: Option<NaiveDate>,
    pub inspection_on: Option<NaiveDate>,
    pub inspection_result: Option<String>,
}

impl MoveOut {
    pub fn check(self) -> Result<MoveOut, Invalid> {
        if let (Some(notice), Some(keys)) = (self.notice_date, self.keys_returned_on)
            && keys < notice
        {
            return Err(Invalid::new("keys_returned_on", Text::new("move-out-keys-before-notice")));
        }
        if self.inspection_result.is_some() && self.inspection_on.is_none() {
            return Err(Invalid::new("inspection_on", Text::new("move-out-inspection-needed")));
        }
        let inspection_result = crate::input::optional_text(
            "inspection_result",
            self.inspection_result.as_deref(),
            1000,
            Text::new("what-inspection-result"),
        )?;
        Ok(MoveOut { inspection_result, ..self })
    }
}

fn given(text: &str) -> Option<String> {
    Some(text.trim()).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// A temporary home's contract as typed. An empty end means the default two years.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct HousingForm {
    pub address: String,
    pub landlord: String,
    pub contract_start: String,
    pub contract_end: String,
    pub rent: String,
    /// The checklist's items that are in place, by code.
    pub checklist: Vec<String>,
}

impl HousingForm {
    pub fn check(&self) -> Result<HousingDetails, Vec<Invalid>> {
        let mut errors = Errors::new();
        let address = errors.keep(required_text("address", &self.address, 200, Text::new("what-address")));
        let start = errors.keep(date("contract_start", &self.contract_start));
        let end = errors.keep(optional_date("contract_end", Some(&self.contract_end)));
        let rent = errors.keep(match given(&self.rent) {
            None => Ok(None),
            Some(text) => {
                Money::parse_kr(&text).map(Some).map_err(|_| Invalid::new("rent", Text::new("housing-rent-format")))
            }
        });
        let details = errors.finish(|| {
            let start = start?;
            Some(HousingDetails {
                address: address?,
                landlord: given(&self.landlord),
                contract_start: start,
                contract_end: end?.unwrap_or_else(|| default_contract_end(start)),
                rent: rent?,
                checklist: self.checklist.iter().filter_map(|c| ChecklistItem::from_code(c.trim())).collect(),
            })
        })?;
        details.check().map_err(|e| vec![e])
    }
}

/// A damage as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DamageForm {
    pub date: String,
    pub description: String,
    pub cost: String,
    pub tenant_pays: String,
}

impl DamageForm {
    /// Every field checked; whether the damage is within the contract is checked against the
    /// stored home by [`Damage::check`].
    pub fn check(&self) -> Result<Damage, Vec<Invalid>> {
        let mut errors = Errors::new();
        let date = errors.keep(date("date", &self.date));
        let description = errors.keep(required_text("description", &self.description, 500, Text::new("what-damage")));
        let cost =
            errors.keep(Money::parse_kr(&self.cost).map_err(|_| Invalid::new("cost", Text::new("damage-cost-format"))));
        if cost.is_some_and(|c: Money| c.ore() < 0) {
            errors.push(Invalid::new("cost", Text::new("damage-cost-negative")));
        }
        errors.finish(|| {
            Some(Damage { date: date?, description: description?, cost: cost?, tenant_pays: self.tenant_pays == "yes" })
        })
    }
}

/// The move-out routine's steps as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct MoveOutForm {
    pub notice_date: String,
    pub keys_returned_on: String,
    pub inspection_on: String,
    pub inspection_result: String,
}

impl MoveOutForm {
    pub fn check(&self) -> Result<MoveOut, Vec<Invalid>> {
        let mut errors = Errors::new();
        let notice_date = errors.keep(optional_date("notice_date", Some(&self.notice_date)));
        let keys_returned_on = errors.keep(optional_date("keys_returned_on", Some(&self.keys_returned_on)));
        let inspection_on = errors.keep(optional_date("inspection_on", Some(&self.inspection_on)));
        let move_out = errors.finish(|| {
            Some(MoveOut {
                notice_date: notice_date?,
                keys_returned_on: keys_returned_on?,
                inspection_on: inspection_on?,
                inspection_result: given(&self.inspection_result),
            })
        })?;
        move_out.check().map_err(|e| vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn two_years_by_default() {
        assert_eq!(default_contract_end(d("2024-02-01")), d("2026-01-31"));
        assert_eq!(default_contract_end(d("2024-02-29")), d("2026-02-27"));
    }

    #[test]
    fn contract_and_damage_rules() {
        let housing = HousingDetails {
            address: "Exempelgatan 1".into(),
            landlord: None,
            contract_start: d("2024-02-01"),
            contract_end: d("2024-01-31"),
            rent: None,
            checklist: vec![],
        };
        assert_eq!(housing.clone().check().unwrap_err().field, "contract_end");
        let ok = HousingDetails { contract_end: d("2026-01-31"), checklist: ChecklistItem::ALL.to_vec(), ..housing };
        assert!(ok.clone().check().unwrap().equipped());
        let damage =
            Damage {
                date: d("2024-01-01"), description: "Dörr".into(), cost: Money::from_kr(1200), tenant_pays: true
            };
        assert_eq!(damage.clone().check(d("2024-02-01")).unwrap_err().field, "date");
        let empty = Damage { date: d("2024-05-03"), description: " ".into(), ..damage };
        assert_eq!(empty.check(d("2024-02-01")).unwrap_err().field, "description");
    }

    #[test]
    fn keys_after_notice_and_a_result_needs_a_date() {
        let early = MoveOut {
            notice_date: Some(d("2025-12-01")),
            keys_returned_on: Some(d("2025-11-30")),
            ..Default::default()
        };
        assert_eq!(early.check().unwrap_err().field, "keys_returned_on");
        let result = MoveOut { inspection_result: Some("Godkänd".into()), ..Default::default() };
        assert_eq!(result.check().unwrap_err().field, "inspection_on");
    }
}
