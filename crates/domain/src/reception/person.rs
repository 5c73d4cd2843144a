//! Persons placed in the municipality: who they are, which group they belong to, and when they
//! leave the target group.

use chrono::{Datelike, NaiveDate};

use crate::identity::{BirthDate, DossierNumber, PersonalNumber};
use crate::input::{Invalid, required_text};
use crate::text::Text;

crate::coded! {
    /// The two groups the order covers.
    pub enum Category {
        NewlyArrived = "newly_arrived",
        /// A quota refugee.
        Resettled = "resettled",
    }
}

crate::coded! {
    /// Why a person left the target group.
    pub enum ExitReason {
        Moved = "moved",
        SelfSufficient = "self_sufficient",
        /// The two years of the establishment period have passed.
        TwoYears = "two_years",
        Other = "other",
    }
}

crate::coded! {
    /// Why the work principle cannot apply for a while.
    pub enum ExemptionReason {
        Illness = "illness",
        Disability = "disability",
    }
}

/// Age of majority: the individual plan is drawn up with each adult.
pub const ADULT_AGE: u32 = 18;

/// Whole years of age on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

/// The latest birth date of someone who is an adult on `on`: born on or before it, they are
/// [`ADULT_AGE`] or older (a 29 February birthday falls on 28 February in other years, as
/// [`age_on`] counts). Lets a database count adults without computing each age.
pub fn adult_if_born_by(on: NaiveDate) -> NaiveDate {
    on.checked_sub_months(chrono::Months::new(12 * ADULT_AGE)).unwrap_or(NaiveDate::MIN)
}

/// A birth date as typed: YYYY-MM-DD, with 00 for a month or day that is not known, not in the
/// future and not before 1900.
pub fn check_birth_date(text: &str, today: NaiveDate) -> Result<BirthDate, Invalid> {
    let birth =
        BirthDate::parse(text).ok_or_else(|| Invalid::new("birth_date", Text::new("person-birth-date-format")))?;
    if birth.earliest() > today {
        Err(Invalid::new("birth_date", Text::new("person-birth-date-future")))
    } else if birth.year() < 1900 {
        Err(Invalid::new("birth_date", Text::new("person-birth-date-early")))
    } else {
        Ok(birth)
    }
}

/// What is known about a person at placement, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetails {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: BirthDate,
    pub personal_number: Option<PersonalNumber>,
    pub dossier_number: Option<DossierNumber>,
    pub category: Category,
    pub languages: Vec<String>,
    pub interpreter_needed: bool,
    pub protected_identity: bool,
    /// The day the person was received in the municipality; `None` until they arrive.
    pub reception_date: Option<NaiveDate>,
}

/// The fields as typed or read from a file.
#[derive(Debug, Clone, Default)]
pub struct PersonInput<'a> {
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub birth_date: &'a str,
    pub personal_number: Option<&'a str>,
    pub dossier_number: Option<&'a str>,
    pub category: &'a str,
    pub languages: &'a [String],
    pub interpreter_needed: bool,
    pub protected_identity: bool,
    pub reception_date: Option<&'a str>,
}

impl PersonInput<'_> {
    /// Checks every rule; the first broken one per field is reported, all fields are checked.
    pub fn check(&self, placement_date: NaiveDate, today: NaiveDate) -> Result<PersonDetails, Vec<Invalid>> {
        let mut errors = Vec::new();
        let given_name =
            keep(&mut errors, required_text("given_name", self.given_name, 100, Text::new("what-given-name")));
        let family_name =
            keep(&mut errors, required_text("family_name", self.family_name, 100, Text::new("what-family-name")));
        let birth_date = keep(&mut errors, check_birth_date(self.birth_date, today));
        let personal_number = keep(&mut errors, parse_personal_number(self.personal_number, today));
        let dossier_number = keep(&mut errors, parse_dossier_number(self.dossier_number));
        let category = keep(
            &mut errors,
            Category::from_code(self.category.trim())
                .ok_or_else(|| Invalid::new("category", Text::new("person-category-needed"))),
        );
        let reception_date = keep(&mut errors, crate::input::optional_date("reception_date", self.reception_date));
        let languages: Vec<String> =
            self.languages.iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
        if languages.iter().any(|l| l.chars().count() > 60 || l.contains(',')) {
            errors.push(Invalid::new("languages", Text::new("person-languages-format")));
        }
        if let (Some(Some(number)), Some(birth)) = (&personal_number, birth_date)
            && number.birth_date() != Some(birth)
        {
            errors.push(Invalid::new("personal_number", Text::new("person-number-birth-date")));
        }
        if let Some(Some(reception)) = reception_date {
            if reception > today {
                errors.push(Invalid::new("reception_date", Text::new("person-reception-future")));
            } else if let Err(e) = check_received_after_placement(reception, placement_date) {
                errors.push(e);
            } else if birth_date.is_some_and(|b| reception < b.earliest()) {
                errors.push(Invalid::new("reception_date", Text::new("person-reception-before-birth")));
            }
        }
        match (given_name, family_name, birth_date, personal_number, dossier_number, category, reception_date) {
            (
                Some(given_name),
                Some(family_name),
                Some(birth_date),
                Some(personal_number),
                Some(dossier_number),
                Some(category),
                Some(reception_date),
            ) if errors.is_empty() => Ok(PersonDetails {
                given_name,
                family_name,
                birth_date,
                personal_number,
                dossier_number,
                category,
                languages,
                interpreter_needed: self.interpreter_needed,
                protected_identity: self.protected_identity,
                reception_date,
            }),
            _ => Err(errors),
        }
    }
}

fn keep<T>(errors: &mut Vec<Invalid>, r: Result<T, Invalid>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// A person's fields as typed in a form: languages separated by commas, the two needs as
/// checkboxes.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PersonForm {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: String,
    pub personal_number: String,
    pub dossier_number: String,
    pub category: String,
    pub languages: String,
    pub interpreter_needed: Option<String>,
    pub protected_identity: Option<String>,
    pub reception_date: String,
    /// Ticked after a warning that someone of the same name and birth date is registered: the
    /// user says this is another person.
    pub not_a_duplicate: Option<String>,
}

impl PersonForm {
    /// Whether the user has said that this is not the person already registered.
    pub fn confirmed_not_duplicate(&self) -> bool {
        self.not_a_duplicate.as_deref().is_some_and(|v| !v.is_empty())
    }

    /// Every field checked; `placement` is the household's placement date when it is known
    /// (a reception cannot be before it).
    pub fn check(&self, placement: Option<NaiveDate>, today: NaiveDate) -> Result<PersonDetails, Vec<Invalid>> {
        let given = |text: &str| Some(text.trim()).filter(|t| !t.is_empty()).map(str::to_owned);
        let languages: Vec<String> = self.languages.split(',').map(|l| l.trim().to_owned()).collect();
        let (personal_number, dossier_number, reception_date) =
            (given(&self.personal_number), given(&self.dossier_number), given(&self.reception_date));
        PersonInput {
            given_name: &self.given_name,
            family_name: &self.family_name,
            birth_date: &self.birth_date,
            personal_number: personal_number.as_deref(),
            dossier_number: dossier_number.as_deref(),
            category: &self.category,
            languages: &languages,
            interpreter_needed: self.interpreter_needed.is_some(),
            protected_identity: self.protected_identity.is_some(),
            reception_date: reception_date.as_deref(),
        }
        .check(placement.unwrap_or(NaiveDate::MIN), today)
    }
}

/// A personnummer or samordningsnummer when one is given.
pub fn parse_personal_number(text: Option<&str>, today: NaiveDate) -> Result<Option<PersonalNumber>, Invalid> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => {
            PersonalNumber::parse(t, today).map(Some).map_err(|e| Invalid::new("personal_number", e.text().sentence()))
        }
    }
}

/// A dossier number when one is given.
pub fn parse_dossier_number(text: Option<&str>) -> Result<Option<DossierNumber>, Invalid> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => {
            t.parse::<DossierNumber>().map(Some).map_err(|e| Invalid::new("dossier_number", e.text().sentence()))
        }
    }
}

/// A person is received on or after the day the household was placed.
pub fn check_received_after_placement(reception: NaiveDate, placement: NaiveDate) -> Result<(), Invalid> {
    if reception < placement {
        Err(Invalid::new("reception_date", Text::new("person-reception-before-placement")))
    } else {
        Ok(())
    }
}

/// An exit from the target group, checked against the person's reception date.
pub fn check_exit(exit_date: NaiveDate, reception_date: Option<NaiveDate>) -> Result<(), Invalid> {
    match reception_date {
        None => Err(Invalid::new("exit_date", Text::new("person-exit-not-received"))),
        Some(r) if exit_date < r => Err(Invalid::new("exit_date", Text::new("person-exit-before-reception"))),
        Some(_) => Ok(()),
    }
}

/// Leaving the target group, as typed on the person's page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ExitForm {
    pub exit_date: String,
    pub reason: String,
    pub note: String,
}

/// Leaving the target group, checked; whether the person was received by then is the store's
/// to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewExit {
    pub date: NaiveDate,
    pub reason: ExitReason,
    pub note: Option<String>,
}

impl ExitForm {
    pub fn check(&self) -> Result<NewExit, Vec<Invalid>> {
        let mut errors = crate::input::Errors::new();
        let date = errors.keep(crate::input::date("exit_date", &self.exit_date));
        let reason = errors.keep(
            ExitReason::from_code(self.reason.trim())
                .ok_or_else(|| Invalid::new("reason", Text::new("exit-reason-needed"))),
        );
        let note = errors.keep(crate::input::optional_text("note", Some(&self.note), 1000, Text::new("what-note")));
        errors.finish(|| Some(NewExit { date: date?, reason: reason?, note: note? }))
    }
}

/// Coming back to the target group, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ReturnForm {
    pub returned_on: String,
}

impl ReturnForm {
    pub fn check(&self) -> Result<NaiveDate, Vec<Invalid>> {
        crate::input::date("returned_on", &self.returned_on).map_err(|e| vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input() -> PersonInput<'static> {
        PersonInput {
            given_name: "Test",
            family_name: "Testsson",
            birth_date: "1990-01-01",
            personal_number: Some("199001012385"),
            dossier_number: Some("12-345678"),
            category: "resettled",
            reception_date: Some("2024-02-01"),
            ..Default::default()
        }
    }

    fn fields(errors: Vec<Invalid>) -> Vec<String> {
        errors.into_iter().map(|e| e.field.into_owned()).collect()
    }

    #[test]
    fn a_complete_person_passes() {
        let person = input().check(d("2024-01-10"), d("2026-11-24")).unwrap();
        assert_eq!(person.personal_number.unwrap().digits(), "199001012385");
        assert_eq!(person.dossier_number.unwrap().to_string(), "12-345678");
        assert_eq!(person.category, Category::Resettled);
    }

    #[test]
    fn identity_numbers_are_checked() {
        let bad_check = PersonInput { personal_number: Some("199001012384"), ..input() };
        assert_eq!(fields(bad_check.check(d("2024-01-10"), d("2026-11-24")).unwrap_err()), ["personal_number"]);
        let bad_dossier = PersonInput { dossier_number: Some("12-34567"), ..input() };
        assert_eq!(fields(bad_dossier.check(d("2024-01-10"), d("2026-11-24")).unwrap_err()), ["dossier_number"]);
        let with_serial = PersonInput { dossier_number: Some("12345678/2"), ..input() };
        let ok = with_serial.check(d("2024-01-10"), d("2026-11-24")).unwrap();
        assert_eq!(ok.dossier_number.unwrap().to_string(), "12-345678/2");
    }

    #[test]
    fn a_samordningsnummer_is_the_day_plus_sixty() {
        let number = format!("19900161{}", "238");
        let check =
            crate::identity::luhn_check_digit(&number.as_bytes()[2..].iter().map(|b| b - b'0').collect::<Vec<_>>());
        let text = format!("{number}{check}");
        let person = PersonInput { personal_number: Some(&text), ..input() };
        let ok = person.check(d("2024-01-10"), d("2026-11-24")).unwrap();
        assert_eq!(ok.personal_number.unwrap().kind(), crate::identity::PersonalNumberKind::Samordningsnummer);
        let wrong_birth = PersonInput { personal_number: Some(&text), birth_date: "1990-01-02", ..input() };
        assert_eq!(fields(wrong_birth.check(d("2024-01-10"), d("2026-11-24")).unwrap_err()), ["personal_number"]);
    }

    #[test]
    fn dates_must_be_in_order_and_every_field_is_reported() {
        let early = PersonInput { reception_date: Some("2024-01-09"), ..input() };
        assert_eq!(fields(early.check(d("2024-01-10"), d("2026-11-24")).unwrap_err()), ["reception_date"]);
        let many = PersonInput {
            given_name: " ",
            birth_date: "2030-01-01",
            category: "tourist",
            personal_number: None,
            ..input()
        };
        assert_eq!(
            fields(many.check(d("2024-01-10"), d("2026-11-24")).unwrap_err()),
            ["given_name", "birth_date", "category"]
        );
        let ahead = PersonInput { reception_date: Some("2026-11-25"), ..input() };
        assert_eq!(fields(ahead.check(d("2024-01-10"), d("2026-11-24")).unwrap_err()), ["reception_date"]);
        assert!(check_received_after_placement(d("2024-01-09"), d("2024-01-10")).is_err());
        assert!(check_received_after_placement(d("2024-01-10"), d("2024-01-10")).is_ok());
        assert!(check_exit(d("2024-01-31"), Some(d("2024-02-01"))).is_err());
        assert!(check_exit(d("2024-02-01"), Some(d("2024-02-01"))).is_ok());
        assert!(check_exit(d("2024-02-01"), None).is_err());
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(d("2006-02-01"), d("2024-01-31")), 17);
        assert_eq!(age_on(d("2006-02-01"), d("2024-02-01")), 18);
        assert_eq!(age_on(d("2024-02-29"), d("2025-02-28")), 0);
    }

    #[test]
    fn an_empty_exit_names_the_day_and_the_reason() {
        let fields = fields(ExitForm::default().check().unwrap_err());
        assert_eq!(fields, ["exit_date", "reason"]);
        let exit = ExitForm { exit_date: "2024-05-01".into(), reason: "moved".into(), note: " ".into() };
        assert_eq!(exit.check().unwrap(), NewExit { date: d("2024-05-01"), reason: ExitReason::Moved, note: None });
    }

    #[test]
    fn the_adult_cutoff_agrees_with_age_on_every_day_of_a_leap_cycle() {
        let first: NaiveDate = "2020-01-01".parse().unwrap();
        for offset in 0..(4 * 366) {
            let on = first + chrono::Duration::days(offset);
            let cutoff = adult_if_born_by(on);
            assert!(age_on(cutoff, on) >= ADULT_AGE, "born {cutoff}, on {on}");
            let day_after = cutoff.succ_opt().unwrap();
            assert!(age_on(day_after, on) < ADULT_AGE, "born {day_after}, on {on}");
        }
    }
}

pub use crate::history::FieldChange;

impl PersonDetails {
    /// The fields as the history compares them, by the form's field names.
    fn fields(&self) -> [(&'static str, String); 10] {
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
        [
            ("given_name", self.given_name.clone()),
            ("family_name", self.family_name.clone()),
            ("birth_date", self.birth_date.to_string()),
            ("personal_number", self.personal_number.as_ref().map(|n| n.to_string()).unwrap_or_default()),
            ("dossier_number", self.dossier_number.as_ref().map(|n| n.to_string()).unwrap_or_default()),
            ("category", self.category.code().to_owned()),
            ("languages", self.languages.join(", ")),
            ("interpreter_needed", yes_no(self.interpreter_needed)),
            ("protected_identity", yes_no(self.protected_identity)),
            ("reception_date", self.reception_date.map(|d| d.to_string()).unwrap_or_default()),
        ]
    }

    /// What an edit changes, field by field; empty when nothing does.
    pub fn changes_to(&self, after: &PersonDetails) -> Vec<FieldChange> {
        crate::history::changes(self.fields(), after.fields())
    }
}

#[cfg(test)]
mod change_tests {
    use super::*;

    #[test]
    fn an_edit_lists_the_fields_it_changes() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let input = PersonInput {
            given_name: "Amina",
            family_name: "Hasan",
            birth_date: "1990-01-01",
            category: "resettled",
            ..Default::default()
        };
        let before = input.clone().check(NaiveDate::MIN, today).unwrap();
        assert!(before.changes_to(&before).is_empty());
        let after = PersonInput { family_name: "Hassan", personal_number: Some("199001012385"), ..input }
            .check(NaiveDate::MIN, today)
            .unwrap();
        let changes = before.changes_to(&after);
        let named: Vec<(&str, &str, &str)> =
            changes.iter().map(|c| (c.field.as_str(), c.before.as_str(), c.after.as_str())).collect();
        assert_eq!(named, [("family_name", "Hasan", "Hassan"), ("personal_number", "", "19900101-2385")]);
    }
}
