//! A month's economy as vouchers for the municipality's accounting: costs on their expense
//! accounts, claims as money owed by Migrationsverket, and what is charged to the grant moved
//! to the grant's cost centre. Every voucher balances; no voucher names a person.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::rules::CostCategory;
use crate::money::Money;
use crate::text::Text;

/// Where each kind of amount is booked. Keys are stable: they name the settings' rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accounts {
    pub expense: BTreeMap<CostCategory, String>,
    pub vat: String,
    pub payable: String,
    pub receivable: String,
    pub revenue: String,
    /// The reception unit's cost centre (dimension 1).
    pub cost_centre: String,
    /// The grant's cost centre, where what the grant pays is moved.
    pub grant_cost_centre: String,
    /// The municipality's organisation number, which the file names its books by.
    pub org_number: Option<crate::identity::OrganisationNumber>,
}

/// The settings' keys with their default values: accounts from the BAS chart, to be changed to
/// the municipality's own; cost centres and the organisation number empty until someone enters
/// them. The expense accounts follow `CostCategory::ALL`.
pub const DEFAULTS: [(&str, &str); 18] = [
    ("expense_rent_before_arrival", "5010"),
    ("expense_travel_from_airport", "5800"),
    ("expense_travel_for_cards", "5800"),
    ("expense_overtime", "7210"),
    ("expense_food_first_day", "5460"),
    ("expense_clothes", "5460"),
    ("expense_home_equipment", "5410"),
    ("expense_interpreter", "6590"),
    ("expense_special_measures", "6590"),
    ("expense_other", "6990"),
    ("expense_economic_assistance", "6990"),
    ("vat", "2641"),
    ("payable", "2440"),
    ("receivable", "1680"),
    ("revenue", "3980"),
    ("cost_centre", ""),
    ("grant_cost_centre", ""),
    ("org_number", ""),
];

crate::coded! {
    /// An account's type as SIE declares it (#KTYP): asset, liability, cost or income.
    pub enum AccountType {
        Asset = "T",
        Liability = "S",
        Cost = "K",
        Income = "I",
    }
}

/// The type of the account a setting names; none for a setting that is not an account.
pub fn account_type(key: &str) -> Option<AccountType> {
    match key {
        _ if key.starts_with("expense_") => Some(AccountType::Cost),
        "vat" | "receivable" => Some(AccountType::Asset),
        "payable" => Some(AccountType::Liability),
        "revenue" => Some(AccountType::Income),
        _ => None,
    }
}

/// A known key as the static name forms and errors use.
pub fn key(name: &str) -> Option<&'static str> {
    DEFAULTS.iter().map(|(k, _)| *k).find(|k| *k == name)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountsError {
    #[error("{0}: an account number has four digits")]
    Account(&'static str),
    #[error("{0}: a cost centre has at most 20 letters, digits and hyphens")]
    CostCentre(&'static str),
    #[error("unknown setting")]
    Unknown,
    #[error("the cost centres of the reception and of the grant are not set")]
    CostCentresMissing,
    #[error("{0}: not a valid organisation number")]
    OrgNumber(&'static str),
    #[error("the municipality's organisation number is not set")]
    OrgNumberMissing,
}

impl AccountsError {
    /// What to tell the person keeping the settings or exporting.
    pub fn text(&self) -> Text {
        Text::new(match self {
            AccountsError::Account(_) => "accounts-account-format",
            AccountsError::CostCentre(_) => "accounts-cost-centre-format",
            AccountsError::Unknown => "accounts-unknown",
            AccountsError::CostCentresMissing => "accounts-cost-centres-missing",
            AccountsError::OrgNumber(_) => "accounts-org-number-format",
            AccountsError::OrgNumberMissing => "accounts-org-number-missing",
        })
    }
}

/// Whether a setting's value is written as its kind needs: an account has four digits, a cost
/// centre at most 20 letters, digits and hyphens, an organisation number its check digit (or is
/// not yet given).
pub fn check_setting(key: &'static str, value: &str) -> Result<(), AccountsError> {
    let value = value.trim();
    if key == "org_number" {
        return match value {
            "" => Ok(()),
            _ => value
                .parse::<crate::identity::OrganisationNumber>()
                .map(|_| ())
                .map_err(|_| AccountsError::OrgNumber(key)),
        };
    }
    let centre = key.ends_with("cost_centre");
    let ok = if centre {
        value.len() <= 20 && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    } else {
        value.len() == 4 && value.chars().all(|c| c.is_ascii_digit())
    };
    if ok {
        Ok(())
    } else if centre {
        Err(AccountsError::CostCentre(key))
    } else {
        Err(AccountsError::Account(key))
    }
}

impl Accounts {
    /// From the settings' rows (key, value); a missing key takes its default.
    pub fn from_settings(rows: &[(String, String)]) -> Result<Accounts, AccountsError> {
        let mut values: BTreeMap<&'static str, String> = DEFAULTS.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        for (name, value) in rows {
            values.insert(key(name).ok_or(AccountsError::Unknown)?, value.trim().to_owned());
        }
        for (key, value) in &values {
            check_setting(key, value)?;
        }
        let get = |name: &str| key(name).and_then(|k| values.get(k)).cloned().unwrap_or_default();
        Ok(Accounts {
            expense: CostCategory::ALL.iter().map(|c| (*c, get(&format!("expense_{}", c.code())))).collect(),
            vat: get("vat"),
            payable: get("payable"),
            receivable: get("receivable"),
            revenue: get("revenue"),
            cost_centre: get("cost_centre"),
            grant_cost_centre: get("grant_cost_centre"),
            org_number: Some(get("org_number")).filter(|n| !n.is_empty()).and_then(|n| n.parse().ok()),
        })
    }

    fn expense(&self, category: CostCategory) -> String {
        self.expense.get(&category).cloned().unwrap_or_default()
    }
}

/// The settings as typed on the SIE page, one field a key of [`DEFAULTS`].
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AccountsForm {
    pub municipality: String,
    pub expense_rent_before_arrival: String,
    pub expense_travel_from_airport: String,
    pub expense_travel_for_cards: String,
    pub expense_overtime: String,
    pub expense_food_first_day: String,
    pub expense_clothes: String,
    pub expense_home_equipment: String,
    pub expense_interpreter: String,
    pub expense_special_measures: String,
    pub expense_other: String,
    pub expense_economic_assistance: String,
    pub vat: String,
    pub payable: String,
    pub receivable: String,
    pub revenue: String,
    pub cost_centre: String,
    pub grant_cost_centre: String,
    pub org_number: String,
}

impl AccountsForm {
    /// The fields by their keys, in the order of [`DEFAULTS`].
    fn values(&self) -> [(&'static str, &str); 18] {
        [
            ("expense_rent_before_arrival", &self.expense_rent_before_arrival),
            ("expense_travel_from_airport", &self.expense_travel_from_airport),
            ("expense_travel_for_cards", &self.expense_travel_for_cards),
            ("expense_overtime", &self.expense_overtime),
            ("expense_food_first_day", &self.expense_food_first_day),
            ("expense_clothes", &self.expense_clothes),
            ("expense_home_equipment", &self.expense_home_equipment),
            ("expense_interpreter", &self.expense_interpreter),
            ("expense_special_measures", &self.expense_special_measures),
            ("expense_other", &self.expense_other),
            ("expense_economic_assistance", &self.expense_economic_assistance),
            ("vat", &self.vat),
            ("payable", &self.payable),
            ("receivable", &self.receivable),
            ("revenue", &self.revenue),
            ("cost_centre", &self.cost_centre),
            ("grant_cost_centre", &self.grant_cost_centre),
            ("org_number", &self.org_number),
        ]
    }

    /// Every setting checked at once, as the rows (key, value) to store.
    pub fn check(&self) -> Result<Vec<(String, String)>, Vec<crate::input::Invalid>> {
        let mut errors = crate::input::Errors::new();
        for (key, value) in self.values() {
            errors.keep(check_setting(key, value).map_err(|e| crate::input::Invalid::new(key, e.text())));
        }
        errors.finish(|| Some(self.values().iter().map(|(k, v)| ((*k).to_owned(), v.trim().to_owned())).collect()))
    }
}

/// A month's export as asked: the municipality and the month, `YYYY-MM`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExportForm {
    pub municipality: String,
    pub month: String,
}

/// A month to export, checked: as written, and its first and last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportMonth {
    pub month: String,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl ExportForm {
    /// The month asked for, or `latest` when none is written.
    pub fn check(&self, latest: &str) -> Result<ExportMonth, Vec<crate::input::Invalid>> {
        let month = match self.month.trim() {
            "" => latest.to_owned(),
            written => written.to_owned(),
        };
        match crate::time::parse_month(&month) {
            Some((first, last)) => Ok(ExportMonth { month, first, last }),
            None => Err(vec![crate::input::Invalid::new("month", Text::new("sie-month-format"))]),
        }
    }
}

/// One line of a voucher: debit positive, credit negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub account: String,
    pub cost_centre: Option<String>,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voucher {
    pub date: NaiveDate,
    pub text: String,
    pub lines: Vec<Line>,
}

impl Voucher {
    /// Zero for a voucher that balances.
    pub fn balance(&self) -> Money {
        self.lines.iter().map(|l| l.amount).sum()
    }
}

/// A cost recorded in the month.
#[derive(Debug, Clone)]
pub struct MonthCost {
    pub id: i32,
    /// The day it was recorded: the voucher's date.
    pub date: NaiveDate,
    /// The day on the receipt.
    pub cost_date: NaiveDate,
    pub category: CostCategory,
    pub amount: Money,
    pub vat: Money,
    /// The receipt's reference; the supplier is left out, as it may be a private person.
    pub receipt: Option<String>,
}

/// A claim whose first sending to Migrationsverket was recorded in the month, with the amount
/// claimed.
#[derive(Debug, Clone)]
pub struct MonthClaim {
    pub id: i32,
    pub submitted_on: NaiveDate,
    pub claimed: Money,
}

/// A charge to the grant recorded in the month: a cost's category, or a claim's shortfall.
#[derive(Debug, Clone)]
pub struct MonthCharge {
    pub id: i32,
    pub date: NaiveDate,
    pub category: Option<CostCategory>,
    pub amount: Money,
}

/// A category as the municipality's bookkeeping reads it.
fn category_name(category: CostCategory) -> Text {
    Text::new(format!("cost-category-{}", category.code()))
}

/// The vouchers for what was recorded in a month, in date order: costs, claims, charges to the
/// grant. A cost entered late is booked in the month it was entered, so that no month's export
/// misses it and each record is in exactly one month. Economic
/// assistance is paid and booked by the economic-assistance unit; only its claim is here.
pub fn vouchers(
    accounts: &Accounts,
    costs: &[MonthCost],
    claims: &[MonthClaim],
    charges: &[MonthCharge],
) -> Result<Vec<Voucher>, AccountsError> {
    if accounts.cost_centre.is_empty() || accounts.grant_cost_centre.is_empty() {
        return Err(AccountsError::CostCentresMissing);
    }
    if accounts.org_number.is_none() {
        return Err(AccountsError::OrgNumberMissing);
    }
    let unit = Some(accounts.cost_centre.clone());
    let grant = Some(accounts.grant_cost_centre.clone());
    let mut out = Vec::new();
    for c in costs.iter().filter(|c| c.category != CostCategory::EconomicAssistance) {
        let mut lines =
            vec![Line { account: accounts.expense(c.category), cost_centre: unit.clone(), amount: c.amount }];
        if c.vat.ore() != 0 {
            lines.push(Line { account: accounts.vat.clone(), cost_centre: None, amount: c.vat });
        }
        lines.push(Line { account: accounts.payable.clone(), cost_centre: None, amount: -(c.amount + c.vat) });
        // The vouchers go to the municipality's bookkeeping, which is kept in Swedish.
        let text = match c.receipt.as_deref() {
            Some(receipt) => Text::new("voucher-cost-receipt").with("receipt", receipt),
            None => Text::new("voucher-cost"),
        }
        .with("id", c.id)
        .with("date", c.cost_date)
        .with_text("category", category_name(c.category))
        .swedish();
        out.push(Voucher { date: c.date, text, lines });
    }
    for c in claims {
        out.push(Voucher {
            date: c.submitted_on,
            text: Text::new("voucher-claim").with("id", c.id).swedish(),
            lines: vec![
                Line { account: accounts.receivable.clone(), cost_centre: None, amount: c.claimed },
                Line { account: accounts.revenue.clone(), cost_centre: unit.clone(), amount: -c.claimed },
            ],
        });
    }
    for c in charges {
        let lines = match c.category {
            // What is not reclaimable moves from the unit's cost centre to the grant's.
            Some(category) => vec![
                Line { account: accounts.expense(category), cost_centre: grant.clone(), amount: c.amount },
                Line { account: accounts.expense(category), cost_centre: unit.clone(), amount: -c.amount },
            ],
            // What Migrationsverket did not grant will not be paid: the revenue is the grant's loss.
            None => vec![
                Line { account: accounts.revenue.clone(), cost_centre: grant.clone(), amount: c.amount },
                Line { account: accounts.receivable.clone(), cost_centre: None, amount: -c.amount },
            ],
        };
        let what = c.category.map_or_else(|| Text::new("voucher-not-granted"), category_name);
        let text = Text::new("voucher-grant-charge").with("id", c.id).with_text("what", what).swedish();
        out.push(Voucher { date: c.date, text, lines });
    }
    out.sort_by_key(|v| v.date);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::economy::rules::tests::d;

    fn accounts() -> Accounts {
        let rows = vec![
            ("cost_centre".into(), "1410".into()),
            ("grant_cost_centre".into(), "1411".into()),
            ("org_number".into(), "212000-0142".into()),
        ];
        Accounts::from_settings(&rows).unwrap()
    }

    #[test]
    fn every_voucher_balances_and_the_grant_takes_what_is_not_reclaimable() {
        let a = accounts();
        let vouchers = vouchers(
            &a,
            &[MonthCost {
                id: 1,
                date: d("2024-03-02"),
                category: CostCategory::HomeEquipment,
                amount: Money::from_kr(9500),
                vat: Money::from_kr(2375),
                cost_date: d("2024-03-01"),
                receipt: Some("K-1".into()),
            }],
            &[MonthClaim { id: 4, submitted_on: d("2024-03-20"), claimed: Money::from_kr(9000) }],
            &[
                MonthCharge {
                    id: 7,
                    date: d("2024-03-02"),
                    category: Some(CostCategory::HomeEquipment),
                    amount: Money::from_kr(500),
                },
                MonthCharge { id: 8, date: d("2024-03-25"), category: None, amount: Money::from_kr(1000) },
            ],
        )
        .unwrap();
        assert_eq!(vouchers.len(), 4);
        assert!(vouchers.iter().all(|v| v.balance() == Money::ZERO));
        assert_eq!(
            vouchers[0].lines[0],
            Line { account: "5410".into(), cost_centre: Some("1410".into()), amount: Money::from_kr(9500) }
        );
        assert_eq!(vouchers[0].lines[2].amount, Money::from_kr(-11_875));
        let moved = &vouchers[1];
        assert_eq!((moved.lines[0].cost_centre.as_deref(), moved.lines[0].amount), (Some("1411"), Money::from_kr(500)));
    }

    #[test]
    fn cost_centres_and_accounts_are_checked() {
        assert_eq!(
            vouchers(&Accounts::from_settings(&[]).unwrap(), &[], &[], &[]),
            Err(AccountsError::CostCentresMissing)
        );
        assert_eq!(Accounts::from_settings(&[("vat".into(), "26x1".into())]), Err(AccountsError::Account("vat")));
        assert_eq!(
            Accounts::from_settings(&[("cost_centre".into(), "a b".into())]),
            Err(AccountsError::CostCentre("cost_centre"))
        );
    }

    proptest! {
        #[test]
        fn vouchers_balance_whatever_the_amounts(amount in 0i64..10_000_000, vat in 0i64..3_000_000, charge in -1_000_000i64..1_000_000) {
            let costs = [MonthCost { id: 1, date: d("2024-03-02"), category: CostCategory::Clothes, amount: Money::from_ore(amount), vat: Money::from_ore(vat), cost_date: d("2024-03-02"), receipt: None }];
            let charges = [MonthCharge { id: 2, date: d("2024-03-03"), category: None, amount: Money::from_ore(charge) }];
            for v in vouchers(&accounts(), &costs, &[], &charges).unwrap() {
                prop_assert_eq!(v.balance(), Money::ZERO);
            }
        }
    }

    #[test]
    fn the_settings_form_names_every_wrong_account_at_once() {
        let form = AccountsForm {
            vat: "26".into(),
            cost_centre: "a b".into(),
            org_number: "212000-0143".into(),
            ..Default::default()
        };
        let fields: Vec<String> = form.check().unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(
            fields.len(),
            17,
            "eleven expense accounts, four more accounts, one cost centre, the organisation number: {fields:?}"
        );
        assert!(fields.contains(&"org_number".to_owned()), "a wrong check digit");
        assert!(fields.contains(&"vat".to_owned()) && fields.contains(&"cost_centre".to_owned()));
        assert!(!fields.contains(&"grant_cost_centre".to_owned()), "an empty cost centre is allowed");
        let good = AccountsForm { expense_rent_before_arrival: "5010".into(), ..Default::default() };
        assert_eq!(DEFAULTS.len(), good.values().len());
        assert!(good.values().iter().zip(DEFAULTS).all(|((form, _), (default, _))| *form == default), "in order");
    }
}
