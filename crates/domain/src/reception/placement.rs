//! A placement: Migrationsverket assigns a household to the municipality, registered with its
//! first person.

use chrono::NaiveDate;

use super::person::{PersonDetails, PersonForm};
use crate::input::{Errors, Invalid, date, optional_date};
use crate::text::Text;

/// The placement form as typed: the household's dates and its first person.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlacementForm {
    /// Chosen when the user works for several municipalities.
    pub municipality_code: String,
    /// Named when the user belongs to no unit.
    pub unit: String,
    pub placement_date: String,
    pub expected_reception_date: String,
    #[serde(flatten)]
    pub person: PersonForm,
}

/// A placement, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub municipality_code: Option<String>,
    pub unit: Option<String>,
    pub placement_date: NaiveDate,
    pub expected_reception_date: Option<NaiveDate>,
    pub person: PersonDetails,
}

impl PlacementForm {
    /// Every field checked, the household's and the person's, at once.
    pub fn check(&self, today: NaiveDate) -> Result<Placement, Vec<Invalid>> {
        let mut errors = Errors::new();
        let placement_date = errors.keep(date("placement_date", &self.placement_date));
        let expected = errors.keep(optional_date("expected_reception_date", Some(&self.expected_reception_date)));
        if let (Some(placement), Some(expected)) = (placement_date, expected) {
            errors.keep(check_expected(placement, expected));
        }
        let person = errors.keep_all(self.person.check(placement_date, today));
        let given = |text: &str| Some(text.trim()).filter(|t| !t.is_empty()).map(str::to_owned);
        let unit = errors.keep(crate::input::optional_text("unit", Some(&self.unit), 200, Text::new("what-unit")));
        errors.finish(|| {
            Some(Placement {
                municipality_code: given(&self.municipality_code),
                unit: unit?,
                placement_date: placement_date?,
                expected_reception_date: expected?,
                person: person?,
            })
        })
    }
}

/// The household is expected on or after the day it was placed.
pub fn check_expected(placement: NaiveDate, expected: Option<NaiveDate>) -> Result<(), Invalid> {
    match expected {
        Some(expected) if expected < placement => {
            Err(Invalid::new("expected_reception_date", Text::new("household-expected-before-placement")))
        }
        _ => Ok(()),
    }
}

/// A household's placement corrected: its dates, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PlacementDatesForm {
    pub placement_date: String,
    pub expected_reception_date: String,
}

/// A household's placement dates, checked: the expected reception not before the placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacementDates {
    pub placement_date: NaiveDate,
    pub expected_reception_date: Option<NaiveDate>,
}

impl PlacementDatesForm {
    /// Both dates at once; whether anyone was received before the placement is the store's to
    /// ask ([`super::person::check_received_after_placement`]).
    pub fn check(&self, today: NaiveDate) -> Result<PlacementDates, Vec<Invalid>> {
        let mut errors = Errors::new();
        let placement_date = errors.keep(date("placement_date", &self.placement_date).and_then(|d| {
            if d > today { Err(Invalid::new("placement_date", Text::new("household-placement-future"))) } else { Ok(d) }
        }));
        let expected = errors.keep(optional_date("expected_reception_date", Some(&self.expected_reception_date)));
        if let (Some(placement), Some(expected)) = (placement_date, expected) {
            errors.keep(check_expected(placement, expected));
        }
        errors.finish(|| Some(PlacementDates { placement_date: placement_date?, expected_reception_date: expected? }))
    }
}

impl PlacementDates {
    /// What an edit changes, as the household's history shows it.
    pub fn changes_to(&self, after: &PlacementDates) -> Vec<crate::history::FieldChange> {
        let fields = |d: &PlacementDates| {
            [
                ("placement_date", d.placement_date.to_string()),
                ("expected_reception_date", d.expected_reception_date.map(|e| e.to_string()).unwrap_or_default()),
            ]
        };
        crate::history::changes(fields(self), fields(after))
    }
}

/// The day a household arrived, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ArrivalForm {
    pub reception_date: String,
}

impl ArrivalForm {
    pub fn check(&self) -> Result<NaiveDate, Vec<Invalid>> {
        date("reception_date", &self.reception_date).map_err(|e| vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrected_placement_dates_are_checked_together() {
        let today = "2026-12-06".parse().unwrap();
        let form = |placement: &str, expected: &str| PlacementDatesForm {
            placement_date: placement.into(),
            expected_reception_date: expected.into(),
        };
        let fields = |f: PlacementDatesForm| -> Vec<String> {
            f.check(today).err().unwrap_or_default().into_iter().map(|e| e.field.into_owned()).collect()
        };
        assert!(fields(form("2026-11-01", "2026-11-20")).is_empty());
        assert_eq!(fields(form("2026-11-20", "2026-11-01")), ["expected_reception_date"]);
        assert_eq!(fields(form("2027-01-01", "")), ["placement_date"], "not in the future");
        let before = form("2026-11-01", "").check(today).unwrap();
        let after = form("2026-10-30", "2026-11-20").check(today).unwrap();
        let changed: Vec<String> = before.changes_to(&after).into_iter().map(|c| c.field).collect();
        assert_eq!(changed, ["placement_date", "expected_reception_date"]);
    }

    #[test]
    fn an_empty_placement_names_every_missing_field_at_once() {
        let errors = PlacementForm::default().check("2026-12-01".parse().unwrap()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["placement_date", "given_name", "family_name", "birth_date", "category"]);
        assert!(errors[0].message.swedish().contains("anvisningsdatumet"), "the date says which date");
    }

    #[test]
    fn the_household_is_expected_on_or_after_its_placement() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let early = check_expected(d("2024-03-01"), Some(d("2024-02-29"))).unwrap_err();
        assert_eq!(early.field, "expected_reception_date");
        assert!(check_expected(d("2024-03-01"), Some(d("2024-03-01"))).is_ok());
        assert!(check_expected(d("2024-03-01"), None).is_ok());
    }
}

/// Whether a user may be a household's responsible case worker (ansvarig handläggare): an
/// active case worker of the household's municipality and unit.
pub fn may_be_responsible(
    roles: &[crate::access::Role],
    disabled: bool,
    municipalities: &[crate::municipality::MunicipalityCode],
    unit: Option<&str>,
    household_municipality: &str,
    household_unit: &str,
) -> bool {
    !disabled
        && roles.contains(&crate::access::Role::CaseWorker)
        && municipalities.iter().any(|m| m.as_str() == household_municipality)
        && unit == Some(household_unit)
}

#[cfg(test)]
mod responsible_tests {
    use super::may_be_responsible;
    use crate::access::Role;

    #[test]
    fn the_responsible_is_an_active_case_worker_of_the_households_unit() {
        let codes = ["0117".parse().unwrap()];
        let ok =
            |roles: &[Role], disabled, unit| may_be_responsible(roles, disabled, &codes, unit, "0117", "Mottagningen");
        assert!(ok(&[Role::CaseWorker], false, Some("Mottagningen")));
        assert!(!ok(&[Role::CaseWorker], true, Some("Mottagningen")), "disabled");
        assert!(!ok(&[Role::UnitManager], false, Some("Mottagningen")), "not a case worker");
        assert!(!ok(&[Role::CaseWorker], false, Some("Vuxenenheten")), "another unit");
        assert!(!may_be_responsible(&[Role::CaseWorker], false, &codes, Some("Mottagningen"), "0586", "Mottagningen"));
    }
}
