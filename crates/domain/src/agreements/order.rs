//! A committee's order as its page's forms have it: registering it with its duties, an
//! amendment from a date, the executor's staffing, an occurrence done, a duty's dates moved.
//! Each form names the municipality it is sent for (one of the user's, chosen by the page).

use chrono::NaiveDate;

use super::obligations::{Duty, DutyKind, Schedule, default_duties};
use super::staffing::parse_posts;
use super::termination::RefundPolicy;
use super::terms::{InvoiceSchedule, Terms, Validity};
use super::version::{Contact, NewVersion, Side, bounded, decision, given, org_number, registry_number};
use crate::input::{Errors, Invalid, date, optional_date};
use crate::text::Text;

/// The notice period as typed: empty, or 0 to 120 months.
fn notice_months(text: &str) -> Result<Option<u32>, Invalid> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<u32>()
            .ok()
            .filter(|m| *m <= 120)
            .map(Some)
            .ok_or_else(|| Invalid::new("notice_months", Text::new("order-notice-months-format"))),
    }
}

/// The order as typed on its registration form; each duty's dates under the duty's code.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OrderForm {
    pub municipality: String,
    pub title: String,
    pub registry_number: String,
    pub decision: String,
    pub signed_on: String,
    pub org_number: String,
    pub start: String,
    pub end: String,
    pub notice_months: String,
    pub committee_contact: String,
    pub committee_email: String,
    pub executor_contact: String,
    pub executor_email: String,
    pub written_answer: String,
    pub monthly_report: String,
    pub interim_summary: String,
    pub annual_summary: String,
    pub activity_plan: String,
    pub activity_report: String,
    pub grant_account: String,
}

/// An order, checked: its title, its first version and its duties.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub title: String,
    pub first: NewVersion,
    pub duties: Vec<Duty>,
}

impl OrderForm {
    /// A duty's dates as typed.
    fn duty(&self, kind: DutyKind) -> &str {
        match kind {
            DutyKind::WrittenAnswer => &self.written_answer,
            DutyKind::MonthlyReport => &self.monthly_report,
            DutyKind::InterimSummary => &self.interim_summary,
            DutyKind::AnnualSummary => &self.annual_summary,
            DutyKind::ActivityPlan => &self.activity_plan,
            DutyKind::ActivityReport => &self.activity_report,
            DutyKind::GrantAccount => &self.grant_account,
        }
    }

    /// Every field checked at once; the duties in the shape of the seed's, once the start is
    /// known.
    pub fn check(&self) -> Result<NewOrder, Vec<Invalid>> {
        let mut errors = Errors::new();
        let title =
            errors.keep(given(&self.title).ok_or_else(|| Invalid::new("title", Text::new("order-title-needed"))));
        let title = title.and_then(|t| errors.keep(bounded("title", &t, 200)).flatten());
        let registry_number = errors.keep(registry_number(&self.registry_number));
        let decision = errors.keep(decision(&self.decision));
        let start = errors.keep(date("start", &self.start));
        let end = errors.keep(optional_date("end", Some(&self.end)));
        if let (Some(start), Some(Some(end))) = (start, end)
            && end < start
        {
            errors.push(Invalid::new("end", Text::new("agreement-end-before-start")));
        }
        let notice = errors.keep(notice_months(&self.notice_months));
        let org = errors.keep(org_number("org_number", &self.org_number));
        let signed_on = errors.keep(optional_date("signed_on", Some(&self.signed_on)));
        // Only the shape of each duty's dates is the seed's (a date, a day, a month and day), so
        // the duties are read, and their errors told, even when the start is wrong.
        let shapes = default_duties(start.unwrap_or(NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date")));
        let duties: Vec<Duty> = shapes
            .into_iter()
            .filter_map(|duty| {
                let schedule = errors.keep(Schedule::read(duty.code.code(), self.duty(duty.code), duty.schedule))?;
                Some(Duty { code: duty.code, schedule })
            })
            .collect();
        for (field, text) in [
            ("committee_contact", &self.committee_contact),
            ("committee_email", &self.committee_email),
            ("executor_contact", &self.executor_contact),
            ("executor_email", &self.executor_email),
        ] {
            errors.keep(bounded(field, text, 200));
        }
        let contacts = [
            (Side::Committee, &self.committee_contact, &self.committee_email),
            (Side::Executor, &self.executor_contact, &self.executor_email),
        ]
        .into_iter()
        .filter_map(|(side, name, email)| {
            Some(Contact { side, name: given(name)?, title: None, email: given(email), phone: None })
        })
        .collect();
        errors.finish(|| {
            let (start, org) = (start?, org?);
            let first = NewVersion {
                effective_from: start,
                registry_number: registry_number?,
                decision: decision?,
                signed_on: signed_on?,
                terms: Terms {
                    validity: Validity::from_dates(start, end?),
                    notice_months: notice?,
                    refund_policy: RefundPolicy::None,
                    vacancy_threshold_months: None,
                    schedule: InvoiceSchedule::None,
                },
                municipality_org_number: org.clone(),
                county_org_number: org,
                contacts,
                note: None,
            };
            Some(NewOrder { title: title?, first, duties })
        })
    }
}

/// The order's new terms from a date (a prolongation, another notice period): a new version
/// with the current version's parties and contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    /// The version the amendment was written from.
    pub based_on: i32,
    pub effective_from: NaiveDate,
    pub registry_number: Option<String>,
    pub decision: Option<String>,
    pub end: Option<NaiveDate>,
    pub notice_months: Option<u32>,
}

/// An amendment of the order as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct OrderAmendmentForm {
    pub municipality: String,
    /// The version the page showed (a hidden field).
    pub based_on: i32,
    pub effective_from: String,
    pub end: String,
    pub notice_months: String,
    pub registry_number: String,
    pub decision: String,
}

impl OrderAmendmentForm {
    pub fn check(&self) -> Result<Amendment, Vec<Invalid>> {
        let mut errors = Errors::new();
        let effective_from = errors.keep(date("effective_from", &self.effective_from));
        let end = errors.keep(optional_date("end", Some(&self.end)));
        if let (Some(from), Some(Some(end))) = (effective_from, end)
            && end < from
        {
            errors.push(Invalid::new("end", Text::new("order-end-before-effective")));
        }
        let notice_months = errors.keep(notice_months(&self.notice_months));
        let registry_number = errors.keep(registry_number(&self.registry_number));
        let decision = errors.keep(decision(&self.decision));
        errors.finish(|| {
            Some(Amendment {
                based_on: self.based_on,
                effective_from: effective_from?,
                registry_number: registry_number?,
                decision: decision?,
                end: end?,
                notice_months: notice_months?,
            })
        })
    }
}

/// The executor's staffing as typed: from a date, in full-time posts ("2,5").
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct StaffingForm {
    pub municipality: String,
    pub from: String,
    pub posts: String,
    pub note: String,
}

/// The staffing, checked: posts in hundredths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaffing {
    pub from: NaiveDate,
    pub hundredths: u32,
    pub note: Option<String>,
}

impl StaffingForm {
    pub fn check(&self) -> Result<NewStaffing, Vec<Invalid>> {
        let mut errors = Errors::new();
        let from = errors.keep(date("from", &self.from));
        let hundredths =
            errors.keep(parse_posts(&self.posts).ok_or_else(|| Invalid::new("posts", Text::new("order-posts-format"))));
        let note = errors.keep(bounded("note", &self.note, 1000));
        errors.finish(|| Some(NewStaffing { from: from?, hundredths: hundredths?, note: note? }))
    }
}

/// An occurrence recorded done, as typed on its row: which obligation and period (hidden
/// fields), the day and the document that shows it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct FulfilForm {
    pub municipality: String,
    pub obligation: i32,
    pub period: String,
    pub done_on: String,
    pub document: String,
}

/// An occurrence done, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fulfilment {
    pub done_on: NaiveDate,
    pub document: String,
}

impl FulfilForm {
    /// The day is today or earlier; the document is named.
    pub fn check(&self, today: NaiveDate) -> Result<Fulfilment, Vec<Invalid>> {
        let mut errors = Errors::new();
        let done_on = errors.keep(date("done_on", &self.done_on).and_then(|d| {
            if d > today { Err(Invalid::new("done_on", Text::new("obligation-done-future"))) } else { Ok(d) }
        }));
        let document = self.document.trim();
        if document.is_empty() || document.chars().count() > 300 {
            errors.push(Invalid::new("document", Text::new("obligation-document-needed")));
        }
        errors.finish(|| Some(Fulfilment { done_on: done_on?, document: document.to_owned() }))
    }
}

/// A duty's dates moved, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RescheduleForm {
    pub municipality: String,
    pub obligation: i32,
    pub schedule: String,
}

impl RescheduleForm {
    /// The dates in the shape of the duty's schedule, `like`.
    pub fn check(&self, like: Schedule) -> Result<Schedule, Vec<Invalid>> {
        Schedule::read("schedule", &self.schedule, like).map_err(|e| vec![e])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: Vec<Invalid>) -> Vec<String> {
        errors.into_iter().map(|e| e.field.into_owned()).collect()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn order() -> OrderForm {
        OrderForm {
            title: "Beställning".into(),
            org_number: "212000-2882".into(),
            start: "2020-03-01".into(),
            end: "2024-02-29".into(),
            notice_months: "6".into(),
            committee_contact: "Nämndsekreteraren".into(),
            written_answer: "2020-04-01".into(),
            monthly_report: "15".into(),
            interim_summary: "09-30".into(),
            annual_summary: "01-31".into(),
            activity_plan: "11-30".into(),
            activity_report: "02-28".into(),
            grant_account: "02-28".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_order_with_its_duties_passes() {
        let new = order().check().unwrap();
        assert_eq!(new.duties.len(), 7);
        assert_eq!(new.first.terms.validity.end(), Some(d("2024-02-29")));
        assert_eq!(new.first.contacts.len(), 1);
        assert!(new.first.check().is_ok());
    }

    #[test]
    fn an_empty_order_and_wrong_duties_name_every_field_at_once() {
        let empty = fields(OrderForm::default().check().unwrap_err());
        assert_eq!(&empty[..3], ["title", "start", "org_number"]);
        assert_eq!(empty.len(), 3 + 7, "and every duty's dates");
        let wrong = OrderForm { interim_summary: "09-31".into(), monthly_report: "x".into(), ..order() };
        assert_eq!(fields(wrong.check().unwrap_err()), ["monthly_report", "interim_summary"]);
    }

    #[test]
    fn texts_longer_than_a_page_can_show_are_refused_with_their_limit() {
        let long = "x".repeat(10_000);
        let form = OrderForm {
            title: long.clone(),
            decision: long.clone(),
            registry_number: long.clone(),
            committee_contact: long,
            ..order()
        };
        let errors = form.check().unwrap_err();
        let named: Vec<(String, String)> =
            errors.iter().map(|e| (e.field.to_string(), e.message.to_string())).collect();
        assert_eq!(
            named.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
            ["title", "registry_number", "decision", "committee_contact"]
        );
        assert!(named[0].1.contains("högst 200 tecken"), "{named:?}");
    }

    #[test]
    fn the_small_forms_name_every_field_at_once() {
        assert_eq!(fields(OrderAmendmentForm::default().check().unwrap_err()), ["effective_from"]);
        let backwards =
            OrderAmendmentForm { effective_from: "2024-01-01".into(), end: "2023-12-31".into(), ..Default::default() };
        assert_eq!(fields(backwards.check().unwrap_err()), ["end"]);
        assert_eq!(fields(StaffingForm::default().check().unwrap_err()), ["from", "posts"]);
        assert_eq!(fields(FulfilForm::default().check(d("2024-01-01")).unwrap_err()), ["done_on", "document"]);
        let ahead = FulfilForm { done_on: "2024-01-02".into(), document: "SN 1".into(), ..Default::default() };
        assert_eq!(fields(ahead.check(d("2024-01-01")).unwrap_err()), ["done_on"]);
        let long = FulfilForm { done_on: "2024-01-01".into(), document: "x".repeat(301), ..Default::default() };
        assert_eq!(fields(long.check(d("2024-01-01")).unwrap_err()), ["document"]);
        let done = FulfilForm { done_on: "2024-01-01".into(), document: " SN 1 ".into(), ..Default::default() };
        assert_eq!(
            done.check(d("2024-01-01")).unwrap(),
            Fulfilment { done_on: d("2024-01-01"), document: "SN 1".into() }
        );
        let staffing = StaffingForm { from: "2024-01-01".into(), posts: "1000,5".into(), ..Default::default() };
        assert_eq!(fields(staffing.check().unwrap_err()), ["posts"]);
        let staffing =
            StaffingForm { from: "2024-01-01".into(), posts: "2,5".into(), note: " ".into(), ..Default::default() };
        assert_eq!(staffing.check().unwrap(), NewStaffing { from: d("2024-01-01"), hundredths: 250, note: None });
        let form = RescheduleForm { schedule: "40".into(), ..Default::default() };
        assert_eq!(fields(form.check(Schedule::Monthly { day: 15 }).unwrap_err()), ["schedule"]);
        assert_eq!(
            Schedule::read("x", "09-30", Schedule::Yearly { month: 1, day: 1, next_year: true }).unwrap().written(),
            "09-30"
        );
    }
}
