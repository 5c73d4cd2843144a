//! A version of an agreement as entered: its decision, terms, parties and contact persons; and
//! the co-financing agreement's form that registers one or records an amendment.

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::Period;
use super::termination::RefundPolicy;
use super::terms::{Instalment, InvoiceSchedule, InvoiceScheduleKind, Terms, Validity};
use crate::identity::OrganisationNumber;
use crate::input::{Errors, Invalid, date};
use crate::municipality::MunicipalityCode;
use crate::text::Text;

crate::coded! {
    /// Whose contact person: a co-financing agreement's county board or municipality, an order's
    /// committee or executing administration.
    pub enum Side {
        County = "county",
        Municipality = "municipality",
        Committee = "committee",
        Executor = "executor",
    }
}

/// A contact person named in a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub side: Side,
    pub name: String,
    pub title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A version as entered.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub effective_from: NaiveDate,
    pub registry_number: Option<String>,
    pub decision: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub terms: Terms,
    pub municipality_org_number: OrganisationNumber,
    pub county_org_number: OrganisationNumber,
    pub contacts: Vec<Contact>,
    pub note: Option<String>,
}

impl NewVersion {
    /// The rules a version keeps whoever entered it: a fixed term ends after it starts, a yearly
    /// due day is in the calendar, instalments are named, every contact has a name.
    pub fn check(&self) -> Result<(), Invalid> {
        let terms = &self.terms;
        if let Validity::FixedTerm { start, end } = terms.validity
            && end < start
        {
            return Err(Invalid::new("end_date", Text::new("agreement-end-before-start")));
        }
        if let InvoiceSchedule::Yearly { month, day } = terms.schedule
            && NaiveDate::from_ymd_opt(2023, month, day).is_none()
        {
            return Err(Invalid::new("yearly_due", Text::new("agreement-yearly-due-invalid")));
        }
        if let InvoiceSchedule::Instalments(list) = &terms.schedule
            && list.is_empty()
        {
            return Err(Invalid::new("instalments", Text::new("agreement-instalments-needed")));
        }
        if self.contacts.iter().any(|c| c.name.trim().is_empty()) {
            return Err(Invalid::new("contacts", Text::new("agreement-contact-name-needed")));
        }
        Ok(())
    }
}

/// A text when one is written, trimmed.
pub(crate) fn given(text: &str) -> Option<String> {
    Some(text.trim()).filter(|t| !t.is_empty()).map(str::to_owned)
}

/// A free text when one is written, at most `max` characters: a page shows it whole.
pub(crate) fn bounded(field: &'static str, text: &str, max: usize) -> Result<Option<String>, Invalid> {
    match given(text) {
        Some(t) if t.chars().count() > max => Err(Invalid::new(field, Text::new("text-too-long").with("max", max))),
        given => Ok(given),
    }
}

/// The registrar's number of a decision or an agreement.
pub(crate) fn registry_number(text: &str) -> Result<Option<String>, Invalid> {
    bounded("registry_number", text, 100)
}

/// Which decision, as the registrar names it.
pub(crate) fn decision(text: &str) -> Result<Option<String>, Invalid> {
    bounded("decision", text, 1000)
}

/// A number of months when one is written: 1 to 120.
fn optional_months(field: &'static str, text: &str) -> Result<Option<u32>, Invalid> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<u32>()
            .ok()
            .filter(|m| (1..=120).contains(m))
            .map(Some)
            .ok_or_else(|| Invalid::new(field, Text::new("agreement-form-bad-months"))),
    }
}

/// An organisation number, checked.
pub(crate) fn org_number(field: &'static str, text: &str) -> Result<OrganisationNumber, Invalid> {
    text.trim().parse::<OrganisationNumber>().map_err(|e| Invalid::new(field, e.text().sentence()))
}

/// A co-financing agreement's version as typed: the form that registers an agreement and the
/// one that records an amendment.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct VersionForm {
    pub effective_from: String,
    pub registry_number: String,
    pub decision: String,
    pub signed_on: String,
    /// `fixed` or `until_notice`.
    pub validity: String,
    pub start_date: String,
    pub end_date: String,
    pub notice_months: String,
    pub refund_policy: String,
    pub vacancy_threshold_months: String,
    /// `yearly` or `instalments`.
    pub schedule: String,
    pub due_month: String,
    pub due_day: String,
    /// One instalment a line: `due;start;end`.
    pub instalments: String,
    pub municipality_org_number: String,
    pub county_org_number: String,
    pub county_contact_name: String,
    pub county_contact_title: String,
    pub county_contact_email: String,
    pub county_contact_phone: String,
    pub municipality_contact_name: String,
    pub municipality_contact_title: String,
    pub municipality_contact_email: String,
    pub municipality_contact_phone: String,
    pub note: String,
}

impl VersionForm {
    /// Every field checked at once.
    pub fn check(&self) -> Result<NewVersion, Vec<Invalid>> {
        let mut errors = Errors::new();
        let effective_from = errors.keep(date("effective_from", &self.effective_from));
        let signed_on = errors.keep(crate::input::optional_date("signed_on", Some(&self.signed_on)));
        let start = errors.keep(date("start_date", &self.start_date));
        let fixed = self.validity.trim() == "fixed";
        let end = if fixed { errors.keep(date("end_date", &self.end_date)).map(Some) } else { Some(None) };
        if let (Some(start), Some(Some(end))) = (start, end)
            && end < start
        {
            errors.push(Invalid::new("end_date", Text::new("agreement-end-before-start")));
        }
        let notice = errors.keep(optional_months("notice_months", &self.notice_months));
        let vacancy = errors.keep(optional_months("vacancy_threshold_months", &self.vacancy_threshold_months));
        let refund_policy = RefundPolicy::from_code(self.refund_policy.trim()).unwrap_or(RefundPolicy::None);
        let schedule = errors.keep_all(self.schedule());
        let municipality_org = errors.keep(org_number("municipality_org_number", &self.municipality_org_number));
        let county_org = errors.keep(org_number("county_org_number", &self.county_org_number));
        let registry_number = errors.keep(registry_number(&self.registry_number));
        let decision = errors.keep(decision(&self.decision));
        let note = errors.keep(bounded("note", &self.note, 2000));
        for (field, text) in self.contact_fields() {
            errors.keep(bounded(field, text, 200));
        }
        errors.finish(|| {
            let start = start?;
            Some(NewVersion {
                effective_from: effective_from?,
                registry_number: registry_number?,
                decision: decision?,
                signed_on: signed_on?,
                terms: Terms {
                    validity: Validity::from_dates(start, end?),
                    notice_months: notice?,
                    refund_policy,
                    vacancy_threshold_months: vacancy?,
                    schedule: schedule?,
                },
                municipality_org_number: municipality_org?,
                county_org_number: county_org?,
                contacts: self.contacts(),
                note: note?,
            })
        })
    }

    /// Yearly by a day, or the instalments one a line.
    fn schedule(&self) -> Result<InvoiceSchedule, Vec<Invalid>> {
        if InvoiceScheduleKind::from_code(self.schedule.trim()) != Some(InvoiceScheduleKind::Instalments) {
            return match (self.due_month.trim().parse::<u32>(), self.due_day.trim().parse::<u32>()) {
                (Ok(month), Ok(day)) if NaiveDate::from_ymd_opt(2023, month, day).is_some() => {
                    Ok(InvoiceSchedule::Yearly { month, day })
                }
                _ => Err(vec![Invalid::new("due_day", Text::new("agreement-form-bad-due"))]),
            };
        }
        let mut errors = Vec::new();
        let mut list = Vec::new();
        for line in self.instalments.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let day = |text: &str| crate::time::parse_date(text);
            let parsed = match line.split(';').map(str::trim).collect::<Vec<_>>().as_slice() {
                [due, start, end] => match (day(due), day(start), day(end)) {
                    (Some(due), Some(start), Some(end)) => {
                        Period::new(start, end).ok().map(|period| Instalment { due, period })
                    }
                    _ => None,
                },
                _ => None,
            };
            match parsed {
                Some(i) => list.push(i),
                None => errors
                    .push(Invalid::new("instalments", Text::new("agreement-form-bad-instalment").with("line", line))),
            }
        }
        if list.is_empty() && errors.is_empty() {
            errors.push(Invalid::new("instalments", Text::new("agreement-form-no-instalments")));
        }
        if errors.is_empty() { Ok(InvoiceSchedule::Instalments(list)) } else { Err(errors) }
    }

    /// The contact persons named, the county's first.
    /// The contacts' fields by name, for their length check.
    fn contact_fields(&self) -> [(&'static str, &str); 8] {
        [
            ("county_contact_name", &self.county_contact_name),
            ("county_contact_title", &self.county_contact_title),
            ("county_contact_email", &self.county_contact_email),
            ("county_contact_phone", &self.county_contact_phone),
            ("municipality_contact_name", &self.municipality_contact_name),
            ("municipality_contact_title", &self.municipality_contact_title),
            ("municipality_contact_email", &self.municipality_contact_email),
            ("municipality_contact_phone", &self.municipality_contact_phone),
        ]
    }

    fn contacts(&self) -> Vec<Contact> {
        let sides = [
            (
                Side::County,
                [
                    &self.county_contact_name,
                    &self.county_contact_title,
                    &self.county_contact_email,
                    &self.county_contact_phone,
                ],
            ),
            (
                Side::Municipality,
                [
                    &self.municipality_contact_name,
                    &self.municipality_contact_title,
                    &self.municipality_contact_email,
                    &self.municipality_contact_phone,
                ],
            ),
        ];
        sides
            .into_iter()
            .filter_map(|(side, [name, title, email, phone])| {
                Some(Contact {
                    side,
                    name: given(name)?,
                    title: given(title),
                    email: given(email),
                    phone: given(phone),
                })
            })
            .collect()
    }
}

/// A new co-financing agreement as typed: the municipality, a title (or the usual one), and its
/// first version.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AgreementForm {
    pub municipality: String,
    pub title: String,
    #[serde(flatten)]
    pub version: VersionForm,
}

/// A new co-financing agreement, checked.
#[derive(Debug, Clone)]
pub struct NewAgreement {
    pub municipality: MunicipalityCode,
    /// `None` for the usual title, which names the municipality.
    pub title: Option<String>,
    pub first: NewVersion,
}

impl AgreementForm {
    /// Every field checked at once; the municipality must be in the post's county.
    pub fn check(&self, county_code: &str) -> Result<NewAgreement, Vec<Invalid>> {
        let mut errors = Errors::new();
        let municipality = errors.keep(
            self.municipality
                .trim()
                .parse::<MunicipalityCode>()
                .ok()
                .filter(|c| c.municipality().county_code == county_code)
                .ok_or_else(|| Invalid::new("municipality", Text::new("agreement-form-bad-municipality"))),
        );
        let first = errors.keep_all(self.version.check());
        let title = errors.keep(bounded("title", &self.title, 200));
        errors.finish(|| Some(NewAgreement { municipality: municipality?, title: title?, first: first? }))
    }
}

/// An amendment as typed: the version it was written from, and the new version.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AmendmentForm {
    /// The version in force when the form was opened (a hidden field).
    pub based_on: i32,
    #[serde(flatten)]
    pub version: VersionForm,
}

impl AmendmentForm {
    pub fn check(&self) -> Result<NewVersion, Vec<Invalid>> {
        self.version.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: Vec<Invalid>) -> Vec<String> {
        errors.into_iter().map(|e| e.field.into_owned()).collect()
    }

    fn form() -> VersionForm {
        VersionForm {
            effective_from: "2018-11-18".into(),
            validity: "until_notice".into(),
            start_date: "2018-01-01".into(),
            notice_months: "2".into(),
            refund_policy: "from-month-after-end".into(),
            schedule: "yearly".into(),
            due_month: "12".into(),
            due_day: "10".into(),
            municipality_org_number: "212000-0480".into(),
            county_org_number: "202100-2270".into(),
            municipality_contact_name: " Demo Kontakt ".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_version_passes_with_its_contacts() {
        let version = form().check().unwrap();
        assert_eq!(version.terms.schedule, InvoiceSchedule::Yearly { month: 12, day: 10 });
        assert_eq!(version.terms.notice_months, Some(2));
        assert_eq!(version.contacts.len(), 1);
        assert_eq!((version.contacts[0].side, version.contacts[0].name.as_str()), (Side::Municipality, "Demo Kontakt"));
        assert!(version.check().is_ok());
    }

    #[test]
    fn an_empty_form_names_every_field_at_once() {
        let errors = AgreementForm::default().check("05").unwrap_err();
        assert_eq!(
            fields(errors),
            ["municipality", "effective_from", "start_date", "due_day", "municipality_org_number", "county_org_number"]
        );
        let e = VersionForm::default().check().unwrap_err();
        assert_eq!(
            e[0].message.swedish(),
            "Skriv dagen ändringen gäller från som ÅÅÅÅ-MM-DD, till exempel 2024-02-01."
        );
    }

    #[test]
    fn a_fixed_term_ends_after_it_starts_and_instalments_are_read_by_line() {
        let backwards = VersionForm { validity: "fixed".into(), end_date: "2017-12-31".into(), ..form() };
        assert_eq!(fields(backwards.check().unwrap_err()), ["end_date"]);
        let lines = VersionForm {
            schedule: "instalments".into(),
            instalments: "2016-12-10;2016-07-01;2017-06-30\nfel\n2017-05-31;2017-07-01".into(),
            notice_months: "0".into(),
            ..form()
        };
        assert_eq!(fields(lines.check().unwrap_err()), ["notice_months", "instalments", "instalments"]);
        let none = VersionForm { schedule: "instalments".into(), ..form() };
        assert_eq!(fields(none.check().unwrap_err()), ["instalments"]);
    }
}
