//! A complaint or a deviation as registered: what it is, how it came in, what it is about, how
//! serious, what was done and when it was closed.

use chrono::NaiveDate;

use crate::input::{Invalid, optional_date, optional_text, required_text};
use crate::text::Text;

crate::coded! {
    /// A complaint comes from outside (a person, a landlord, an authority); a deviation is found
    /// by the staff in their own work.
    pub enum Kind { Complaint = "complaint", Deviation = "deviation" }
}

crate::coded! {
    /// How it came in.
    pub enum Channel {
        Phone = "phone",
        Email = "email",
        Letter = "letter",
        Visit = "visit",
        EService = "e_service",
        Internal = "internal",
    }
}

crate::coded! {
    /// What it is about, by the duties of the order.
    pub enum Category {
        Reception = "reception",
        Housing = "housing",
        Plan = "plan",
        Treatment = "treatment",
        Availability = "availability",
        Economy = "economy",
        Confidentiality = "confidentiality",
        Other = "other",
    }
}

crate::coded! {
    /// A serious one is told to the committee at once.
    pub enum Severity { Normal = "normal", Serious = "serious" }
}

/// The most a description or the actions may hold.
pub const MAX_TEXT: usize = 4000;

/// A complaint or deviation as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DeviationForm {
    pub kind: String,
    pub received_on: String,
    pub channel: String,
    pub description: String,
    pub category: String,
    pub severity: String,
    pub actions: Option<String>,
    pub closed_on: Option<String>,
    pub committee_summary: Option<String>,
}

/// A complaint or deviation that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    pub kind: Kind,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub description: String,
    pub category: Category,
    pub severity: Severity,
    pub actions: Option<String>,
    pub closed_on: Option<NaiveDate>,
    /// What the committee reads of a serious one: written for it, naming nobody.
    pub committee_summary: Option<String>,
}

/// The most a summary for the committee may hold.
pub const MAX_SUMMARY: usize = 1000;

fn choice<T: Copy>(field: &'static str, code: &str, parse: fn(&str) -> Option<T>, what: Text) -> Result<T, Invalid> {
    parse(code.trim()).ok_or_else(|| Invalid::new(field, Text::new("input-choose").with_text("what", what)))
}

impl DeviationForm {
    /// Every error at once, each with its field. Not received in the future; closed neither
    /// before it was received nor in the future; closing needs the actions taken.
    pub fn check(&self, today: NaiveDate) -> Result<Deviation, Vec<Invalid>> {
        let mut errors = Vec::new();
        fn keep<T>(errors: &mut Vec<Invalid>, r: Result<T, Invalid>) -> Option<T> {
            r.map_err(|e| errors.push(e)).ok()
        }
        let kind = keep(
            &mut errors,
            choice("kind", &self.kind, Kind::from_code as fn(&str) -> Option<Kind>, Text::new("what-deviation-kind")),
        );
        let received_on = keep(
            &mut errors,
            crate::input::date("received_on", &self.received_on).and_then(|d| {
                if d > today { Err(Invalid::new("received_on", Text::new("deviation-received-future"))) } else { Ok(d) }
            }),
        );
        let channel = keep(
            &mut errors,
            choice("channel", &self.channel, Channel::from_code, Text::new("what-deviation-channel")),
        );
        let description = keep(
            &mut errors,
            required_text("description", &self.description, MAX_TEXT, Text::new("what-deviation-description")),
        );
        let category = keep(
            &mut errors,
            choice("category", &self.category, Category::from_code, Text::new("what-deviation-category")),
        );
        let severity = keep(
            &mut errors,
            choice("severity", &self.severity, Severity::from_code, Text::new("what-deviation-severity")),
        );
        let actions = keep(
            &mut errors,
            optional_text("actions", self.actions.as_deref(), MAX_TEXT, Text::new("what-deviation-actions")),
        );
        let closed_on = keep(&mut errors, optional_date("closed_on", self.closed_on.as_deref()));
        let committee_summary = keep(
            &mut errors,
            optional_text(
                "committee_summary",
                self.committee_summary.as_deref(),
                MAX_SUMMARY,
                Text::new("what-committee-summary"),
            ),
        );
        if severity == Some(Severity::Serious) && matches!(committee_summary, Some(None)) {
            errors.push(Invalid::new("committee_summary", Text::new("deviation-summary-needed")));
        }
        if let (Some(Some(closed)), Some(received)) = (closed_on, received_on) {
            if closed < received {
                errors.push(Invalid::new("closed_on", Text::new("deviation-closed-before-received")));
            } else if closed > today {
                errors.push(Invalid::new("closed_on", Text::new("deviation-received-future")));
            }
        }
        if let (Some(Some(_)), Some(None)) = (closed_on, &actions) {
            errors.push(Invalid::new("actions", Text::new("deviation-actions-needed")));
        }
        match (kind, received_on, channel, description, category, severity, actions, closed_on, committee_summary) {
            (
                Some(kind),
                Some(received_on),
                Some(channel),
                Some(description),
                Some(category),
                Some(severity),
                Some(actions),
                Some(closed_on),
                Some(committee_summary),
            ) if errors.is_empty() => Ok(Deviation {
                kind,
                received_on,
                channel,
                description,
                category,
                severity,
                actions,
                closed_on,
                committee_summary,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn form() -> DeviationForm {
        DeviationForm {
            kind: "deviation".into(),
            received_on: "2024-05-03".into(),
            channel: "internal".into(),
            description: "Nycklar lämnades inte över vid inflyttningen.".into(),
            category: "housing".into(),
            severity: "serious".into(),
            actions: None,
            closed_on: None,
            committee_summary: Some("Nycklar saknades vid en inflyttning.".into()),
        }
    }

    #[test]
    fn a_form_passes_and_codes_round_trip() {
        let deviation = form().check(d("2024-05-10")).unwrap();
        assert_eq!(
            (deviation.kind, deviation.severity, deviation.category),
            (Kind::Deviation, Severity::Serious, Category::Housing)
        );
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(*c));
        }
    }

    #[test]
    fn every_error_is_named_at_once() {
        let bad = DeviationForm {
            kind: "yoga".into(),
            received_on: "2024-06-01".into(),
            channel: "".into(),
            description: " ".into(),
            closed_on: Some("2024-04-01".into()),
            ..form()
        };
        let fields: Vec<String> =
            bad.check(d("2024-05-10")).unwrap_err().into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["kind", "received_on", "channel", "description", "actions"], "closed without actions too");
    }

    #[test]
    fn a_serious_one_needs_a_summary_for_the_committee() {
        let bare = DeviationForm { committee_summary: None, ..form() };
        assert_eq!(bare.check(d("2024-05-10")).unwrap_err()[0].field, "committee_summary");
        let normal = DeviationForm { committee_summary: None, severity: "normal".into(), ..form() };
        assert!(normal.check(d("2024-05-10")).is_ok());
    }

    #[test]
    fn closing_needs_the_actions_and_a_date_in_order() {
        let early = DeviationForm { closed_on: Some("2024-05-02".into()), actions: Some("Nya lås".into()), ..form() };
        assert_eq!(
            early.check(d("2024-05-10")).unwrap_err()[0].message.swedish(),
            "Ärendet kan inte avslutas före det kom in."
        );
        let bare = DeviationForm { closed_on: Some("2024-05-04".into()), ..form() };
        assert_eq!(bare.check(d("2024-05-10")).unwrap_err()[0].field, "actions");
        let done = DeviationForm { closed_on: Some("2024-05-04".into()), actions: Some("Nya lås".into()), ..form() };
        assert_eq!(done.check(d("2024-05-10")).unwrap().closed_on, Some(d("2024-05-04")));
    }
}
