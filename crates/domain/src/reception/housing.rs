//! Temporary housing: the contract (two years by default), the checklist that the home is
//! equipped to sleep and eat in before arrival, damages, and moving out.

use chrono::NaiveDate;

use crate::agreements::calendar::add_months;
use crate::input::{Invalid, required_text};
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

/// What must be in the home before the household arrives ("sova och äta").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecklistItem {
    Beds,
    Bedding,
    Table,
    Chairs,
    Cooking,
    Food,
}

impl ChecklistItem {
    pub const ALL: [ChecklistItem; 6] = [
        ChecklistItem::Beds,
        ChecklistItem::Bedding,
        ChecklistItem::Table,
        ChecklistItem::Chairs,
        ChecklistItem::Cooking,
        ChecklistItem::Food,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChecklistItem::Beds => "beds",
            ChecklistItem::Bedding => "bedding",
            ChecklistItem::Table => "table",
            ChecklistItem::Chairs => "chairs",
            ChecklistItem::Cooking => "cooking",
            ChecklistItem::Food => "food",
        }
    }

    pub fn from_code(code: &str) -> Option<ChecklistItem> {
        ChecklistItem::ALL.into_iter().find(|c| c.code() == code.trim())
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
        if self.contract_end < self.contract_start {
            return Err(Invalid::new("contract_end", Text::new("housing-end-before-start")));
        }
        if self.rent.is_some_and(|r| r.ore() < 0) {
            return Err(Invalid::new("rent", Text::new("housing-rent-negative")));
        }
        Ok(HousingDetails { address, ..self })
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
